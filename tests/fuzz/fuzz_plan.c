/* fuzz_plan.c: the data of a journal "plan" record, as plan_record_parse() reads it back (status,
 * the console's steps, apply --verify and rollback act on the newest one). A plan it accepts is
 * one plan_make() would make (MTU 1500 or 9000, node 1 or 2, two different plain host names, 1
 * to PLAN_MAX_IFS different interface names), the peer address is one word of at most 129
 * bytes, the record written again in the format apply.h documents gives the same plan, and the
 * netplan file and the preview built from it are clean text. */
#include "tests/fuzz/fuzz.h"
#include "core/jobs/apply.h"
#include "core/base/text.h"

static bool host_plain(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 63 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fz_strndup(data, size);
	struct plan p;
	char peer[130];
	memset(peer, 'X', sizeof(peer));
	if (plan_record_parse(in, &p, peer, sizeof(peer)) != 0) {
		free(in);
		return 0;
	}
	FZ_CHECK(p.mtu == 1500 || p.mtu == 9000, "MTU %u", p.mtu);
	FZ_CHECK(p.self_node == 1 || p.self_node == 2, "node %d", p.self_node);
	FZ_CHECK(plan_kind_name(p.kind) && plan_kind_parse(plan_kind_name(p.kind)) == (int)p.kind,
		 "kind %d", (int)p.kind);
	FZ_CHECK(host_plain(p.names[0]) && host_plain(p.names[1]) &&
			 strcmp(p.names[0], p.names[1]) != 0,
		 "host names");
	FZ_CHECK(p.nifs >= 1 && p.nifs <= PLAN_MAX_IFS, "%zu interfaces", p.nifs);
	for (size_t i = 0; i < p.nifs; i++) {
		FZ_CHECK(text_is_ifname(p.ifs[i].ifname), "interface %zu", i);
		for (size_t k = 0; k < i; k++)
			FZ_CHECK(strcmp(p.ifs[i].ifname, p.ifs[k].ifname) != 0,
				 "interface %zu named twice", i);
	}
	FZ_CHECK(memchr(peer, '\0', sizeof(peer)), "the peer is not terminated");
	FZ_CHECK(!strpbrk(peer, " \t\n\v\f\r"), "the peer is more than one word");

	/* "kind=K mtu=M node=N names=A,B ifs=I,J peer=ADDR" (apply.h) */
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "kind=%s mtu=%u node=%d names=%s,%s ifs=", plan_kind_name(p.kind), p.mtu,
		   p.self_node, p.names[0], p.names[1]);
	for (size_t i = 0; i < p.nifs; i++)
		buf_printf(&b, "%s%s", i ? "," : "", p.ifs[i].ifname);
	buf_printf(&b, " peer=%s", peer[0] ? peer : "-");
	struct plan again;
	char peer2[130];
	FZ_CHECK(plan_record_parse(b.data, &again, peer2, sizeof(peer2)) == 0,
		 "the plan written again is refused: %s", b.data);
	FZ_CHECK(memcmp(&again, &p, sizeof(p)) == 0, "the plan written again differs: %s", b.data);
	buf_free(&b);

	for (int node = 1; node <= 2; node++) {
		struct buf y;
		buf_init(&y);
		plan_netplan_yaml(&p, node, &y);
		plan_commands(&p, node, NULL, &y);
		buf_add(&y, "", 0);
		const char *bad = fz_clean_problem(y.data, true);
		FZ_CHECK(!bad, "node %d's netplan file or commands: %s", node, bad);
		buf_free(&y);
	}
	struct buf pv;
	buf_init(&pv);
	plan_preview(&p, NULL, &pv);
	buf_add(&pv, "", 0);
	const char *bad = fz_clean_problem(pv.data, true);
	FZ_CHECK(!bad, "the preview: %s", bad);
	buf_free(&pv);
	free(in);
	return 0;
}
