/* cluster_dialog.c: drawing and keys of the cluster's addressing dialog. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/cluster_dialog.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/ssh/sshsession.h"
#include "core/node/node_local.h"
#include "core/jobs/cluster_plan.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/invocation.h"
#include "core/jobs/job.h"
#include "core/jobs/pair.h"
#include "ui/console/cluster_read.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct job_view_words words = {
	.running = "Working...   Esc: cancel",
	.cancelling = "Cancelling (after the current step, at most one network timeout)...",
	.result = { "Rail FAILED", "Rail ok    " },
	.results_in_log = true,
};

static void on_msg(const struct worker_msg *m, void *owner);

/* The map as read now, in words; the problems and the members not read counted. */
static void describe(struct cluster_dialog *d)
{
	cluster_state_map(d->cl, d->self, d->model, d->peers, &d->map);
	struct buf b;
	buf_init(&b);
	d->problems = cluster_state_describe(d->cl, &d->map, d->self, &b);
	d->unread = 0;
	for (size_t i = 0; i < d->cl->n; i++)
		d->unread += !d->cl->members[i].read;
	scroll_text_clear(&d->maptext);
	scroll_text_add(&d->maptext, b.data ? b.data : "", b.len);
	d->maptext.follow = false;
	d->maptext.top = 0;
	buf_free(&b);
}

bool cluster_dialog_open(struct cluster_dialog *d, struct cluster_state *cl, const char *self,
			 const struct peers *peers, const struct model *m, struct loop *loop,
			 const struct invocation *inv, char *why, size_t whysize)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->view.hook = on_msg;
	d->view.owner = d;
	scroll_text_init(&d->maptext);
	scroll_text_init(&d->preview);
	d->cl = cl;
	d->model = m;
	d->peers = peers;
	d->kind_sel = PLAN_STATIC_PERSISTENT;
	d->mtu = 1500;
	d->user = inv->user;
	str_copy(d->journal, inv->journal, sizeof(d->journal));
	str_copy(d->self, self, sizeof(d->self));
	if (!node_local_can_change()) {
		d->phase = CD_NOROOT;
		return true;
	}
	if (!cl->n) {
		snprintf(why, whysize, "no peer is marked for the cluster (Space on a peer)");
		return false;
	}
	struct cluster_gather_request *r = &d->gather.req;
	r->user = inv->user;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	for (size_t i = 0; i < cl->n; i++) {
		const struct peer *p = peers_find(peers, cl->members[i].host);
		if (!p || !cluster_read_node(p, m, cl->members[i].name, &r->nodes[r->n])) {
			snprintf(why, whysize, "%s is not reachable now (not seen over mDNS)",
				 cl->members[i].name);
			return false;
		}
		str_copy(d->hosts[r->n++], cl->members[i].host, sizeof(d->hosts[0]));
	}
	d->phase = CD_READING;
	job_view_start(&d->view, loop, cluster_gather_job_run, &d->gather);
	return true;
}

bool cluster_dialog_open_verify(struct cluster_dialog *d, struct cluster_state *cl,
				const struct cluster_record *rec, struct loop *loop,
				const struct invocation *inv, char *why, size_t whysize)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->view.hook = on_msg;
	d->view.owner = d;
	scroll_text_init(&d->maptext);
	scroll_text_init(&d->preview);
	d->cl = cl;
	d->verify = true;
	struct cluster_apply_request *r = &d->job.req;
	cluster_record_plan(rec, &r->plan, r->hosts);
	for (size_t k = 0; k < r->plan.nnodes; k++)
		str_copy(r->host_names[k][r->nhost_names[k]++], r->plan.names[k],
			 sizeof(r->host_names[k][0]));
	r->verify_only = true;
	r->user = inv->user;
	str_copy(r->journal_path, inv->journal, sizeof(r->journal_path));
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	d->phase = CD_JOB;
	if (!job_view_start(&d->view, loop, cluster_apply_job_run, &d->job)) {
		snprintf(why, whysize, "cannot start a thread for the work");
		return false;
	}
	return true;
}

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct cluster_dialog *d = owner;
	if (d->phase == CD_READING && m->kind == WORKER_DONE) {
		const struct cluster_gather_outcome *o = &d->gather.out;
		for (size_t i = 0; i < d->gather.req.n; i++)
			cluster_state_learn(d->cl, d->hosts[i],
					    o->ok[i] ? &o->views[i].cables : NULL, o->error[i]);
		describe(d);
		d->phase = CD_CHOOSE;
		return;
	}
	if (d->phase != CD_JOB)
		return;
	if (m->kind == JOB_RESULT) {
		bool ok = strcmp(m->extra, "ok") == 0;
		d->rails++;
		d->rails_ok += ok;
		if (!ok && !d->rail_failed[0])
			text_clean(d->rail_failed, sizeof(d->rail_failed), m->text, strlen(m->text),
				   0);
	}
	if (m->kind == JOB_ASK_CONFIRM && job_view_asks(&d->view) == QUESTION_PREVIEW) {
		scroll_text_clear(&d->preview);
		scroll_text_add(&d->preview, d->job.out.preview.data ? d->job.out.preview.data : "",
				d->job.out.preview.len);
		d->preview.follow = false;
		d->preview.top = 0;
	}
}

