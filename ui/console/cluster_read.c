/* cluster_read.c: the background reading of the cluster's cables (cluster_read.h). */
#include "ui/console/cluster_read.h"
#include "core/base/util.h"
#include "core/jobs/pair.h"
#include "ui/console/console_shared.h"

#include <stdlib.h>
#include <string.h>

bool cluster_read_node(const struct peer *p, const struct model *m, const char *name,
		       struct cluster_gather_node *out)
{
	memset(out, 0, sizeof(*out));
	struct pair_request *r = xcalloc(1, sizeof(*r));
	bool ok = pair_request_from_peer(r, p, m, PEER_FOR_PAIRING);
	if (ok) {
		str_copy(out->name, name, sizeof(out->name));
		str_copy(out->address, r->address, sizeof(out->address));
		for (size_t i = 0; i < r->npeer_names && out->nnames < CLUSTER_HOST_NAMES; i++)
			str_copy(out->names[out->nnames++], r->peer_names[i],
				 sizeof(out->names[0]));
	}
	free(r);
	return ok;
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct console *c = owner;
	if (m->question) /* keys only: nothing to answer */
		worker_answer(c->cread.worker, "no");
	if (m->kind == WORKER_DONE)
		c->cread.done = true;
}

static bool member_paired(const struct console *c, const char *host)
{
	const struct steps_peer_facts *pf = steps_peer(&c->facts, host);
	if (!pf)
		return false;
	const struct steps_pair_result *a = &pf->pairing, *b = &pf->check;
	const struct steps_pair_result *r = a->known && (!b->known || a->seq > b->seq) ? a
					    : b->known				       ? b
										       : NULL;
	return r && r->status == PAIR_OK;
}

void cluster_read_after_turn(struct console *c)
{
	struct cluster_read *r = &c->cread;
	if (r->worker && r->done) {
		worker_free(r->worker);
		r->worker = NULL;
		const struct cluster_gather_outcome *o = &r->job.out;
		for (size_t i = 0; i < r->job.req.n; i++) {
			cluster_state_learn(&c->cluster, r->hosts[i],
					    o->ok[i] ? &o->views[i].cables : NULL, o->error[i]);
			if (!o->ok[i])
				actlog_add(&c->log, ACTLOG_FAIL, "Reading %s's cables: %s",
					   r->job.req.nodes[i].name, o->error[i]);
		}
		if (o->nread)
			actlog_add(&c->log, ACTLOG_OK, "Cables read over SSH: %zu of %zu nodes",
				   o->nread, r->job.req.n);
		c->dirty = true;
		return;
	}
	if (r->worker || (c->state != STATE_MAIN && c->state != STATE_CABLING))
		return;
	if (!c->cluster.n) { /* no cluster: nothing to read (and the request, ~13 kB, not cleared
			      * after every turn) */
		r->again = false;
		return;
	}
	struct cluster_gather_request *q = &r->job.req;
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; i < c->cluster.n; i++) {
		const struct cluster_member *mb = &c->cluster.members[i];
		if (!member_paired(c, mb->host) || (!r->again && (mb->read || mb->error[0])))
			continue;
		const struct peer *p = peers_find(&c->peers, mb->host);
		if (!p || !cluster_read_node(p, &c->model, mb->name, &q->nodes[q->n]))
			continue;
		str_copy(r->hosts[q->n++], mb->host, sizeof(r->hosts[0]));
	}
	r->again = false;
	if (!q->n)
		return;
	q->user = c->inv.user;
	q->timeout_s = 10;
	r->done = false;
	r->worker = worker_start(c->loop, cluster_gather_job_run, &r->job, on_msg, c);
	if (r->worker)
		actlog_add(&c->log, ACTLOG_INFO, "Reading the cables of %zu paired node%s over SSH",
			   q->n, q->n == 1 ? "" : "s");
}

void cluster_read_free(struct cluster_read *r)
{
	if (r->worker)
		worker_free(r->worker); /* cancels and joins */
	r->worker = NULL;
}
