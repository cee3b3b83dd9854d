/* apply.c: the addressing job: inspect both nodes, preview, journal and change, verify rails. */
#include "core/jobs/apply.h"
#include "core/jobs/apply_shared.h"
#include "core/jobs/apply_cables.h"
#include "core/ssh/sshsession.h"
#include "core/node/node_local.h"
#include "core/base/base64.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/net/model.h"
#include "core/node/node_remote.h"
#include "core/base/text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *apply_status_word(enum apply_status s)
{
	switch (s) {
	case APPLY_OK: return "applied and verified";
	case APPLY_FAILED: return "failed";
	case APPLY_REFUSED: return "refused";
	case APPLY_CANCELLED: return "cancelled";
	case APPLY_VERIFY_FAILED: return "verification failed";
	case APPLY_DRY_RUN: return "dry run";
	}
	return "?";
}

enum apply_status apply_fail(struct ctx *c, enum apply_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->out->summary, sizeof(c->out->summary), fmt, ap);
	va_end(ap);
	c->out->status = s;
	return s;
}

const char *apply_node_name(const struct ctx *c, const struct node_state *s)
{
	return c->out->plan.names[s->number - 1];
}

/* Record a change before it is made; a journal that cannot be written stops everything. */
static int record(struct ctx *c, const struct node_state *s, enum journal_op op, const char *path,
		  const char *data)
{
	int r = journal_write(c->journal, op, s->node->host, path, data);
	if (r < 0) {
		apply_fail(c, APPLY_FAILED,
			   "cannot write the journal (%s); stopped before changing %s on %s",
			   strerror(-r), path, apply_node_name(c, s));
		return -1;
	}
	c->out->changes++;
	/* a test knob: a pause between the record and the change, so a test can kill -9 there */
	const char *delay = getenv("SPARKLINK_TEST_STEP_DELAY_MS");
	if (delay && atoi(delay) > 0)
		usleep((useconds_t)atoi(delay) * 1000);
	return 0;
}

bool apply_has_addr(const struct node_if *f, const char *cidr)
{
	for (size_t i = 0; i < f->naddrs; i++)
		if (strcmp(f->addrs[i], cidr) == 0)
			return true;
	return false;
}

static bool is_ll4(const char *cidr)
{
	return str_starts(cidr, "169.254.");
}

/* The node's address on the rail as "a.b.c.d" (no prefix), "" if none. */
static void rail_addr(const struct plan *p, int number, const struct node_if *f, char *out,
		      size_t size)
{
	out[0] = '\0';
	const char *cidr = NULL;
	if (p->kind == PLAN_LINK_LOCAL) {
		for (size_t i = 0; i < f->naddrs && !cidr; i++)
			if (is_ll4(f->addrs[i]))
				cidr = f->addrs[i];
	} else {
		for (size_t i = 0; i < p->nifs; i++)
			if (strcmp(plan_ifname(p, i, number), f->ifname) == 0 &&
			    apply_has_addr(f, p->ifs[i].addr[number - 1]))
				cidr = p->ifs[i].addr[number - 1];
	}
	if (!cidr)
		return;
	str_copy(out, cidr, size);
	char *slash = strchr(out, '/');
	if (slash)
		*slash = '\0';
}

/* ---------------------------------------------------------------- changing */

/* The IPv4 link-local addresses of f, comma separated. */
static const char *ll4_joined(const struct node_if *f, char *out, size_t size)
{
	out[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < f->naddrs && len < size; i++)
		if (is_ll4(f->addrs[i]))
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "," : "",
						f->addrs[i]);
	return out;
}

static enum apply_status change_if(struct ctx *c, struct node_state *s, size_t i)
{
	const struct plan *p = &c->out->plan;
	const struct plan_if *pf = &p->ifs[i];
	const struct node_if *f = &s->ifs[i];
	struct node *n = s->node;
	const char *name = apply_node_name(c, s);
	const char *cidr = pf->addr[s->number - 1];
	const char *ifn = plan_ifname(p, i, s->number);
	char err[1024], data[600];

