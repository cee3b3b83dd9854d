/* apply_inspect.c: the addressing job's look at a node before anything changes: its interfaces,
 * its 40-cx7.yaml, NetworkManager there, and every other tool's file in the way (apply_shared.h). */
#include "core/jobs/apply_shared.h"
#include "core/jobs/apply_cables.h"
#include "core/ssh/sshsession.h"
#include "core/node/node_local.h"
#include "core/base/base64.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/net/model.h"
#include "core/net/netplan_files.h"
#include "core/node/node_remote.h"
#include "core/base/text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- inspecting */

/* A Spark's ConnectX netdevs (field notes): a netplan file naming one the plan leaves alone is
 * still in the plan's way when it gives it IPv4 link-local. */
static const char *const SPARK_CX_PORTS[] = { "enp1s0f0np0", "enP2p1s0f0np0", "enp1s0f1np1",
					      "enP2p1s0f1np1" };

static void other_cx_ports(const struct plan *p, int number, const struct node_file *nf,
			   const char *file, const char *node, const char *tool, struct buf *notes)
{
	for (size_t k = 0; k < ARRAY_LEN(SPARK_CX_PORTS); k++) {
		const char *ifn = SPARK_CX_PORTS[k];
		bool planned = false;
		for (size_t i = 0; i < p->nifs; i++)
			planned |= strcmp(plan_ifname(p, i, number), ifn) == 0;
		if (planned || !netplan_names_if(nf->data.data, nf->data.len, ifn))
			continue;
		buf_printf(notes,
			   "  warning: /etc/netplan/%s on %s names %s (written by %s), a ConnectX "
			   "port this plan leaves alone: netplan renders it too, and for "
			   "NetworkManager a port without IPv4 addresses or DHCP gets IPv4 "
			   "link-local (169.254/16)%s. sparklink leaves it as it is\n",
			   file, node, ifn, tool ? tool : "another tool, or by hand",
			   p->kind == PLAN_LINK_LOCAL
				   ? ": beside this link-local plan that puts two interfaces in "
				     "169.254/16, and a rail stops answering"
				   : "");
	}
}

/* NetworkManager on one node: its renderer and, per planned interface, whether NetworkManager
 * manages it and with which profile; what that means for the plan goes into notes. */
static enum apply_status inspect_nm(struct ctx *c, struct node_state *s, struct buf *notes)
{
	const struct plan *p = &c->out->plan;
	const char *name = apply_node_name(c, s);
	char err[1024];
	s->nm = &c->out->nm[s == &c->st[0] ? 0 : 1];
	s->nm_ports = c->out->nm_ports[s == &c->st[0] ? 0 : 1];
	for (size_t i = 0; i < p->nifs; i++)
		if (s->node->ops->nm_probe(s->node, plan_ifname(p, i, s->number), s->nm,
					   &s->nm_ports[i], err, sizeof(err)) < 0)
			return apply_fail(c, APPLY_FAILED, "cannot ask NetworkManager on %s: %s",
					  name, err);
	if (s->nm->renderer != NM_RENDERER_NM) {
		buf_printf(notes, "  %s: renderer %s\n", name, nm_renderer_name(s->nm->renderer));
		return APPLY_OK;
	}
	buf_printf(notes, "  %s: renderer NetworkManager %s\n", name, s->nm->version);
	for (size_t i = 0; i < p->nifs; i++) {
		const struct nm_port *np = &s->nm_ports[i];
		const char *ifn = plan_ifname(p, i, s->number);
		char prof[128];
		snprintf(prof, sizeof(prof), "\"%s\"", np->profile);
		if (!np->known || !np->managed) {
			buf_printf(notes, "  %s on %s: not managed by NetworkManager\n", ifn, name);
			continue;
		}
		buf_printf(notes, "  %s on %s: managed by NetworkManager, profile %s (%s)\n", ifn,
			   name, np->profile[0] ? prof : "none", nm_state_word(np->state));
		if (p->kind == PLAN_STATIC)
			buf_printf(notes,
				   "    the runtime plan goes through NetworkManager: an in-memory "
				   "profile " NM_PROFILE_PREFIX
				   "%s (gone at reboot) takes its place; "
				   "a bare `ip addr add` would be removed by NetworkManager at its "
				   "DHCP timeout. Rollback activates %s again\n",
				   ifn, np->profile[0] ? prof : "nothing");
		else if (p->kind == PLAN_STATIC_PERSISTENT)
			buf_printf(notes,
				   "    netplan renders %s for NetworkManager: its profile "
				   "netplan-%s takes the place of %s\n",
				   PLAN_NETPLAN_PATH, ifn, np->profile[0] ? prof : "none");
		if (np->profile[0] && !str_starts(np->profile, "Wired connection") &&
		    !str_starts(np->profile, NM_PROFILE_PREFIX) &&
		    !str_starts(np->profile, "netplan-"))
			buf_printf(
				notes,
				"  warning: %s on %s has the profile %s, which neither "
				"NetworkManager's automatic profiles nor netplan nor sparklink made "
				"(another tool's, or yours): it would fight this plan for %s; "
				"sparklink leaves it as it is\n",
				ifn, name, prof, ifn);
	}
	return APPLY_OK;
}

