/* cli_apply_peers.c: `sparklink apply --peers HOST,HOST,...`: the cluster plan for the cables
 * every node reports, refused before any change when the cable map has a problem, a preview for
 * every node, then every node changed and every rail pinged both ways (core/jobs/cluster_apply.h). */
#include "ui/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "core/net/cablemap.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_map.h"
#include "core/jobs/invocation.h"
#include "core/jobs/pair.h"
#include "ui/cli/cli_job.h"

static int exit_for(const struct cli_job *c)
{
	const struct cluster_apply_job *job = c->arg;
	switch ((enum apply_status)c->status) {
	case APPLY_OK:
	case APPLY_DRY_RUN: return EXIT_OK;
	case APPLY_VERIFY_FAILED: return EXIT_RAIL;
	case APPLY_REFUSED:
		return strstr(job->out.summary, "host key") ? EXIT_HOSTKEY : EXIT_REFUSED;
	case APPLY_CANCELLED: return c->no_password ? EXIT_AUTH : EXIT_CANCELLED;
	default: return EXIT_FAIL;
	}
}

/* host's address for addressing and the names it is known by, into node k of the request. */
static int resolve(const char *cmd, const char *host, struct cluster_apply_request *r, size_t k)
{
	return cli_peer_lookup(cmd, host, PEER_FOR_ADDRESSING, NULL, r->hosts[k],
			       sizeof(r->hosts[k]), r->host_names[k], CLUSTER_HOST_NAMES,
			       &r->nhost_names[k]);
}

int cli_apply_peers(const char *list, const char *topology, int kind, unsigned mtu, bool dry_run,
		    bool password_stdin, bool allow_session_if, int timeout_s)
{
	const char *cmd = "sparklink apply";
	char hosts[CLUSTER_MAX_NODES - 1][256], q[CLI_ARG_MAX], err[512];
	size_t nhosts = 0;
	if (cli_hosts(cmd, "--peers", list, hosts, ARRAY_LEN(hosts), &nhosts) < 0)
		return EXIT_USAGE;
	int want = topology ? topology_parse(topology) : TOPOLOGY_NONE;
	if (want < 0) {
		fprintf(stderr, "%s: --topology is auto, direct, ring or switch, not '%s'\n", cmd,
			cli_arg(topology, q, sizeof(q)));
		return EXIT_USAGE;
	}
	if (kind == PLAN_LINK_LOCAL) {
		fprintf(stderr,
			"%s: --peers gives NVIDIA's static addresses; --plan link-local is for two "
			"nodes (--peer HOST)\n",
			cmd);
		return EXIT_USAGE;
	}
	struct cluster_apply_job *job = xcalloc(1, sizeof(*job));
	struct cluster_view *views = xcalloc(CLUSTER_MAX_NODES, sizeof(*views));
	struct cablemap *m = xcalloc(1, sizeof(*m));
	struct cluster_apply_request *r = &job->req;
	int rc = EXIT_FAIL;
	size_t nviews = 0;
	fprintf(stderr, "  reading every node's cables\n");
	if (cli_cluster_gather(cmd, hosts, nhosts, timeout_s, views, &nviews, false) < 0 ||
	    nviews != nhosts + 1) {
		fprintf(stderr, "%s: not every node could be read; nothing was changed\n", cmd);
		goto out;
	}
	cluster_map_build(m, views, nviews);
	enum topology t = want != TOPOLOGY_NONE ? (enum topology)want : cablemap_topology(m);
	cablemap_number(m, t);
	struct buf b;
	buf_init(&b);
	cablemap_draw(m, &b);
	size_t problems = cablemap_check(m, (enum topology)want, &b);
	fwrite(b.data ? b.data : "", 1, b.len, stdout);
	buf_free(&b);
	if (problems) {
		fprintf(stderr,
			"%s: refused: the cables do not match the %s topology (%zu problem%s, "
			"above); nothing was changed\n",
			cmd, topology_name(t), problems, problems == 1 ? "" : "s");
		rc = EXIT_REFUSED;
		goto out;
	}
	if (cluster_plan_make(&r->plan, m, (enum topology)want, (enum plan_kind)kind, mtu, err,
			      sizeof(err)) < 0) {
		fprintf(stderr, "%s: refused: %s; nothing was changed\n", cmd, err);
		rc = EXIT_REFUSED;
		goto out;
	}
	/* each plan node's address: this machine, or the host it was gathered from */
	for (size_t k = 0; k < r->plan.nnodes; k++) {
		size_t v = 0;
		while (v < nviews && strcmp(views[v].name, r->plan.names[k]) != 0)
			v++;
		if (v == 0) {
			str_copy(r->hosts[k], "local", sizeof(r->hosts[k]));
		} else if (v == nviews || resolve(cmd, hosts[v - 1], r, k) < 0) {
			if (v == nviews)
				fprintf(stderr, "%s: %s is not one of the nodes read\n", cmd,
					r->plan.names[k]);
			goto out;
		}
	}
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		goto out;
	}
	r->user = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	r->dry_run = dry_run;
	r->allow_session_if = allow_session_if;
	r->timeout_s = timeout_s;
	struct cli_job c = {
		.cmd = cmd,
		.password_stdin = password_stdin,
		.result_ok = "Rail ok:    ",
		.result_fail = "Rail FAILED:",
		.password_why = "sudo on a peer needs a password",
		.preview = &job->out.preview,
		.exit_code = exit_for,
		.arg = job,
	};
	rc = cli_job_run(&c, cluster_apply_job_run, job);
	if (c.ended) {
		if (job->out.status == APPLY_DRY_RUN) {
			fwrite(job->out.preview.data, 1, job->out.preview.len, stdout);
			fputs("\n", stdout);
		}
		cli_job_end(&c, rc,
			    c.no_password ? "no sudo password for a peer; nothing was changed"
					  : NULL);
	}
out:
	cluster_apply_job_free(job);
	free(m);
	free(views);
	free(job);
	return rc;
}
