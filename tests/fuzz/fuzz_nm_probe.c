/* fuzz_nm_probe.c: the peer's NetworkManager answers (core/node/node_remote_nm.c's NM_PROBE: one
 * "TAG JSON" line per busctl --json=short answer), the peer being possibly hostile. What the
 * parser keeps is checked: a known renderer when it accepts the answer, a clean version, a device
 * state in range, a clean profile name and a UUID of NetworkManager's shape (or none); the same
 * answer parsed twice gives the same view. Corpus: answers captured in the lab (NetworkManager
 * and networkd nodes: the node alone, enP7s7 under netplan's profile, a port under "Wired
 * connection", an uncabled one, no such device, netplan's and sparklink's profiles) and hostile
 * variants of them. */
#include "tests/fuzz/fuzz.h"
#include "core/net/nm.h"
#include "core/node/node_remote_nm.h"
#include "core/base/text.h"

static void parse(const uint8_t *data, size_t size, struct nm_node *node, struct nm_port *port,
		  bool *ok)
{
	char *text = fz_strndup(data, size);
	memset(node, 0, sizeof(*node));
	memset(port, 0, sizeof(*port));
	*ok = node_remote_parse_nm_probe(text, node, port);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nm_node node, node2;
	struct nm_port port, port2;
	bool ok, ok2;
	parse(data, size, &node, &port, &ok);
	/* a rejected answer: the caller forgets all of it (remote_nm_probe zeroes both) */
	FZ_CHECK(ok || node.renderer == NM_RENDERER_UNKNOWN, "renderer %d without an answer",
		 (int)node.renderer);
	FZ_CHECK(!ok || node.renderer == NM_RENDERER_NONE || node.renderer == NM_RENDERER_NM ||
			 node.renderer == NM_RENDERER_NETWORKD,
		 "renderer %d", (int)node.renderer);
	FZ_CHECK(memchr(node.version, '\0', sizeof(node.version)), "version not terminated");
	FZ_CHECK(!fz_clean_problem(node.version, false), "version: %s",
		 fz_clean_problem(node.version, false));
	FZ_CHECK(fz_name_chars(node.version), "version is not a name: %s", node.version);
	FZ_CHECK(port.state >= 0 && port.state <= 1000, "state %d", port.state);
	FZ_CHECK(memchr(port.profile, '\0', sizeof(port.profile)), "profile not terminated");
	FZ_CHECK(!fz_clean_problem(port.profile, false), "profile: %s",
		 fz_clean_problem(port.profile, false));
	FZ_CHECK(memchr(port.uuid, '\0', sizeof(port.uuid)), "uuid not terminated");
	FZ_CHECK(!port.uuid[0] || nm_uuid_valid(port.uuid), "uuid: %s", port.uuid);
	FZ_CHECK(!port.managed || port.known, "managed but not known");
	parse(data, size, &node2, &port2, &ok2);
	FZ_CHECK(ok == ok2 && memcmp(&node, &node2, sizeof(node)) == 0 &&
			 memcmp(&port, &port2, sizeof(port)) == 0,
		 "two parses differ");
	return 0;
}
