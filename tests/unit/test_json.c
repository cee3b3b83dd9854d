/* test_json.c: the streaming JSON writer: escaping, nesting, commas, and that what it writes
 * parses (test_jsoncheck.h is a strict RFC 8259 checker written for these tests). */
#include "core/base/json.h"
#include "core/base/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_jsoncheck.h"

static char *must_parse(const struct buf *b)
{
	char err[128] = "";
	char *canon = jc_parse(b->data ? b->data : "", b->len, err, sizeof(err));
	if (!canon)
		fail_msg("invalid JSON (%s):\n%s", err, b->data ? b->data : "");
	return canon;
}

/* The checker itself must be able to say no, or every test below proves nothing. */
static void test_checker_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"",
		"{\"a\":1,}",
		"[1 2]",
		"[1,]",
		"{\"a\" 1}",
		"{a:1}",
		"\"\x01\"",
		"\"tab\there\"",
		"\"\\x41\"",
		"\"\\u12\"",
		"\"\\ud800\"",
		"\"\xff\"",
		"\"\xc0\xaf\"",
		"01",
		"1.",
		"-",
		"tru",
		"{} {}",
		"[\"unterminated]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *c = jc_parse(bad[i], strlen(bad[i]), NULL, 0);
		if (c)
			fail_msg("checker accepted bad JSON #%zu: %s", i, bad[i]);
	}
	static const char *good[] = {
		"{}",
		"[]",
		"0",
		"-1.5e+3",
		"\"\\u00e9\\ud83d\\ude00\"",
		" {\"a\" : [ true , null ] } ",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *c = jc_parse(good[i], strlen(good[i]), NULL, 0);
		if (!c)
			fail_msg("checker rejected good JSON #%zu: %s", i, good[i]);
		free(c);
	}
}

static void test_escaping_round_trip(void **state)
{
	(void)state;
	/* every control character, both quotes and backslash, and some UTF-8 */
	char value[64];
	size_t n = 0;
	for (int c = 1; c < 0x20; c++)
		value[n++] = (char)c;
	const char *rest = "\x7f\"\\/ caf\xc3\xa9 \xf0\x9f\x98\x80";
	memcpy(value + n, rest, strlen(rest) + 1);
	const char *key = "k\"e\\y\n";
	for (int pretty = 0; pretty < 2; pretty++) {
		struct buf b;
		buf_init(&b);
		struct json j;
		json_init(&j, &b, pretty);
		json_object_begin(&j, NULL);
		json_string(&j, key, value);
		json_string(&j, "plain", "a'b");
		json_object_end(&j);
		char *canon = must_parse(&b);
		/* no raw control byte anywhere in the output (pretty white space aside) */
		for (size_t i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.data[i];
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				fail_msg("raw control byte 0x%02x at %zu", c, i);
		}
		/* it decodes back to exactly what was written */
		char back[128];
		char path[32];
		/* keys with a '.' cannot be addressed by path; this one has none */
		snprintf(path, sizeof(path), "%s", key);
		assert_true(jc_get_string(b.data, path, back, sizeof(back)));
		assert_string_equal(back, value);
		assert_true(jc_get_string(b.data, "plain", back, sizeof(back)));
		assert_string_equal(back, "a'b");
		free(canon);
		buf_free(&b);
	}
}

