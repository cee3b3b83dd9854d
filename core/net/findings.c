/* findings.c: what is wrong with the ports, in words, with a fix: no cable, one twin down, a
 * slow link, an MTU mismatch between twins, two interfaces in one subnet, no address; and who
 * else configures the twins (coexistence): another tool's file in /etc/netplan or a
 * NetworkManager profile that neither NetworkManager, netplan nor sparklink made. */
#include "core/net/findings.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 4, 5))) static struct finding *add(struct model *m,
								 enum finding_level lvl,
								 const char *code, const char *fmt,
								 ...)
{
	m->findings = xrealloc(m->findings, m->nfindings + 1, sizeof(*m->findings));
	struct finding *f = &m->findings[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->level = lvl;
	str_copy(f->code, code, sizeof(f->code));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	return f;
}

static void fix(struct finding *f, const char *text)
{
	str_copy(f->fix, text, sizeof(f->fix));
}

static bool ipv4_net(const struct netdev_addr *a, uint32_t *net, uint32_t *mask)
{
	struct in_addr in;
	if (a->family != AF_INET || a->link_local || inet_pton(AF_INET, a->text, &in) != 1)
		return false;
	*mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
	*net = in.s_addr & *mask;
	return true;
}

static bool has_ipv4(const struct netdev *d)
{
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET)
			return true;
	return false;
}

static bool has_ipv6_link_local(const struct netdev *d)
{
	for (size_t i = 0; i < d->naddrs; i++)
		if (d->addrs[i].family == AF_INET6 && d->addrs[i].link_local)
			return true;
	return false;
}

static void coexist_netplan(struct model *m, const struct netplan_other *o)
{
	char ifs[NETPLAN_IFS_MAX * 17] = "";
	for (size_t i = 0; i < o->nifs; i++)
		snprintf(ifs + strlen(ifs), sizeof(ifs) - strlen(ifs), "%s%s", i ? ", " : "",
			 o->ifnames[i]);
	const char *tool = o->tool ? o->tool : "another tool, or by hand";
	bool ours_name = strcmp(o->file, NETPLAN_SPARKLINK_FILE) == 0;
	bool nm = m->nm.node.renderer == NM_RENDERER_NM;
	if (o->unreadable) {
		fix(add(m, FINDING_INFO, "netplan-other-tool",
			NETPLAN_DIR "/%s (written by %s) is there but cannot be read here.",
			o->file, tool),
		    "Run sparklink status with sudo to see which ConnectX ports it names: such a file "
		    "fights sparklink's plans for them. sparklink leaves it as it is.");
		return;
	}
	if (ours_name) {
		fix(add(m, FINDING_INFO, "netplan-other-tool",
			NETPLAN_DIR "/%s names %s; it was written by %s, not sparklink.", o->file,
			ifs, tool),
		    "sparklink's persistent plan replaces this file after a byte-for-byte backup that "
		    "rollback restores; a runtime plan leaves it, and it takes the ports back at the "
		    "next netplan apply or boot.");
		return;
	}
	struct finding *f = add(m, FINDING_WARN, "netplan-other-tool",
				NETPLAN_DIR "/%s names %s (written by %s).", o->file, ifs, tool);
	snprintf(f->fix, sizeof(f->fix),
		 "netplan reads it %s sparklink's " NETPLAN_SPARKLINK_FILE
		 " and renders both for %s%s: it fights sparklink's plans for %s (a key both set: "
		 "the later file wins). sparklink leaves it as it is: remove it, or undo it with "
		 "the tool that wrote it, if sparklink's plan should hold.",
		 strcmp(o->file, NETPLAN_SPARKLINK_FILE) > 0 ? "after" : "before",
		 nm ? "NetworkManager" : nm_renderer_name(m->nm.node.renderer),
		 nm ? " (as profiles netplan-IF, beside the automatic ones)" : "", ifs);
}

static void coexist_profile(struct model *m, const struct nm_profile *p)
{
	char who[300];
	nm_profile_maker_text(p, who, sizeof(who));
	struct finding *f = add(m, FINDING_WARN, "nm-other-profile",
				"NetworkManager profile \"%s\" (%s, %s) names %s; made %s.", p->id,
				p->uuid[0] ? p->uuid : "no UUID", p->active ? "active" : "inactive",
				p->ifname, who);
	snprintf(f->fix, sizeof(f->fix),
		 "It competes for %s with NetworkManager's automatic profile, netplan's "
		 "netplan-%s and sparklink's " NM_PROFILE_PREFIX
		 "%s: NetworkManager activates the one with the highest autoconnect priority%s. "
		 "sparklink leaves it as it is: if it is not meant to stay, delete it (nmcli "
		 "connection delete %s).",
		 p->ifname, p->ifname, p->ifname, p->active ? ", and it is active now" : "",
		 p->uuid[0] ? p->uuid : "its name");
}

