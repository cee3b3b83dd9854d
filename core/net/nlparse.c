/* nlparse.c: link and address notifications read from raw rtnetlink bytes (nlparse.h). */
#include "core/net/nlparse.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One attribute: its type and payload inside the message (len bytes at p). */
struct attr {
	const unsigned char *p;
	size_t len;
	bool set;
};

/* Collect the attributes of types below n from p (len bytes), the last of a type winning as
 * libnl's nla_parse() keeps it. -1 when one does not fit. */
static int attrs_parse(const unsigned char *p, size_t len, struct attr *tb, size_t n)
{
	memset(tb, 0, n * sizeof(*tb));
	while (len >= sizeof(struct rtattr)) {
		struct rtattr rta;
		memcpy(&rta, p, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len)
			return -1;
		unsigned short type = rta.rta_type & NLA_TYPE_MASK;
		if (type < n)
			tb[type] = (struct attr){ p + RTA_LENGTH(0), rta.rta_len - RTA_LENGTH(0),
						  true };
		size_t step = RTA_ALIGN(rta.rta_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return len ? -1 : 0;
}

/* libnl's NLA_STRING rule (1..max bytes, the last one NUL); false for a bad one. */
static bool attr_string_ok(const struct attr *a, size_t max)
{
	return !a->set || (a->len >= 1 && a->len <= max && a->p[a->len - 1] == '\0');
}

static uint32_t attr_u32(const struct attr *a)
{
	uint32_t v;
	memcpy(&v, a->p, sizeof(v));
	return v;
}

/* Copy s (made of name characters only) into out, cut to fit as text_clean() cuts ASCII. */
static void copy_name(char *out, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* rtnl_link_operstate2str()'s words ("0x%x" for a state it has no word for) */
static void operstate_text(char *out, size_t size, unsigned char st)
{
	static const char *const words[] = { "unknown", "notpresent", "down", "lowerlayerdown",
					     "testing", "dormant",    "up" };
	static const char hex[] = "0123456789abcdef";
	if (st < sizeof(words) / sizeof(words[0])) {
		copy_name(out, size, words[st], strlen(words[st]));
		return;
	}
	char tmp[8] = "0x";
	size_t n = 2;
	if (st >= 16)
		tmp[n++] = hex[st >> 4];
	tmp[n++] = hex[st & 15];
	copy_name(out, size, tmp, n);
}

/* nl_addr2str() of a link address as libnl guesses its family from its length (4: IPv4, 16:
 * IPv6, else hex bytes with colons), cut to 63 bytes as netmon's dump path does; written by
 * hand: it is made for every link notification */
static void mac_text(char *out, size_t size, const unsigned char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[64];
	size_t n = 0;
	if (len == 4 || len == 16) {
		if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, p, tmp, sizeof(tmp)))
			return;
		n = strlen(tmp);
	} else {
		for (size_t i = 0; i < len && n + (i ? 3 : 2) < sizeof(tmp); i++) {
			if (i)
				tmp[n++] = ':';
			tmp[n++] = hex[p[i] >> 4];
			tmp[n++] = hex[p[i] & 15];
		}
		/* strncat's cut: the last piece as far as it fits */
		if (n < sizeof(tmp) - 1 && n < 3 * len - 1) {
			size_t i = (n + 1) / 3;
			char piece[3] = { ':', hex[p[i] >> 4], hex[p[i] & 15] };
			for (size_t k = 0; k < 3 && n < sizeof(tmp) - 1; k++)
				tmp[n++] = piece[k];
		}
	}
	copy_name(out, size, tmp, n);
}

static bool parse_link(const unsigned char *p, size_t len, struct nlparse_event *ev)
{
	struct ifinfomsg ifi;
	if (len < NLMSG_ALIGN(sizeof(ifi)))
		return false;
	memcpy(&ifi, p, sizeof(ifi));
	if (ifi.ifi_family != AF_UNSPEC) /* per-family link objects (AF_BRIDGE ...): not the link */
		return false;
	ev->ifindex = ifi.ifi_index;
	if (ev->kind == NLPARSE_LINK_DEL)
		return true;
	struct attr tb[IFLA_OPERSTATE > IFLA_CARRIER ? IFLA_OPERSTATE + 1 : IFLA_CARRIER + 1];
	size_t n = sizeof(tb) / sizeof(tb[0]);
	if (attrs_parse(p + NLMSG_ALIGN(sizeof(ifi)), len - NLMSG_ALIGN(sizeof(ifi)), tb, n) < 0)
		return false;
	/* what libnl's policy refuses, refused; a link without a name libnl drops */
	if (!tb[IFLA_IFNAME].set || !attr_string_ok(&tb[IFLA_IFNAME], IFNAMSIZ) ||
	    (tb[IFLA_MTU].set && tb[IFLA_MTU].len < 4) ||
	    (tb[IFLA_CARRIER].set && tb[IFLA_CARRIER].len < 1) ||
	    (tb[IFLA_OPERSTATE].set && tb[IFLA_OPERSTATE].len < 1))
		return false;
	struct netdev *d = &ev->link;
	char name[IFNAMSIZ];
	memcpy(name, tb[IFLA_IFNAME].p, tb[IFLA_IFNAME].len); /* NUL-terminated, checked */
	text_clean(d->name, sizeof(d->name), name, strlen(name), TEXT_NAME);
	d->ifindex = ifi.ifi_index;
	d->admin_up = ifi.ifi_flags & IFF_UP;
	/* Up as ibdev2netdev means it: admin up and carrier */
	d->carrier = d->admin_up && tb[IFLA_CARRIER].set && tb[IFLA_CARRIER].p[0];
	operstate_text(d->operstate, sizeof(d->operstate),
		       tb[IFLA_OPERSTATE].set ? tb[IFLA_OPERSTATE].p[0] : 0);
	d->mtu = tb[IFLA_MTU].set ? attr_u32(&tb[IFLA_MTU]) : 0;
	if (tb[IFLA_ADDRESS].set && tb[IFLA_ADDRESS].len > 0)
		mac_text(d->mac, sizeof(d->mac), tb[IFLA_ADDRESS].p, tb[IFLA_ADDRESS].len);
	d->speed_mbps = -1;
	return true;
}

static bool parse_addr(const unsigned char *p, size_t len, struct nlparse_event *ev)
{
	struct ifaddrmsg ifa;
	if (len < NLMSG_ALIGN(sizeof(ifa)))
		return false;
	memcpy(&ifa, p, sizeof(ifa));
	if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6)
		return false;
	struct attr tb[IFA_FLAGS + 1];
	if (attrs_parse(p + NLMSG_ALIGN(sizeof(ifa)), len - NLMSG_ALIGN(sizeof(ifa)), tb,
			IFA_FLAGS + 1) < 0)
		return false;
	if (!attr_string_ok(&tb[IFA_LABEL], IFNAMSIZ) ||
	    (tb[IFA_CACHEINFO].set && tb[IFA_CACHEINFO].len < sizeof(struct ifa_cacheinfo)) ||
	    (tb[IFA_FLAGS].set && tb[IFA_FLAGS].len < 4))
		return false;
	/* IPv6 sends its address as IFA_ADDRESS alone; IPv4 both, IFA_ADDRESS the peer when they
	 * differ */
	const struct attr *local = tb[IFA_LOCAL].set ? &tb[IFA_LOCAL] : &tb[IFA_ADDRESS];
	size_t alen = ifa.ifa_family == AF_INET ? 4 : 16;
	if (!local->set || local->len != alen)
		return false;
	ev->ifindex = (int)ifa.ifa_index;
	ev->peer = tb[IFA_LOCAL].set && tb[IFA_ADDRESS].set &&
		   (tb[IFA_ADDRESS].len != alen || memcmp(tb[IFA_ADDRESS].p, local->p, alen) != 0);
	struct netdev_addr *a = &ev->addr;
	a->family = ifa.ifa_family;
	a->prefixlen = ifa.ifa_prefixlen;
	unsigned char bin[16];
	memcpy(bin, local->p, alen);
	if (!inet_ntop(a->family, bin, a->text, sizeof(a->text)))
		return false;
	if (a->family == AF_INET)
		a->link_local = str_starts(a->text, "169.254.");
	else
		a->link_local = str_starts(a->text, "fe80:") || str_starts(a->text, "fe8") ||
				str_starts(a->text, "fe9") || str_starts(a->text, "fea") ||
				str_starts(a->text, "feb");
	return true;
}

int nlparse_datagram(const void *buf, size_t len, nlparse_fn *fn, void *arg)
{
	const unsigned char *p = buf;
	while (len > 0) {
		struct nlmsghdr h;
		if (len < sizeof(h))
			return -1;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return -1;
		const unsigned char *body = p + NLMSG_HDRLEN;
		size_t blen = h.nlmsg_len - NLMSG_HDRLEN;
		struct nlparse_event ev;
		memset(&ev, 0, sizeof(ev));
		bool ok = false;
		switch (h.nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
			ev.kind = h.nlmsg_type == RTM_NEWLINK ? NLPARSE_LINK_NEW : NLPARSE_LINK_DEL;
			ok = parse_link(body, blen, &ev);
			break;
		case RTM_NEWADDR:
		case RTM_DELADDR:
			ev.kind = h.nlmsg_type == RTM_NEWADDR ? NLPARSE_ADDR_NEW : NLPARSE_ADDR_DEL;
			ok = parse_addr(body, blen, &ev);
			break;
		default: break;
		}
		if (ok)
			fn(&ev, arg);
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return 0;
}
