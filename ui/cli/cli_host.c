/* cli_host.c: HOST on the command line (pair, verify, apply --peer): the address to connect to
 * and the names it is known by, from mDNS or the resolver. */
#include "ui/cli/cli.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/base/loop.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/rdma.h"
#include "core/mdns/discovery.h"
#include "core/mdns/peers.h"
#include "core/jobs/pair.h"

static bool numeric_address(const char *s)
{
	char tmp[128];
	struct in6_addr a;
	str_copy(tmp, s, sizeof(tmp));
	char *pct = strchr(tmp, '%');
	if (pct) {
		*pct = '\0';
		if (!text_is_ifname(pct + 1))
			return false;
	}
	return inet_pton(AF_INET, tmp, &a) == 1 || inet_pton(AF_INET6, tmp, &a) == 1;
}

static bool peer_has_address(const struct peer *p, const char *addr)
{
	char plain[128];
	str_copy(plain, addr, sizeof(plain));
	char *pct = strchr(plain, '%');
	if (pct)
		*pct = '\0';
	for (size_t k = 0; k < p->naddrs; k++)
		if (strcmp(p->addrs[k].addr, plain) == 0)
			return true;
	return false;
}

/* The address to connect to, and every name the peer is known by (for known_hosts): HOST as
 * given, and, when mDNS knows the peer (by that name or that address), its host name and live
 * addresses. A short browse of avahi's cache, until the LAN's records are in (the rule prefers
 * the LAN: peers.h); no mDNS is not an error here. An address given is used as given. */
/* HOST once the browse is over: from the peer mDNS found (may be NULL), else the resolver. */
static int resolve_one(const char *host, const struct peer *found, enum peer_purpose why,
		       struct pair_request *r, const struct model *m)
{
	int rc = -1;
	if (numeric_address(host)) {
		char plain[128];
		str_copy(r->address, host, sizeof(r->address));
		str_copy(plain, host, sizeof(plain));
		char *pct = strchr(plain, '%');
		if (pct)
			*pct = '\0'; /* a scoped address is recorded without its scope */
		pair_request_add_name(r->peer_names, &r->npeer_names, plain);
		if (found) {
			struct pair_request extra = { 0 };
			pair_request_from_peer(&extra, found, m, why);
			for (size_t i = 0; i < extra.npeer_names; i++)
				pair_request_add_name(r->peer_names, &r->npeer_names,
						      extra.peer_names[i]);
		}
		return 0;
	}
	pair_request_add_name(r->peer_names, &r->npeer_names, host);
	if (found && pair_request_from_peer(r, found, m, why))
		return 0;
	/* any other name: the resolver (this is the CLI: blocking is fine) */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -1;
	char buf[128];
	if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), NULL, 0, NI_NUMERICHOST) ==
	    0) {
		str_copy(r->address, buf, sizeof(r->address));
		pair_request_add_name(r->peer_names, &r->npeer_names, buf);
		rc = 0;
	}
	freeaddrinfo(res);
	return rc;
}

static const struct peer *find_peer(const struct peers *peers, const char *host)
{
	bool numeric = numeric_address(host);
	char want[300];
	snprintf(want, sizeof(want), "%s%s", host, strchr(host, '.') ? "" : ".local");
	for (size_t i = 0; i < peers->n; i++) {
		const struct peer *p = &peers->v[i];
		if (!p->self &&
		    (numeric ? peer_has_address(p, host) : strcasecmp(p->host, want) == 0))
			return p;
	}
	return NULL;
}

int cli_resolve_hosts(const char *const *hosts, size_t n, enum peer_purpose why,
		      struct pair_request *rs, const struct model *m, size_t *bad)
{
	struct loop *l = loop_new();
	struct peers peers;
	peers_init(&peers);
	struct discovery *d = discovery_new(l, &peers, m, NULL, NULL);
	int64_t until = clock_ms() + 2000;
	/* one short browse for every HOST: until the LAN's records are in, or each is found */
	while (clock_ms() < until && peers.state != MDNS_UNAVAILABLE &&
	       peers.state != MDNS_WAITING) {
		loop_turn(l, 100);
		bool all = true;
		for (size_t k = 0; k < n && all; k++)
			all = find_peer(&peers, hosts[k]) != NULL;
		if ((peers.all_for_now || (all && peers.cache_exhausted)) && !peers.pending)
			break;
	}
	int rc = 0;
	for (size_t k = 0; k < n; k++)
		if (resolve_one(hosts[k], find_peer(&peers, hosts[k]), why, &rs[k], m) < 0) {
			*bad = k;
			rc = -1;
			break;
		}
	discovery_free(d);
	peers_free(&peers);
	loop_free(l);
	return rc;
}

int cli_resolve_host(const char *host, enum peer_purpose why, struct pair_request *r,
		     const struct model *m)
{
	size_t bad = 0;
	return cli_resolve_hosts(&host, 1, why, r, m, &bad);
}

int cli_peer_lookup(const char *cmd, const char *host, enum peer_purpose why, const struct model *m,
		    char *address, size_t addrsize, char (*names)[256], size_t max, size_t *n)
{
	struct pair_request *r = xcalloc(1, sizeof(*r));
	struct model own;
	if (!m) { /* which interfaces are the cable's: the ports and their netdevs now */
		char err[256];
		model_init(&own);
		rdma_inventory_scan(&own.rdma, false);
		netmon_snapshot(&own, err, sizeof(err));
		m = &own;
	}
	int rc = cli_resolve_host(host, why, r, m);
	if (m == &own)
		model_free(&own);
	if (rc < 0) {
		char q[CLI_ARG_MAX];
		fprintf(stderr,
			"%s: cannot find '%s' (not an address, not seen over mDNS, not "
			"resolvable)\n",
			cmd, cli_arg(host, q, sizeof(q)));
	} else {
		str_copy(address, r->address, addrsize);
		for (size_t i = 0; i < r->npeer_names && *n < max; i++)
			str_copy(names[(*n)++], r->peer_names[i], sizeof(names[0]));
	}
	free(r);
	return rc < 0 ? -1 : 0;
}

void cli_silent_ports(const char *cmd, const struct model *m)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].code, "no-address-at-all") == 0)
			fprintf(stderr, "%s: %s %s\n", cmd, m->findings[i].text,
				m->findings[i].fix);
}
