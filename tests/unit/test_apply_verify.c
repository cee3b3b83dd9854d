/* test_apply_verify.c: when apply cannot even start ping for a rail (here: no file descriptor
 * left for its pipe), the rail says so and why, instead of "gets no reply" followed by whatever
 * the stack held. */
#include "core/jobs/apply.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

/* Leave what a previous call left on the stack: printable junk, as a rail's text would show. */
static __attribute__((noinline)) void stack_junk(void)
{
	volatile char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 'X';
	(void)junk[0];
}

static void test_ping_that_cannot_start_says_why(void **state)
{
	(void)state;
	struct rail r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifname, "lo");
	strcpy(r.self_addr, "127.0.0.1");
	strcpy(r.peer_addr, "127.0.0.1");

	/* one free descriptor: the lowest free one; pipe2 needs two */
	struct rlimit old, low;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	int fd = dup(0);
	assert_true(fd >= 0);
	close(fd);
	low = old;
	low.rlim_cur = (rlim_t)fd + 1;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	stack_junk();
	rail_verify(&r, 9000);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_false(r.ok);
	assert_false(r.jumbo_ok);
	char want[200];
	snprintf(want, sizeof(want), "lo: cannot run ping: %s", strerror(EMFILE));
	assert_string_equal(r.text, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_that_cannot_start_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