	if (f->mtu != p->mtu) {
		snprintf(data, sizeof(data), "%u %u", f->mtu, p->mtu);
		if (record(c, s, JOP_MTU_SET, ifn, data) < 0)
			return c->out->status;
		/* netplan sets it too; setting it here makes the change the same on every plan */
		if (n->ops->mtu_set(n, ifn, p->mtu, err, sizeof(err)) < 0)
			return apply_fail(c, APPLY_FAILED, "MTU %u on %s of %s: %s", p->mtu, ifn,
					  name, err);
		job_progress(c->w, "%s: %s MTU %u -> %u", name, ifn, f->mtu, p->mtu);
	}
	if (p->kind != PLAN_LINK_LOCAL && !apply_has_addr(f, cidr)) {
		if (record(c, s, JOP_ADDR_ADD, ifn, cidr) < 0)
			return c->out->status;
		if (p->kind == PLAN_STATIC &&
		    n->ops->addr_set(n, ifn, cidr, true, err, sizeof(err)) < 0)
			return apply_fail(c, APPLY_FAILED, "address %s on %s of %s: %s", cidr, ifn,
					  name, err);
		if (p->kind == PLAN_STATIC)
			job_progress(c->w, "%s: %s address %s added", name, ifn, cidr);
	} else if (p->kind != PLAN_LINK_LOCAL) {
		job_progress(c->w, "%s: %s already has %s (reused)", name, ifn, cidr);
	}
	if (p->kind == PLAN_LINK_LOCAL) {
		char before[NODE_MAX_ADDRS * 48];
		if (record(c, s, JOP_LL4, ifn, ll4_joined(f, before, sizeof(before))) < 0)
			return c->out->status;
	}
	if (p->kind != PLAN_STATIC) {
		/* networkd takes over IPv6 link-local on links it manages: remember it as it is */
		size_t len = (size_t)snprintf(data, sizeof(data), "%d ", f->addr_gen_mode);
		for (size_t k = 0; k < f->naddrs6 && len < sizeof(data); k++)
			len += (size_t)snprintf(data + len, sizeof(data) - len, "%s%s",
						k ? "," : "", f->addrs6[k]);
		if (record(c, s, JOP_LL6, ifn, data) < 0)
			return c->out->status;
	}
	if (!f->up) {
		if (record(c, s, JOP_LINK_UP, ifn, NULL) < 0)
			return c->out->status;
		if (n->ops->link_set(n, ifn, true, err, sizeof(err)) < 0)
			return apply_fail(c, APPLY_FAILED, "cannot bring %s up on %s: %s", ifn,
					  name, err);
		job_progress(c->w, "%s: %s up", name, ifn);
	}
	return APPLY_OK;
}

/* The runtime static plan on a port NetworkManager manages: an in-memory profile (nm.h). */
static enum apply_status change_if_nm(struct ctx *c, struct node_state *s, size_t i)
{
	const struct plan *p = &c->out->plan;
	const struct plan_if *pf = &p->ifs[i];
	const struct node_if *f = &s->ifs[i];
	const struct nm_port *np = &s->nm_ports[i];
	struct node *n = s->node;
	const char *name = apply_node_name(c, s);
	const char *cidr = pf->addr[s->number - 1];
	const char *ifn = plan_ifname(p, i, s->number);
	char err[1024], data[160], uuid[40], profile[64];
	nm_profile_name(ifn, profile, sizeof(profile));
	if (strcmp(np->profile, profile) == 0 && apply_has_addr(f, cidr) && f->mtu == p->mtu) {
		job_progress(c->w, "%s: %s already has %s (profile %s, reused)", name, ifn, cidr,
			     profile);
		return APPLY_OK;
	}
	if (f->mtu != p->mtu) {
		/* the profile sets it; recorded so that rollback checks it is back */
		snprintf(data, sizeof(data), "%u %u", f->mtu, p->mtu);
		if (record(c, s, JOP_MTU_SET, ifn, data) < 0)
			return c->out->status;
	}
	nm_uuid_new(uuid);
	/* the address too: the rollback's list says what goes with the profile */
	snprintf(data, sizeof(data), "%s %s%s%s", uuid, np->uuid[0] ? np->uuid : "-",
		 cidr[0] ? " " : "", cidr);
	if (record(c, s, JOP_NM_PROFILE, ifn, data) < 0)
		return c->out->status;
	if (n->ops->nm_activate(n, ifn, uuid, cidr, p->mtu, err, sizeof(err)) < 0)
		return apply_fail(c, APPLY_FAILED, "NetworkManager profile on %s of %s: %s", ifn,
				  name, err);
	job_progress(c->w,
		     "%s: %s address %s, MTU %u through NetworkManager (in-memory profile %s)",
		     name, ifn, cidr, p->mtu, profile);
	return APPLY_OK;
}

