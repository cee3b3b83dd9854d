/* guide.c: the step guide's side of the console: which peer is chosen, the facts jobs learned
 * (each dialog's outcome when its job ends, logged), and the steps recomputed from them after a
 * loop turn, with what changed (the cable, a mark) logged as events. */
#include "core/base/util.h"
#include "ui/console/console_shared.h"
#include "ui/console/peer_panel.h"

#include <string.h>

const struct peer *guide_peer(struct console *c)
{
	size_t n = peer_panel_count(&c->peers);
	if (!n) {
		c->peer_sel = 0;
		return NULL;
	}
	if (c->peer_host[0]) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(peer_panel_get(&c->peers, i)->host, c->peer_host) == 0) {
				c->peer_sel = i;
				return peer_panel_get(&c->peers, i);
			}
	}
	/* none chosen (or it is gone): the first one on a cable, else the first */
	for (size_t i = 0; i < n; i++) {
		const struct peer *p = peer_panel_get(&c->peers, i);
		for (size_t k = 0; k < p->naddrs; k++)
			if (peer_addr_on_up_port(&c->model, &p->addrs[k])) {
				c->peer_sel = i;
				return p;
			}
	}
	if (c->peer_sel >= n)
		c->peer_sel = 0;
	return peer_panel_get(&c->peers, c->peer_sel);
}

void guide_choose_peer(struct console *c, size_t index)
{
	const struct peer *p = peer_panel_get(&c->peers, index);
	if (!p)
		return;
	if (strcmp(c->peer_host, p->host) != 0)
		actlog_add(&c->log, ACTLOG_INFO, "Peer chosen: %s", p->host);
	str_copy(c->peer_host, p->host, sizeof(c->peer_host));
	c->peer_sel = index;
}

void guide_reread_journal(struct console *c)
{
	c->dirty = true; /* new facts: the steps again (guide_steps_stale) */
	if (steps_read_journal(&c->facts, &c->inv) < 0)
		actlog_add(&c->log, ACTLOG_FAIL, "%s", c->facts.journal_error);
}

bool guide_steps_stale(const struct console *c)
{
	const struct model *m = &c->model;
	if (c->dirty || !c->marks_known || m->ports_generation != c->steps_ports_gen ||
	    guide_cluster_mode(c))
		return true;
	if (c->facts.plan_applied)
		for (size_t i = 0; i < c->facts.plan.nifs; i++) {
			const struct netdev *d = model_netdev(m, c->facts.plan.ifs[i].ifname);
			if (d && !d->rdma)
				return true;
		}
	return false;
}

/* Recompute the steps; log what changed (the cable, a mark) as events; the selection follows
 * the next step unless a person chose one. */
void guide_update(struct console *c)
{
	const struct model *m = &c->model;
	for (size_t k = 0; k < m->nports && k < MAX_PORTS; k++) {
		int now = m->ports[k].cabled;
		if (c->cabled[k] >= 0 && c->cabled[k] != now)
			actlog_add(&c->log, now ? ACTLOG_OK : ACTLOG_FAIL, "Port %d: %s",
				   m->ports[k].number,
				   now ? "cable in, link Up" : "cable out, link Down");
		c->cabled[k] = now;
	}
	if (guide_cluster_mode(c)) {
		cluster_state_map(&c->cluster, c->hostname, m, &c->peers, &c->cmap);
		steps_compute_cluster(m, &c->cluster, &c->cmap, &c->facts, c->steps);
		if (c->state == STATE_CABLING)
			cabling_view_update(&c->cabling, &c->cluster, &c->cmap, c->hostname,
					    &c->steps[STEP_CABLE]);
	} else {
		steps_compute(m, guide_peer(c), &c->facts, c->steps);
	}
	for (int i = 0; i < STEP_COUNT; i++) {
		if (c->marks_known && c->marks[i] != c->steps[i].mark) {
			char reason[400];
			keys_step_reason(&c->steps[i], reason, sizeof(reason));
			actlog_add(&c->log,
				   c->steps[i].mark == STEP_FAILING ? ACTLOG_FAIL
				   : c->steps[i].mark == STEP_DONE  ? ACTLOG_OK
								    : ACTLOG_INFO,
				   "Step %d %s: %s. %s", i + 1, step_title((enum step_id)i),
				   step_mark_word(c->steps[i].mark), reason);
		}
		c->marks[i] = c->steps[i].mark;
	}
	c->marks_known = true;
	c->steps_ports_gen = m->ports_generation;
	if (c->step_follow) {
		enum step_id next = steps_next(c->steps);
		c->step_sel = next == STEP_COUNT ? STEP_VERIFY : (int)next;
	}
}

const char *guide_peer_ssh_status(const struct peer *p, void *arg)
{
	struct console *c = arg;
	const struct steps_peer_facts *pf = steps_peer(&c->facts, p->host);
	const struct steps_pair_result *a = pf && pf->pairing.known ? &pf->pairing : NULL;
	const struct steps_pair_result *b = pf && pf->check.known ? &pf->check : NULL;
	const struct steps_pair_result *r = a && (!b || a->seq > b->seq) ? a : b;
	if (!r)
		return "not paired";
	switch (r->status) {
	case PAIR_OK: return "verified both ways";
	case PAIR_CANCELLED:
	case PAIR_HOSTKEY_REFUSED: return "not paired";
	case PAIR_USER_MISMATCH:
	case PAIR_AUTH_FAILED: return r == b ? "key refused" : "login refused";
	default: return r == b ? "check failed" : "pairing failed";
	}
}

