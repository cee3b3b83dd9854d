/* cli_status_cluster.c: what `sparklink status` says of a cluster plan applied from this node
 * (`apply --peers`): every node, the host it is reached at and its interfaces with their
 * addresses, as the journal's cluster-plan record holds them (judged like every record), and
 * every rail of every link pinged now from both of its ends (each node's `ping -I` on its own
 * twin, over the pairing's SSH without sudo: cluster_apply.c's verification, nothing else). */
#include "ui/cli/cli.h"
#include "ui/cli/cli_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/json.h"
#include "core/base/util.h"
#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"

/* Ping every rail of the plan cr records; the job's outcome in job (rails in job->out.rail). */
static void ping_rails(const struct cluster_record *cr, const struct invocation *inv,
		       struct cluster_apply_job *job)
{
	struct cluster_apply_request *r = &job->req;
	cluster_record_plan(cr, &r->plan, r->hosts);
	r->user = inv->user;
	r->verify_only = true;
	r->timeout_s = 10;
	struct cli_job c = {
		.cmd = "sparklink status",
		.quiet = true, /* the rails are in the report */
		.password_why = "status asks no password",
	};
	cli_job_run(&c, cluster_apply_job_run, job);
	if (!c.ended && !job->out.summary[0])
		snprintf(job->out.summary, sizeof(job->out.summary), "the rails were not pinged");
}

bool cli_status_cluster(const struct invocation *inv, struct json *js, struct buf *b)
{
	struct journal_record *v = NULL;
	struct cluster_record *cr = xcalloc(1, sizeof(*cr));
	struct cluster_apply_job *job = xcalloc(1, sizeof(*job));
	char err[512], why[256];
	int n = journal_read(inv->journal, inv->journal_owner, &v, err, sizeof(err));
	int at = n > 0 ? cluster_record_newest(v, (size_t)n, cr) : -1;
	struct journal_scope s = { .user_journal = false };
	if (at >= 0 && journal_judge(v, (size_t)n, (size_t)at, &s, why, sizeof(why)) != JOURNAL_OK)
		at = -1;
	if (at >= 0)
		ping_rails(cr, inv, job);
	const struct cluster_apply_outcome *o = &job->out;
	const struct cluster_plan *p = &job->req.plan;
	if (js && at < 0) {
		json_null(js, "cluster");
	} else if (js) {
		json_object_begin(js, "cluster");
		json_string(js, "kind", plan_kind_name(cr->kind));
		json_int(js, "mtu", cr->mtu);
		json_string(js, "topology", topology_name(cr->topology));
		json_array_begin(js, "nodes");
		for (size_t k = 0; k < cr->nnodes; k++) {
			const struct cluster_record_node *nd = &cr->nodes[k];
			json_object_begin(js, NULL);
			json_string(js, "name", nd->name);
			json_string(js, "host", nd->host);
			json_bool(js, "this_node", strcmp(nd->host, "local") == 0);
			json_array_begin(js, "interfaces");
			for (size_t i = 0; i < nd->nifs; i++) {
				json_object_begin(js, NULL);
				json_string(js, "name", nd->ifs[i]);
				json_string(js, "address", nd->addrs[i]);
				json_object_end(js);
			}
			json_array_end(js);
			json_object_end(js);
		}
		json_array_end(js);
		json_array_begin(js, "rails");
		for (size_t i = 0; o->rail && i < o->nrails; i++) {
			json_object_begin(js, NULL);
			json_string(js, "from", p->names[o->rail[i].from]);
			json_string(js, "to", p->names[o->rail[i].to]);
			json_string(js, "interface", o->rail[i].ifname);
			json_bool(js, "ok", o->rail[i].ok);
			json_string(js, "text", o->rail[i].text);
			json_object_end(js);
		}
		json_array_end(js);
		json_bool(js, "rails_ok", o->status == APPLY_OK);
		json_string(js, "rails_summary", o->summary);
		json_object_end(js);
	} else if (at >= 0) {
		buf_printf(b, "Cluster: %s plan, MTU %u, %s of %zu nodes (apply --peers)\n",
			   plan_kind_name(cr->kind), cr->mtu, topology_name(cr->topology),
			   cr->nnodes);
		for (size_t k = 0; k < cr->nnodes; k++) {
			const struct cluster_record_node *nd = &cr->nodes[k];
			bool self = strcmp(nd->host, "local") == 0;
			buf_printf(b, "  %s (%s):", nd->name, self ? "this node" : nd->host);
			for (size_t i = 0; i < nd->nifs; i++)
				buf_printf(b, " %s %s", nd->ifs[i],
					   nd->addrs[i][0] ? nd->addrs[i] : "link-local");
			buf_puts(b, "\n");
		}
		for (size_t i = 0; o->rail && i < o->nrails; i++)
			buf_printf(b, "Cluster rail %s %s\n",
				   o->rail[i].ok ? "ok:    " : "FAILED:", o->rail[i].text);
		buf_printf(b, "Cluster rails: %s\n", o->summary);
	}
	bool failed = at >= 0 && o->status != APPLY_OK;
	journal_records_free(v, n > 0 ? (size_t)n : 0);
	cluster_apply_job_free(job);
	free(job);
	free(cr);
	return failed;
}
