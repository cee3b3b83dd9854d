/* rollback.c: undoing what the journal recorded, on this node and the peer. */
#include "core/jobs/rollback.h"
#include "core/jobs/rollback_child.h"
#include "core/ssh/sshsession.h"
#include "core/node/node_local.h"
#include "core/jobs/journal_ops.h"
#include "core/jobs/cluster_record.h"
#include "core/node/node_remote.h"
#include "core/base/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void count(struct rollback_report *rep, enum journal_undo u)
{
	switch (u) {
	case UNDO_DONE: rep->undone++; break;
	case UNDO_ALREADY: rep->already++; break;
	case UNDO_KEPT: rep->kept++; break;
	case UNDO_FAILED: rep->failed++; break;
	case UNDO_DESCRIBED: rep->planned++; break;
	case UNDO_NOTHING: break;
	}
}

int rollback_ssh_local(const struct journal_record *v, size_t n, const struct ssh_user *u,
		       bool dry_run, struct buf *log, struct rollback_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	struct journal_scope scope = { .user_journal = geteuid() != 0, .home = u->home };
	for (size_t i = n; i-- > 0;) {
		const struct journal_record *r = &v[i];
		char why[512];
		enum journal_verdict jv;
		if (journal_op_is_ssh(r->op) &&
		    (jv = journal_judge(v, n, i, &scope, why, sizeof(why))) != JOURNAL_OK) {
			buf_printf(log, "%s: %s %s (%s)\n", journal_verdict_word(jv), r->op,
				   r->path, why);
			rep->refused++;
			continue;
		}
		if (strcmp(r->host, "local") != 0) {
			if (str_starts(r->op, "authkeys-") || str_starts(r->op, "known-hosts-") ||
			    strcmp(r->op, "user-create") == 0) {
				rep->remote++;
				buf_printf(log, "on %s: undo %s in %s (over SSH)\n", r->host, r->op,
					   r->path);
			}
			continue;
		}
		struct undo_ctx uc = { .user = u, .dry = dry_run, .log = log };
		count(rep, journal_undo(r, &uc));
	}
	return rep->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- the rollback job */

#define MAX_HOSTS 16 /* a mesh of 8 (7 peers) and the pairings before it */

struct rbctx {
	struct worker *w;
	struct rollback_request *req;
	struct rollback_outcome *out;
	struct node *local;
	struct {
		char host[128];
		struct node *node; /* NULL when it could not be reached */
		bool tried;
		bool need_sudo;
	} hosts[MAX_HOSTS];
	size_t nhosts;
	char left[400]; /* the cluster's nodes out of reach whose records stay (a cluster lost one) */
};

static bool wanted(const struct rbctx *c, const struct journal_record *r)
{
	if (r->undone || strcmp(r->op, "undone") == 0)
		return false;
	if (c->req->local_only && strcmp(r->host, "local") != 0)
		return false;
	return c->req->include_ssh || !journal_op_is_ssh(r->op);
}

/* The node for a record's host: this machine, or the peer (connected once, on first use). */
static struct node *node_for(struct rbctx *c, const char *host, char *err, size_t errsize)
{
	if (strcmp(host, "local") == 0)
		return c->local;
	size_t i;
	for (i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].host, host) == 0)
			break;
	if (i == c->nhosts) {
		snprintf(err, errsize, "too many hosts in the journal");
		return NULL;
	}
	if (!c->hosts[i].tried) {
		c->hosts[i].tried = true;
		struct remote_opts o = {
			.port = 22,
			.local = c->req->user,
			.timeout_s = c->req->timeout_s,
			.w = c->w,
			.password_kind = JOB_ASK_PASSWORD,
			.sudo_password = c->req->sudo_password,
			.read_only = !c->hosts[i].need_sudo,
		};
		str_copy(o.address, host, sizeof(o.address));
		o.names[o.nnames++] = host;
		job_progress(c->w, "Connecting to %s as %s", host, c->req->user.name);
		char e[1024];
		c->hosts[i].node = node_remote_new(&o, e, sizeof(e));
		if (!c->hosts[i].node)
			job_warn(c->w, 0,
				 "%s: its changes stay recorded; run rollback again "
				 "when it is reachable",
				 e);
	}
	if (!c->hosts[i].node)
		snprintf(err, errsize, "%s is not reachable", host);
	return c->hosts[i].node;
}

