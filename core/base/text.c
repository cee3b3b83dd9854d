/* text.c: UTF-8 validation and control-character removal for outside text. */
#include "core/base/text.h"
#include "core/base/util.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

/* Decode one UTF-8 sequence at s (n bytes available). Returns its length and the code point,
 * or 0 if the bytes are not a valid, shortest-form sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool is_unsafe(uint32_t c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return true;
	/* bidirectional embeddings, overrides and isolates can reorder what the user reads */
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
	    c == 0x200f || c == 0x061c)
		return true;
	/* line/paragraph separators, byte order mark, specials */
	if (c == 0x2028 || c == 0x2029 || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb))
		return true;
	return false;
}

static bool is_name_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == ':' || c == '@' || c == '+' || c == '-';
}

bool text_clean(char *dst, size_t dst_size, const char *src, size_t srclen, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;
	bool changed = false;
	if (dst_size == 0)
		return srclen > 0;
	while (i < srclen && s[i]) {
		/* printable ASCII (most text): kept as it is under every flag but TEXT_NAME, a run
		 * at a time */
		if (s[i] >= 0x20 && s[i] < 0x7f && !(flags & TEXT_NAME)) {
			size_t run = 1;
			while (i + run < srclen && s[i + run] >= 0x20 && s[i + run] < 0x7f)
				run++;
			bool cut = o + run >= dst_size;
			if (cut)
				run = dst_size - 1 - o;
			memmove(dst + o, s + i, run);
			o += run, i += run;
			if (cut) {
				changed = true;
				break;
			}
			continue;
		}
		uint32_t cp = 0;
		size_t len = utf8_decode(s + i, srclen - i, &cp);
		const char *put = (const char *)s + i;
		size_t putlen = len;
		if (len == 0) {
			len = 1;
			put = "?", putlen = 1;
		} else if ((flags & TEXT_LINES) && cp == '\n') {
			/* kept */
		} else if (is_unsafe(cp) || ((flags & TEXT_ASCII) && cp >= 0x80) ||
			   ((flags & TEXT_NAME) && !is_name_char(cp))) {
			put = "?", putlen = 1;
		}
		if (put[0] == '?' && putlen == 1 && !(len == 1 && s[i] == '?'))
			changed = true;
		if (o + putlen >= dst_size) {
			changed = true;
			break;
		}
		memmove(dst + o, put, putlen);
		o += putlen;
		i += len;
	}
	if (i < srclen && s[i])
		changed = true;
	dst[o] = '\0';
	return changed;
}

size_t text_clean_wide(wchar_t *dst, size_t max, const char *src, size_t srclen, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;
	if (max == 0)
		return 0;
	while (i < srclen && s[i] && o + 1 < max) {
		if (s[i] >= 0x20 && s[i] < 0x7f && !(flags & TEXT_NAME)) {
			dst[o++] = s[i++];
			continue;
		}
		uint32_t cp = 0;
		size_t len = utf8_decode(s + i, srclen - i, &cp);
		if (len == 0) {
			len = 1;
			cp = '?';
		} else if ((flags & TEXT_LINES) && cp == '\n') {
			/* kept */
		} else if (is_unsafe(cp) || ((flags & TEXT_ASCII) && cp >= 0x80) ||
			   ((flags & TEXT_NAME) && !is_name_char(cp))) {
			cp = '?';
		}
		dst[o++] = (wchar_t)cp;
		i += len;
	}
	dst[o] = 0;
	return o;
}

bool text_clean_inplace(char *s, unsigned flags)
{
	size_t n = strlen(s);
	/* output is never longer than input: every replacement is one byte for one or more */
	return text_clean(s, n + 1, s, n, flags);
}

bool text_is_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool text_is_hostname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

int text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int w = 0;
	while (n) {
		if (*p < 0x80) { /* ASCII: one column (a control character too, as below) */
			w++, p++, n--;
			continue;
		}
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);
		if (!len) {
			len = 1;
			cp = '?';
		}
		int cw = wcwidth((wchar_t)cp);
		w += cw > 0 ? cw : (cp < 0x80 ? 1 : 0);
		p += len;
		n -= len;
	}
	return w;
}

size_t text_wrap_cut(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, after_space = 0;
	int used = 0;
	bool word = false; /* a row of only the indentation is no row */
	while (i < n) {
		uint32_t cp = p[i];
		size_t len = cp < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
		if (!len) {
			len = 1;
			cp = '?';
		}
		int cw = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
		if (cw < 0)
			cw = 0;
		if (used + cw > cols) {
			if (cp == ' ' && word)
				return i; /* the row ends with a word that fits exactly */
			if (after_space)
				return after_space;
			return i ? i : len; /* at least one character, or no row ever ends */
		}
		used += cw;
		i += len;
		if (cp != ' ')
			word = true;
		else if (word)
			after_space = i;
	}
	return n;
}
