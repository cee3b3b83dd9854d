/* mesh_dialog.c: drawing and keys of the mesh pairing dialog. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/mesh_dialog.h"
#include "core/base/util.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static const struct job_view_words words = {
	.running = "Working...    Esc: cancel",
	.cancelling = "Cancelling (at most one network timeout)...",
	.password_keys = "Enter: log in    Esc: cancel",
	.result = { "FAILED", "OK    " },
	.results_in_log = true,
};

bool mesh_dialog_open(struct mesh_dialog *d, const struct peers *peers,
		      const struct cluster_state *cl, const struct model *m,
		      const struct invocation *inv, char *why, size_t whysize)
{
	memset(d, 0, sizeof(*d));
	job_view_init(&d->view, &words);
	d->peers = peers;
	d->model = m;
	if (!cl->n || cl->n > MESH_MAX_PEERS) {
		snprintf(why, whysize, "mark 1 to %d peers first (Space on a peer)",
			 MESH_MAX_PEERS);
		return false;
	}
	for (size_t i = 0; i < cl->n; i++) {
		const struct peer *p = peers_find(peers, cl->members[i].host);
		if (!p) {
			snprintf(why, whysize, "%s is not seen now (mDNS): is it on?",
				 cl->members[i].name);
			return false;
		}
		str_copy(d->hosts[i], p->host, sizeof(d->hosts[i]));
		if (!pair_request_for_peer(&d->job.req.peers[i], p, m, false, inv, why, whysize))
			return false;
	}
	d->n = d->job.req.npeers = cl->n;
	d->phase = MD_CONFIRM;
	return true;
}

static void start(struct mesh_dialog *d, struct loop *loop)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct peer *p = peers_find(d->peers, d->hosts[i]);
		if (p)
			pair_request_repick(&d->job.req.peers[i], p, d->model);
	}
	memset(&d->job.out, 0, sizeof(d->job.out));
	job_view_start(&d->view, loop, mesh_job_run, &d->job);
	d->phase = MD_JOB;
}

unsigned mesh_dialog_key(struct mesh_dialog *d, struct loop *loop, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	bool enter = (is_char && (key == '\r' || key == '\n')) || (!is_char && key == KEY_ENTER);
	if (d->phase == MD_CONFIRM) {
		if (esc)
			return DIALOG_HANDLED | DIALOG_CLOSE;
		if (enter)
			start(d, loop);
		else if (is_char && key == 'a')
			d->job.req.same_password = !d->job.req.same_password;
		return DIALOG_HANDLED | DIALOG_REDRAW;
	}
	return DIALOG_HANDLED | job_view_key(&d->view, key, is_char);
}

void mesh_dialog_close(struct mesh_dialog *d)
{
	job_view_free(&d->view); /* cancels and joins the job if it still runs */
}

/* The outcome's node for member i (by the address the job reached it at), or -1. */
static int node_of(const struct mesh_dialog *d, size_t i)
{
	const struct mesh_outcome *o = &d->job.out;
	for (size_t j = 1; j < o->nnodes && j < MESH_MAX_NODES; j++)
		if (strcmp(o->address[j], d->job.req.peers[i].address) == 0)
			return (int)j;
	return -1;
}

enum pair_status mesh_dialog_node_status(const struct mesh_dialog *d, size_t i, char *out,
					 size_t size)
{
	const struct mesh_outcome *o = &d->job.out;
	int j = node_of(d, i);
	int ok = 0, bad = 0;
	for (size_t k = 0; j >= 0 && k < o->nnodes; k++) {
		if ((int)k == j)
			continue;
		enum mesh_dir a = o->dir[j][k], b = o->dir[k][j];
		ok += (a == MESH_OK) + (b == MESH_OK);
		bad += (a != MESH_OK) + (b != MESH_OK);
	}
	if (j < 0 || ok == 0) {
		str_copy(out, d->view.summary[0] ? d->view.summary : "not paired", size);
		enum pair_status st = (enum pair_status)d->view.status;
		return st == PAIR_OK ? PAIR_FAILED : st;
	}
	if (!bad) {
		snprintf(out, size, "paired in the mesh: all %d directions with it verified", ok);
		return PAIR_OK;
	}
	snprintf(out, size, "%d of %d directions with it failed%s%s", bad, ok + bad,
		 o->error[j][0] ? ": " : "", o->error[j]);
	return PAIR_FAILED;
}

void mesh_dialog_draw(const struct screen *s, struct mesh_dialog *d)
{
	int w = s->cols - 8 > 104 ? 104 : s->cols - 8, h = s->rows - 4 > 34 ? 34 : s->rows - 4;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	char t[800];
	snprintf(t, sizeof(t), "Pair a mesh of %zu nodes (Esc %s)", d->n + 1,
		 d->view.phase == JV_DONE ? "closes" : "cancels");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	int len = snprintf(t, sizeof(t), "This node");
	for (size_t i = 0; i < d->n && len < (int)sizeof(t); i++)
		len += snprintf(t + len, sizeof(t) - (size_t)len, ", %s at %s", d->hosts[i],
				d->job.req.peers[i].address);
	ry += screen_text_wrap(s, ry, x + 2, iw, 3, ROLE_DIM, t);
	ry++;
	if (d->phase == MD_CONFIRM) {
		ry += 1 +
		      screen_text_wrap(
			      s, ry, x + 2, iw, last - ry, ROLE_NORMAL,
			      "Every node will reach every other with keys only, both ways, by "
			      "every name it has: each node's public key goes to the others, each "
			      "host key into the others' known_hosts. You see each node's host key "
			      "once before anything is trusted and type each password once. No "
			      "private key leaves its node; every change is journaled first.");
		snprintf(t, sizeof(t), "%s the same password on every node (a toggles: asked once)",
			 d->job.req.same_password ? "[x]" : "[ ]");
		screen_text(s, ry, x + 2, iw, ROLE_NORMAL, t);
		screen_text(s, last, x + 2, iw, ROLE_HEADER,
			    "Enter: start    a: same password    Esc: cancel");
		return;
	}
	ry = job_view_draw(s, &d->view, ry, x + 2, iw, last);
	if (d->view.phase != JV_DONE)
		return;
	screen_text_wrap(s, ry, x + 2, iw, last - ry,
			 d->view.status == PAIR_OK ? ROLE_GOOD : ROLE_BAD,
			 d->view.summary[0] ? d->view.summary
					    : pair_status_word((enum pair_status)d->view.status));
	screen_text(s, last, x + 2, iw, ROLE_HEADER, "Enter or Esc: close");
}