static enum apply_status write_netplan(struct ctx *c, struct node_state *s)
{
	const struct plan *p = &c->out->plan;
	struct node *n = s->node;
	const char *name = apply_node_name(c, s);
	char err[1024];
	struct buf yaml;
	buf_init(&yaml);
	plan_netplan_yaml(p, s->number, &yaml);
	enum apply_status st = APPLY_OK;
	if (s->foreign) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		char stamp[32], backup[256];
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(backup, sizeof(backup), "%s/40-cx7.yaml.%s", BACKUP_DIR, stamp);
		if (record(c, s, JOP_BACKUP, backup, PLAN_NETPLAN_PATH) < 0 ||
		    n->ops->file_write(n, backup, s->cur.data.data ? s->cur.data.data : "",
				       s->cur.data.len, 0600, err, sizeof(err)) < 0) {
			st = c->out->status == APPLY_FAILED
				     ? APPLY_FAILED
				     : apply_fail(c, APPLY_FAILED, "cannot back up %s on %s: %s",
						  PLAN_NETPLAN_PATH, name, err);
			goto out;
		}
		job_warn(c->w, 0, "%s: the existing %s (not sparklink's) is backed up to %s", name,
			 PLAN_NETPLAN_PATH, backup);
	}
	if (s->cur.exists && s->cur.data.len == yaml.len &&
	    memcmp(s->cur.data.data, yaml.data, yaml.len) == 0) {
		job_progress(c->w, "%s: %s is already this plan's", name, PLAN_NETPLAN_PATH);
	} else {
		struct buf prev;
		buf_init(&prev);
		if (!s->cur.exists) {
			buf_puts(&prev, "absent");
		} else {
			char *b64 = xcalloc(1, base64_encoded_len(s->cur.data.len) + 1);
			base64_encode(s->cur.data.data ? s->cur.data.data : "", s->cur.data.len,
				      b64);
			buf_printf(&prev, "%o %s", s->cur.mode & 07777, b64);
			free(b64);
		}
		int r = record(c, s, JOP_FILE_WRITE, PLAN_NETPLAN_PATH, prev.data);
		buf_free(&prev);
		if (r < 0) {
			st = APPLY_FAILED;
			goto out;
		}
		if (n->ops->file_write(n, PLAN_NETPLAN_PATH, yaml.data, yaml.len, 0600, err,
				       sizeof(err)) < 0) {
			st = apply_fail(c, APPLY_FAILED, "cannot write %s on %s: %s",
					PLAN_NETPLAN_PATH, name, err);
			goto out;
		}
		job_progress(c->w, "%s: %s written (mode 0600)", name, PLAN_NETPLAN_PATH);
	}
	if (record(c, s, JOP_NETPLAN_APPLY, "/etc/netplan", NULL) < 0) {
		st = APPLY_FAILED;
		goto out;
	}
	job_progress(c->w, "%s: netplan apply", name);
	if (n->ops->netplan(n, "apply", err, sizeof(err)) < 0) {
		st = apply_fail(c, APPLY_FAILED, "netplan apply failed on %s: %s", name, err);
		goto out;
	}
out:
	buf_free(&yaml);
	return st;
}

void apply_via_nm(const struct plan *p, const struct node_state *s, bool *via_nm)
{
	for (size_t i = 0; i < p->nifs; i++)
		via_nm[i] = s->present && p->kind == PLAN_STATIC && s->nm_ports &&
			    s->nm_ports[i].managed;
}

static enum apply_status change_node(struct ctx *c, struct node_state *s)
{
	const struct plan *p = &c->out->plan;
	bool via_nm[PLAN_MAX_IFS];
	apply_via_nm(p, s, via_nm);
	for (size_t i = 0; i < p->nifs; i++) {
		enum apply_status st = via_nm[i] ? change_if_nm(c, s, i) : change_if(c, s, i);
		if (st != APPLY_OK)
			return st;
		if (worker_cancelled(c->w))
			return apply_fail(c, APPLY_CANCELLED,
					  "cancelled part way: `sparklink rollback` undoes "
					  "what was done");
	}
	if (p->kind != PLAN_STATIC)
		return write_netplan(c, s);
	return APPLY_OK;
}

