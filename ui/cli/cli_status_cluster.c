/* cli_status_cluster.c: what `sparklink status` says of a cluster plan applied from this node
 * (`apply --peers`): every node, the host it is reached at and its interfaces with their
 * addresses, as the journal's cluster-plan record holds them (judged like every record). */
#include "ui/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/json.h"
#include "core/base/util.h"
#include "core/jobs/cluster_record.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"

void cli_status_cluster(const char *journal, uid_t owner, struct json *js, struct buf *b)
{
	struct journal_record *v = NULL;
	struct cluster_record *cr = xcalloc(1, sizeof(*cr));
	char err[512], why[256];
	int n = journal_read(journal, owner, &v, err, sizeof(err));
	int at = n > 0 ? cluster_record_newest(v, (size_t)n, cr) : -1;
	struct journal_scope s = { .user_journal = false };
	if (at >= 0 && journal_judge(v, (size_t)n, (size_t)at, &s, why, sizeof(why)) != JOURNAL_OK)
		at = -1;
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
	}
	journal_records_free(v, n > 0 ? (size_t)n : 0);
	free(cr);
}