static const char *where(const struct journal_record *r)
{
	return strcmp(r->host, "local") == 0 ? "this node" : r->host;
}

/* Is the user's own SSH session on an interface a pending record changes? */
static bool session_ok(struct rbctx *c, struct node *nd, const char *host,
		       const struct journal_record *v, const bool *ok, size_t n)
{
	char ifname[16] = "", err[256];
	if (nd->ops->session_if(nd, ifname, sizeof(ifname), err, sizeof(err)) < 0 || !ifname[0])
		return true;
	bool local = strcmp(host, "local") == 0;
	for (size_t i = 0; i < n; i++) {
		if (!ok[i] || strcmp(v[i].host, host) != 0 || strcmp(v[i].path, ifname) != 0)
			continue;
		char q[300];
		snprintf(q, sizeof(q),
			 "%s SSH session %s is on %s, which rollback changes; it may drop",
			 local ? "your" : "sparklink's", local ? "to this node" : host, ifname);
		if (c->req->allow_session_if) {
			job_warn(c->w, 0, "%s (allowed)", q);
			return true;
		}
		if (job_ask_yes(c->w, JOB_ASK_CONFIRM, JOB_CONFIRM_SESSION, NULL, q) == 1)
			return true;
		snprintf(
			c->out->summary, sizeof(c->out->summary),
			"%s. Nothing was undone: connect "
			"through another interface, or confirm explicitly (--allow-session-interface)",
			q);
		return false;
	}
	return true;
}

/* Post the lines of log (they name paths and data from a journal, a file: cleaned first) and
 * keep them in the outcome's log. */
