/* test_node_ping.c: the answer of a peer's batch of pings read strictly (node_ping_parse), and
 * this node's rails pinged all at once (rail_verify_all) judged one by one. */
#include "core/jobs/rail.h"
#include "core/node/node_ping.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static bool parse(const char *s, struct node_ping *t, size_t n)
{
	return node_ping_parse(s, strlen(s), t, n);
}

static void test_answer_read_per_target(void **state)
{
	(void)state;
	struct node_ping t[4];
	memset(t, 0, sizeof(t));
	assert_true(parse("0 0 3 packets transmitted, 3 received, 0% packet loss, time 401ms\n"
			  "1 1 3 packets transmitted, 0 received, 100% packet loss\n"
			  "2 -\n"
			  "3 2 ping: SO_BINDTODEVICE x: \x1b[31mOperation not permitted\n",
			  t, 4));
	assert_int_equal(t[0].rc, 0);
	assert_string_equal(t[0].out,
			    "3 packets transmitted, 3 received, 0% packet loss, time 401ms");
	assert_int_equal(t[1].rc, -EHOSTUNREACH);
	assert_int_equal(t[2].rc, -ENODEV);
	assert_string_equal(t[2].out, "");
	assert_int_equal(t[3].rc, -EIO);
	assert_null(strchr(t[3].out, '\x1b')); /* the peer's text is cleaned */
	assert_non_null(strstr(t[3].out, "Operation not permitted"));
	assert_true(parse("0 0 \n", t, 1)); /* no summary line: no text */
	assert_int_equal(t[0].rc, 0);
	assert_string_equal(t[0].out, "");
}

static void test_anything_else_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"1 0 x\n0 0 y\n", /* out of order */
		"0 0 x\n", /* a target missing */
		"0 0 x\n1 0 y\n2 0 z\n", /* one more */
		"0 0 x\n1 0 y", /* no newline at the end */
		"00 0 x\n1 0 y\n", /* a leading zero */
		"0 256 x\n1 0 y\n", /* not an exit status */
		"0 -1 x\n1 0 y\n",
		"0 0x\n1 0 y\n",
		"0 - x\n1 0 y\n", /* no text after - */
		"0  0 x\n1 0 y\n",
		"+0 0 x\n1 0 y\n",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct node_ping t[2];
		memset(t, 0, sizeof(t));
		assert_false(parse(bad[i], t, 2));
		assert_int_equal(t[0].rc, -EIO);
		assert_int_equal(t[1].rc, -EIO);
		assert_string_equal(t[0].out, "");
	}
}

static void test_local_rails_at_once(void **state)
{
	(void)state;
	struct rail r[3];
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		strcpy(r[i].ifname, "lo");
		strcpy(r[i].self_addr, "127.0.0.1");
	}
	strcpy(r[0].peer_addr, "127.0.0.1");
	strcpy(r[1].peer_addr, "127.0.0.2");
	/* r[2]: no peer address: said so, not pinged */
	rail_verify_all(r, 3, 1500);
	assert_true(r[0].ok);
	assert_true(r[1].ok);
	assert_false(r[0].jumbo_tested);
	assert_string_equal(r[0].text, "lo: 127.0.0.1 -> 127.0.0.1 answers");
	assert_string_equal(r[1].text, "lo: 127.0.0.1 -> 127.0.0.2 answers");
	assert_false(r[2].ok);
	assert_string_equal(r[2].text, "lo: the peer's address on this link is not known");
	/* lo's MTU is 65536: the 8972-byte unfragmented ping goes through too */
	rail_verify_all(r, 2, 9000);
	assert_true(r[0].ok && r[0].jumbo_tested && r[0].jumbo_ok);
	assert_true(r[1].ok && r[1].jumbo_tested && r[1].jumbo_ok);
	assert_string_equal(r[1].text,
			    "lo: 127.0.0.1 -> 127.0.0.2 answers, 8972-byte unfragmented too");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_read_per_target),
		cmocka_unit_test(test_anything_else_refused),
		cmocka_unit_test(test_local_rails_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
