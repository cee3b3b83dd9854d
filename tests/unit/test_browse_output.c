/* test_browse_output.c: avahi-browse's parsable output as another node prints it: a capture from
 * the lab's three-node ring (spark-1's view) and hostile lines (escapes, a host with a space, a
 * bad address, a port out of range, a cut escape). */
#include "core/mdns/browse_output.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

static char *slurp(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", SPARKLINK_CORPUS_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[65536];
	*n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

static void test_lab_capture(void **state)
{
	(void)state;
	size_t n;
	char *t = slurp("lab-ring3-spark-1.txt", &n);
	struct browse_entry v[64];
	size_t k = browse_output_parse(t, n, v, 64);
	size_t resolved = 0;
	for (char *p = t; (p = strstr(p, "\n=;")); p++)
		resolved++;
	assert_int_equal(k, resolved); /* every resolved line, no browse ("+") line */
	bool seen = false;
	for (size_t i = 0; i < k; i++) {
		if (strcmp(v[i].ifname, "enp1s0f0np0") == 0 && strcmp(v[i].host, "spark-2") == 0) {
			assert_int_equal(v[i].family, AF_INET6);
			assert_true(strncmp(v[i].addr, "fe80::", 6) == 0);
			assert_int_equal(v[i].port, 22);
			assert_string_equal(v[i].name, "spark-2");
			seen = true;
		}
		assert_true(strcmp(v[i].host, "spark-3") != 0 ||
			    strcmp(v[i].ifname, "enp1s0f0np0") != 0);
	}
	assert_true(seen); /* spark-1 p0 reaches spark-2 in the ring, and not spark-3 */
}

static void test_hostile_lines(void **state)
{
	(void)state;
	size_t n;
	char *t = slurp("hostile.txt", &n);
	struct browse_entry v[8];
	assert_int_equal(browse_output_parse(t, n, v, 8), 1);
	assert_string_equal(v[0].host, "spark-2");
	assert_non_null(strstr(v[0].name, "evil;name"));
	assert_null(strchr(v[0].name, '\x1b')); /* the escape decoded, then cleaned */
	assert_non_null(strstr(v[0].name, ".x\\y"));
	/* more lines than room: counted, only max written */
	assert_int_equal(browse_output_parse(t, n, v, 0), 1);
	const char nul[] = "=;lo;IPv4;a\0b;t;local;h.local;10.0.0.1;22;\n";
	assert_int_equal(browse_output_parse(nul, sizeof(nul) - 1, v, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_capture),
		cmocka_unit_test(test_hostile_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