static void post_log(struct rbctx *c, const struct buf *log, bool warn)
{
	if (!log->len)
		return;
	char *clean = xcalloc(1, log->len + 1);
	text_clean(clean, log->len + 1, log->data, log->len, TEXT_LINES);
	buf_puts(&c->out->log, clean);
	char *save = NULL;
	for (char *line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		worker_postf(c->w, warn ? JOB_WARN : JOB_PROGRESS, "%s", line);
	free(clean);
}

/* The cluster lost nodes (c->hosts[] not reached): their records are left pending (not undone,
 * not failed) and c->left names each node and how many of its changes stay recorded. */
static void leave_lost(struct rbctx *c, const struct journal_record *v, size_t n, bool *ok)
{
	struct cluster_record *cr = xcalloc(1, sizeof(*cr));
	/* the names from the newest cluster plan record, undone or not (--local-only undoes this
	 * node's records, the plan's among them, and leaves the peers') */
	size_t at = n;
	while (at-- > 0)
		if (strcmp(v[at].op, "cluster-plan") == 0 && strcmp(v[at].host, "local") == 0 &&
		    cluster_record_parse(v[at].data, cr) == 0)
			break;
	if (at == (size_t)-1)
		cr->nnodes = 0;
	size_t len = 0;
	for (size_t h = 0; h < c->nhosts; h++) {
		if (c->hosts[h].node || !c->hosts[h].tried)
			continue;
		int kept = 0;
		for (size_t i = 0; i < n; i++)
			if (ok[i] && strcmp(v[i].host, c->hosts[h].host) == 0)
				ok[i] = false, kept++;
		const char *name = NULL;
		for (size_t k = 0; k < cr->nnodes; k++)
			if (strcmp(cr->nodes[k].host, c->hosts[h].host) == 0)
				name = cr->nodes[k].name;
		char one[200];
		snprintf(one, sizeof(one),
			 "%s%s%s%s is not reachable: its %d change%s stay%s recorded",
			 name ? name : "", name ? " (" : "", c->hosts[h].host, name ? ")" : "",
			 kept, kept == 1 ? "" : "s", kept == 1 ? "s" : "");
		job_warn(c->w, 0, "%s; the other nodes are rolled back", one);
		if (len < sizeof(c->left))
			len += (size_t)snprintf(c->left + len, sizeof(c->left) - len, "%s%s",
						len ? "; " : "", one);
	}
	free(cr);
}

/* Roll back one journal (this process's own: root's when root, else the user's); returns false
 * if the job must stop. Every record is judged first (journal_ops.h): one that is outside its
 * operation's rules is listed as refused (or, in a user's journal, ignored) and never acted on,
 * nor is its host contacted. */
static bool rollback_journal(struct rbctx *c, const char *path)
{
	char err[1024];
	struct journal_record *v = NULL;
	err[0] = '\0';
	uid_t owner = geteuid();
	struct journal_scope scope = { .user_journal = owner != 0, .home = c->req->user.home };
	int n = journal_read(path, owner, &v, err, sizeof(err));
	if (n < 0) {
		job_warn(c->w, 0, "FAILED: %s", err);
		snprintf(c->out->summary, sizeof(c->out->summary), "%s; nothing was undone", err);
		c->out->rep.failed++;
		return false;
	}
	if (err[0])
		job_warn(c->w, 0, "%s", err);
	bool go = true;
	int pending = 0;
	bool *ok = xcalloc((size_t)n + 1, sizeof(*ok));
	for (int i = n - 1; i >= 0; i--) {
		if (!wanted(c, &v[i]))
			continue;
		char why[512];
		enum journal_verdict jv =
			journal_judge(v, (size_t)n, (size_t)i, &scope, why, sizeof(why));
		if (jv != JOURNAL_OK) {
			struct buf log;
			buf_init(&log);
			buf_printf(&log, "%s: %s: %s %s (%s)\n", journal_verdict_word(jv),
				   where(&v[i]), v[i].op, v[i].path[0] ? v[i].path : "-", why);
			post_log(c, &log, true);
			buf_free(&log);
			c->out->rep.refused++;
			continue;
		}
		ok[i] = true;
	}
	for (int i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		pending++;
		if (strcmp(v[i].host, "local") == 0)
			continue;
		size_t h;
		for (h = 0; h < c->nhosts; h++)
			if (strcmp(c->hosts[h].host, v[i].host) == 0)
				break;
		if (h == c->nhosts && c->nhosts < MAX_HOSTS)
			str_copy(c->hosts[c->nhosts++].host, v[i].host, sizeof(c->hosts[0].host));
		if (h < MAX_HOSTS && !journal_op_is_ssh(v[i].op))
			c->hosts[h].need_sudo = true;
	}
	c->out->pending += pending;
	if (!pending)
		goto out;
	if (!c->req->dry_run && !(go = session_ok(c, c->local, "local", v, ok, (size_t)n)))
		goto out;
	/* every peer first (sudo's password asked there): never undo this node and then find the
	 * peer out of reach, half rolled back. A cluster that lost a node (some peers answer, some
	 * do not) is rolled back on the nodes that answer: the others' records stay for later. */
	size_t reached = 0, lost = 0, first_lost = 0;
	for (size_t h = 0; h < c->nhosts && !c->req->dry_run; h++) {
		struct node *nd = node_for(c, c->hosts[h].host, err, sizeof(err));
		if (nd) {
			reached++;
			if (!(go = session_ok(c, nd, c->hosts[h].host, v, ok, (size_t)n)))
				goto out;
			continue;
		}
		if (!lost++)
			first_lost = h;
	}
	if (lost && !reached) {
		snprintf(c->out->summary, sizeof(c->out->summary),
			 "cannot reach %s as %s with sudo: "
			 "nothing was undone. Run rollback again when it is reachable (or with "
			 "--local-only to undo only this node's changes)",
			 c->hosts[first_lost].host, c->req->user.name);
		go = false;
		goto out;
	}
	if (lost)
		leave_lost(c, v, (size_t)n, ok);
	struct journal *j = NULL;
	if (!c->req->dry_run) {
		j = journal_open(path, err, sizeof(err));
		if (!j) {
			snprintf(c->out->summary, sizeof(c->out->summary), "%s", err);
			c->out->rep.failed++;
			go = false;
			goto out;
		}
	}
	for (int i = n - 1; i >= 0 && !worker_cancelled(c->w); i--) {
		const struct journal_record *r = &v[i];
		if (!ok[i])
			continue;
		struct buf log;
		buf_init(&log);
		enum journal_undo res;
		bool local = strcmp(r->host, "local") == 0;
		struct node *nd =
			c->req->dry_run && !local ? NULL : node_for(c, r->host, err, sizeof(err));
		if (!nd && !(c->req->dry_run && !local)) {
			buf_printf(&log, "FAILED: %s: %s\n", r->host, err);
			res = UNDO_FAILED;
		} else {
			struct undo_ctx uc = { .node = nd,
					       .user = &c->req->user,
					       .dry = c->req->dry_run,
					       .log = &log };
			res = journal_undo(r, &uc);
		}
		count(&c->out->rep, res);
		post_log(c, &log, res == UNDO_FAILED);
		buf_free(&log);
		if (j && res != UNDO_FAILED && res != UNDO_DESCRIBED) {
			char line[32];
			snprintf(line, sizeof(line), "%ld", r->line);
			if (journal_write(j, JOP_UNDONE, "local", r->op, line) < 0) {
				c->out->rep.failed++;
				job_warn(c->w, 0, "cannot write the journal %s", path);
				break;
			}
		}
	}
	journal_close(j);
out:
	free(ok);
	journal_records_free(v, n > 0 ? (size_t)n : 0);
	return go;
}

void rollback_job_run(struct worker *w, void *arg)
{
	struct rollback_job *job = arg;
	buf_free(&job->out.log);
	memset(&job->out, 0, sizeof(job->out));
	buf_init(&job->out.log);
	struct rbctx c = { .w = w, .req = &job->req, .out = &job->out };
	if (!c.req->timeout_s)
		c.req->timeout_s = SSHSESSION_TIMEOUT_S;
	char err[512];
	c.local = node_local_new(err, sizeof(err));
	if (!c.local) {
		snprintf(c.out->summary, sizeof(c.out->summary), "%s", err);
		c.out->rep.failed++;
	} else if (rollback_journal(&c, c.req->journal_path) && c.req->user_journal_path[0] &&
		   strcmp(c.req->user_journal_path, c.req->journal_path) != 0 &&
		   c.req->include_ssh) {
		/* the user's own journal is theirs: undone by a child with their rights only */
		rollback_child_run(w, c.req, c.out);
	}
	struct rollback_report *rep = &c.out->rep;
	c.out->status = rep->failed || rep->refused || c.out->summary[0] ? 1 : 0;
	char refused[200] = "";
	if (rep->refused)
		snprintf(refused, sizeof(refused), "; %d record%s refused (not undone: see above)",
			 rep->refused, rep->refused == 1 ? "" : "s");
	if (!c.out->summary[0]) {
		if (rep->failed && !rep->undone && !rep->planned)
			snprintf(c.out->summary, sizeof(c.out->summary),
				 "nothing was undone%s; FAILED: "
				 "see above",
				 refused);
		else if (!c.out->pending || (c.req->dry_run && !rep->planned))
			snprintf(c.out->summary, sizeof(c.out->summary),
				 "nothing to undo: the journal has "
				 "no change that is not undone yet%s",
				 refused);
		else if (c.req->dry_run)
			snprintf(c.out->summary, sizeof(c.out->summary),
				 "dry run: %d change%s would be "
				 "undone%s; nothing was changed",
				 rep->planned, rep->planned == 1 ? "" : "s", refused);
		else
			snprintf(c.out->summary, sizeof(c.out->summary),
				 "%d undone, %d already as before, "
				 "%d kept%s%s%s",
				 rep->undone, rep->already, rep->kept, refused,
				 rep->failed ? "; FAILED: " : "",
				 rep->failed ? "see above; run rollback "
					       "again after fixing it"
					     : "");
	}
	if (c.left[0]) { /* a cluster's node out of reach: the rest is done, that node is not */
		size_t len = strlen(c.out->summary);
		snprintf(c.out->summary + len, sizeof(c.out->summary) - len,
			 "; %s: run rollback again when it is reachable (--local-only leaves "
			 "every peer for later)",
			 c.left);
		c.out->status = 1;
	}
	for (size_t i = 0; i < c.nhosts; i++)
		node_free(c.hosts[i].node);
	node_free(c.local);
	job_done(w, c.out->status, c.out->summary);
}

void rollback_job_free(struct rollback_job *job)
{
	buf_free(&job->out.log);
}
