/* test_text.c: text_clean() and friends keep outside text from reaching the terminal raw.
 *
 * The oracle here is independent of core/base/text.c: is_safe_utf8() decodes UTF-8 on its own and
 * rejects every byte sequence a terminal could act on (C0/C1 controls, DEL, bidi controls). */
#include "core/base/text.h"
#include "core/base/util.h"

#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Our own strict UTF-8 decoder: returns the sequence length or 0 if invalid. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		if ((s[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		uint32_t c = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
			     (s[2] & 0x3f);
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*cp = c;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		uint32_t c = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
			     ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		if (c < 0x10000 || c > 0x10ffff)
			return 0;
		*cp = c;
		return 4;
	}
	return 0;
}

static bool is_safe_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		uint32_t c;
		size_t n = decode(s, &c);
		if (!n)
			return false;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return false;
		if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
		    c == 0x200f || c == 0x061c)
			return false;
		s += n;
	}
	return true;
}

static void clean_eq(const char *in, size_t inlen, unsigned flags, const char *want, bool changed)
{
	char out[256];
	memset(out, 'Z', sizeof(out));
	bool r = text_clean(out, sizeof(out), in, inlen, flags);
	assert_string_equal(out, want);
	assert_true(is_safe_utf8(out));
	assert_int_equal(r, changed);
}

#define CLEAN(lit, flags, want, changed) clean_eq(lit, sizeof(lit) - 1, flags, want, changed)

