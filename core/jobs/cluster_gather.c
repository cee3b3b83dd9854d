/* cluster_gather.c: every peer's cable side over SSH, read-only, the peers at once
 * (cluster_gather.h). */
#include "core/jobs/cluster_gather.h"
#include "core/jobs/job.h"
#include "core/node/node_remote.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct reader {
	const struct cluster_gather_request *req;
	size_t i;
	struct cluster_view view; /* what this reading found */
	char error[256];
	bool ok;
	pthread_t thread;
	bool joinable;
};

static void *read_one(void *arg)
{
	struct reader *r = arg;
	const struct cluster_gather_node *g = &r->req->nodes[r->i];
	char err[512] = "";
	struct remote_opts o = {
		.port = 22,
		.local = r->req->user,
		.timeout_s = r->req->timeout_s ? r->req->timeout_s : SSHSESSION_TIMEOUT_S,
		.read_only = true,
	};
	str_copy(o.address, g->address, sizeof(o.address));
	o.names[o.nnames++] = g->address;
	for (size_t k = 0; k < g->nnames && o.nnames < ARRAY_LEN(o.names); k++)
		o.names[o.nnames++] = g->names[k];
	struct node *n = node_remote_new(&o, err, sizeof(err));
	struct cluster_view *v = &r->view;
	if (!n || cluster_view_read(n, v, err, sizeof(err)) < 0) {
		text_clean(r->error, sizeof(r->error), err, strlen(err), 0);
	} else if (g->name[0] && strcmp(v->name, g->name) != 0) {
		snprintf(r->error, sizeof(r->error), "%s answers as %s, not %s: not put on the map",
			 g->address, v->name, g->name);
	} else {
		r->ok = true;
	}
	node_free(n);
	return NULL;
}

/* Read the nodes whose want[i] is set, at once (a thread each). */
static void read_all(struct reader *r, size_t n, const bool *want)
{
	for (size_t i = 0; i < n; i++) {
		r[i].joinable = false;
		if (!want[i])
			continue;
		r[i].ok = false;
		r[i].error[0] = '\0';
		if (pthread_create(&r[i].thread, NULL, read_one, &r[i]) == 0)
			r[i].joinable = true;
		else
			read_one(&r[i]); /* no thread: this one in turn */
	}
	for (size_t i = 0; i < n; i++)
		if (r[i].joinable)
			pthread_join(r[i].thread, NULL);
}

/* Wait ms unless the job is cancelled first; false when it is. */
static bool wait_ms(struct worker *w, int ms)
{
	for (; ms > 0; ms -= 100) {
		if (worker_cancelled(w))
			return false;
		usleep((useconds_t)(ms < 100 ? ms : 100) * 1000);
	}
	return !worker_cancelled(w);
}

void cluster_gather_job_run(struct worker *w, void *arg)
{
	struct cluster_gather_job *job = arg;
	const struct cluster_gather_request *req = &job->req;
	struct cluster_gather_outcome *out = &job->out;
	memset(out, 0, sizeof(*out));
	struct reader *r = xcalloc(CLUSTER_MAX_PEERS, sizeof(*r));
	size_t n = req->n < CLUSTER_MAX_PEERS ? req->n : CLUSTER_MAX_PEERS;
	bool want[CLUSTER_MAX_PEERS];
	for (size_t i = 0; i < n; i++) {
		r[i] = (struct reader){ .req = req, .i = i };
		want[i] = true;
		job_progress(w, "Reading %s's cables over SSH (%s, keys only)", req->nodes[i].name,
			     req->nodes[i].address);
	}
	read_all(r, n, want);
	for (size_t i = 0; i < n; i++) {
		out->ok[i] = r[i].ok;
		if (r[i].ok)
			out->views[i] = r[i].view;
		else
			str_copy(out->error[i], r[i].error, sizeof(out->error[0]));
	}
	/* a port with carrier where nobody answered: read that node again (its address may have
	 * been away for a moment) and keep what either reading saw */
	for (int again = 0; again < CLUSTER_REREADS; again++) {
		char what[160];
		size_t nwant = cluster_views_to_read_again(out->views, n, want, what, sizeof(what));
		if (!nwant)
			break;
		job_progress(w, "%s: reading %zu node%s again in %d s", what, nwant,
			     nwant == 1 ? "" : "s", CLUSTER_REREAD_WAIT_MS / 1000);
		if (!wait_ms(w, CLUSTER_REREAD_WAIT_MS))
			break;
		read_all(r, n, want);
		for (size_t i = 0; i < n; i++)
			if (want[i] && r[i].ok)
				cluster_view_merge(&out->views[i], &r[i].view);
	}
	for (size_t i = 0; i < n; i++) {
		char text[400];
		if (out->ok[i])
			snprintf(text, sizeof(text), "%s: %zu twins, %zu sightings",
				 out->views[i].name, out->views[i].cables.nifs,
				 out->views[i].cables.nseen);
		else
			snprintf(text, sizeof(text), "%s: %s", req->nodes[i].name, out->error[i]);
		job_result(w, (int)i, out->ok[i], text);
		out->nread += out->ok[i];
	}
	free(r);
	char summary[200];
	snprintf(summary, sizeof(summary), "%zu of %zu nodes' cables read", out->nread, n);
	job_done(w, out->nread == n ? 0 : 1, summary);
}