/* Hand-written expectation from the JSON grammar: commas between members only. */
static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	struct json j;
	json_init(&j, &b, false);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "a");
	json_int(&j, NULL, 1);
	json_int(&j, NULL, 2);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "b");
	json_array_end(&j);
	json_object_end(&j);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	json_array_end(&j);
	json_object_begin(&j, "c");
	json_null(&j, "d");
	json_bool(&j, "e", true);
	json_bool(&j, "f", false);
	json_string(&j, "s", NULL);
	json_object_end(&j);
	json_string(&j, "g", "h");
	json_object_end(&j);
	const char *want = "{\"a\":[1,2,{\"b\":[]},{},[]],\"c\":{\"d\":null,\"e\":true,\"f\":false,"
			   "\"s\":null},\"g\":\"h\"}";
	assert_string_equal(b.data, want);
	char *canon_compact = must_parse(&b);

	/* the pretty form is the same value */
	struct buf p;
	buf_init(&p);
	json_init(&j, &p, true);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "a");
	json_int(&j, NULL, 1);
	json_int(&j, NULL, 2);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "b");
	json_array_end(&j);
	json_object_end(&j);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	json_array_end(&j);
	json_object_begin(&j, "c");
	json_null(&j, "d");
	json_bool(&j, "e", true);
	json_bool(&j, "f", false);
	json_string(&j, "s", NULL);
	json_object_end(&j);
	json_string(&j, "g", "h");
	json_object_end(&j);
	char *canon_pretty = must_parse(&p);
	assert_string_equal(canon_pretty, canon_compact);
	assert_string_equal(canon_compact, want);
	/* pretty means one member per line, and a final newline */
	assert_non_null(strchr(p.data, '\n'));
	assert_int_equal(p.data[p.len - 1], '\n');
	free(canon_compact);
	free(canon_pretty);
	buf_free(&b);
	buf_free(&p);
}

static void test_empty_top_level(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	struct json j;
	json_init(&j, &b, false);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	assert_string_equal(b.data, "[]");
	buf_free(&b);
	json_init(&j, &b, true);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	free(must_parse(&b));
	buf_free(&b);
	/* an array of strings at top level */
	json_init(&j, &b, false);
	json_array_begin(&j, NULL);
	json_string(&j, NULL, "x");
	json_string(&j, NULL, "");
	json_array_end(&j);
	assert_string_equal(b.data, "[\"x\",\"\"]");
	buf_free(&b);
}

static void test_integers(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	struct json j;
	json_init(&j, &b, true);
	json_object_begin(&j, NULL);
	json_int(&j, "min", LLONG_MIN);
	json_int(&j, "max", LLONG_MAX);
	json_int(&j, "zero", 0);
	json_int(&j, "neg", -1);
	json_object_end(&j);
	free(must_parse(&b));
	char tok[64];
	assert_true(jc_get_token(b.data, "min", tok, sizeof(tok)));
	assert_true(strtoll(tok, NULL, 10) == LLONG_MIN);
	assert_true(jc_get_token(b.data, "max", tok, sizeof(tok)));
	assert_true(strtoll(tok, NULL, 10) == LLONG_MAX);
	assert_true(jc_get_token(b.data, "zero", tok, sizeof(tok)));
	assert_string_equal(tok, "0");
	assert_true(jc_get_token(b.data, "neg", tok, sizeof(tok)));
	assert_string_equal(tok, "-1");
	buf_free(&b);
}

/* Deep nesting keeps commas right at every level, deeper than any caller goes today. */
static void test_deep_nesting(void **state)
{
	(void)state;
	for (int depth = 1; depth <= 48; depth += 47 / 4) {
		for (int pretty = 0; pretty < 2; pretty++) {
			struct buf b;
			buf_init(&b);
			struct json j;
			json_init(&j, &b, pretty);
			json_array_begin(&j, NULL);
			for (int d = 1; d < depth; d++) {
				json_int(&j, NULL, d);
				json_object_begin(&j, NULL);
				json_array_begin(&j, "in");
				json_array_end(&j); /* an empty sibling first */
				json_array_begin(&j, "x");
			}
			json_string(&j, NULL, "bottom");
			json_string(&j, NULL, "bottom2");
			for (int d = 1; d < depth; d++) {
				json_array_end(&j);
				json_int(&j, "after", d);
				json_object_end(&j);
				json_bool(&j, NULL, true);
			}
			json_array_end(&j);
			char *canon = must_parse(&b);
			/* compact and pretty agree */
			if (!pretty) {
				assert_string_equal(canon, b.data);
			}
			free(canon);
			buf_free(&b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_rejects),
		cmocka_unit_test(test_escaping_round_trip),
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_empty_top_level),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_deep_nesting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
