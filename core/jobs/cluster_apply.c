/* cluster_apply.c: a cluster plan on every node: preview, journal, change, every rail both ways
 * (cluster_apply.h). */
#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/job.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/jobs/rail.h"
#include "core/node/node_local.h"
#include "core/node/node_ping.h"
#include "core/node/node_remote.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cctx {
	struct worker *w;
	struct cluster_apply_request *req;
	struct cluster_apply_outcome *out;
	struct node *nodes[CLUSTER_MAX_NODES];
	struct plan plans[CLUSTER_MAX_NODES];
	int local; /* the plan node that is this machine */
	char gone[300]; /* verify: the nodes whose session broke ("spark-3, spark-5"), "" none */
	bool via_nm[CLUSTER_MAX_NODES][PLAN_MAX_IFS]; /* inspection: through NetworkManager */
};

__attribute__((format(printf, 3, 4))) static enum apply_status cfail(struct cctx *c,
								     enum apply_status s,
								     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->out->summary, sizeof(c->out->summary), fmt, ap);
	va_end(ap);
	c->out->status = s;
	return s;
}

void cluster_apply_node_plan(const struct cluster_plan *p, int node, struct plan *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = p->kind;
	out->mtu = p->mtu;
	out->self_node = 1;
	str_copy(out->names[0], p->names[node], sizeof(out->names[0]));
	out->nifs = cluster_plan_node_ifs(p, node, out->ifs, PLAN_MAX_IFS);
	if (out->nifs > PLAN_MAX_IFS)
		out->nifs = PLAN_MAX_IFS;
}

/* One peer's connection and its hostname, in a thread of its own (the peers at once; a question
 * such as sudo's password is asked one at a time, worker_ask). */
struct conn {
	struct cctx *c;
	size_t k;
	pthread_t thread;
	enum apply_status st;
	char err[1024];
};

static void *conn_run(void *arg)
{
	struct conn *cn = arg;
	struct cctx *c = cn->c;
	struct cluster_apply_request *req = c->req;
	const struct cluster_plan *p = &req->plan;
	size_t k = cn->k;
	char err[1024];
	struct remote_opts o = {
		.port = 22,
		.local = req->user,
		.timeout_s = req->timeout_s,
		.w = c->w,
		.password_kind = JOB_ASK_PASSWORD,
		.sudo_password = req->sudo_password,
		.read_only = req->verify_only,
	};
	str_copy(o.address, req->hosts[k], sizeof(o.address));
	o.names[o.nnames++] = req->hosts[k];
	for (size_t i = 0; i < req->nhost_names[k] && o.nnames < ARRAY_LEN(o.names); i++)
		o.names[o.nnames++] = req->host_names[k][i];
	job_progress(c->w, "Connecting to %s (%s) as %s", p->names[k], req->hosts[k],
		     req->user.name);
	c->nodes[k] = node_remote_new(&o, err, sizeof(err));
	if (!c->nodes[k]) {
		cn->st = APPLY_REFUSED;
		snprintf(cn->err, sizeof(cn->err), "%s: %s; nothing was changed", p->names[k], err);
		return NULL;
	}
	char name[64];
	if (c->nodes[k]->ops->hostname(c->nodes[k], name, sizeof(name), err, sizeof(err)) < 0) {
		cn->st = APPLY_FAILED;
		snprintf(cn->err, sizeof(cn->err), "%s: %s; nothing was changed", p->names[k], err);
	} else if (strcmp(name, p->names[k]) != 0) {
		cn->st = APPLY_REFUSED;
		snprintf(cn->err, sizeof(cn->err),
			 "%s answers as %s, not %s as the cable map says; nothing was changed",
			 req->hosts[k], name, p->names[k]);
	}
	return NULL;
}

