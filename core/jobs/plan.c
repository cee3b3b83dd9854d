/* plan.c: addressing plans: addresses, netplan files, commands, preview. */
#include "core/jobs/plan.h"
#include "core/jobs/journal_ops.h"
#include "core/base/text.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int plan_kind_parse(const char *s)
{
	if (strcmp(s, "link-local") == 0)
		return PLAN_LINK_LOCAL;
	if (strcmp(s, "static") == 0)
		return PLAN_STATIC;
	if (strcmp(s, "static-persistent") == 0)
		return PLAN_STATIC_PERSISTENT;
	return -1;
}

const char *plan_kind_name(enum plan_kind k)
{
	switch (k) {
	case PLAN_LINK_LOCAL: return "link-local";
	case PLAN_STATIC: return "static";
	case PLAN_STATIC_PERSISTENT: return "static-persistent";
	}
	return "?";
}

int plan_node_of(const char *self, const char *peer)
{
	return strcmp(self, peer) <= 0 ? 1 : 2;
}

int plan_make(struct plan *p, enum plan_kind kind, unsigned mtu, const char *self, const char *peer,
	      int self_node, const char *const *ifnames, size_t n, char *err, size_t errsize)
{
	memset(p, 0, sizeof(*p));
	if (mtu != 1500 && mtu != 9000) {
		snprintf(err, errsize,
			 "MTU %u: choose 1500 (the playbook's) or 9000 (jumbo frames)", mtu);
		return -1;
	}
	if (self_node != 1 && self_node != 2) {
		snprintf(err, errsize, "the node number is 1 or 2");
		return -1;
	}
	if (!text_is_hostname(self) || !text_is_hostname(peer) || strcmp(self, peer) == 0) {
		snprintf(err, errsize, "two different plain host names are needed");
		return -1;
	}
	if (n == 0) {
		snprintf(err, errsize, "no cabled interface to address: is the cable in and Up?");
		return -1;
	}
	if (n > PLAN_MAX_IFS) {
		snprintf(err, errsize, "at most %d interfaces", PLAN_MAX_IFS);
		return -1;
	}
	p->kind = kind;
	p->mtu = mtu;
	p->self_node = self_node;
	str_copy(p->names[self_node - 1], self, sizeof(p->names[0]));
	str_copy(p->names[2 - self_node], peer, sizeof(p->names[0]));
	for (size_t i = 0; i < n; i++) {
		if (!text_is_ifname(ifnames[i])) {
			snprintf(err, errsize, "'%.20s' is not an interface name", ifnames[i]);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(ifnames[k], ifnames[i]) == 0) {
				snprintf(err, errsize, "%s is named twice", ifnames[i]);
				return -1;
			}
		struct plan_if *f = &p->ifs[p->nifs++];
		str_copy(f->ifname, ifnames[i], sizeof(f->ifname));
		if (kind != PLAN_LINK_LOCAL) {
			/* one /24 per twin: never two interfaces in one subnet */
			snprintf(f->addr[0], sizeof(f->addr[0]), "192.168.%zu.10/24", 100 + i);
			snprintf(f->addr[1], sizeof(f->addr[1]), "192.168.%zu.11/24", 100 + i);
		}
	}
	return 0;
}

const char *plan_ifname(const struct plan *p, size_t i, int node)
{
	const struct plan_if *f = &p->ifs[i];
	return node == p->self_node || !f->peer_ifname[0] ? f->ifname : f->peer_ifname;
}

int plan_set_peer_ifs(struct plan *p, const char *const *ifnames, size_t n, char *err,
		      size_t errsize)
{
	if (n != p->nifs) {
		snprintf(err, errsize, "the peer has %zu interfaces for %zu rails", n, p->nifs);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!text_is_ifname(ifnames[i])) {
			snprintf(err, errsize, "'%.20s' is not an interface name", ifnames[i]);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(ifnames[k], ifnames[i]) == 0) {
				snprintf(err, errsize, "the peer's %s is named twice", ifnames[i]);
				return -1;
			}
	}
	for (size_t i = 0; i < n; i++)
		str_copy(p->ifs[i].peer_ifname, ifnames[i], sizeof(p->ifs[i].peer_ifname));
	return 0;
}