void guide_learn_pair(struct console *c)
{
	const struct pair_dialog *d = &c->pair;
	const struct job_view *v = &d->view;
	if (!v->finished) {
		c->pair_learned = false;
		return;
	}
	if (c->pair_learned || !v->worker)
		return;
	c->pair_learned = true;
	enum pair_status st = (enum pair_status)v->status;
	steps_learn_pair(&c->facts, d->peer, d->verify, st, d->job.req.local.name, v->summary);
	guide_reread_journal(c);
	actlog_add(&c->log, st == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL, "%s %s: %s",
		   d->verify ? "SSH check with" : "Pairing with", d->peer,
		   v->summary[0] ? v->summary : pair_status_word(st));
}

void guide_learn_addr(struct console *c)
{
	const struct addr_dialog *d = &c->addr;
	const struct job_view *v = &d->view;
	if (!v->finished) {
		c->addr_learned = false;
		return;
	}
	if (c->addr_learned || !v->worker)
		return;
	c->addr_learned = true;
	const struct apply_outcome *o = &d->job.out;
	if (d->verify || o->status == APPLY_OK || o->status == APPLY_FAILED ||
	    o->status == APPLY_VERIFY_FAILED)
		steps_learn_rails(&c->facts, o->rails, o->nrails);
	guide_reread_journal(c);
	for (size_t i = 0; i < o->nrails; i++)
		actlog_add(&c->log, o->rails[i].ok ? ACTLOG_OK : ACTLOG_FAIL, "Rail %s",
			   o->rails[i].text);
	enum apply_status st = (enum apply_status)v->status;
	actlog_add(&c->log,
		   st == APPLY_OK	   ? ACTLOG_OK
		   : st == APPLY_CANCELLED ? ACTLOG_INFO
					   : ACTLOG_FAIL,
		   "%s: %s",
		   d->verify	? "Verify"
		   : d->peer[0] ? "Addressing"
				: "Addressing (this node)",
		   v->summary[0] ? v->summary : apply_status_word(st));
}

void guide_learn_rollback(struct console *c)
{
	const struct rollback_dialog *d = &c->rollback;
	const struct job_view *v = &d->view;
	if (!v->finished) {
		c->rollback_learned = false;
		return;
	}
	if (c->rollback_learned || !d->applied || !v->worker)
		return;
	c->rollback_learned = true;
	steps_learn_rollback(&c->facts, v->status, v->summary, d->job.req.include_ssh);
	guide_reread_journal(c);
	actlog_add(&c->log, v->status == 0 ? ACTLOG_OK : ACTLOG_FAIL, "Rollback%s: %s",
		   d->job.req.include_ssh ? " (with the SSH lines)" : "",
		   v->summary[0] ? v->summary : "finished");
}

bool guide_cluster_mode(const struct console *c)
{
	return c->cluster.n > 0;
}

void guide_learn_mesh(struct console *c)
{
	const struct mesh_dialog *d = &c->mesh;
	const struct job_view *v = &d->view;
	if (!v->finished) {
		c->mesh_learned = false;
		return;
	}
	if (c->mesh_learned || !v->worker)
		return;
	c->mesh_learned = true;
	for (size_t i = 0; i < d->n; i++) {
		char words[320];
		enum pair_status st = mesh_dialog_node_status(d, i, words, sizeof(words));
		steps_learn_pair(&c->facts, d->hosts[i], false, st, d->job.req.peers[i].local.name,
				 words);
		actlog_add(&c->log, st == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL, "Mesh: %s: %s",
			   d->hosts[i], words);
	}
	guide_reread_journal(c);
	actlog_add(&c->log, v->status == PAIR_OK ? ACTLOG_OK : ACTLOG_FAIL, "Pairing the mesh: %s",
		   v->summary[0] ? v->summary : pair_status_word((enum pair_status)v->status));
}

void guide_learn_cluster(struct console *c)
{
	const struct cluster_dialog *d = &c->cdlg;
	const struct job_view *v = &d->view;
	if (!cluster_dialog_applied(d)) {
		c->cluster_learned = false;
		return;
	}
	if (c->cluster_learned)
		return;
	c->cluster_learned = true;
	enum apply_status st = (enum apply_status)v->status;
	if (d->rails)
		steps_learn_cluster_rails(&c->facts, d->rails, d->rails_ok, d->rail_failed);
	guide_reread_journal(c);
	actlog_add(&c->log,
		   st == APPLY_OK	   ? ACTLOG_OK
		   : st == APPLY_CANCELLED ? ACTLOG_INFO
					   : ACTLOG_FAIL,
		   "Addressing the cluster: %s",
		   v->summary[0] ? v->summary : apply_status_word(st));
}