static enum apply_status connect_all(struct cctx *c)
{
	struct cluster_apply_request *req = c->req;
	const struct cluster_plan *p = &req->plan;
	char err[1024];
	c->local = -1;
	for (size_t k = 0; k < p->nnodes; k++) {
		if (strcmp(req->hosts[k], "local") != 0)
			continue;
		if (c->local >= 0)
			return cfail(c, APPLY_REFUSED, "two nodes are this machine");
		c->local = (int)k;
		c->nodes[k] = node_local_new(err, sizeof(err));
		if (!c->nodes[k])
			return cfail(c, APPLY_FAILED, "%s", err);
	}
	if (c->local < 0)
		return cfail(c, APPLY_REFUSED, "this machine is not one of the cluster's nodes");
	/* each node is the one the map named (an address may have moved since) */
	char name[64];
	if (c->nodes[c->local]->ops->hostname(c->nodes[c->local], name, sizeof(name), err,
					      sizeof(err)) < 0)
		return cfail(c, APPLY_FAILED, "%s: %s; nothing was changed", p->names[c->local],
			     err);
	if (strcmp(name, p->names[c->local]) != 0)
		return cfail(c, APPLY_REFUSED,
			     "this node answers as %s, not %s as the cable map says; nothing was "
			     "changed",
			     name, p->names[c->local]);
	struct conn cn[CLUSTER_MAX_NODES];
	bool started[CLUSTER_MAX_NODES] = { false };
	for (size_t k = 0; k < p->nnodes; k++) {
		if ((int)k == c->local)
			continue;
		cn[k] = (struct conn){ .c = c, .k = k, .st = APPLY_OK };
		started[k] = pthread_create(&cn[k].thread, NULL, conn_run, &cn[k]) == 0;
		if (!started[k])
			conn_run(&cn[k]); /* no thread: this one in turn */
	}
	enum apply_status st = APPLY_OK;
	for (size_t k = 0; k < p->nnodes; k++) {
		if ((int)k == c->local)
			continue;
		if (started[k])
			pthread_join(cn[k].thread, NULL);
		if (cn[k].st != APPLY_OK && st == APPLY_OK)
			st = cfail(c, cn[k].st, "%s", cn[k].err);
	}
	return st;
}

/* One peer's part, in a thread of its own (its own SSH session; the journal and the worker
 * take one record and one message at a time). */
struct part {
	struct cctx *c;
	struct journal *j;
	size_t k;
	bool run, joinable;
	pthread_t thread;
	enum apply_status st;
	int changes;
	char summary[512];
	struct buf notes; /* inspection: what is in the way */
};

static void *part_run(void *arg)
{
	struct part *pt = arg;
	struct cctx *c = pt->c;
	pt->st = apply_node_part(c->w, pt->j, c->nodes[pt->k], &c->plans[pt->k], true,
				 c->req->allow_session_if, NULL, NULL, &pt->changes, pt->summary,
				 sizeof(pt->summary));
	return NULL;
}

/* One node's inspection (no change), in a thread of its own. */
static void *inspect_run(void *arg)
{
	struct part *pt = arg;
	struct cctx *c = pt->c;
	int none = 0;
	pt->st = apply_node_part(c->w, NULL, c->nodes[pt->k], &c->plans[pt->k], false,
				 c->req->allow_session_if, &pt->notes, c->via_nm[pt->k], &none,
				 pt->summary, sizeof(pt->summary));
	return NULL;
}

static void preview(struct cctx *c)
{
	const struct cluster_plan *p = &c->req->plan;
	struct buf *b = &c->out->preview;
	cluster_plan_preview(p, b);
	if (p->kind == PLAN_STATIC)
		buf_puts(b, "Runtime addresses are lost on reboot.\n");
	for (size_t k = 0; k < p->nnodes; k++) {
		buf_printf(b, "\n== node %zu: %s (%s)\n-- commands\n", k + 1, p->names[k],
			   (int)k == c->local ? "this node" : c->req->hosts[k]);
		plan_commands(&c->plans[k], 1, c->via_nm[k], b);
		if (p->kind != PLAN_STATIC) {
			buf_printf(b, "-- %s\n", PLAN_NETPLAN_PATH);
			plan_netplan_yaml(&c->plans[k], 1, b);
		}
	}
}

/* Every rail of every link from both of its ends (a switch segment: every pair of nodes on it).
 * Each node pings all its own rails at once (a peer in one command over its session, this node
 * with a ping process per rail), the nodes at once, a thread each; the results are posted in the
 * plan's order. */
struct rail_check {
	const struct cluster_addr *a, *b;
	bool ok;
	int e; /* 1 answered, 0 no answer, -1 not pinged: the node's session broke */
	char text[400];
};

struct pinger {
	struct cctx *c;
	int node;
	struct rail_check *rc;
	size_t n;
	bool gone; /* its session broke: its other rails were not pinged */
	pthread_t thread;
};

static void addr_only(char *out, size_t size, const char *cidr)
{
	str_copy(out, cidr, size);
	*strchrnul(out, '/') = '\0';
}