/* ---------------------------------------------------------------- verifying */

/* Wait (bounded) until the node has its address on the rail: IPv4LL comes seconds later. */
static void await_addr(struct ctx *c, struct node_state *s, size_t i, char *out, size_t size)
{
	const struct plan *p = &c->out->plan;
	char err[512];
	int64_t deadline = clock_ms() + (p->kind == PLAN_LINK_LOCAL ? LL_WAIT_MS : 3000);
	for (;;) {
		struct node_if f;
		memset(&f, 0, sizeof(f));
		if (s->node->ops->probe_if(s->node, plan_ifname(p, i, s->number), &f, err,
					   sizeof(err)) == 0)
			rail_addr(p, s->number, &f, out, size);
		/* no carrier: no address is coming (and the ping says why) */
		if (out[0] || !f.carrier || clock_ms() >= deadline || worker_cancelled(c->w))
			return;
		usleep(250 * 1000); /* a bounded retry: networkd's ACD takes seconds */
	}
}

static bool verify(struct ctx *c)
{
	const struct plan *p = &c->out->plan;
	bool all = true;
	c->out->nrails = 0;
	for (size_t i = 0; i < p->nifs && !worker_cancelled(c->w); i++) {
		struct rail *r = &c->out->rails[c->out->nrails++];
		memset(r, 0, sizeof(*r));
		str_copy(r->ifname, p->ifs[i].ifname, sizeof(r->ifname));
		await_addr(c, &c->st[0], i, r->self_addr, sizeof(r->self_addr));
		if (c->st[1].present) {
			await_addr(c, &c->st[1], i, r->peer_addr, sizeof(r->peer_addr));
		} else if (p->kind != PLAN_LINK_LOCAL) {
			str_copy(r->peer_addr, p->ifs[i].addr[2 - p->self_node],
				 sizeof(r->peer_addr));
			char *slash = strchr(r->peer_addr, '/');
			if (slash)
				*slash = '\0';
		}
		struct node_if f;
		char err[256];
		if (c->st[0].node->ops->probe_if(c->st[0].node, r->ifname, &f, err, sizeof(err)) ==
			    0 &&
		    f.exists && !f.carrier)
			snprintf(r->text, sizeof(r->text),
				 "%s has no link (is the cable in at both ends?): "
				 "plug it in, then verify again",
				 p->ifs[i].ifname);
		else
			rail_verify(r, p->mtu);
		all &= r->ok && (!r->jumbo_tested || r->jumbo_ok);
		job_result(c->w, (int)i, r->ok && (!r->jumbo_tested || r->jumbo_ok), r->text);
	}
	return all && c->out->nrails > 0;
}

/* For status: NetworkManager on both nodes and their planned interfaces (what cannot be read
 * stays unknown). */
static void probe_nm(struct ctx *c)
{
	const struct plan *p = &c->out->plan;
	char err[512];
	for (int k = 0; k < 2; k++) {
		if (!c->st[k].present)
			continue;
		struct node *n = c->st[k].node;
		if (n->ops->nm_probe(n, NULL, &c->out->nm[k], &c->out->nm_ports[k][0], err,
				     sizeof(err)) < 0)
			continue;
		for (size_t i = 0; i < p->nifs && c->out->nm[k].renderer == NM_RENDERER_NM; i++)
			n->ops->nm_probe(n, plan_ifname(p, i, c->st[k].number), &c->out->nm[k],
					 &c->out->nm_ports[k][i], err, sizeof(err));
	}
}

/* The newest plan record not undone, from the journal at path. */
static int journal_plan(const char *path, struct plan *p, char *peer, size_t peersize)
{
	char err[512];
	return plan_read_applied(path, p, peer, peersize, err, sizeof(err));
}

/* ---------------------------------------------------------------- the job */

static bool ask(struct ctx *c, enum job_confirm what, const char *text)
{
	return job_ask_yes(c->w, JOB_ASK_CONFIRM, what, NULL, text) == 1;
}

