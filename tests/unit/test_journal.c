/* test_journal.c: the journal reader takes back exactly what the writer wrote and refuses the
 * rest: an escape cut short (a line torn by a crash can end so) is refused without reading past
 * the end of the line, and a record that is not one sparklink writes (its "data" twice) is
 * skipped and named, not half-taken. Lines are parsed from heap copies of their exact size, so
 * AddressSanitizer sees any byte read past the end. */
#include "core/jobs/journal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* Parse line from a heap copy of exactly its size. */
static bool parse(const char *line, struct journal_record *r)
{
	char *copy = strdup(line);
	assert_non_null(copy);
	bool ok = journal_record_parse(copy, r);
	free(copy);
	return ok;
}

/* None of lines (n of them) is taken as a record. */
static void refused(const char *const *lines, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct journal_record r;
		bool ok = parse(lines[i], &r);
		free(r.data);
		if (ok)
			fail_msg("%s was taken as a record: %s", what, lines[i]);
	}
}

static void test_escape_cut_short_is_refused(void **state)
{
	(void)state;
	static const char *const torn[] = {
		"{\"\\u4",
		"{\"\\u",
		"{\"op\":\"a\\u41",
		"{\"op\":\"x\",\"data\":\"\\u004",
		"{\"op\":\"x\",\"data\":\"ab\\u00",
	};
	refused(torn, sizeof(torn) / sizeof(torn[0]), "a torn line");
}

static void test_escape_needs_four_hex_digits(void **state)
{
	(void)state;
	/* what sscanf("%4x") would take as a shorter number (and then skip 4 characters) */
	static const char *const bad[] = {
		"{\"op\":\"\\u4x41\"}", "{\"op\":\"\\u 7f0\"}", "{\"op\":\"\\u+7f0\"}",
		"{\"op\":\"\\u-001\"}", "{\"op\":\"\\u0x7f\"}", "{\"op\":\"\\u7\"}",
	};
	refused(bad, sizeof(bad) / sizeof(bad[0]), "a \\u escape without four hex digits");
	/* what the writer writes still reads back */
	struct journal_record r;
	assert_true(parse("{\"op\":\"a\\u0009b\\u001B\",\"data\":\"\\u007f\\u007F\"}", &r));
	assert_string_equal(r.op, "a\tb\033");
	assert_string_equal(r.data, "\177\177");
	free(r.data);
}

static void test_data_twice_is_refused(void **state)
{
	(void)state;
	static const char *const twice[] = {
		"{\"op\":\"addr-add\",\"data\":\"10.0.0.1/24\",\"data\":\"x\"}",
		"{\"op\":\"addr-add\",\"data\":null,\"data\":\"x\"}",
		"{\"op\":\"addr-add\",\"data\":\"x\",\"data\":null}",
	};
	refused(twice, sizeof(twice) / sizeof(twice[0]), "a record with its data twice");
	struct journal_record r;
	assert_true(parse("{\"op\":\"addr-add\",\"data\":\"10.0.0.1/24\"}", &r));
	assert_string_equal(r.data, "10.0.0.1/24");
	free(r.data);
}

/* What status, rollback and the console read: the good records, and the first bad line named. */
static void test_read_skips_and_names_bad_lines(void **state)
{
	(void)state;
	char dir[] = "/tmp/sl-journal-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], err[512] = "";
	snprintf(path, sizeof(path), "%s/journal.jsonl", dir);
	struct journal *j = journal_open(path, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_record(j, "addr-add", "local", "eth1", "10.0.0.1/24"), 0);
	journal_close(j);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"op\":\"mtu-set\",\"data\":\"1500 9000\",\"data\":\"1500 1500\"}\n", f);
	fclose(f);
	j = journal_open(path, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_record(j, "link-up", "local", "eth1\t\"x\"", NULL), 0);
	journal_close(j);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"seq\":4,\"op\":\"addr-add\",\"host\":\"local\",\"data\":\"\\u4", f); /* torn */
	fclose(f);

	struct journal_record *v = NULL;
	int n = journal_read(path, geteuid(), &v, err, sizeof(err));
	assert_int_equal(n, 2);
	assert_string_equal(v[0].op, "addr-add");
	assert_string_equal(v[0].data, "10.0.0.1/24");
	assert_int_equal(v[0].line, 1);
	assert_string_equal(v[1].op, "link-up");
	assert_string_equal(v[1].path, "eth1\t\"x\"");
	assert_null(v[1].data);
	assert_int_equal(v[1].line, 3);
	char want[160];
	snprintf(want, sizeof(want), "%s:2 is not a journal record; skipped", path);
	assert_string_equal(err, want);
	journal_records_free(v, (size_t)n);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_cut_short_is_refused),
		cmocka_unit_test(test_escape_needs_four_hex_digits),
		cmocka_unit_test(test_data_twice_is_refused),
		cmocka_unit_test(test_read_skips_and_names_bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