/* This node's rails r[0..n), all at once (rail.c). */
static void ping_local(struct pinger *pg, struct rail_check **r, size_t n)
{
	const struct cluster_plan *p = &pg->c->req->plan;
	struct rail *rl = xcalloc(n + 1, sizeof(*rl));
	for (size_t i = 0; i < n; i++) {
		str_copy(rl[i].ifname, r[i]->a->ifname, sizeof(rl[i].ifname));
		addr_only(rl[i].self_addr, sizeof(rl[i].self_addr), r[i]->a->addr);
		addr_only(rl[i].peer_addr, sizeof(rl[i].peer_addr), r[i]->b->addr);
	}
	rail_verify_all(rl, n, p->mtu);
	for (size_t i = 0; i < n; i++) {
		snprintf(r[i]->text, sizeof(r[i]->text), "%s -> %s: %s", p->names[r[i]->a->node],
			 p->names[r[i]->b->node], rl[i].text);
		r[i]->e = rl[i].ok && (!rl[i].jumbo_tested || rl[i].jumbo_ok) ? 1 : 0;
	}
	free(rl);
}

/* A peer's rails r[0..n), all at once in one command on it (and with MTU 9000 each rail's
 * unfragmented jumbo ping beside its plain one). */
static void ping_remote(struct pinger *pg, struct rail_check **r, size_t n)
{
	const struct cluster_plan *p = &pg->c->req->plan;
	const char *from = p->names[pg->node];
	bool jumbo = p->mtu >= 9000;
	size_t per = jumbo ? 2 : 1;
	struct node_ping *t = xcalloc(per * n + 1, sizeof(*t));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < per; k++) {
			struct node_ping *g = &t[per * i + k];
			str_copy(g->ifname, r[i]->a->ifname, sizeof(g->ifname));
			addr_only(g->dst, sizeof(g->dst), r[i]->b->addr);
			g->size = k ? p->mtu - 28 : 0;
		}
	char err[512] = "";
	int e = node_remote_ping_all(pg->c->nodes[pg->node], t, per * n, err, sizeof(err));
	for (size_t i = 0; i < n; i++) {
		const char *to = p->names[r[i]->b->node], *ifn = r[i]->a->ifname;
		char self[48], peer[48];
		addr_only(self, sizeof(self), r[i]->a->addr);
		addr_only(peer, sizeof(peer), r[i]->b->addr);
		const struct node_ping *g = &t[per * i], *gj = jumbo ? &t[per * i + 1] : NULL;
		r[i]->e = 0;
		if (e < 0) {
			/* no ping there, a target refused: these rails; anything else: the session */
			if (e != -ENOENT && e != -EINVAL)
				r[i]->e = -1;
			if (i == 0 || r[i]->e == 0)
				snprintf(r[i]->text, sizeof(r[i]->text),
					 "%s -> %s: %s: cannot ping on %s: %s", from, to, ifn, from,
					 err);
			else
				snprintf(r[i]->text, sizeof(r[i]->text),
					 "%s -> %s: not pinged: %s is out of reach (see above)",
					 from, to, from);
		} else if (g->rc == -ENODEV || g->rc == -EIO) {
			snprintf(r[i]->text, sizeof(r[i]->text),
				 "%s -> %s: %s: cannot ping on %s: %s", from, to, ifn, from,
				 g->rc == -ENODEV ? "no such interface there" : g->out);
		} else if (g->rc < 0) {
			snprintf(r[i]->text, sizeof(r[i]->text),
				 "%s -> %s: %s: %s -> %s gets no reply (%s)", from, to, ifn, self,
				 peer, g->out[0] ? g->out : "no output");
		} else if (gj && gj->rc < 0) {
			snprintf(r[i]->text, sizeof(r[i]->text),
				 "%s -> %s: %s: %s -> %s answers, but not %u-byte frames "
				 "unfragmented (%s)",
				 from, to, ifn, self, peer, p->mtu,
				 gj->rc == -ENODEV ? "no such interface there"
				 : gj->out[0]	   ? gj->out
						   : "no output");
		} else {
			r[i]->e = 1;
			snprintf(r[i]->text, sizeof(r[i]->text), "%s -> %s: %s: %s -> %s answers%s",
				 from, to, ifn, self, peer,
				 jumbo ? ", 8972-byte unfragmented too" : "");
		}
	}
	free(t);
}