static enum apply_status connect_peer(struct ctx *c)
{
	struct apply_request *req = c->req;
	if (!req->peer_address[0])
		return APPLY_OK;
	struct remote_opts o = {
		.port = 22,
		.local = req->user,
		.timeout_s = req->timeout_s,
		.w = c->w,
		.password_kind = JOB_ASK_PASSWORD,
		.sudo_password = req->sudo_password,
		.read_only = req->verify_only,
	};
	str_copy(o.address, req->peer_address, sizeof(o.address));
	o.names[o.nnames++] = req->peer_address;
	for (size_t i = 0; i < req->npeer_names && o.nnames < ARRAY_LEN(o.names); i++)
		o.names[o.nnames++] = req->peer_names[i];
	job_progress(c->w, "Connecting to %s as %s", req->peer_address, req->user.name);
	char err[1024];
	c->st[1].node = node_remote_new(&o, err, sizeof(err));
	if (!c->st[1].node)
		return apply_fail(c, APPLY_REFUSED, "%s", err);
	c->st[1].present = true;
	return APPLY_OK;
}

static enum apply_status make_plan(struct ctx *c)
{
	struct apply_request *req = c->req;
	char err[512], self[64] = "", peer[64] = "peer";
	if (c->st[0].node->ops->hostname(c->st[0].node, self, sizeof(self), err, sizeof(err)) < 0)
		return apply_fail(c, APPLY_FAILED, "%s", err);
	if (c->st[1].present &&
	    c->st[1].node->ops->hostname(c->st[1].node, peer, sizeof(peer), err, sizeof(err)) < 0)
		return apply_fail(c, APPLY_FAILED, "%s", err);
	if (strcmp(self, peer) == 0)
		return apply_fail(c, APPLY_REFUSED,
				  "both nodes are called %s: give them different host names "
				  "(hostnamectl set-hostname) so each knows which node it is",
				  self);
	int node = req->node ? req->node : c->st[1].present ? plan_node_of(self, peer) : 1;
	const char *ifs[PLAN_MAX_IFS];
	for (size_t i = 0; i < req->nifs; i++)
		ifs[i] = req->ifnames[i];
	if (plan_make(&c->out->plan, req->kind, req->mtu, self, peer, node, ifs, req->nifs, err,
		      sizeof(err)) < 0)
		return apply_fail(c, APPLY_REFUSED, "%s", err);
	c->st[0].number = node;
	c->st[1].number = 3 - node;
	/* the peer's own cabled twins, read from it: never this node's names assumed */
	if (c->st[1].present && apply_peer_ifs(c->st[0].node, c->st[1].node, &c->out->plan,
					       &c->cables, err, sizeof(err)) < 0)
		return apply_fail(c, APPLY_REFUSED, "%s", err);
	return APPLY_OK;
}

static enum apply_status check_session(struct ctx *c)
{
	const struct plan *p = &c->out->plan;
	for (int k = 0; k < 2; k++) {
		struct node_state *s = &c->st[k];
		if (!s->present || !s->session_if[0])
			continue;
		for (size_t i = 0; i < p->nifs; i++) {
			if (strcmp(plan_ifname(p, i, s->number), s->session_if) != 0)
				continue;
			char q[400];
			snprintf(q, sizeof(q),
				 "%s: the SSH session %s is on %s, which this plan changes; "
				 "the session may drop",
				 apply_node_name(c, s), k == 0 ? "you are using" : "sparklink uses",
				 s->session_if);
			if (c->req->allow_session_if)
				job_warn(c->w, 0, "%s (allowed)", q);
			else if (!ask(c, JOB_CONFIRM_SESSION, q))
				return apply_fail(c, APPLY_REFUSED,
						  "%s. Nothing was changed. Connect through "
						  "another interface, or confirm explicitly "
						  "(--allow-session-interface)",
						  q);
		}
	}
	return APPLY_OK;
}

static enum apply_status run(struct ctx *c)
{
	struct apply_request *req = c->req;
	char err[1024];
	c->st[0].node = node_local_new(err, sizeof(err));
	if (!c->st[0].node)
		return apply_fail(c, APPLY_FAILED, "%s", err);
	c->st[0].present = true;
	enum apply_status st;

