/* test_apply_subnets.c: "two interfaces in one subnet" is judged on the real network (the
 * address's prefix length), not on the text of an address: the playbook's .1/.2 style addresses
 * and the ring's 192.168.1.x give no false warning, a real overlap is named. */
#include "core/jobs/apply_shared.h"
#include "core/jobs/cluster_plan.h"
#include "core/node/node.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_in_net(void **state)
{
	(void)state;
	assert_true(node_cidr_in_net("192.168.100.2/24", "192.168.100.1/24"));
	assert_true(node_cidr_in_net("192.168.100.200/24", "192.168.100.10/24"));
	assert_false(
		node_cidr_in_net("192.168.100.1/24", "192.168.1.1/24")); /* the old prefix text */
	assert_false(node_cidr_in_net("192.168.10.5/24", "192.168.1.1/24"));
	assert_false(node_cidr_in_net("192.168.101.1/24", "192.168.100.1/24"));
	assert_true(node_cidr_in_net("10.0.3.7/16", "10.0.200.1/16"));
	assert_false(node_cidr_in_net("10.1.3.7/16", "10.0.200.1/16"));
	assert_true(node_cidr_in_net("192.168.0.130/25", "192.168.0.129/25"));
	assert_false(node_cidr_in_net("192.168.0.127/25", "192.168.0.129/25"));
	assert_true(node_cidr_in_net("172.16.5.5/32", "172.16.5.5/32"));
	assert_false(node_cidr_in_net("172.16.5.6/32", "172.16.5.5/32"));
	assert_true(node_cidr_in_net("fe80::1/64", "fe80::2/64"));
	assert_false(node_cidr_in_net("fe80::1/64", "192.168.0.1/24")); /* families differ */
	assert_false(node_cidr_in_net("", "192.168.0.1/24")); /* link-local plan: no address */
	assert_false(node_cidr_in_net("192.168.0.1/24", ""));
	assert_false(node_cidr_in_net("192.168.0.1", "192.168.0.1/24"));
}

/* A plan of two twins for node 1 with addresses a0 and a1. */
static void two_twins(struct plan *p, const char *a0, const char *a1)
{
	memset(p, 0, sizeof(*p));
	p->kind = PLAN_STATIC;
	p->mtu = 1500;
	p->self_node = 1;
	p->nifs = 2;
	snprintf(p->ifs[0].ifname, sizeof(p->ifs[0].ifname), "enp1s0f1np1");
	snprintf(p->ifs[1].ifname, sizeof(p->ifs[1].ifname), "enP2p1s0f1np1");
	snprintf(p->ifs[0].addr[0], sizeof(p->ifs[0].addr[0]), "%s", a0);
	snprintf(p->ifs[1].addr[0], sizeof(p->ifs[1].addr[0]), "%s", a1);
}

static void set_addrs(struct node_if ifs[2], const char *on0, const char *on1)
{
	memset(ifs, 0, 2 * sizeof(*ifs));
	if (on0[0]) {
		snprintf(ifs[0].addrs[0], sizeof(ifs[0].addrs[0]), "%s", on0);
		ifs[0].naddrs = 1;
	}
	if (on1[0]) {
		snprintf(ifs[1].addrs[0], sizeof(ifs[1].addrs[0]), "%s", on1);
		ifs[1].naddrs = 1;
	}
}

static char *notes_for(const struct plan *p, const struct node_if *ifs)
{
	struct buf b;
	buf_init(&b);
	apply_subnet_notes(p, 1, "this node", ifs, &b);
	char *s = strdup(b.data ? b.data : "");
	buf_free(&b);
	return s;
}

static void test_no_false_warning(void **state)
{
	(void)state;
	struct plan p;
	struct node_if ifs[2];
	/* the playbook's .1/.2 addresses, already there: each in its own planned subnet */
	two_twins(&p, "192.168.100.1/24", "192.168.101.1/24");
	set_addrs(ifs, "192.168.100.1/24", "192.168.101.1/24");
	char *s = notes_for(&p, ifs);
	assert_string_equal(s, "");
	free(s);
	/* a ring's 192.168.1.1/24 next to a twin holding 192.168.100.1/24: different /24s (the
	 * text "192.168.1" starts both; the networks differ) */
	two_twins(&p, "192.168.100.1/24", "192.168.1.1/24");
	set_addrs(ifs, "192.168.100.1/24", "");
	s = notes_for(&p, ifs);
	assert_string_equal(s, "");
	free(s);
	/* sparklink's .10/.11 with other .1/.2 addresses: nothing either */
	two_twins(&p, "192.168.100.10/24", "192.168.101.10/24");
	set_addrs(ifs, "192.168.100.2/24", "192.168.101.2/24");
	s = notes_for(&p, ifs);
	assert_string_equal(s, "");
	free(s);
}

static void test_real_overlap_named(void **state)
{
	(void)state;
	struct plan p;
	struct node_if ifs[2];
	/* the first twin holds an address in the subnet planned for the second */
	two_twins(&p, "192.168.100.1/24", "192.168.101.1/24");
	set_addrs(ifs, "192.168.101.7/24", "");
	char *s = notes_for(&p, ifs);
	assert_non_null(strstr(s, "warning: enp1s0f1np1 on this node has 192.168.101.7/24, in the "
				  "subnet planned for enP2p1s0f1np1 (192.168.101.1/24)"));
	assert_null(strstr(s, "has 192.168.100"));
	free(s);
	/* a link-local plan plans no subnet */
	two_twins(&p, "", "");
	p.kind = PLAN_LINK_LOCAL;
	s = notes_for(&p, ifs);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_net),
		cmocka_unit_test(test_no_false_warning),
		cmocka_unit_test(test_real_overlap_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