static void pinger_ping(struct pinger *pg, struct rail_check **r, size_t n)
{
	if (!n)
		return;
	if (pg->node == pg->c->local)
		ping_local(pg, r, n);
	else
		ping_remote(pg, r, n);
}

/* r[0..n) in batches of at most NODE_PING_MAX pings (two per rail with jumbo frames); after a
 * batch that found the session broken, the rest are not pinged. */
static void pinger_batches(struct pinger *pg, struct rail_check **r, size_t n)
{
	const struct cluster_plan *p = &pg->c->req->plan;
	const size_t chunk = NODE_PING_MAX / 2;
	for (size_t i = 0; i < n && !worker_cancelled(pg->c->w); i += chunk) {
		size_t k = n - i < chunk ? n - i : chunk;
		if (pg->gone) {
			for (size_t j = i; j < i + k; j++) {
				r[j]->e = -1;
				snprintf(r[j]->text, sizeof(r[j]->text),
					 "%s -> %s: not pinged: %s is out of reach (see above)",
					 p->names[r[j]->a->node], p->names[r[j]->b->node],
					 p->names[r[j]->a->node]);
			}
			continue;
		}
		pinger_ping(pg, r + i, k);
		for (size_t j = i; j < i + k; j++)
			pg->gone |= r[j]->e < 0;
	}
}

static void *pinger_run(void *arg)
{
	struct pinger *pg = arg;
	struct rail_check **mine = xcalloc(pg->n + 1, sizeof(*mine));
	size_t m = 0;
	for (size_t i = 0; i < pg->n; i++)
		if (pg->rc[i].a->node == pg->node)
			mine[m++] = &pg->rc[i];
	pinger_batches(pg, mine, m);
	/* an address may come a moment after netplan apply: the rails without an answer once more
	 * (not in status) */
	size_t again = 0;
	for (size_t i = 0; i < m; i++)
		if (mine[i]->e == 0)
			mine[again++] = mine[i];
	if (again && !pg->gone && !pg->c->req->verify_only && !worker_cancelled(pg->c->w)) {
		usleep(2000 * 1000);
		if (!worker_cancelled(pg->c->w))
			pinger_batches(pg, mine, again);
	}
	for (size_t i = 0; i < pg->n; i++) {
		struct rail_check *r = &pg->rc[i];
		if (r->a->node == pg->node)
			r->ok = r->e > 0;
	}
	free(mine);
	return NULL;
}

static bool verify(struct cctx *c)
{
	const struct cluster_plan *p = &c->req->plan;
	struct rail_check *rc = xcalloc(p->naddrs * p->naddrs + 1, sizeof(*rc));
	size_t n = 0;
	for (size_t i = 0; i < p->naddrs; i++) {
		const struct cluster_addr *a = &p->addrs[i];
		for (size_t k = 0; k < p->naddrs; k++) {
			const struct cluster_addr *b = &p->addrs[k];
			if (a->node == b->node || !a->addr[0] ||
			    !node_cidr_in_net(b->addr, a->addr))
				continue;
			rc[n].a = a, rc[n].b = b;
			snprintf(rc[n].text, sizeof(rc[n].text), "%s -> %s: not pinged (cancelled)",
				 p->names[a->node], p->names[b->node]);
			n++;
		}
	}
	struct pinger pg[CLUSTER_MAX_NODES];
	bool started[CLUSTER_MAX_NODES] = { false };
	for (size_t k = 0; k < p->nnodes; k++) {
		pg[k] = (struct pinger){ .c = c, .node = (int)k, .rc = rc, .n = n };
		started[k] = pthread_create(&pg[k].thread, NULL, pinger_run, &pg[k]) == 0;
		if (!started[k])
			pinger_run(&pg[k]); /* no thread: this one in turn */
	}
	c->gone[0] = '\0';
	for (size_t k = 0; k < p->nnodes; k++) {
		if (started[k])
			pthread_join(pg[k].thread, NULL);
		size_t len = strlen(c->gone);
		if (pg[k].gone && len < sizeof(c->gone))
			snprintf(c->gone + len, sizeof(c->gone) - len, "%s%s", len ? ", " : "",
				 p->names[k]);
	}
	bool all = true;
	free(c->out->rail);
	c->out->rail = xcalloc(n + 1, sizeof(*c->out->rail));
	for (size_t i = 0; i < n; i++) {
		struct cluster_rail *r = &c->out->rail[i];
		r->from = rc[i].a->node, r->to = rc[i].b->node, r->ok = rc[i].ok;
		str_copy(r->ifname, rc[i].a->ifname, sizeof(r->ifname));
		str_copy(r->text, rc[i].text, sizeof(r->text));
		job_result(c->w, (int)c->out->nrails++, rc[i].ok, rc[i].text);
		c->out->rails_ok += rc[i].ok;
		all &= rc[i].ok;
	}
	free(rc);
	return all && c->out->nrails > 0;
}

