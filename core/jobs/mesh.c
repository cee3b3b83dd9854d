/* mesh.c: the mesh pairing job: this node and up to 7 peers, a session and a thread per peer. */
#include "core/jobs/mesh.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/text.h"
#include "core/base/util.h"
#include "core/ssh/sshsession.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/jobs/pair_steps.h"

struct peer_node {
	struct pair_ctx c;
	struct pair_outcome out;
	atomic_bool alive; /* still in the mesh: nothing failed on it (read by the others' threads) */
	char error[256]; /* why it dropped out */
	bool keyed; /* logged in with the user's key */
	bool try_shared; /* the password the user said is the same is to be tried here */
	int shared_rc; /* what it gave: 0 logged in, -EACCES refused, -EIO the login failed */
	int node; /* its index in the outcome (1..) */
};

struct mesh {
	struct worker *w;
	struct mesh_request *req;
	struct mesh_outcome *out;
	struct journal *journal;
	pthread_mutex_t local_lock;
	const char *accept[MESH_MAX_NODES * 2];
	struct peer_node *v[MESH_MAX_PEERS];
	size_t n;
	const char *shared; /* during the logins: the password the user said is the same */
};

typedef void peer_fn(struct mesh *m, struct peer_node *p);

struct task {
	struct mesh *m;
	struct peer_node *p;
	peer_fn *fn;
};

static void *task_main(void *arg)
{
	struct task *t = arg;
	t->fn(t->m, t->p);
	return NULL;
}

/* fn on every live peer at once, a thread each (inline if a thread cannot start); returns when
 * all are done. */
static void each_peer(struct mesh *m, peer_fn *fn)
{
	pthread_t th[MESH_MAX_PEERS];
	struct task t[MESH_MAX_PEERS];
	bool started[MESH_MAX_PEERS] = { false };
	for (size_t k = 0; k < m->n; k++) {
		if (!m->v[k]->alive)
			continue;
		t[k] = (struct task){ .m = m, .p = m->v[k], .fn = fn };
		started[k] = pthread_create(&th[k], NULL, task_main, &t[k]) == 0;
		if (!started[k])
			fn(m, m->v[k]);
	}
	for (size_t k = 0; k < m->n; k++)
		if (started[k])
			pthread_join(th[k], NULL);
}

static const char *peer_label(const struct peer_node *p)
{
	return p->c.peer_hostname[0] ? p->c.peer_hostname : p->c.req->address;
}

/* p drops out of the mesh: its summary (or why) is the reason. */
static void drop(struct peer_node *p, const char *why)
{
	p->alive = false;
	str_copy(p->error, why && why[0] ? why : p->out.summary, sizeof(p->error));
	job_warn(p->c.w, 0, "%s: %s", peer_label(p), p->error);
}

static enum pair_status stop(struct mesh *m, enum pair_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum pair_status stop(struct mesh *m, enum pair_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->out->summary, sizeof(m->out->summary), fmt, ap);
	va_end(ap);
	m->out->status = st;
	return st;
}

/* ---- before anything is written ---------------------------------------------------------- */

static void do_connect(struct mesh *m, struct peer_node *p)
{
	(void)m;
	if (pair_connect(&p->c) != PAIR_OK)
		p->alive = false;
}

/* HOSTs that are one machine (the same host key) are paired once, under all their names. */
static void merge_same_nodes(struct mesh *m)
{
	for (size_t a = 0; a < m->n; a++)
		for (size_t b = a + 1; b < m->n;) {
			struct peer_node *pa = m->v[a], *pb = m->v[b];
			if (strcmp(pa->c.s->fingerprint, pb->c.s->fingerprint) != 0) {
				b++;
				continue;
			}
			job_progress(m->w,
				     "%s and %s are one node (the same host key): paired once",
				     pa->c.req->address, pb->c.req->address);
			for (size_t i = 0; i < pb->c.req->npeer_names; i++)
				pair_request_add_name(pa->c.req->peer_names,
						      &pa->c.req->npeer_names,
						      pb->c.req->peer_names[i]);
			sshsession_free(pb->c.s);
			free(pb);
			memmove(&m->v[b], &m->v[b + 1], (m->n - b - 1) * sizeof(m->v[0]));
			m->n--;
		}
}