/* The plan from the map read, each node's address; false with the reason in error. */
static bool make_request(struct cluster_dialog *d)
{
	struct cluster_apply_request *r = &d->job.req;
	char err[512];
	memset(r, 0, sizeof(*r));
	if (cluster_plan_make(&r->plan, &d->map, d->cl->want, (enum plan_kind)d->kind_sel, d->mtu,
			      err, sizeof(err)) < 0) {
		snprintf(d->error, sizeof(d->error), "Refused: %s.", err);
		return false;
	}
	for (size_t k = 0; k < r->plan.nnodes; k++) {
		if (strcmp(r->plan.names[k], d->self) == 0) {
			str_copy(r->hosts[k], "local", sizeof(r->hosts[k]));
			continue;
		}
		int i = -1;
		for (size_t j = 0; j < d->cl->n; j++)
			if (strcmp(d->cl->members[j].name, r->plan.names[k]) == 0)
				i = (int)j;
		const struct peer *p = i >= 0 ? peers_find(d->peers, d->cl->members[i].host) : NULL;
		struct pair_request *pr = xcalloc(1, sizeof(*pr));
		bool ok = p && pair_request_from_peer(pr, p, d->model, PEER_FOR_ADDRESSING);
		if (ok) {
			str_copy(r->hosts[k], pr->address, sizeof(r->hosts[k]));
			for (size_t n = 0; n < pr->npeer_names && n < CLUSTER_HOST_NAMES; n++)
				str_copy(r->host_names[k][r->nhost_names[k]++], pr->peer_names[n],
					 sizeof(r->host_names[k][0]));
		}
		free(pr);
		if (!ok) {
			snprintf(d->error, sizeof(d->error), "%s is not reachable now.",
				 r->plan.names[k]);
			return false;
		}
	}
	r->user = d->user;
	str_copy(r->journal_path, d->journal, sizeof(r->journal_path));
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	return true;
}

static void start(struct cluster_dialog *d, struct loop *loop)
{
	d->error[0] = '\0';
	if (d->unread) {
		str_copy(d->error,
			 "Not every node's cables could be read (see the map): pair with it, then "
			 "try again.",
			 sizeof(d->error));
		return;
	}
	if (d->problems) {
		snprintf(d->error, sizeof(d->error),
			 "Refused: the cables do not match the %s topology (%zu problem%s in the "
			 "map); nothing was changed. Fix the cables, or choose the topology (t).",
			 topology_name(cluster_state_check_as(d->cl, &d->map)), d->problems,
			 d->problems == 1 ? "" : "s");
		return;
	}
	if (!make_request(d))
		return;
	d->rails = d->rails_ok = 0;
	d->rail_failed[0] = '\0';
	cluster_apply_job_free(&d->job);
	d->phase = CD_JOB;
	job_view_start(&d->view, loop, cluster_apply_job_run, &d->job);
}

unsigned cluster_dialog_key(struct cluster_dialog *d, struct loop *loop, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	switch (d->phase) {
	case CD_NOROOT:
		if (esc || enter || (is_char && key == 'q'))
			return DIALOG_HANDLED | DIALOG_CLOSE |
			       (is_char && key == 'q' ? DIALOG_QUIT : 0);
		return DIALOG_HANDLED;
	case CD_READING: return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
	case CD_CHOOSE:
		if (esc)
			return DIALOG_HANDLED | DIALOG_CLOSE;
		if (enter) {
			start(d, loop);
			return DIALOG_HANDLED | DIALOG_REDRAW;
		}
		if (is_char && (key == '1' || key == '2'))
			d->kind_sel = key == '1' ? PLAN_STATIC : PLAN_STATIC_PERSISTENT;
		else if (is_char && key == 'm')
			d->mtu = d->mtu == 9000 ? 1500 : 9000;
		else if (is_char && key == 't') {
			cluster_state_next_topology(d->cl);
			describe(d);
		} else if (!scroll_text_key(&d->maptext, key, is_char))
			return DIALOG_HANDLED;
		d->error[0] = '\0';
		return DIALOG_HANDLED | DIALOG_REDRAW;
	case CD_JOB:
		if (job_view_asks(&d->view) == QUESTION_PREVIEW)
			return job_view_preview_key(&d->view, &d->preview, key, is_char);
		return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
	}
	return DIALOG_HANDLED;
}