static enum apply_status run(struct cctx *c)
{
	struct cluster_apply_request *req = c->req;
	const struct cluster_plan *p = &req->plan;
	char err[1024];
	enum apply_status st;
	if (p->kind == PLAN_LINK_LOCAL)
		return cfail(
			c, APPLY_REFUSED,
			"a cluster gets NVIDIA's static addresses (link-local is for two nodes)");
	if (req->verify_only) {
		if ((st = connect_all(c)) != APPLY_OK)
			return st;
		job_progress(c->w, "Pinging every rail of every link, both ways");
		if (!verify(c))
			return cfail(c, APPLY_VERIFY_FAILED, "%zu of %zu rails do not answer%s%s",
				     c->out->nrails - c->out->rails_ok, c->out->nrails,
				     c->gone[0] ? "; out of reach: " : "", c->gone);
		snprintf(c->out->summary, sizeof(c->out->summary),
			 "every rail of the %s plan answers both ways (%zu)",
			 topology_name(p->topology), c->out->nrails);
		return APPLY_OK;
	}
	if (!req->dry_run && !node_local_can_change())
		return cfail(c, APPLY_REFUSED,
			     "changing this node's network needs root: run sparklink "
			     "with sudo (SSH work is still done as you)");
	if ((st = connect_all(c)) != APPLY_OK)
		return st;
	for (size_t k = 0; k < p->nnodes; k++) {
		cluster_apply_node_plan(p, (int)k, &c->plans[k]);
		if (!c->plans[k].nifs)
			return cfail(c, APPLY_REFUSED, "%s has no cabled twin to address",
				     p->names[k]);
	}
	preview(c);
	/* every node inspected before anything changes, the nodes at once */
	struct buf notes;
	buf_init(&notes);
	struct part ins[CLUSTER_MAX_NODES];
	memset(ins, 0, sizeof(ins));
	for (size_t k = 0; k < p->nnodes; k++) {
		ins[k] = (struct part){ .c = c, .k = k, .run = true };
		buf_init(&ins[k].notes);
		if (pthread_create(&ins[k].thread, NULL, inspect_run, &ins[k]) != 0)
			inspect_run(&ins[k]);
		else
			ins[k].joinable = true;
	}
	st = APPLY_OK;
	for (size_t k = 0; k < p->nnodes; k++) {
		if (ins[k].joinable)
			pthread_join(ins[k].thread, NULL);
		if (ins[k].notes.len)
			buf_add(&notes, ins[k].notes.data, ins[k].notes.len);
		buf_free(&ins[k].notes);
		if (ins[k].st != APPLY_OK && st == APPLY_OK) {
			st = ins[k].st;
			str_copy(c->out->summary, ins[k].summary, sizeof(c->out->summary));
		}
	}
	if (st != APPLY_OK) {
		buf_free(&notes);
		c->out->status = st;
		return st;
	}
	buf_puts(&c->out->preview, "\n== what sparklink found\n");
	if (notes.len)
		buf_add(&c->out->preview, notes.data, notes.len);
	else
		buf_puts(&c->out->preview, "  nothing in the way\n");
	buf_free(&notes);
	buf_puts(&c->out->preview,
		 "Every change is journaled on this node; `sparklink rollback` undoes it on every "
		 "node.\n");
	if (req->dry_run) {
		job_progress(c->w, "dry run: the preview is all; nothing was changed");
		snprintf(c->out->summary, sizeof(c->out->summary), "dry run: nothing was changed");
		return APPLY_DRY_RUN;
	}
	if (job_ask_yes(c->w, JOB_ASK_CONFIRM, JOB_CONFIRM_PREVIEW, NULL, "Apply this plan?") != 1)
		return cfail(c, APPLY_CANCELLED, "not applied: nothing was changed");
	struct journal *j = journal_open(req->journal_path, err, sizeof(err));
	if (!j)
		return cfail(c, APPLY_FAILED, "%s; nothing was changed", err);
	const char *hosts[CLUSTER_MAX_NODES];
	for (size_t k = 0; k < p->nnodes; k++)
		hosts[k] = (int)k == c->local ? "local" : c->nodes[k]->host;
	struct buf rec;
	buf_init(&rec);
	cluster_record_format(p, hosts, &rec);
	int r = journal_write(j, JOP_CLUSTER_PLAN, "local", "", rec.data);
	buf_free(&rec);
	if (r < 0) {
		journal_close(j);
		return cfail(c, APPLY_FAILED, "cannot write the journal: %s; nothing was changed",
			     strerror(-r));
	}
	/* the peers in parallel, then this node: a failure leaves this node (and its session) as it
	 * was */
	struct part parts[CLUSTER_MAX_NODES];
	memset(parts, 0, sizeof(parts));
	for (size_t k = 0; k < p->nnodes; k++) {
		if ((int)k == c->local)
			continue;
		parts[k] = (struct part){ .c = c, .j = j, .k = k, .run = true };
		job_progress(c->w, "Configuring %s (node %zu)", p->names[k], k + 1);
		if (pthread_create(&parts[k].thread, NULL, part_run, &parts[k]) != 0)
			part_run(&parts[k]); /* no thread: this one in turn */
		else
			parts[k].joinable = true;
	}
	st = APPLY_OK;
	for (size_t k = 0; k < p->nnodes; k++) {
		if (parts[k].joinable)
			pthread_join(parts[k].thread, NULL);
		if (!parts[k].run)
			continue;
		c->out->changes += parts[k].changes;
		if (parts[k].st != APPLY_OK && st == APPLY_OK) {
			st = parts[k].st;
			snprintf(c->out->summary, sizeof(c->out->summary), "%s%s", parts[k].summary,
				 parts[k].changes ? "; `sparklink rollback` undoes what was done"
						  : "");
		}
	}
	if (st == APPLY_OK) {
		job_progress(c->w, "Configuring %s (node %d, this node)", p->names[c->local],
			     c->local + 1);
		st = apply_node_part(c->w, j, c->nodes[c->local], &c->plans[c->local], true,
				     req->allow_session_if, NULL, NULL, &c->out->changes,
				     c->out->summary, sizeof(c->out->summary));
	}
	if (st != APPLY_OK) {
		journal_close(j);
		c->out->status = st;
		return st;
	}
	journal_close(j);
	job_progress(c->w, "Verifying every rail of every link, both ways");
	if (!verify(c))
		return cfail(
			c, APPLY_VERIFY_FAILED,
			"%s plan applied on %zu nodes, but %zu of %zu rails do not answer (see "
			"above%s%s%s); `sparklink rollback` undoes it",
			plan_kind_name(p->kind), p->nnodes, c->out->nrails - c->out->rails_ok,
			c->out->nrails, c->gone[0] ? "; out of reach now: " : "", c->gone,
			c->gone[0] ? ", its SSH session broke" : "");
	snprintf(c->out->summary, sizeof(c->out->summary),
		 "%s plan applied on %zu nodes (%s); every rail answers both ways (%zu)",
		 plan_kind_name(p->kind), p->nnodes, topology_name(p->topology), c->out->nrails);
	return APPLY_OK;
}

void cluster_apply_job_run(struct worker *w, void *arg)
{
	struct cluster_apply_job *job = arg;
	struct cctx *c = xcalloc(1, sizeof(*c));
	c->w = w;
	c->req = &job->req;
	c->out = &job->out;
	buf_free(&job->out.preview);
	free(job->out.rail);
	memset(&job->out, 0, sizeof(job->out));
	buf_init(&job->out.preview);
	if (!c->req->timeout_s)
		c->req->timeout_s = SSHSESSION_TIMEOUT_S;
	enum apply_status st = run(c);
	if (worker_cancelled(w) && st == APPLY_OK)
		st = cfail(c, APPLY_CANCELLED, "cancelled");
	c->out->status = st;
	for (size_t k = 0; k < CLUSTER_MAX_NODES; k++)
		node_free(c->nodes[k]);
	free(c);
	job_done(w, st, job->out.summary);
}

void cluster_apply_job_free(struct cluster_apply_job *job)
{
	buf_free(&job->out.preview);
	free(job->out.rail);
	job->out.rail = NULL;
}
