/* cli_status.c: `sparklink status`: the applied plan, addresses, rails (pinged now), this node's
 * renderer and NetworkManager's view of every ConnectX twin, the findings (who else configures
 * the twins among them) and the journal, as text or JSON. */
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/json.h"
#include "core/base/util.h"
#include "core/net/coexist.h"
#include "core/net/model.h"
#include "core/net/report.h"
#include "core/net/nm.h"
#include "core/net/netmon.h"
#include "core/jobs/apply.h"
#include "core/jobs/bench.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "ui/cli/cli_job.h"

static const char status_usage[] =
	"Usage: sparklink status [--json]\n"
	"  The applied plan, this node's addresses on its interfaces, each rail (pinged now), this\n"
	"  node's renderer and NetworkManager's view of every ConnectX twin (its profile, and the\n"
	"  profiles naming one that are not active), the findings (another tool's netplan file or\n"
	"  NetworkManager profile on a twin among them; reported, never changed) and the journal.\n"
	"  Needs root to read the journal of network changes and the files in /etc/netplan.\n";

int cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = "sparklink status";
	bool json = false;
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'h': fputs(status_usage, stdout); return EXIT_OK;
		default:
			cli_getopt_error(cmd, argc, argv, opts);
			fputs(status_usage, stderr);
			return EXIT_USAGE;
		}
	}
	char q[CLI_ARG_MAX];
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected '%s'\n", cmd, cli_arg(argv[optind], q, sizeof(q)));
		return EXIT_USAGE;
	}
	struct apply_job job;
	memset(&job, 0, sizeof(job));
	struct apply_request *r = &job.req;
	r->verify_only = true;
	r->timeout_s = 10;
	char err[512], uerr[512] = "";
	struct invocation inv;
	if (invocation_get(&inv, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return EXIT_FAIL;
	}
	r->user = inv.user;
	str_copy(r->journal_path, inv.journal, sizeof(r->journal_path));
	struct journal_scope scope;
	struct journal_counts jc, uc = { 0 };
	invocation_scope(&inv, &scope);
	bool readable = journal_count_path(inv.journal, inv.journal_owner, &scope, &jc, err,
					   sizeof(err)) == 0;
	/* under sudo, pairing done without sudo is in the invoking user's own journal */
	if (inv.user_journal[0]) {
		invocation_user_scope(&inv, &scope);
		if (journal_count_path(inv.user_journal, inv.user.uid, &scope, &uc, uerr,
				       sizeof(uerr)) < 0)
			memset(&uc, 0, sizeof(uc));
	}
	int pending = jc.pending_net,
	    pending_ssh = jc.pending_net + jc.pending_ssh + uc.pending_ssh;
	int refused = jc.refused + uc.refused;
	struct cli_job c = {
		.cmd = cmd,
		.quiet = true, /* the rails, pinged now, are in the report below */
		.password_why = "sudo on the peer needs a password",
		/* no preview: verifying asks none, and status never applies anything */
	};
	if (readable)
		cli_job_run(&c, apply_job_run, &job);
	bool have_plan = c.ended && job.out.plan.nifs > 0;
	const struct plan *p = &job.out.plan;
	struct model m;
	model_init(&m);
	rdma_inventory_scan(&m.rdma, false);
	netmon_snapshot(&m, err, sizeof(err));
	model_rebuild(&m);
	coexist_probe_model(&m); /* the renderer, the twins' profiles, the findings */
	struct bench_record bench;
	char bench_text[160] = "";
	bool have_bench = bench_record_newest(inv.journal, inv.journal_owner, inv.user_journal,
					      inv.user.uid, &bench) == 0;
	if (have_bench)
		bench_record_words(&bench, bench_text, sizeof(bench_text));
	struct buf b;
	buf_init(&b);
	bool cluster_failed = false;
	if (json) {
		struct json js;
		json_init(&js, &b, true);
		json_object_begin(&js, NULL);
		if (have_plan) {
			json_object_begin(&js, "plan");
			json_string(&js, "kind", plan_kind_name(p->kind));
			json_int(&js, "mtu", p->mtu);
			json_int(&js, "node", p->self_node);
			json_string(&js, "node1", p->names[0]);
			json_string(&js, "node2", p->names[1]);
			json_object_end(&js);
		} else {
			json_null(&js, "plan");
		}
		cluster_failed = cli_status_cluster(&inv, &js, NULL);
		nm_json_node(&js, "this_node", &m.nm.node);
		if (job.out.nm[1].renderer != NM_RENDERER_UNKNOWN)
			nm_json_node(&js, "peer_node", &job.out.nm[1]);
		else
			json_null(&js, "peer_node");
		json_array_begin(&js, "interfaces");
		for (size_t i = 0; have_plan && i < p->nifs; i++) {
			const struct netdev *d = model_netdev(&m, p->ifs[i].ifname);
			json_object_begin(&js, NULL);
			json_string(&js, "name", p->ifs[i].ifname);
			json_bool(&js, "carrier", d && d->carrier);
			json_int(&js, "mtu", d ? d->mtu : 0);
			nm_json_port(&js, "networkmanager", &job.out.nm[0],
				     &job.out.nm_ports[0][i]);
			nm_json_port(&js, "peer_networkmanager", &job.out.nm[1],
				     &job.out.nm_ports[1][i]);
			json_array_begin(&js, "addresses");
			for (size_t k = 0; d && k < d->naddrs; k++) {
				char a[64];
				snprintf(a, sizeof(a), "%s/%u", d->addrs[k].text,
					 d->addrs[k].prefixlen);
				json_string(&js, NULL, a);
			}
			json_array_end(&js);
			json_object_end(&js);
		}
		json_array_end(&js);
		coexist_json(&js, &m);
		report_findings_json(&js, "findings", &m);
		json_array_begin(&js, "rails");
		for (size_t i = 0; i < job.out.nrails; i++) {
			const struct rail *rl = &job.out.rails[i];
			json_object_begin(&js, NULL);
			json_string(&js, "interface", rl->ifname);
			json_string(&js, "local", rl->self_addr);
			json_string(&js, "peer", rl->peer_addr);
			json_bool(&js, "ok", rl->ok);
			if (rl->jumbo_tested)
				json_bool(&js, "jumbo_ok", rl->jumbo_ok);
			json_string(&js, "text", rl->text);
			json_object_end(&js);
		}
		json_array_end(&js);
		if (have_bench) {
			json_object_begin(&js, "bench");
			json_int(&js, "time", bench.time);
			json_string(&js, "mode", bench.rdma ? "rdma" : "tcp");
			json_string(&js, "peer", bench.peer);
			json_int(&js, "sum_mbps", (long long)(bench.sum_gbps * 1000 + 0.5));
			json_string(&js, "verdict", bwtest_verdict_word(bench.verdict));
			json_string(&js, "text", bench_text);
			json_array_begin(&js, "twins");
			for (size_t i = 0; i < bench.ntwins; i++) {
				json_object_begin(&js, NULL);
				json_string(&js, "interface", bench.twins[i].ifname);
				json_bool(&js, "ran", bench.twins[i].ran);
				json_int(&js, "mbps",
					 (long long)(bench.twins[i].gbps * 1000 + 0.5));
				json_object_end(&js);
			}
			json_array_end(&js);
			json_object_end(&js);
		} else {
			json_null(&js, "bench");
		}
		json_object_begin(&js, "journal");
		json_string(&js, "path", r->journal_path);
		json_bool(&js, "readable", readable);
		json_int(&js, "pending", readable ? pending : 0);
		json_int(&js, "pending_ssh", readable ? pending_ssh - pending : 0);
		json_int(&js, "refused", readable ? refused : 0);
		if (!readable)
			json_string(&js, "error", err);
		if (uerr[0])
			json_string(&js, "user_journal_error", uerr);
		json_object_end(&js);
		json_object_end(&js);
		buf_puts(&b, "\n");
	} else {
		if (!readable)
			buf_printf(&b, "The journal cannot be read: %s%s\n", err,
				   inv.root ? "" : " (run sudo sparklink status)");
		else if (!have_plan)
			buf_puts(&b, "Plan: none applied (or rolled back).\n");
		else
			buf_printf(
				&b,
				"Plan: %s, MTU %u; this node is node %d (node 1 %s, node 2 %s)\n",
				plan_kind_name(p->kind), p->mtu, p->self_node, p->names[0],
				p->names[1]);
		if (readable)
			cluster_failed = cli_status_cluster(&inv, NULL, &b);
		buf_printf(&b, "Renderer: this node %s %s", nm_renderer_name(m.nm.node.renderer),
			   m.nm.node.version);
		if (job.out.nm[1].renderer != NM_RENDERER_UNKNOWN)
			buf_printf(&b, "; the peer %s %s", nm_renderer_name(job.out.nm[1].renderer),
				   job.out.nm[1].version);
		buf_puts(&b, "\n");
		coexist_text(&m, &b);
		for (size_t i = 0; have_plan && i < p->nifs; i++) {
			const struct netdev *d = model_netdev(&m, p->ifs[i].ifname);
			buf_printf(&b, "  %-16s %-8s mtu %-5u", p->ifs[i].ifname,
				   d && d->carrier ? "carrier" : "no link", d ? d->mtu : 0);
			for (size_t k = 0; d && k < d->naddrs; k++)
				if (d->addrs[k].family == AF_INET)
					buf_printf(&b, " %s/%u", d->addrs[k].text,
						   d->addrs[k].prefixlen);
			buf_puts(&b, "\n");
		}
		for (size_t i = 0; i < job.out.nrails; i++)
			buf_printf(&b, "Rail %s %s\n",
				   job.out.rails[i].ok && (!job.out.rails[i].jumbo_tested ||
							   job.out.rails[i].jumbo_ok)
					   ? "ok:    "
					   : "FAILED:",
				   job.out.rails[i].text);
		if (have_bench)
			buf_printf(&b, "Bench: %s to %s\n", bench_text, bench.peer);
		for (size_t i = 0; i < m.nfindings; i++)
			buf_printf(&b, "Finding (%s): %s\n  Fix: %s\n",
				   finding_level_word(m.findings[i].level), m.findings[i].text,
				   m.findings[i].fix);
		if (readable)
			buf_printf(
				&b,
				"Journal: %s: %d network change%s and %d SSH change%s not undone%s\n",
				r->journal_path, pending, pending == 1 ? "" : "s",
				pending_ssh - pending, pending_ssh - pending == 1 ? "" : "s",
				pending_ssh ? " (sparklink rollback --dry-run lists them)" : "");
		if (readable && refused)
			buf_printf(
				&b,
				"Journal: %d record%s refused: outside what sparklink writes, "
				"never acted on (sparklink rollback --dry-run --include-ssh lists "
				"them)\n",
				refused, refused == 1 ? "" : "s");
		if (uerr[0])
			buf_printf(&b, "Your own journal: %s\n", uerr);
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	model_free(&m);
	int rc = !readable						   ? EXIT_FAIL
		 : c.hostkey_changed					   ? EXIT_HOSTKEY
		 : job.out.status == APPLY_VERIFY_FAILED || cluster_failed ? EXIT_RAIL
									   : EXIT_OK;
	apply_job_free(&job);
	return rc;
}