void cluster_dialog_close(struct cluster_dialog *d)
{
	job_view_free(&d->view); /* cancels and joins the job if it still runs */
	cluster_apply_job_free(&d->job);
	scroll_text_free(&d->preview);
	scroll_text_free(&d->maptext);
}

bool cluster_dialog_applied(const struct cluster_dialog *d)
{
	return d->phase == CD_JOB && d->view.worker && d->view.finished;
}

static void draw_choose(const struct screen *s, struct cluster_dialog *d, int ry, int x, int iw,
			int last)
{
	char t[400];
	int maph = last - ry - 7;
	if (maph < 3)
		maph = 3;
	scroll_text_draw(s, &d->maptext, ry, x, maph, iw);
	ry += maph + 1;
	snprintf(t, sizeof(t),
		 "Plan (1 2): %s 1 static (at run time)   %s 2 static-persistent (netplan, "
		 "NVIDIA's default)",
		 d->kind_sel == PLAN_STATIC ? "(*)" : "( )",
		 d->kind_sel == PLAN_STATIC_PERSISTENT ? "(*)" : "( )");
	screen_text(s, ry++, x, iw, ROLE_NORMAL, t);
	snprintf(t, sizeof(t), "MTU (m toggles): %s 1500   %s 9000 (jumbo; not on a switch)",
		 d->mtu == 1500 ? "(*)" : "( )", d->mtu == 9000 ? "(*)" : "( )");
	screen_text(s, ry++, x, iw, ROLE_NORMAL, t);
	snprintf(t, sizeof(t), "Topology (t chooses): %s",
		 d->cl->want == TOPOLOGY_NONE ? "as the cables make it"
					      : topology_name(d->cl->want));
	screen_text(s, ry++, x, iw, ROLE_NORMAL, t);
	if (d->error[0])
		screen_text_wrap(s, ry, x, iw, last - ry, ROLE_BAD, d->error);
	screen_text(s, last, x, iw, ROLE_HEADER,
		    "Enter: preview   1-2: plan   m: MTU   t: topology   Up/Down: the map   Esc: "
		    "cancel");
}

void cluster_dialog_draw(const struct screen *s, struct cluster_dialog *d)
{
	int w = s->cols - 4 > 120 ? 120 : s->cols - 4, h = s->rows - 4 > 42 ? 42 : s->rows - 4;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	char t[600];
	snprintf(t, sizeof(t), "%s: this node and %zu more (Esc %s)",
		 d->verify ? "Verify the cluster's rails" : "Addressing the cluster", d->cl->n,
		 d->view.phase == JV_DONE || d->phase == CD_CHOOSE ? "closes" : "cancels");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	if (d->phase == CD_NOROOT) {
		screen_text_wrap(s, ry, x + 2, iw, 3, ROLE_WARN,
				 "Changing the network needs root: quit (q) and start sudo "
				 "sparklink. Nothing here changes anything until then.");
		screen_text(s, last, x + 2, iw, ROLE_HEADER, "q: quit the console   Esc: close");
		return;
	}
	if (d->phase == CD_CHOOSE) {
		draw_choose(s, d, ry, x + 2, iw, last);
		return;
	}
	if (d->phase == CD_JOB) {
		snprintf(t, sizeof(t), "Plan %s, MTU %u, %s of %zu nodes",
			 plan_kind_name(d->job.req.plan.kind), d->job.req.plan.mtu,
			 topology_name(d->job.req.plan.topology), d->job.req.plan.nnodes);
		screen_text(s, ry++, x + 2, iw, ROLE_HEADER, t);
	}
	if (d->phase == CD_JOB && job_view_asks(&d->view) == QUESTION_PREVIEW) {
		scroll_text_draw(s, &d->preview, ry, x + 2, last - ry - 1, iw);
		screen_text(
			s, last, x + 2, iw, ROLE_HEADER,
			"y: apply on every node   Up/Down PgUp/PgDn: scroll   n: do not apply   "
			"Esc: cancel");
		return;
	}
	ry = job_view_draw(s, &d->view, ry, x + 2, iw, last);
	if (d->view.phase != JV_DONE)
		return;
	enum apply_status st = (enum apply_status)d->view.status;
	screen_text_wrap(s, ry, x + 2, iw, last - ry,
			 st == APPLY_OK					? ROLE_GOOD
			 : st == APPLY_CANCELLED || st == APPLY_DRY_RUN ? ROLE_WARN
									: ROLE_BAD,
			 d->view.summary[0] ? d->view.summary : apply_status_word(st));
	screen_text(
		s, last, x + 2, iw, ROLE_HEADER,
		!d->verify && (st == APPLY_OK || st == APPLY_FAILED || st == APPLY_VERIFY_FAILED)
			? "Enter or Esc: close   (r then undoes it on every node: rollback)"
			: "Enter or Esc: close");
}