/* Is p this node (a HOST naming it)? Its host key is one of ours. */
static bool is_this_node(const struct peer_node *p)
{
	static const char *const hk[] = { "/etc/ssh/ssh_host_ed25519_key.pub",
					  "/etc/ssh/ssh_host_ecdsa_key.pub",
					  "/etc/ssh/ssh_host_rsa_key.pub" };
	for (size_t k = 0; k < ARRAY_LEN(hk); k++) {
		char line[4096], type[64] = "", blob[3000] = "";
		if (file_read_small(hk[k], line, sizeof(line)) > 0 &&
		    sscanf(line, "%63s %2999s", type, blob) == 2 &&
		    strcmp(blob, p->c.s->keyb64) == 0)
			return true;
	}
	return false;
}

static void try_key(struct mesh *m, struct peer_node *p)
{
	(void)m;
	p->keyed = p->c.mykey_path[0] && sshsession_login_key(p->c.s, p->c.mykey_path);
	if (p->keyed)
		job_progress(p->c.w, "Logged in to %s with your key", p->c.req->address);
}

/* The others that still need a password, for the question "the same there?". */
static void still_to_log_in(struct mesh *m, size_t from, char *out, size_t size)
{
	out[0] = '\0';
	size_t len = 0;
	for (size_t k = from; k < m->n && len < size; k++)
		if (!m->v[k]->keyed)
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "",
						m->v[k]->c.req->address);
}

/* The password the user said is the same, on every node still to log in to, at once. */
static void try_shared(struct mesh *m, struct peer_node *p)
{
	if (!p->try_shared || p->keyed)
		return;
	p->shared_rc = sshsession_login_password(p->c.s, m->shared);
	if (p->shared_rc == 0)
		job_progress(m->w, "Logged in to %s with the same password", p->c.req->address);
}

/* Passwords, node by node on this thread: the user's key first (tried already), then a
 * password the user said is the same everywhere (tried on the others at once), else the node's
 * own (three tries). */
static enum pair_status logins(struct mesh *m)
{
	char shared[512] = "";
	bool asked_same = false;
	enum pair_status st = PAIR_OK;
	for (size_t k = 0; k < m->n && st == PAIR_OK; k++) {
		struct peer_node *p = m->v[k];
		if (p->keyed || (p->try_shared && p->shared_rc == 0))
			continue;
		p->c.skip_key_login = true;
		if (p->try_shared && p->shared_rc == -EIO) {
			st = pair_fail(&p->c, PAIR_FAILED, "the login to %s failed: %s",
				       p->c.req->address, sshsession_error(p->c.s));
			break;
		}
		if (p->try_shared)
			job_warn(m->w, 0, "%s refused that password: asking its own",
				 p->c.req->address);
		if ((st = pair_login(&p->c)) != PAIR_OK || worker_cancelled(m->w))
			break;
		char rest[300];
		still_to_log_in(m, k + 1, rest, sizeof(rest));
		if (!asked_same && rest[0]) {
			asked_same = true;
			int same = m->req->same_password ? 1
							 : job_ask_yes(m->w, JOB_ASK_CONFIRM,
								       JOB_CONFIRM_SAME_PASSWORD,
								       p->c.req->address, rest);
			if (same == -ECANCELED) {
				st = pair_fail(&p->c, PAIR_CANCELLED, "cancelled");
				break;
			}
			if (same == 1) {
				str_copy(shared, p->c.password, sizeof(shared));
				for (size_t j = k + 1; j < m->n; j++)
					m->v[j]->try_shared = !m->v[j]->keyed;
				m->shared = shared;
				each_peer(m, try_shared);
				m->shared = NULL;
			}
		}
		secret_wipe(p->c.password, sizeof(p->c.password)); /* no sudo here: not needed */
	}
	secret_wipe(shared, sizeof(shared));
	return st;
}

/* ---- the changes --------------------------------------------------------------------------- */

static void pair_with_this_node(struct mesh *m, struct peer_node *p)
{
	(void)m;
	if (pair_peer_facts(&p->c) != PAIR_OK || worker_cancelled(p->c.w) ||
	    pair_exchange(&p->c) != PAIR_OK)
		drop(p, NULL);
}

/* The names of q a peer's known_hosts gets: every name q is known by, without a scope. */
static size_t names_for_peers(const struct peer_node *q, const char **names)
{
	size_t n = 0;
	for (size_t i = 0; i < q->c.req->npeer_names; i++)
		if (!strchr(q->c.req->peer_names[i], '%') &&
		    ssh_name_valid(q->c.req->peer_names[i]))
			names[n++] = q->c.req->peer_names[i];
	return n;
}