static void test_plain_text_unchanged(void **state)
{
	(void)state;
	CLEAN("rocep1s0f1 port 1 ==> enp1s0f1np1 (Up)", 0, "rocep1s0f1 port 1 ==> enp1s0f1np1 (Up)",
	      false);
	CLEAN("", 0, "", false);
	/* valid multi-byte text stays: Latin, CJK, an emoji (4 bytes) */
	CLEAN("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 0,
	      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", false);
	/* a literal '?' is not a replacement */
	CLEAN("why?", 0, "why?", false);
}

static void test_escape_sequences(void **state)
{
	(void)state;
	/* CSI 2J: clear screen */
	CLEAN("\x1b[2Jfw", 0, "?[2Jfw", true);
	/* OSC 52: set the clipboard, terminated by BEL and by ST (ESC \) */
	CLEAN("\x1b]52;c;ZWNobyBwd25lZA==\x07", 0, "?]52;c;ZWNobyBwd25lZA==?", true);
	CLEAN("\x1b]52;c;AAAA\x1b\\", 0, "?]52;c;AAAA?\\", true);
	/* other C0 controls, DEL, newline and tab are all replaced */
	CLEAN("a\rb\nc\td\x7f"
	      "e\x01",
	      0, "a?b?c?d?e?", true);
}

static void test_c1_controls(void **state)
{
	(void)state;
	/* C1 CSI as a UTF-8 encoded code point (U+009B) and as a raw byte */
	CLEAN("x\xc2\x9b"
	      "31my",
	      0, "x?31my", true);
	CLEAN("x\x9b"
	      "31my",
	      0, "x?31my", true);
	/* U+0085 NEL and U+009F */
	CLEAN("\xc2\x85\xc2\x9f", 0, "??", true);
	/* U+00A0 (first after C1) is printable and kept */
	CLEAN("\xc2\xa0", 0, "\xc2\xa0", false);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	char out[64];
	/* overlong encodings of '/' and of NUL */
	assert_true(text_clean(out, sizeof(out),
			       "a\xc0\xaf"
			       "b",
			       4, 0));
	assert_true(is_safe_utf8(out));
	assert_null(strchr(out, '/'));
	assert_true(text_clean(out, sizeof(out), "\xe0\x80\xaf", 3, 0));
	assert_true(is_safe_utf8(out));
	assert_true(text_clean(out, sizeof(out), "\xc0\x80", 2, 0));
	assert_true(is_safe_utf8(out));
	assert_int_equal(strlen(out), 2); /* each bad byte becomes one '?', none is dropped */
	/* UTF-16 surrogates encoded in UTF-8 (CESU) */
	assert_true(text_clean(out, sizeof(out), "\xed\xa0\x80\xed\xb0\x80", 6, 0));
	assert_true(is_safe_utf8(out));
	assert_null(strchr(out, '\xed'));
	/* above U+10FFFF, and bytes that never appear in UTF-8 */
	assert_true(text_clean(out, sizeof(out), "\xf4\x90\x80\x80|\xff\xfe|\xf8\x88\x80\x80\x80",
			       13, 0));
	assert_true(is_safe_utf8(out));
	assert_non_null(strstr(out, "|"));
	/* truncated sequences: at the end, and followed by ASCII (which must survive) */
	CLEAN("ok\xe2\x82", 0, "ok??", true);
	CLEAN("\xe2\x82"
	      "A\xf0\x9f\x98"
	      "B\xc3",
	      0, "??A???B?", true);
	/* a lone continuation byte */
	CLEAN("\x80", 0, "?", true);
}

static void test_bidi_overrides(void **state)
{
	(void)state;
	/* RLO (U+202E) would show "txt.exe" as "exe.txt" */
	CLEAN("evil\xe2\x80\xaetxt.exe", 0, "evil?txt.exe", true);
	/* LRE, PDF, isolates LRI..PDI, LRM/RLM, ALM */
	CLEAN("\xe2\x80\xaa\xe2\x80\xac\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0,
	      "???????", true);
}

/* A 300-byte input into small buffers: never more than dst_size-1 bytes, never a cut
 * character, always NUL-terminated, always a prefix of the (clean) input. */
static void test_truncation(void **state)
{
	(void)state;
	char in[301];
	size_t n = 0;
	static const char *pieces[] = { "a", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80" };
	for (size_t k = 0; n + 4 <= 300; k++) {
		const char *p = pieces[k % 4];
		memcpy(in + n, p, strlen(p));
		n += strlen(p);
	}
	while (n < 300)
		in[n++] = 'z';
	in[n] = '\0';
	assert_int_equal(n, 300);
	for (size_t size = 1; size <= 40; size++) {
		char *out = malloc(size); /* exact size: ASan catches a write past it */
		assert_non_null(out);
		memset(out, 'Q', size);
		bool r = text_clean(out, size, in, n, 0);
		assert_true(r); /* cut */
		size_t len = strnlen(out, size);
		assert_true(len < size);
		assert_true(is_safe_utf8(out));
		assert_memory_equal(out, in, len);
		/* the next input byte starts a character: nothing was cut in half */
		assert_true(((unsigned char)in[len] & 0xc0) != 0x80);
		/* and no more could have fit: the next character is longer than what is left */
		uint32_t cp;
		size_t next = decode((const unsigned char *)in + len, &cp);
		assert_true(len + next >= size);
		free(out);
	}
	/* the same with junk: 300 bytes of ESC-heavy garbage into 16 bytes */
	char junk[300];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)("\x1b[2J\xff\xc3\xa9\x9b"[i % 8]);
	char small[16];
	assert_true(text_clean(small, sizeof(small), junk, sizeof(junk), 0));
	assert_true(strlen(small) < sizeof(small));
	assert_true(is_safe_utf8(small));
	/* an input that fits exactly is not reported as cut */
	char fit[6];
	assert_false(text_clean(fit, sizeof(fit), "ab\xc3\xa9x", 5, 0));
	assert_string_equal(fit, "ab\xc3\xa9x");
	/* srclen is honoured: bytes past it are not read */
	assert_false(text_clean(fit, sizeof(fit), "abcdefgh", 3, 0));
	assert_string_equal(fit, "abc");
}

static void test_name_flag(void **state)
{
	(void)state;
	CLEAN("enp1s0f1np1", TEXT_NAME, "enp1s0f1np1", false);
	CLEAN("0000:01:00.1", TEXT_NAME, "0000:01:00.1", false);
	CLEAN("a_b-c.d@e+f", TEXT_NAME, "a_b-c.d@e+f", false);
	CLEAN("a b/c;d$(x)", TEXT_NAME, "a?b?c?d??x?", true);
	CLEAN("r\xc3\xa9seau", TEXT_NAME, "r?seau", true);
	CLEAN("\x1b[31mred", TEXT_NAME, "??31mred", true);
}

static void test_ascii_flag(void **state)
{
	(void)state;
	CLEAN("caf\xc3\xa9 \xe6\x97\xa5!", TEXT_ASCII, "caf? ?!", true);
	CLEAN("Plain ASCII, with punctuation: (ok) [1/2] ~", TEXT_ASCII,
	      "Plain ASCII, with punctuation: (ok) [1/2] ~", false);
	CLEAN("\x1b[2J", TEXT_ASCII, "?[2J", true);
}

static void test_inplace(void **state)
{
	(void)state;
	char s[] = "\x1b]52;c;QQ==\x07 fw \xc0\xaf 28.45\xe2\x80\xae \xc3\xa9";
	size_t before = strlen(s);
	assert_true(text_clean_inplace(s, 0));
	assert_string_equal(s, "?]52;c;QQ==? fw ?? 28.45? \xc3\xa9");
	assert_true(strlen(s) <= before);
	assert_true(is_safe_utf8(s));
	char t[] = "enp1s0f1np1";
	assert_false(text_clean_inplace(t, TEXT_NAME));
	assert_string_equal(t, "enp1s0f1np1");
	char u[] = "\xe6\x97\xa5\xe6\x9c\xac";
	assert_true(text_clean_inplace(u, TEXT_ASCII));
	assert_string_equal(u, "??");
}

static void test_is_ifname(void **state)
{
	(void)state;
	assert_true(text_is_ifname("enp1s0f1np1"));
	assert_true(text_is_ifname("enP2p1s0f1np1"));
	assert_true(text_is_ifname("wlP9s9"));
	assert_true(text_is_ifname("a"));
	assert_true(text_is_ifname("br-lan.10_x"));
	assert_true(text_is_ifname("123456789012345")); /* 15 bytes: IFNAMSIZ - 1 */
	assert_false(text_is_ifname("1234567890123456"));
	assert_false(text_is_ifname("enP2p1s0f1np1-long"));
	assert_false(text_is_ifname(""));
	assert_false(text_is_ifname("."));
	assert_false(text_is_ifname(".."));
	assert_false(text_is_ifname("a/b"));
	assert_false(text_is_ifname("../eth0"));
	assert_false(text_is_ifname("eth 0"));
	assert_false(text_is_ifname("eth0\n"));
	assert_false(text_is_ifname("\x1b[2J"));
	assert_false(text_is_ifname("r\xc3\xa9seau"));
}

/* Where a row ends: at a space that fits, within a word only when the word is longer than the
 * row, never inside a character; an indentation alone is not a row. */
static void test_wrap_cut(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "C.utf8")) {
		print_message("no C.UTF-8 locale; wcwidth cannot measure wide characters\n");
		skip();
	}
	assert_int_equal(text_wrap_cut("", 10), 0);
	assert_int_equal(text_wrap_cut("short", 10), 5);
	assert_int_equal(text_wrap_cut("exactly10!", 10), 10);
	/* "delete the profile": 10 columns hold "delete the", 9 only "delete " */
	assert_int_equal(text_wrap_cut("delete the profile", 10), 10);
	assert_int_equal(text_wrap_cut("delete the profile", 9), 7);
	assert_int_equal(text_wrap_cut("delete the profile", 12), 11);
	/* one word longer than the row: cut where the row ends */
	assert_int_equal(text_wrap_cut("cc71e5f1-3263-392a", 8), 8);
	/* the indentation is not a place to end a row */
	assert_int_equal(text_wrap_cut("    averyveryverylongword", 10), 10);
	/* wide characters stay whole: three CJK characters (6 columns) in 5 columns: two */
	assert_int_equal(text_wrap_cut("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5), 6);
	assert_int_equal(text_wrap_cut("caf\xc3\xa9 au lait", 6), 6);
	/* a row too narrow for the first character still takes it (no endless wrap) */
	assert_int_equal(text_wrap_cut("\xe6\x97\xa5x", 1), 3);
	assert_int_equal(text_wrap_cut("abc", 0), 1);
}

static void test_width(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "C.utf8")) {
		print_message("no C.UTF-8 locale; wcwidth cannot measure wide characters\n");
		skip();
	}
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("enp1s0f1np1"), 11);
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	/* CJK: two columns each */
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	assert_int_equal(text_width("a\xe6\x97\xa5"
				    "b"),
			 4);
	/* fullwidth A (U+FF21), an emoji */
	assert_int_equal(text_width("\xef\xbc\xa1"), 2);
	assert_int_equal(text_width("\xf0\x9f\x98\x80"), 2);
	/* a combining accent takes no column */
	assert_int_equal(text_width("e\xcc\x81"), 1);
	setlocale(LC_CTYPE, "C");
}

