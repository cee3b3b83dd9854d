/* node_remote_cables.c: the peer's cable side as the cable map needs it (node.h `cables`): its
 * ConnectX twins with carrier, speed and addresses, and its own mDNS view, read with a fixed
 * script as the login user and parsed strictly. */
#include "core/node/node_remote_cables.h"
#include "core/node/node_remote_shared.h"
#include "core/base/text.h"
#include "core/mdns/browse_output.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every netdev with its carrier, speed and PCI function (if it has one), every address, then
 * the node's own mDNS view (avahi-browse, when installed; as the login user). */
static const char CABLES[] = PRE "for d in /sys/class/net/*; do\n"
				 "  i=${d##*/}; p=-; s=-\n"
				 "  if [ -e \"$d/device\" ]; then\n"
				 "    p=$(readlink -f \"$d/device\"); p=${p##*/}\n"
				 "    s=$(cat \"$d/speed\" 2>/dev/null); [ -n \"$s\" ] || s=-\n"
				 "  fi\n"
				 "  c=$(cat \"$d/carrier\" 2>/dev/null); [ -n \"$c\" ] || c=0\n"
				 "  printf 'if %s %s %s %s\\n' \"$i\" \"$c\" \"$s\" \"$p\"\n"
				 "done\n"
				 "echo @addrs; ip -o addr show\n"
				 "echo @browse\n"
				 "command -v avahi-browse >/dev/null 2>&1 || exit 0\n"
				 "timeout 10 avahi-browse -prt _ssh._tcp 2>/dev/null; exit 0\n";

/* "DDDD:BB:SS.F" into the domain and the function. */
static bool pci_parse(const char *s, unsigned *domain, unsigned *func)
{
	unsigned d, b, sl, f;
	char end;
	if (strlen(s) != 12 || sscanf(s, "%4x:%2x:%2x.%1x%c", &d, &b, &sl, &f, &end) != 4)
		return false;
	*domain = d, *func = f;
	return true;
}

/* A ConnectX name as systemd derives it from the PCI address: en[P<domain>]p<bus>s<slot>f<fn>
 * np<port>. */
static bool cx_name_parse(const char *s, unsigned *domain, unsigned *func)
{
	const char *p = s;
	unsigned long v;
	char *end;
	if (strncmp(p, "en", 2) != 0)
		return false;
	p += 2;
	*domain = 0;
	if (*p == 'P') {
		if (p[1] < '0' || p[1] > '9')
			return false;
		v = strtoul(p + 1, &end, 10);
		if (v > 0xffff)
			return false;
		*domain = (unsigned)v, p = end;
	}
	static const char seq[] = "psf";
	for (int k = 0; k < 3; k++) {
		if (*p != seq[k] || p[1] < '0' || p[1] > '9')
			return false;
		v = strtoul(p + 1, &end, 10);
		if (v > 255)
			return false;
		if (seq[k] == 'f')
			*func = (unsigned)v;
		p = end;
	}
	if (strncmp(p, "np", 2) != 0 || p[2] < '0' || p[2] > '9')
		return false;
	v = strtoul(p + 2, &end, 10);
	return *end == '\0' && v < 16;
}

static struct node_cable_if *cable_if_find(struct node_cables *c, const char *ifname)
{
	for (size_t i = 0; i < c->nifs; i++)
		if (strcmp(c->ifs[i].ifname, ifname) == 0)
			return &c->ifs[i];
	return NULL;
}

