/* fuzz_nlparse.c: a datagram of rtnetlink messages as netmon.c receives it from its notification
 * socket (corpus: real link and address messages from this kernel, captured with
 * capture-nlparse.py). nlparse_datagram() reads only inside the datagram (a heap copy of exactly
 * its size), and what it passes on is what the model may hold: names, operational state and
 * link address terminated inside their fields and made of name characters, addresses IPv4 or
 * IPv6 text that inet_pton reads back, prefix lengths in range. */
#include "tests/fuzz/fuzz.h"
#include "core/net/nlparse.h"

#include <arpa/inet.h>

static void check(const struct nlparse_event *ev, void *arg)
{
	(void)arg;
	switch (ev->kind) {
	case NLPARSE_LINK_NEW: {
		const struct netdev *d = &ev->link;
		FZ_CHECK(memchr(d->name, '\0', sizeof(d->name)), "name not terminated");
		FZ_CHECK(memchr(d->operstate, '\0', sizeof(d->operstate)),
			 "operstate not terminated");
		FZ_CHECK(memchr(d->mac, '\0', sizeof(d->mac)), "mac not terminated");
		FZ_CHECK(fz_name_chars(d->name), "name is not a name");
		FZ_CHECK(fz_name_chars(d->operstate), "operstate is not a name");
		FZ_CHECK(fz_name_chars(d->mac), "mac is not a name");
		FZ_CHECK(d->ifindex == ev->ifindex, "ifindex %d vs %d", d->ifindex, ev->ifindex);
		FZ_CHECK(!d->carrier || d->admin_up, "carrier without admin up");
		FZ_CHECK(d->naddrs == 0 && !d->addrs, "a link with addresses");
		break;
	}
	case NLPARSE_LINK_DEL: break;
	case NLPARSE_ADDR_NEW:
	case NLPARSE_ADDR_DEL: {
		const struct netdev_addr *a = &ev->addr;
		FZ_CHECK(a->family == AF_INET || a->family == AF_INET6, "family %d", a->family);
		FZ_CHECK(memchr(a->text, '\0', sizeof(a->text)), "address not terminated");
		unsigned char bin[16];
		FZ_CHECK(inet_pton(a->family, a->text, bin) == 1, "address text '%s'", a->text);
		FZ_CHECK(a->prefixlen <= 255, "prefix length %u", a->prefixlen);
		break;
	}
	default: FZ_CHECK(false, "kind %d", (int)ev->kind);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *v = malloc(size ? size : 1);
	if (!v)
		abort();
	if (size)
		memcpy(v, data, size);
	int r = nlparse_datagram(v, size, check, NULL);
	FZ_CHECK(r == 0 || r == -1, "returned %d", r);
	free(v);
	return 0;
}
