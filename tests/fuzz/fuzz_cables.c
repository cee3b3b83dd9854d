/* fuzz_cables.c: a peer's cable side as the CABLES script prints it (core/node/node_remote_ops.c:
 * node_remote_parse_cables), the peer being possibly hostile. What is kept is checked: at most
 * NODE_MAX_CABLE_IFS twins, each a valid interface name once, port 0/1 and twin 0/1, addresses
 * inet_pton accepts; sightings only on a kept twin with carrier, with a plain host label and an
 * address. */
#include "tests/fuzz/fuzz.h"
#include "core/base/text.h"
#include "core/node/node_remote_ops.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

static bool addr_ok(const char *a)
{
	unsigned char bin[16];
	return inet_pton(AF_INET, a, bin) == 1 || inet_pton(AF_INET6, a, bin) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct node_cables *c = malloc(sizeof(*c));
	node_remote_parse_cables(text, c);
	FZ_CHECK(c->nifs <= NODE_MAX_CABLE_IFS, "%zu twins", c->nifs);
	for (size_t i = 0; i < c->nifs; i++) {
		const struct node_cable_if *f = &c->ifs[i];
		FZ_CHECK(memchr(f->ifname, '\0', sizeof(f->ifname)) && text_is_ifname(f->ifname),
			 "interface name");
		for (size_t k = 0; k < i; k++)
			FZ_CHECK(strcmp(c->ifs[k].ifname, f->ifname) != 0, "%s twice", f->ifname);
		FZ_CHECK(f->port == 0 || f->port == 1, "port %d", f->port);
		FZ_CHECK(f->twin == 0 || f->twin == 1, "twin %d", f->twin);
		FZ_CHECK(f->naddrs <= NODE_MAX_ADDRS, "%zu addresses", f->naddrs);
		for (size_t k = 0; k < f->naddrs; k++)
			FZ_CHECK(addr_ok(f->addrs[k]), "address '%s'", f->addrs[k]);
	}
	FZ_CHECK(c->nseen <= NODE_MAX_SIGHTINGS, "%zu sightings", c->nseen);
	for (size_t i = 0; i < c->nseen; i++) {
		const struct node_sighting *s = &c->seen[i];
		bool on = false;
		for (size_t k = 0; k < c->nifs; k++)
			on = on || (strcmp(c->ifs[k].ifname, s->ifname) == 0 && c->ifs[k].carrier);
		FZ_CHECK(on, "a sighting on %s, not a twin with carrier", s->ifname);
		FZ_CHECK(s->host[0] && strspn(s->host, "abcdefghijklmnopqrstuvwxyz"
						       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") ==
					       strlen(s->host),
			 "host '%s'", s->host);
		FZ_CHECK(addr_ok(s->addr), "address '%s'", s->addr);
	}
	free(c);
	free(text);
	return 0;
}