void plan_netplan_yaml(const struct plan *p, int node, struct buf *out)
{
	if (p->kind == PLAN_STATIC)
		return;
	if (!p->names[2 - node][0]) /* one node's part of a cluster plan */
		buf_printf(out, "# written by sparklink: %s plan, %s's part of the cluster\n",
			   plan_kind_name(p->kind), p->names[node - 1]);
	else
		buf_printf(out, "# written by sparklink: %s plan, %s is node %d of %s and %s\n",
			   plan_kind_name(p->kind), p->names[node - 1], node, p->names[0],
			   p->names[1]);
	buf_puts(out, "network:\n  version: 2\n  ethernets:\n");
	for (size_t i = 0; i < p->nifs; i++) {
		const struct plan_if *f = &p->ifs[i];
		buf_printf(out, "    %s:\n", plan_ifname(p, i, node));
		if (p->kind == PLAN_LINK_LOCAL) {
			buf_puts(out, "      link-local: [ ipv4 ]\n");
		} else {
			buf_puts(out, "      dhcp4: no\n");
			buf_printf(out, "      addresses: [%s]\n", f->addr[node - 1]);
		}
		if (p->mtu != 1500)
			buf_printf(out, "      mtu: %u\n", p->mtu);
	}
}

void plan_commands(const struct plan *p, int node, const bool *via_nm, struct buf *out)
{
	if (p->kind == PLAN_STATIC) {
		for (size_t i = 0; i < p->nifs; i++) {
			const struct plan_if *f = &p->ifs[i];
			const char *ifn = plan_ifname(p, i, node);
			if (via_nm && via_nm[i]) {
				/* what apply does through NetworkManager's D-Bus API
				 * (AddAndActivateConnection2, persist=memory), as nmcli says it */
				buf_printf(
					out,
					"nmcli con add save no type ethernet con-name sparklink-%s \\\n"
					"  ifname %s ipv4.method manual ipv4.addresses %s \\\n"
					"  802-3-ethernet.mtu %u ipv6.method link-local\n"
					"nmcli con up sparklink-%s\n",
					ifn, ifn, f->addr[node - 1], p->mtu, ifn);
				continue;
			}
			if (p->mtu != 1500)
				buf_printf(out, "ip link set %s mtu %u\n", ifn, p->mtu);
			buf_printf(out, "ip addr add %s dev %s\n", f->addr[node - 1], ifn);
			buf_printf(out, "ip link set %s up\n", ifn);
		}
		return;
	}
	buf_printf(out, "write %s (mode 0600, the content below)\n", PLAN_NETPLAN_PATH);
	buf_puts(out, "netplan apply\n");
}

void plan_preview(const struct plan *p, const bool *const via_nm[2], struct buf *out)
{
	buf_printf(out, "Plan: %s, MTU %u. %s is node 1, %s is node 2; this machine is node %d.\n",
		   plan_kind_name(p->kind), p->mtu, p->names[0], p->names[1], p->self_node);
	if (p->kind == PLAN_LINK_LOCAL)
		buf_puts(out,
			 "Link-local addresses (169.254.x.y) are picked at start-up and change on "
			 "every reboot.\n");
	else if (p->kind == PLAN_STATIC)
		buf_puts(out, "Runtime addresses are lost on reboot.\n");
	for (int node = 1; node <= 2; node++) {
		buf_printf(out, "\n== node %d: %s\n", node, p->names[node - 1]);
		for (size_t i = 0; i < p->nifs; i++)
			if (p->ifs[i].addr[node - 1][0])
				buf_printf(out, "  %s  %s\n", plan_ifname(p, i, node),
					   p->ifs[i].addr[node - 1]);
		buf_puts(out, "-- commands\n");
		plan_commands(p, node, via_nm ? via_nm[node - 1] : NULL, out);
		if (p->kind != PLAN_STATIC) {
			buf_printf(out, "-- %s\n", PLAN_NETPLAN_PATH);
			plan_netplan_yaml(p, node, out);
		}
	}
}

