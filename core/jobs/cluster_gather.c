/* cluster_gather.c: every peer's cable side over SSH, read-only, the peers at once
 * (cluster_gather.h). */
#include "core/jobs/cluster_gather.h"
#include "core/jobs/job.h"
#include "core/node/node_remote.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct reader {
	const struct cluster_gather_request *req;
	struct cluster_gather_outcome *out;
	size_t i;
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
	struct cluster_view *v = &r->out->views[r->i];
	if (!n || cluster_view_read(n, v, err, sizeof(err)) < 0) {
		text_clean(r->out->error[r->i], sizeof(r->out->error[0]), err, strlen(err), 0);
	} else if (g->name[0] && strcmp(v->name, g->name) != 0) {
		snprintf(r->out->error[r->i], sizeof(r->out->error[0]),
			 "%s answers as %s, not %s: not put on the map", g->address, v->name,
			 g->name);
	} else {
		r->out->ok[r->i] = true;
	}
	node_free(n);
	return NULL;
}

void cluster_gather_job_run(struct worker *w, void *arg)
{
	struct cluster_gather_job *job = arg;
	const struct cluster_gather_request *req = &job->req;
	struct cluster_gather_outcome *out = &job->out;
	memset(out, 0, sizeof(*out));
	struct reader r[CLUSTER_MAX_PEERS];
	memset(r, 0, sizeof(r));
	size_t n = req->n < CLUSTER_MAX_PEERS ? req->n : CLUSTER_MAX_PEERS;
	for (size_t i = 0; i < n; i++) {
		r[i] = (struct reader){ .req = req, .out = out, .i = i };
		job_progress(w, "Reading %s's cables over SSH (%s, keys only)", req->nodes[i].name,
			     req->nodes[i].address);
		if (pthread_create(&r[i].thread, NULL, read_one, &r[i]) == 0)
			r[i].joinable = true;
		else
			read_one(&r[i]); /* no thread: this one in turn */
	}
	for (size_t i = 0; i < n; i++) {
		if (r[i].joinable)
			pthread_join(r[i].thread, NULL);
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
	char summary[200];
	snprintf(summary, sizeof(summary), "%zu of %zu nodes' cables read", out->nread, n);
	job_done(w, out->nread == n ? 0 : 1, summary);
}
