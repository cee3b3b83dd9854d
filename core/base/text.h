/* text.h: making outside text safe. Anything read from a file, sysfs or the network passes
 * through text_clean() before it reaches the screen, a file or a command line. */
#ifndef SPARKLINK_TEXT_H
#define SPARKLINK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

enum text_flags {
	TEXT_ASCII = 1 << 0, /* also replace every non-ASCII character (for ASCII terminals) */
	TEXT_NAME = 1 << 1, /* an identifier: only [A-Za-z0-9._:@+-], everything else replaced */
	TEXT_LINES =
		1 << 2, /* keep newlines (multi-line command output); other controls replaced */
};

/* Copy at most srclen bytes of src into dst (dst_size bytes, always NUL-terminated). Invalid
 * UTF-8, C0/C1 controls, DEL and bidirectional overrides become '?'; the copy never cuts a
 * character in half. Returns true if anything was replaced or cut. */
bool text_clean(char *dst, size_t dst_size, const char *src, size_t srclen, unsigned flags);

/* What text_clean() would keep, as code points (the screen's wide characters): at most max - 1
 * of them from src (srclen bytes, up to a NUL), 0-terminated; returns how many. */
size_t text_clean_wide(wchar_t *dst, size_t max, const char *src, size_t srclen, unsigned flags);

/* In-place variant for NUL-terminated strings. */
bool text_clean_inplace(char *s, unsigned flags);

/* True if s is a plausible interface name: 1..15 bytes of [A-Za-z0-9._-]. */
bool text_is_ifname(const char *s);

/* True if s is a plain host name as the plans and the cable map keep it: 1..63 bytes of
 * [A-Za-z0-9.-]. */
bool text_is_hostname(const char *s);

/* Display width of a clean UTF-8 string (as wcwidth counts). */
int text_width(const char *s);

/* Where a row of at most cols columns ends in the clean UTF-8 string s: all of s if it fits,
 * else just after the last space that fits, else (one word longer than the row) at the last
 * whole character that fits (at least one character). Returns a byte count. */
size_t text_wrap_cut(const char *s, int cols);

#endif