static void parse_cable_if(char **w, size_t nw, struct node_cables *out)
{
	unsigned long carrier, speed = 0;
	unsigned domain = 0, func = 0;
	if (nw != 5 || !text_is_ifname(w[1]) || !remote_parse_uint(w[2], 10, 1, &carrier) ||
	    (strcmp(w[3], "-") != 0 && !remote_parse_uint(w[3], 10, 10000000, &speed)) ||
	    cable_if_find(out, w[1]) || out->nifs >= NODE_MAX_CABLE_IFS)
		return;
	/* the name says it is a ConnectX port; its PCI function, when it has one, says which */
	if (!cx_name_parse(w[1], &domain, &func) ||
	    (strcmp(w[4], "-") != 0 && !pci_parse(w[4], &domain, &func)))
		return;
	if (func > 1)
		return;
	struct node_cable_if *f = &out->ifs[out->nifs++];
	memset(f, 0, sizeof(*f));
	str_copy(f->ifname, w[1], sizeof(f->ifname));
	f->port = (int)func;
	f->twin = domain == 0 ? 0 : 1;
	f->carrier = carrier == 1;
	f->speed_mbps = (unsigned)speed;
}

static void parse_cable_addr(char **w, size_t nw, struct node_cables *out)
{
	/* "2: IF    inet 10.0.0.1/24 ..." or "2: IF    inet6 fe80::1/64 scope link ..." */
	if (nw < 4 || (strcmp(w[2], "inet") != 0 && strcmp(w[2], "inet6") != 0))
		return;
	struct node_cable_if *f = cable_if_find(out, w[1]);
	unsigned char ip[16];
	int family, plen;
	char canon[64];
	if (!f || f->naddrs >= NODE_MAX_ADDRS ||
	    !node_cidr_parse(w[3], &family, ip, &plen, canon, sizeof(canon)) ||
	    (family == AF_INET) != (strcmp(w[2], "inet") == 0))
		return;
	if (family == AF_INET6 && !(ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80))
		return;
	char *slash = strchr(canon, '/');
	if (slash)
		*slash = '\0';
	str_copy(f->addrs[f->naddrs++], canon, sizeof(f->addrs[0]));
}

void node_remote_parse_cables(char *text, struct node_cables *out)
{
	memset(out, 0, sizeof(*out));
	int section = 0; /* 0 interfaces, 1 addresses */
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "@addrs") == 0) {
			section = 1;
			continue;
		}
		if (strcmp(line, "@browse") == 0) {
			/* the rest is avahi-browse's: strtok_r ended this line only */
			const char *rest = save ? save : "";
			size_t n = strlen(rest);
			out->browsed = true;
			struct browse_entry *v = xcalloc(NODE_MAX_SIGHTINGS, sizeof(*v));
			size_t got = browse_output_parse(rest, n, v, NODE_MAX_SIGHTINGS);
			if (got > NODE_MAX_SIGHTINGS)
				got = NODE_MAX_SIGHTINGS;
			for (size_t i = 0; i < got; i++) {
				const struct node_cable_if *f = cable_if_find(out, v[i].ifname);
				if (!f || !f->carrier) /* avahi keeps records on a dead link */
					continue;
				struct node_sighting *s = &out->seen[out->nseen++];
				str_copy(s->ifname, v[i].ifname, sizeof(s->ifname));
				str_copy(s->host, v[i].host, sizeof(s->host));
				str_copy(s->addr, v[i].addr, sizeof(s->addr));
			}
			free(v);
			return;
		}
		char *w[12];
		size_t nw = remote_words(line, w, ARRAY_LEN(w));
		if (section == 0 && nw >= 1 && strcmp(w[0], "if") == 0)
			parse_cable_if(w, nw, out);
		else if (section == 1 && nw >= 2) {
			char *at = strchr(w[1], '@');
			if (at)
				*at = '\0';
			if (remote_ends_with(w[1], ":"))
				w[1][strlen(w[1]) - 1] = '\0';
			parse_cable_addr(w, nw, out);
		}
	}
}

int remote_cables(struct node *n, struct node_cables *out, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	memset(out, 0, sizeof(*out));
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_USER, CABLES, NULL, 0, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status != 0)
		rc = remote_failed(r, &rep, "read its ConnectX ports", err, errsize);
	if (rc == 0) {
		buf_add(&rep.out, "", 0);
		node_remote_parse_cables(rep.out.data, out);
	}
	remote_reply_free(&rep);
	return rc;
}
