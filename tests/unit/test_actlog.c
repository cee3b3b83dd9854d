/* test_actlog.c: the console's action log: lines in the file with time and outcome, outside text
 * cleaned, the directory made 0700 and the file 0600, the newest entries kept in memory, and a
 * log that cannot be written still working in memory and saying why. */
#include "core/guide/actlog.h"
#include "core/base/util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	str_copy(dir, "/tmp/sl-actlog-XXXXXX", sizeof(dir));
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	char *buf = xcalloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_file_lines(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/state/sparklink/console.log", dir);
	struct actlog l;
	assert_int_equal(actlog_open(&l, path), 0);
	assert_string_equal(l.error, "");
	actlog_add(&l, ACTLOG_OK, "Pairing with %s: %s", "spark-2.local", "paired and verified");
	actlog_add(&l, ACTLOG_FAIL, "evil \x1b[31mred\x1b[0m and a\nnewline");
	actlog_add(&l, ACTLOG_INFO, "Peer seen");
	assert_int_equal(actlog_count(&l), 3);
	assert_string_equal(actlog_get(&l, 0)->text,
			    "Pairing with spark-2.local: paired and verified");
	assert_null(strchr(actlog_get(&l, 1)->text, '\x1b'));
	assert_null(strchr(actlog_get(&l, 1)->text, '\n'));
	actlog_close(&l);

	char *text = slurp(path);
	print_message("%s", text);
	/* three lines, each "YYYY-MM-DD HH:MM:SS +ZZZZ LEVEL  text" */
	int lines = 0;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	assert_non_null(strstr(text, " OK     Pairing with spark-2.local: paired and verified\n"));
	assert_non_null(strstr(text, " FAILED evil ?[31mred?[0m and a?newline\n"));
	assert_non_null(strstr(text, " INFO   Peer seen\n"));
	assert_true(text[4] == '-' && text[10] == ' ' && text[13] == ':' && text[19] == ' ');
	free(text);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char d[128];
	snprintf(d, sizeof(d), "%s/state/sparklink", dir);
	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* a second session appends */
	assert_int_equal(actlog_open(&l, path), 0);
	actlog_add(&l, ACTLOG_INFO, "again");
	actlog_close(&l);
	text = slurp(path);
	assert_non_null(strstr(text, "Peer seen\n"));
	assert_non_null(strstr(text, "again\n"));
	free(text);
}

static void test_ring(void **state)
{
	(void)state;
	struct actlog l;
	assert_int_equal(actlog_open(&l, ""), 0); /* memory only */
	for (int i = 0; i < ACTLOG_KEEP + 25; i++)
		actlog_add(&l, ACTLOG_INFO, "entry %d", i);
	assert_int_equal(actlog_count(&l), ACTLOG_KEEP);
	assert_string_equal(actlog_get(&l, 0)->text, "entry 25");
	char want[32];
	snprintf(want, sizeof(want), "entry %d", ACTLOG_KEEP + 24);
	assert_string_equal(actlog_get(&l, ACTLOG_KEEP - 1)->text, want);
	assert_null(actlog_get(&l, ACTLOG_KEEP));
	char line[600];
	actlog_format(actlog_get(&l, 0), false, line, sizeof(line));
	assert_true(strlen(line) > 9 && line[2] == ':' && strstr(line, " INFO   entry 25"));
	actlog_close(&l);
}

static void test_unwritable(void **state)
{
	(void)state;
	char file[128], path[160];
	snprintf(file, sizeof(file), "%s/a-file", dir);
	FILE *f = fopen(file, "we");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sub/console.log", file); /* a file where a dir must be */
	struct actlog l;
	assert_true(actlog_open(&l, path) < 0);
	assert_non_null(strstr(l.error, "cannot write the log"));
	assert_non_null(strstr(l.error, "kept on screen only"));
	actlog_add(&l, ACTLOG_OK, "still kept");
	assert_int_equal(actlog_count(&l), 1);
	actlog_close(&l);
}

static void test_default_path(void **state)
{
	(void)state;
	char out[4096];
	setenv("SPARKLINK_STATE_DIR", "/x/state", 1);
	actlog_default_path(out, sizeof(out));
	assert_string_equal(out, "/x/state/console.log");
	unsetenv("SPARKLINK_STATE_DIR");
	actlog_default_path(out, sizeof(out));
	if (geteuid() == 0) {
		assert_string_equal(out, "/var/lib/sparklink/console.log");
	} else {
		setenv("XDG_STATE_HOME", "/y", 1);
		actlog_default_path(out, sizeof(out));
		assert_string_equal(out, "/y/sparklink/console.log");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_lines, setup, teardown),
		cmocka_unit_test(test_ring),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