	if (req->verify_only) {
		char peer[130] = "";
		if (journal_plan(req->journal_path, &c->out->plan, peer, sizeof(peer)) < 0)
			return apply_fail(c, APPLY_REFUSED,
					  "no plan has been applied (or it was rolled back): "
					  "nothing to verify");
		if (!req->peer_address[0] && strcmp(peer, "-") != 0)
			str_copy(req->peer_address, peer, sizeof(req->peer_address));
		c->st[0].number = c->out->plan.self_node;
		c->st[1].number = 3 - c->out->plan.self_node;
		if ((st = connect_peer(c)) != APPLY_OK) {
			job_warn(c->w, 0, "%s", c->out->summary); /* verify what we can alone */
			c->out->status = APPLY_OK;
		}
		probe_nm(c);
		bool ok = verify(c);
		if (ok)
			snprintf(c->out->summary, sizeof(c->out->summary),
				 "every rail answers (%zu)", c->out->nrails);
		else
			snprintf(c->out->summary, sizeof(c->out->summary),
				 "a rail does not answer");
		return ok ? APPLY_OK : APPLY_VERIFY_FAILED;
	}

	if (!req->dry_run && !node_local_can_change())
		return apply_fail(c, APPLY_REFUSED,
				  "changing this node's network needs root: run sparklink "
				  "with sudo (SSH work is still done as you)");
	if ((st = connect_peer(c)) != APPLY_OK)
		return st;
	if ((st = make_plan(c)) != APPLY_OK)
		return st;
	struct buf notes[2];
	for (int k = 0; k < 2; k++) {
		buf_init(&notes[k]);
		node_file_init(&c->st[k].cur);
	}
	for (int k = 0; k < 2; k++)
		if (c->st[k].present && (st = apply_inspect(c, &c->st[k], &notes[k])) != APPLY_OK)
			goto out;
	bool via_nm[2][PLAN_MAX_IFS] = { { false } };
	for (int k = 0; k < 2; k++)
		apply_via_nm(&c->out->plan, &c->st[k], via_nm[c->st[k].number - 1]);
	const bool *const vn[2] = { via_nm[0], via_nm[1] };
	plan_preview(&c->out->plan, vn, &c->out->preview);
	buf_puts(&c->out->preview, "\n== what sparklink found\n");
	bool any = false;
	if (c->cables.len) {
		buf_add(&c->out->preview, c->cables.data, c->cables.len);
		any = true;
	}
	for (int k = 0; k < 2; k++) {
		if (notes[k].len) {
			buf_add(&c->out->preview, notes[k].data, notes[k].len);
			any = true;
		}
	}
	if (c->out->plan.kind == PLAN_LINK_LOCAL && c->out->plan.nifs > 1) {
		buf_printf(
			&c->out->preview,
			"  note: %zu interfaces in 169.254/16: the peer may answer one "
			"rail through the other (one route wins), so a rail can fail its check. The "
			"static plans give each its own /24.\n",
			c->out->plan.nifs);
		any = true;
	}
	if (!c->st[1].present) {
		buf_printf(&c->out->preview,
			   "  no peer given: only this node (%s) is changed; run the "
			   "node %d part on the peer (or give --peer)\n",
			   apply_node_name(c, &c->st[0]), c->st[1].number);
		any = true;
	}
	if (!any)
		buf_puts(&c->out->preview, "  nothing in the way\n");
	buf_puts(&c->out->preview, "Every change is journaled; `sparklink rollback` undoes it.\n");
	if ((st = check_session(c)) != APPLY_OK)
		goto out;
	if (req->dry_run) {
		job_progress(c->w, "dry run: the preview is all; nothing was changed");
		st = APPLY_DRY_RUN;
		snprintf(c->out->summary, sizeof(c->out->summary), "dry run: nothing was changed");
		goto out;
	}
	if (!ask(c, JOB_CONFIRM_PREVIEW, "Apply this plan?")) {
		st = apply_fail(c, APPLY_CANCELLED, "not applied: nothing was changed");
		goto out;
	}
	c->journal = journal_open(req->journal_path, err, sizeof(err));
	if (!c->journal) {
		st = apply_fail(c, APPLY_FAILED, "%s; nothing was changed", err);
		goto out;
	}
	struct buf pr;
	buf_init(&pr);
	plan_record_format(&c->out->plan, c->st[1].present ? req->peer_address : "-", &pr);
	int r = journal_write(c->journal, JOP_PLAN, "local", "", pr.data);
	buf_free(&pr);
	if (r < 0) {
		st = apply_fail(c, APPLY_FAILED,
				"cannot write the journal: %s; nothing was changed", strerror(-r));
		goto out;
	}
	/* the peer first: if it fails, this node is untouched */
	for (int k = 1; k >= 0; k--) {
		if (!c->st[k].present)
			continue;
		job_progress(c->w, "Configuring %s (node %d)", apply_node_name(c, &c->st[k]),
			     c->st[k].number);
		st = change_node(c, &c->st[k]);
		unsigned re = node_remote_reconnects(c->st[k].node);
		if (re)
			job_progress(
				c->w,
				"%s: the SSH connection broke %u time%s and was made again (the "
				"same host key); every step there ran to its end",
				apply_node_name(c, &c->st[k]), re, re == 1 ? "" : "s");
		if (st != APPLY_OK)
			goto out;
	}
	job_progress(c->w, "Verifying every rail");
	if (verify(c)) {
		st = APPLY_OK;
		snprintf(c->out->summary, sizeof(c->out->summary),
			 "%s plan applied%s; every rail answers", plan_kind_name(c->out->plan.kind),
			 c->st[1].present ? " on both nodes" : "");
	} else {
		st = apply_fail(c, APPLY_VERIFY_FAILED,
				"%s plan applied, but a rail does not answer (see "
				"above); `sparklink rollback` undoes it",
				plan_kind_name(c->out->plan.kind));
	}
out:
	for (int k = 0; k < 2; k++) {
		buf_free(&notes[k]);
		node_file_free(&c->st[k].cur);
	}
	return st;
}