/* Who else configures the twins: other tools' netplan files and NetworkManager profiles. */
static void findings_coexist(struct model *m)
{
	for (size_t i = 0; i < m->netplan.nfiles; i++) {
		const struct netplan_other *o = &m->netplan.files[i];
		/* NetworkManager's own 90-NM-<uuid>.yaml of a profile reported below: said once */
		bool dup = false;
		for (size_t k = 0; k < m->nm.nprofiles && !dup; k++)
			dup = m->nm.profiles[k].uuid[0] && str_starts(o->file, "90-NM-") &&
			      strstr(o->file, m->nm.profiles[k].uuid) &&
			      nm_profile_maker(&m->nm.profiles[k]) == NM_MAKER_OTHER;
		if (!dup)
			coexist_netplan(m, o);
	}
	for (size_t k = 0; k < m->nm.nprofiles; k++) {
		enum nm_maker mk = nm_profile_maker(&m->nm.profiles[k]);
		if (mk == NM_MAKER_OTHER || mk == NM_MAKER_EXTERNAL)
			coexist_profile(m, &m->nm.profiles[k]);
	}
}

void findings_compute(struct model *m)
{
	free(m->findings);
	m->findings = NULL;
	m->nfindings = 0;
	if (m->nports) {
		bool any_up = false;
		for (size_t k = 0; k < m->nports; k++)
			any_up |= m->ports[k].cabled;
		if (!any_up)
			fix(add(m, FINDING_ERROR, "no-link",
				"No ConnectX port is Up: no cable is seen."),
			    "Check the QSFP cable at both ends and reseat it; if it still shows Down, "
			    "reboot both Sparks and look again.");
	}
	for (size_t k = 0; k < m->nports; k++) {
		const struct phys_port *pp = &m->ports[k];
		if (pp->cabled && pp->ntwins == 2) {
			const struct netdev *a = pp->twins[0].netdev, *b = pp->twins[1].netdev;
			const char *an = pp->twins[0].netdev_name, *bn = pp->twins[1].netdev_name;
			bool au = a && a->carrier, bu = b && b->carrier;
			if (au != bu)
				fix(add(m, FINDING_WARN, "twin-down",
					"Port %d: %s is Up but its twin %s is Down.", pp->number,
					au ? an : bn, au ? bn : an),
				    "Both twins carry half of the port's bandwidth. Wait a second (twins come "
				    "up about a second apart); if it stays, reseat the cable.");
			if (a && b && a->mtu != b->mtu)
				fix(add(m, FINDING_WARN, "mtu-mismatch",
					"Port %d: MTU differs between twins (%s %u, %s %u).",
					pp->number, an, a->mtu, bn, b->mtu),
				    "Give both twins the same MTU (9000 for full RDMA throughput, on both "
				    "nodes).");
		}
		for (size_t t = 0; t < pp->ntwins; t++) {
			const struct netdev *d = pp->twins[t].netdev;
			if (!d || !d->carrier)
				continue;
			if (d->speed_mbps > 0 && d->speed_mbps < 200000)
				fix(add(m, FINDING_WARN, "slow-link",
					"%s runs at %ld Gb/s, below 200 Gb/s.", d->name,
					d->speed_mbps / 1000),
				    "Auto-negotiation picked a lower rate: force 200G on the switch port, or "
				    "reseat the cable; on a direct cable, replug both ends.");
			if (!has_ipv6_link_local(d) && !has_ipv4(d)) {
				struct finding *f =
					add(m, FINDING_WARN, "no-address-at-all",
					    "%s is Up but has no address at all (not even an "
					    "IPv6 link-local one): peers on its cable cannot "
					    "be found over mDNS.",
					    d->name);
				snprintf(f->fix, sizeof(f->fix),
					 "NetworkManager takes it away when the port's automatic "
					 "profile gives up (nmcli shows the port 'disconnected'): "
					 "sudo nmcli device connect %s, or wait (it tries again "
					 "within 5 minutes).",
					 d->name);
			}
			if (!has_ipv4(d))
				fix(add(m, FINDING_INFO, "no-address",
					"%s is Up but has no IPv4 address.", d->name),
				    "Choose an addressing plan (link-local or static) for the cabled twins.");
		}
	}
	/* two interfaces in one IPv4 subnet (link-local 169.254/16 is per link by definition);
	 * only netdevs with such an address take part: with hundreds of netdevs, few have one */
	model_v4_index(m);
	const size_t *v4 = m->v4, nv4 = m->nv4;
	for (size_t ii = 0; ii < nv4; ii++) {
		const struct netdev *a = &m->netdevs[v4[ii]];
		for (size_t jj = ii + 1; jj < nv4; jj++) {
			const struct netdev *b = &m->netdevs[v4[jj]];
			bool found = false;
			for (size_t x = 0; x < a->naddrs && !found; x++) {
				uint32_t na, ma;
				if (!ipv4_net(&a->addrs[x], &na, &ma))
					continue;
				for (size_t y = 0; y < b->naddrs && !found; y++) {
					uint32_t nb, mb;
					if (!ipv4_net(&b->addrs[y], &nb, &mb))
						continue;
					uint32_t mk = ntohl(ma) < ntohl(mb) ? ma : mb;
					if ((na & mk) == (nb & mk)) {
						fix(add(m, FINDING_WARN, "same-subnet",
							"One IPv4 subnet on two interfaces: %s (%s/%u) and %s (%s/%u).",
							a->name, a->addrs[x].text,
							a->addrs[x].prefixlen, b->name,
							b->addrs[y].text, b->addrs[y].prefixlen),
						    "Give each twin its own /24 (e.g. 192.168.100.x and "
						    "192.168.101.x): one subnet on two interfaces makes routing "
						    "ambiguous and breaks NCCL.");
						found = true;
					}
				}
			}
		}
	}
	findings_coexist(m);
}