/* An address of the node in the subnet planned for another of its interfaces makes two
 * interfaces in one subnet (the plan itself never does that): a warning per such address. The
 * subnet is the planned address's network (its prefix length), not a part of its text. */
void apply_subnet_notes(const struct plan *p, int number, const char *name,
			const struct node_if *ifs, struct buf *notes)
{
	if (p->kind == PLAN_LINK_LOCAL)
		return;
	for (size_t i = 0; i < p->nifs; i++)
		for (size_t k = 0; k < ifs[i].naddrs; k++)
			for (size_t o = 0; o < p->nifs; o++)
				if (o != i &&
				    node_cidr_in_net(ifs[i].addrs[k], p->ifs[o].addr[number - 1]))
					buf_printf(
						notes,
						"  warning: %s on %s has %s, in the subnet planned for "
						"%s (%s): two interfaces in one subnet confuse routing "
						"(delete it)\n",
						plan_ifname(p, i, number), name, ifs[i].addrs[k],
						plan_ifname(p, o, number),
						p->ifs[o].addr[number - 1]);
}

/* Probe one node: interfaces, the current 40-cx7.yaml, other netplan files, the session. */
enum apply_status apply_inspect(struct ctx *c, struct node_state *s, struct buf *notes)
{
	const struct plan *p = &c->out->plan;
	char err[1024];
	const char *name = apply_node_name(c, s);
	for (size_t i = 0; i < p->nifs; i++) {
		if (s->node->ops->probe_if(s->node, plan_ifname(p, i, s->number), &s->ifs[i], err,
					   sizeof(err)) < 0)
			return apply_fail(c, APPLY_FAILED, "cannot read %s on %s: %s",
					  plan_ifname(p, i, s->number), name, err);
		if (!s->ifs[i].exists)
			return apply_fail(
				c, APPLY_REFUSED,
				"%s has no interface %s; choose the interfaces with --interfaces "
				"(nothing was changed)",
				name, plan_ifname(p, i, s->number));
		if (!s->ifs[i].carrier)
			buf_printf(notes,
				   "  note: %s on %s has no link (cable out, or the peer's port is "
				   "down): it is configured anyway\n",
				   plan_ifname(p, i, s->number), name);
		if (p->kind != PLAN_LINK_LOCAL &&
		    apply_has_addr(&s->ifs[i], p->ifs[i].addr[s->number - 1]))
			buf_printf(notes, "  %s on %s already has %s: reused, not added again\n",
				   plan_ifname(p, i, s->number), name,
				   p->ifs[i].addr[s->number - 1]);
	}
	apply_subnet_notes(p, s->number, name, s->ifs, notes);
	if (s->node->ops->file_read(s->node, PLAN_NETPLAN_PATH, &s->cur, err, sizeof(err)) < 0)
		return apply_fail(c, APPLY_FAILED, "cannot read %s on %s: %s", PLAN_NETPLAN_PATH,
				  name, err);
	if (s->cur.exists &&
	    !(s->cur.data.len >= sizeof(APPLY_OUR_MARK) - 1 &&
	      memcmp(s->cur.data.data, APPLY_OUR_MARK, sizeof(APPLY_OUR_MARK) - 1) == 0)) {
		s->foreign = true;
		char clean[2048];
		text_clean(clean, sizeof(clean), s->cur.data.data ? s->cur.data.data : "",
			   s->cur.data.len, TEXT_LINES);
		buf_printf(
			notes,
			"  %s on %s was not written by sparklink (NVIDIA's playbook by hand, "
			"its cluster helper and sparkrun write this name): applying replaces it; "
			"it is backed up byte for byte to %s/ on %s and restored by rollback. "
			"Its content now:\n",
			PLAN_NETPLAN_PATH, name, BACKUP_DIR, name);
		for (char *save, *line = strtok_r(clean, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			buf_printf(notes, "    | %s\n", line);
	}
	struct buf names;
	buf_init(&names);
	if (s->node->ops->dir_list(s->node, "/etc/netplan", &names, err, sizeof(err)) == 0 &&
	    names.data) {
		for (char *save, *f = strtok_r(names.data, "\n", &save); f;
		     f = strtok_r(NULL, "\n", &save)) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "/etc/netplan/%s", f);
			if (strcmp(path, PLAN_NETPLAN_PATH) == 0)
				continue;
			size_t fl = strlen(f);
			char cf[300];
			text_clean(cf, sizeof(cf), f, fl, 0);
			const char *dis = strstr(f, ".sync-disabled");
			if (dis) {
				/* NVIDIA Sync renames the files it does not want aside */
				buf_printf(
					notes,
					"  note: /etc/netplan/%s on %s: NVIDIA Sync renamed "
					"/etc/netplan/%.*s aside (netplan no longer reads it)%s\n",
					cf, name, (int)(dis - f), cf,
					strncmp(f, "40-cx7.yaml", 11) == 0
						? "; if it held your rails' addresses, NVIDIA Sync's "
						  "file now decides them"
						: "");
				continue;
			}
			if (fl < 5 ||
			    (strcmp(f + fl - 5, ".yaml") != 0 && strcmp(f + fl - 4, ".yml") != 0))
				continue;
			struct node_file nf;
			node_file_init(&nf);
			if (s->node->ops->file_read(s->node, path, &nf, err, sizeof(err)) == 0 &&
			    nf.exists)
				other_cx_ports(p, s->number, &nf, cf, name, netplan_file_tool(f),
					       notes);
			if (nf.exists)
				for (size_t i = 0; i < p->nifs; i++) {
					if (!netplan_names_if(nf.data.data, nf.data.len,
							      plan_ifname(p, i, s->number)))
						continue;
					const char *tool = netplan_file_tool(f);
					/* netplan reads /etc/netplan in name order; a later file's
					 * value for the same key wins */
					bool after = strcmp(f, "40-cx7.yaml") > 0;
					buf_printf(
						notes,
						"  warning: /etc/netplan/%s on %s also names %s "
						"(written by %s): netplan merges it with sparklink's "
						"40-cx7.yaml and reads it %s, so where both set the same "
						"key on %s, %s; it would fight this plan for %s. "
						"sparklink leaves it as it is (remove it, or undo it with "
						"the tool that wrote it, if this plan should hold)\n",
						cf, name, plan_ifname(p, i, s->number),
						tool ? tool : "another tool, or by hand",
						after ? "after" : "before",
						plan_ifname(p, i, s->number),
						after ? "its value wins" : "sparklink's wins",
						plan_ifname(p, i, s->number));
				}
			node_file_free(&nf);
		}
	}
	buf_free(&names);
	if (s->node->ops->session_if(s->node, s->session_if, sizeof(s->session_if), err,
				     sizeof(err)) < 0)
		s->session_if[0] = '\0';
	return inspect_nm(c, s, notes);
}