/* str_join and str_ulong write what snprintf writes, cut where it cuts. */
static void test_str_join_as_snprintf(void **state)
{
	(void)state;
	const char *a = "PROBLEM", *b = ": ", *c = "enp1s0f1np1 has no carrier \xc3\xa9";
	for (size_t size = 1; size < 64; size++) {
		char x[64], y[64];
		memset(x, 'x', sizeof(x));
		memset(y, 'y', sizeof(y));
		int n = snprintf(x, size, "%s%s%s", a, b, c);
		size_t m = str_join(y, size, a, b, c, NULL);
		assert_memory_equal(x, y, (size_t)n + 1 < size ? (size_t)n + 1 : size);
		assert_int_equal(m, (size_t)n < size ? (size_t)n : size - 1);
	}
	unsigned long v[] = { 0, 7, 10, 9000, 200000, 4294967295UL, (unsigned long)-1 };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t size = 1; size < 24; size++) {
			char x[24], y[24];
			snprintf(x, size, "%lu", v[i]);
			str_ulong(y, size, v[i]);
			assert_string_equal(x, y);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_str_join_as_snprintf),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bidi_overrides),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_name_flag),
		cmocka_unit_test(test_ascii_flag),
		cmocka_unit_test(test_inplace),
		cmocka_unit_test(test_is_ifname),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_wrap_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
