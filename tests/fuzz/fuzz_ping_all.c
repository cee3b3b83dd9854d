/* fuzz_ping_all.c: a peer's answer to the batch of pings (core/node/node_ping.c: node_ping_parse),
 * the peer being possibly hostile. Accepted only when it is exactly one line per target in
 * order; then every result is one of the four, and its text clean, one line; refused, every
 * result is -EIO with no text. The same answer parsed twice gives the same results. */
#include "tests/fuzz/fuzz.h"
#include "core/node/node_ping.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the number of targets: the first byte, so that every count up to the maximum is tried */
	if (size < 1)
		return 0;
	size_t nt = data[0] % (NODE_PING_MAX + 1);
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	struct node_ping *t = calloc(NODE_PING_MAX + 1, sizeof(*t));
	struct node_ping *u = calloc(NODE_PING_MAX + 1, sizeof(*u));
	bool ok = node_ping_parse(text, size - 1, t, nt);
	bool ok2 = node_ping_parse(text, size - 1, u, nt);
	FZ_CHECK(ok == ok2, "parsed twice: %d then %d", ok, ok2);
	size_t lines = 0;
	for (size_t i = 0; i + 1 < size; i++)
		lines += text[i] == '\n';
	if (ok)
		FZ_CHECK(lines == nt && (nt == 0 ? size == 1 : text[size - 2] == '\n'),
			 "accepted %zu lines for %zu targets", lines, nt);
	for (size_t i = 0; i < nt; i++) {
		FZ_CHECK(memchr(t[i].out, '\0', sizeof(t[i].out)), "text %zu not terminated", i);
		const char *bad = fz_clean_problem(t[i].out, false);
		FZ_CHECK(!bad, "text %zu: %s", i, bad);
		FZ_CHECK(t[i].rc == u[i].rc && strcmp(t[i].out, u[i].out) == 0,
			 "target %zu differs when parsed again", i);
		if (ok)
			FZ_CHECK(t[i].rc == 0 || t[i].rc == -EHOSTUNREACH || t[i].rc == -ENODEV ||
					 t[i].rc == -EIO,
				 "result %d", t[i].rc);
		else
			FZ_CHECK(t[i].rc == -EIO && !t[i].out[0], "refused, yet target %zu has %d",
				 i, t[i].rc);
		if (t[i].rc == -ENODEV)
			FZ_CHECK(!t[i].out[0], "no interface, yet a text");
	}
	free(u);
	free(t);
	free(text);
	return 0;
}