/* On peer p: every other live peer's public key into its authorized_keys, their host keys into
 * its known_hosts: each change journaled, then all of them in one command on p: one edit of each
 * file (authorized_keys first, then known_hosts only if that worked). */
static void pair_peers_on(struct mesh *m, struct peer_node *p)
{
	char err[1024] = "", out[1024];
	struct buf keys, hosts;
	buf_init(&keys);
	buf_init(&hosts);
	size_t npeers = 0;
	for (size_t k = 0; k < m->n && p->alive; k++) {
		struct peer_node *q = m->v[k];
		if (q == p || !q->alive || !q->c.peer_pub[0])
			continue;
		const char *names[PAIR_MAX_NAMES];
		size_t nn = names_for_peers(q, names);
		if (pair_remote_authkeys_cmd(&p->c, q->c.peer_pub, &keys, err, sizeof(err)) < 0 ||
		    (nn && pair_remote_known_hosts_cmd(&p->c, q->c.s->keytype, q->c.s->keyb64,
						       names, nn, &hosts, err, sizeof(err)) < 0)) {
			drop(p, err);
			goto out;
		}
		npeers++;
	}
	if (!npeers || worker_cancelled(m->w))
		goto out;
	if (hosts.len) {
		buf_puts(&keys, " && ");
		buf_add(&keys, hosts.data, hosts.len);
	}
	if (pair_remote_run(&p->c, keys.data, out, sizeof(out), err, sizeof(err)) != 0) {
		char why[300];
		snprintf(why, sizeof(why),
			 "could not record the other nodes' keys in its authorized_keys and "
			 "known_hosts: %s",
			 err[0] ? err : "no answer");
		drop(p, why);
		goto out;
	}
	job_progress(m->w,
		     "%s: the %zu other peers' keys in its authorized_keys, their host keys in its "
		     "known_hosts",
		     peer_label(p), npeers);
out:
	buf_free(&keys);
	buf_free(&hosts);
}

/* ---- verification -------------------------------------------------------------------------- */

/* The name p's peers reach it by: the address this node used, else its host name. */
static const char *reach_name(const struct peer_node *p)
{
	if (!strchr(p->c.req->address, '%'))
		return p->c.req->address;
	return p->c.peer_hostname;
}

static void direction(struct mesh *m, int from, int to, bool ok, const char *text)
{
	m->out->dir[from][to] = ok ? MESH_OK : MESH_FAILED;
	job_result(m->w, MESH_INDEX(from, to), ok, text);
}

/* Both directions between this node and p (pair.c's verify), then p -> every other peer with
 * OpenSSH run on p. */
static void verify_from(struct mesh *m, struct peer_node *p)
{
	pair_verify(&p->c);
	m->out->dir[0][p->node] = p->out.to_peer ? MESH_OK : MESH_FAILED;
	m->out->dir[p->node][0] = p->out.from_peer ? MESH_OK : MESH_FAILED;
	for (size_t k = 0; k < m->n; k++) {
		struct peer_node *q = m->v[k];
		if (q == p || worker_cancelled(m->w))
			continue;
		char text[300], out[512], err[512];
		if (!q->alive) {
			snprintf(text, sizeof(text), "%s -> %s: not paired (%s)", peer_label(p),
				 peer_label(q), q->error);
			direction(m, p->node, q->node, false, text);
			continue;
		}
		struct buf cmd;
		buf_init(&cmd);
		/* UpdateHostKeys=no: ssh adds no host key of its own to p's known_hosts (every
		 * line there is one the journal has) */
		pair_ssh_check_cmd(&cmd,
				   p->c.req->remote_user[0] ? p->c.req->remote_user
							    : p->c.req->local.name,
				   reach_name(q), true);
		int st = pair_remote_run(&p->c, cmd.data, out, sizeof(out), err, sizeof(err));
		buf_free(&cmd);
		str_rstrip(out);
		str_rstrip(err);
		bool ok = st == 0 && out[0];
		if (ok)
			snprintf(text, sizeof(text), "%s -> %s: ssh %s hostname (on %s): %s",
				 peer_label(p), peer_label(q), reach_name(q), peer_label(p), out);
		else
			snprintf(text, sizeof(text), "%s -> %s: ssh %s with keys only (on %s): %s",
				 peer_label(p), peer_label(q), reach_name(q), peer_label(p),
				 err[0] ? err : "failed");
		direction(m, p->node, q->node, ok, text);
	}
}