/* ---- the plan's journal record ---- */

void plan_record_format(const struct plan *p, const char *peer, struct buf *b)
{
	buf_printf(b, "kind=%s mtu=%u node=%d names=%s,%s ifs=", plan_kind_name(p->kind), p->mtu,
		   p->self_node, p->names[0], p->names[1]);
	for (size_t i = 0; i < p->nifs; i++)
		buf_printf(b, "%s%s", i ? "," : "", p->ifs[i].ifname);
	buf_printf(b, " peer=%s", peer);
	bool differ = false;
	for (size_t i = 0; i < p->nifs; i++)
		differ |= p->ifs[i].peer_ifname[0] &&
			  strcmp(p->ifs[i].peer_ifname, p->ifs[i].ifname) != 0;
	if (!differ)
		return;
	buf_puts(b, " peer_ifs=");
	for (size_t i = 0; i < p->nifs; i++)
		buf_printf(b, "%s%s", i ? "," : "", plan_ifname(p, i, 3 - p->self_node));
}

int plan_record_parse(const char *data, struct plan *p, char *peer, size_t peersize)
{
	char kind[32] = "", names[200] = "", ifs[200] = "", peerbuf[130] = "", pifs[200] = "";
	unsigned mtu = 0;
	int node = 0;
	int got = data ? sscanf(data,
				"kind=%31s mtu=%u node=%d names=%199s ifs=%199s peer=%129s "
				"peer_ifs=%199s",
				kind, &mtu, &node, names, ifs, peerbuf, pifs)
		       : 0;
	if (got < 5)
		return -1;
	int k = plan_kind_parse(kind);
	char *comma = strchr(names, ',');
	if (k < 0 || !comma)
		return -1;
	*comma = '\0';
	const char *v[PLAN_MAX_IFS];
	size_t n = 0;
	for (char *save, *t = strtok_r(ifs, ",", &save); t && n < PLAN_MAX_IFS;
	     t = strtok_r(NULL, ",", &save))
		v[n++] = t;
	char err[200];
	const char *self = node == 1 ? names : comma + 1, *other = node == 1 ? comma + 1 : names;
	if (plan_make(p, (enum plan_kind)k, mtu, self, other, node, v, n, err, sizeof(err)) < 0)
		return -1;
	if (got == 7) {
		const char *pv[PLAN_MAX_IFS];
		size_t pn = 0;
		for (char *save, *t = strtok_r(pifs, ",", &save); t && pn < PLAN_MAX_IFS;
		     t = strtok_r(NULL, ",", &save))
			pv[pn++] = t;
		if (plan_set_peer_ifs(p, pv, pn, err, sizeof(err)) < 0)
			return -1;
	}
	if (peer)
		str_copy(peer, peerbuf, peersize);
	return 0;
}

int plan_record_newest(const struct journal_record *v, size_t n, struct plan *p, char *peer,
		       size_t peersize)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(v[i].op, journal_op_name(JOP_PLAN)) == 0 && !v[i].undone &&
		    plan_record_parse(v[i].data, p, peer, peersize) == 0)
			return (int)i;
	return -1;
}

int plan_read_applied(const char *path, struct plan *p, char *peer, size_t peersize, char *err,
		      size_t errsize)
{
	if (geteuid() != 0) {
		snprintf(err, errsize,
			 "the journal of network changes is root's: run it with sudo");
		return -1;
	}
	struct journal_record *v = NULL;
	int n = journal_read(path, 0, &v, err, errsize);
	if (n < 0)
		return -1;
	int found = n > 0 ? plan_record_newest(v, (size_t)n, p, peer, peersize) : -1;
	journal_records_free(v, n > 0 ? (size_t)n : 0);
	if (found < 0) {
		snprintf(err, errsize, "no addressing plan is applied (the journal has none)");
		return -1;
	}
	return 0;
}