void apply_job_run(struct worker *w, void *arg)
{
	struct apply_job *job = arg;
	struct ctx c = { .w = w, .req = &job->req, .out = &job->out };
	buf_init(&c.cables);
	buf_free(&job->out.preview);
	memset(&job->out, 0, sizeof(job->out));
	buf_init(&job->out.preview);
	if (!c.req->timeout_s)
		c.req->timeout_s = SSHSESSION_TIMEOUT_S;
	enum apply_status st = run(&c);
	if (worker_cancelled(w) && st == APPLY_OK)
		st = apply_fail(&c, APPLY_CANCELLED, "cancelled");
	c.out->status = st;
	node_free(c.st[1].node);
	node_free(c.st[0].node);
	journal_close(c.journal);
	buf_free(&c.cables);
	job_done(w, st, c.out->summary);
}

enum apply_status apply_node_part(struct worker *w, struct journal *j, struct node *n,
				  const struct plan *p, bool change, bool allow_session_if,
				  struct buf *notes, bool *via_nm, int *changes, char *summary,
				  size_t summarysize)
{
	struct apply_request *req = xcalloc(1, sizeof(*req));
	struct apply_outcome *out = xcalloc(1, sizeof(*out));
	req->allow_session_if = allow_session_if;
	out->plan = *p;
	buf_init(&out->preview);
	struct ctx c = { .w = w, .req = req, .out = out, .journal = j };
	buf_init(&c.cables);
	c.st[0].node = n;
	c.st[0].number = p->self_node;
	c.st[0].present = true;
	node_file_init(&c.st[0].cur);
	node_file_init(&c.st[1].cur);
	struct buf scratch;
	buf_init(&scratch);
	enum apply_status st = apply_inspect(&c, &c.st[0], notes ? notes : &scratch);
	if (st == APPLY_OK && via_nm)
		apply_via_nm(p, &c.st[0], via_nm);
	if (st == APPLY_OK && !change)
		st = check_session(&c);
	if (st == APPLY_OK && change)
		st = change_node(&c, &c.st[0]);
	str_copy(summary, out->summary, summarysize);
	*changes += out->changes;
	node_file_free(&c.st[0].cur);
	node_file_free(&c.st[1].cur);
	buf_free(&c.cables);
	buf_free(&scratch);
	buf_free(&out->preview);
	free(out);
	free(req);
	return st;
}

void apply_job_free(struct apply_job *job)
{
	buf_free(&job->out.preview);
}

size_t apply_default_ifs(const struct model *m, enum plan_kind kind, char (*out)[16], size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nports; i++) {
		const struct phys_port *pp = &m->ports[i];
		if (!pp->cabled)
			continue;
		for (size_t t = 0; t < pp->ntwins && n < max; t++) {
			if (!pp->twins[t].netdev_name[0])
				continue;
			str_copy(out[n++], pp->twins[t].netdev_name, 16);
			if (kind == PLAN_LINK_LOCAL)
				break; /* the playbook's file: the first twin of the port */
		}
	}
	return n;
}