/* Directions of a peer that dropped out: this node <-> it, and it -> every other peer
 * (verify_from reports each live peer -> it). Failed, with the reason. */
static void report_dropped(struct mesh *m, struct peer_node *p)
{
	char text[300];
	snprintf(text, sizeof(text), "this node <-> %s: not paired (%s)", peer_label(p), p->error);
	direction(m, 0, p->node, false, text);
	direction(m, p->node, 0, false, text);
	for (size_t k = 0; k < m->n; k++) {
		struct peer_node *q = m->v[k];
		if (q == p)
			continue;
		snprintf(text, sizeof(text), "%s -> %s: not paired (%s)", peer_label(p),
			 peer_label(q), p->error);
		direction(m, p->node, q->node, false, text);
	}
}

/* ---- the job ------------------------------------------------------------------------------- */

static void outcome(struct mesh *m)
{
	struct mesh_outcome *o = m->out;
	char host[128] = "";
	gethostname(host, sizeof(host) - 1);
	text_clean(o->name[0], sizeof(o->name[0]), host, strlen(host), TEXT_NAME);
	o->nnodes = m->n + 1;
	o->directions = (int)(o->nnodes * (o->nnodes - 1));
	o->verified = 0;
	for (size_t k = 0; k < m->n; k++) {
		struct peer_node *p = m->v[k];
		str_copy(o->name[k + 1], peer_label(p), sizeof(o->name[0]));
		str_copy(o->address[k + 1], p->c.req->address, sizeof(o->address[0]));
		str_copy(o->error[k + 1], p->alive ? "" : p->error, sizeof(o->error[0]));
		o->files_changed += p->out.files_changed;
	}
	for (size_t a = 0; a < o->nnodes; a++)
		for (size_t b = 0; b < o->nnodes; b++)
			o->verified += a != b && o->dir[a][b] == MESH_OK;
}

static enum pair_status run(struct mesh *m)
{
	struct mesh_request *rq = m->req;
	char err[512];
	if (!rq->npeers || rq->npeers > MESH_MAX_PEERS)
		return stop(m, PAIR_FAILED, "a mesh has 1 to %d peers besides this node",
			    MESH_MAX_PEERS);
	m->journal = journal_open(rq->peers[0].journal_path, err, sizeof(err));
	if (!m->journal)
		return stop(m, PAIR_FAILED, "%s", err);
	for (size_t i = 0; i < rq->naccept; i++)
		m->accept[i] = rq->accept[i];
	for (size_t k = 0; k < rq->npeers; k++) {
		struct peer_node *p = xcalloc(1, sizeof(*p));
		struct pair_request *r = &rq->peers[k];
		if (!r->timeout_s)
			r->timeout_s = SSHSESSION_TIMEOUT_S;
		p->c = (struct pair_ctx){ .w = m->w,
					  .req = r,
					  .out = &p->out,
					  .journal = m->journal,
					  .local_lock = &m->local_lock,
					  .accept_list = m->accept,
					  .naccept_list = rq->naccept };
		p->alive = true;
		m->v[m->n++] = p;
	}
	struct peer_node *first = m->v[0];
	enum pair_status st;
	if ((st = pair_same_user(&first->c)) != PAIR_OK)
		return stop(m, st, "%s", first->out.summary);
	/* the key, if there is one, for the key logins (none yet is no failure) */
	if (pair_ensure_my_key(&first->c, false) != PAIR_OK) {
		first->out.status = PAIR_OK;
		first->out.summary[0] = '\0';
	}

	/* 1. every peer at once: connected, its host key read */
	job_progress(m->w, "Connecting to %zu nodes at once", m->n);
	each_peer(m, do_connect);
	for (size_t k = 0; k < m->n; k++)
		if (!m->v[k]->alive)
			return stop(m, m->v[k]->out.status, "%s; nothing was written",
				    m->v[k]->out.summary);
	merge_same_nodes(m);
	for (size_t k = 0; k < m->n; k++)
		if (is_this_node(m->v[k]))
			return stop(
				m, PAIR_FAILED,
				"%s is this node (it answers with this node's host key): name only "
				"the other nodes; nothing was written",
				m->v[k]->c.req->address);
	if (worker_cancelled(m->w))
		return stop(m, PAIR_CANCELLED, "cancelled");

