/* fuzz_text_clean.c: text_clean(), through which everything from a file, sysfs or the network
 * passes before the screen or a file. Input: byte 0 = flags (text.h), byte 1 = the size of the
 * destination (1 to 256; exactly that much is allocated), the rest = the text. The output is
 * NUL-terminated inside the destination, valid UTF-8 without controls (newlines only with
 * TEXT_LINES), ASCII with TEXT_ASCII, name characters or '?' with TEXT_NAME, never longer than
 * the input; "nothing replaced or cut" means the output is the input; cleaning it again changes
 * nothing; text_clean_inplace() gives what text_clean() gives, text_clean_wide() the same
 * characters as code points; text_wrap_cut() rows the text whole, a character never cut. */
#include "tests/fuzz/fuzz.h"
#include "core/base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned flags = data[0] & (TEXT_ASCII | TEXT_NAME | TEXT_LINES);
	size_t dsize = (size_t)data[1] + 1;
	const char *src = (const char *)data + 2;
	size_t srclen = size - 2;
	size_t strl = strnlen(src, srclen); /* text_clean stops at a NUL */

	char *dst = malloc(dsize);
	if (!dst)
		abort();
	bool changed = text_clean(dst, dsize, src, srclen, flags);
	size_t outl = strnlen(dst, dsize);
	FZ_CHECK(outl < dsize, "not NUL-terminated in %zu bytes", dsize);
	const char *bad = fz_clean_problem(dst, flags & TEXT_LINES);
	FZ_CHECK(!bad, "output has %s (flags %u)", bad, flags);
	for (size_t i = 0; i < outl; i++) {
		unsigned char c = (unsigned char)dst[i];
		FZ_CHECK(!(flags & TEXT_ASCII) || c < 0x80, "non-ASCII byte with TEXT_ASCII");
	}
	if (flags & TEXT_NAME) {
		if (flags & TEXT_LINES) {
			for (char *p = dst; *p; p++)
				FZ_CHECK(*p == '\n' || fz_name_chars((char[]){ *p, 0 }),
					 "not a name character with TEXT_NAME");
		} else {
			FZ_CHECK(fz_name_chars(dst), "not a name character with TEXT_NAME");
		}
	}
	FZ_CHECK(outl <= strl, "output (%zu bytes) longer than the input (%zu)", outl, strl);
	if (!changed)
		FZ_CHECK(outl == strl && memcmp(dst, src, strl) == 0,
			 "reported unchanged but differs from the input");

	/* again: a fixed point */
	char *again = malloc(outl + 1);
	if (!again)
		abort();
	FZ_CHECK(!text_clean(again, outl + 1, dst, outl, flags), "cleaning clean text changed it");
	FZ_CHECK(strcmp(again, dst) == 0, "cleaning clean text changed it");
	free(again);

	/* in place, on the same text cut at its NUL, with room for all of it */
	char *whole = malloc(strl + 1), *inpl = fz_strndup((const uint8_t *)src, strl);
	if (!whole)
		abort();
	bool c1 = text_clean(whole, strl + 1, src, strl, flags);
	bool c2 = text_clean_inplace(inpl, flags);
	FZ_CHECK(c1 == c2 && strcmp(whole, inpl) == 0, "text_clean_inplace differs");
	FZ_CHECK(text_width(whole) >= 0, "negative width");
	/* text_wrap_cut, row by row through the clean text at a width from the flags byte: every
	 * row moves on, is whole characters (cleaning it changes nothing) and fits, unless it
	 * is one character wider than the row */
	int cols = (data[0] >> 3) + 1;
	for (const char *p = whole; *p;) {
		size_t cut = text_wrap_cut(p, cols);
		FZ_CHECK(cut > 0 && cut <= strlen(p), "text_wrap_cut: %zu bytes of %zu", cut,
			 strlen(p));
		char *row = fz_strndup((const uint8_t *)p, cut);
		FZ_CHECK(!text_clean_inplace(row, flags), "text_wrap_cut cut a character");
		wchar_t two[3];
		FZ_CHECK(text_width(row) <= cols || text_clean_wide(two, 3, row, cut, 0) == 1,
			 "a row of %d columns in %d", text_width(row), cols);
		free(row);
		p += cut;
	}
	/* text_clean_wide: the same characters, as code points (encoded again here) */
	wchar_t *wide = malloc((strl + 1) * sizeof(wchar_t));
	char *enc = malloc(strl * 4 + 1);
	if (!wide || !enc)
		abort();
	size_t nw = text_clean_wide(wide, strl + 1, src, strl, flags), el = 0;
	FZ_CHECK(wide[nw] == 0, "text_clean_wide: not 0-terminated");
	for (size_t i = 0; i < nw; i++) {
		uint32_t c = (uint32_t)wide[i];
		if (c < 0x80) {
			enc[el++] = (char)c;
		} else if (c < 0x800) {
			enc[el++] = (char)(0xc0 | (c >> 6));
			enc[el++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			enc[el++] = (char)(0xe0 | (c >> 12));
			enc[el++] = (char)(0x80 | ((c >> 6) & 0x3f));
			enc[el++] = (char)(0x80 | (c & 0x3f));
		} else {
			enc[el++] = (char)(0xf0 | (c >> 18));
			enc[el++] = (char)(0x80 | ((c >> 12) & 0x3f));
			enc[el++] = (char)(0x80 | ((c >> 6) & 0x3f));
			enc[el++] = (char)(0x80 | (c & 0x3f));
		}
	}
	enc[el] = '\0';
	FZ_CHECK(strcmp(enc, whole) == 0, "text_clean_wide differs from text_clean");
	free(wide);
	free(enc);
	free(whole);
	free(inpl);

	/* text_is_ifname: 1 to 15 bytes of [A-Za-z0-9._-], not "." or ".." */
	char *s = fz_strndup((const uint8_t *)src, strl);
	static const char ifchars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	bool want = strl >= 1 && strl <= 15 && strcmp(s, ".") && strcmp(s, "..") &&
		    strspn(s, ifchars) == strl;
	FZ_CHECK(text_is_ifname(s) == want, "text_is_ifname disagrees");
	free(s);
	free(dst);
	return 0;
}