	/* 2. each host key known or accepted (one question per node), on this thread */
	for (size_t k = 0; k < m->n; k++)
		if ((st = pair_check_host_key(&m->v[k]->c)) != PAIR_OK)
			return stop(m, st, "%s", m->v[k]->out.summary);

	/* 3. logged in everywhere: the key at once, then passwords one node at a time */
	for (size_t k = 0; k < m->n; k++) {
		str_copy(m->v[k]->c.mykey_path, first->c.mykey_path, sizeof(first->c.mykey_path));
		m->v[k]->node = (int)k + 1;
	}
	each_peer(m, try_key);
	if ((st = logins(m)) != PAIR_OK || worker_cancelled(m->w)) {
		for (size_t k = 0; k < m->n; k++)
			if (m->v[k]->out.status != PAIR_OK)
				return stop(m, m->v[k]->out.status, "%s", m->v[k]->out.summary);
		return stop(m, PAIR_CANCELLED, "cancelled");
	}

	/* 4. this node's key (created if there is none, journaled) */
	if ((st = pair_ensure_my_key(&first->c, true)) != PAIR_OK)
		return stop(m, st, "%s", first->out.summary);
	for (size_t k = 1; k < m->n; k++) {
		str_copy(m->v[k]->c.mykey_path, first->c.mykey_path, sizeof(first->c.mykey_path));
		str_copy(m->v[k]->c.mypub, first->c.mypub, sizeof(first->c.mypub));
	}

	/* 5. this node paired with each peer, all at once */
	each_peer(m, pair_with_this_node);
	if (worker_cancelled(m->w))
		return stop(m, PAIR_CANCELLED, "cancelled");

	/* 6. each two peers: on each peer, the others' keys and host keys */
	job_progress(m->w, "Pairing the peers with each other");
	each_peer(m, pair_peers_on);
	if (worker_cancelled(m->w))
		return stop(m, PAIR_CANCELLED, "cancelled");

	/* 7. every direction, with keys only */
	job_progress(m->w, "Verifying every direction with keys only (ssh -o BatchMode=yes)");
	for (size_t k = 0; k < m->n; k++)
		m->v[k]->c.result_index[0] = MESH_INDEX(0, m->v[k]->node),
		m->v[k]->c.result_index[1] = MESH_INDEX(m->v[k]->node, 0);
	for (size_t k = 0; k < m->n; k++)
		if (!m->v[k]->alive)
			report_dropped(m, m->v[k]);
	each_peer(m, verify_from);
	if (worker_cancelled(m->w))
		return stop(m, PAIR_CANCELLED, "cancelled");
	outcome(m);
	struct mesh_outcome *o = m->out;
	size_t dropped = 0;
	for (size_t k = 0; k < m->n; k++)
		dropped += !m->v[k]->alive;
	if (o->verified == o->directions)
		return stop(m, PAIR_OK, "paired and verified all %d directions between %zu nodes",
			    o->directions, o->nnodes);
	for (size_t k = 0; k < m->n; k++)
		if (!m->v[k]->alive)
			return stop(m, PAIR_FAILED, "%d of %d directions verified; %s: %s%s",
				    o->verified, o->directions, peer_label(m->v[k]), m->v[k]->error,
				    dropped > 1 ? " (and more: see above)" : "");
	return stop(m, PAIR_VERIFY_FAILED, "%d of %d directions verified", o->verified,
		    o->directions);
}

void mesh_job_run(struct worker *w, void *arg)
{
	struct mesh_job *job = arg;
	memset(&job->out, 0, sizeof(job->out));
	struct mesh m = { .w = w, .req = &job->req, .out = &job->out };
	pthread_mutex_init(&m.local_lock, NULL);
	enum pair_status st = run(&m);
	if (worker_cancelled(w) && st == PAIR_OK)
		st = stop(&m, PAIR_CANCELLED, "cancelled");
	if (!job->out.nnodes)
		outcome(&m);
	job->out.status = st;
	for (size_t k = 0; k < m.n; k++) {
		secret_wipe(m.v[k]->c.password, sizeof(m.v[k]->c.password));
		sshsession_free(m.v[k]->c.s);
		free(m.v[k]);
	}
	journal_close(m.journal);
	pthread_mutex_destroy(&m.local_lock);
	job_done(w, st, job->out.summary);
}
