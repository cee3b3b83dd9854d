/* fuzz.h: what the fuzz targets share. Each fuzz_*.c is one libFuzzer target
 * (LLVMFuzzerTestOneInput); standalone_main.c runs the same targets on their corpus and past
 * crashes without libFuzzer. A target checks what its parser promises, independently of how the
 * parser is written: a check that fails aborts, and both runners report that as a crash.
 *
 * The oracles here are the tests' own: a strict UTF-8 decoder and the list of code points no
 * terminal may receive raw (C0/C1 controls, DEL, bidirectional controls), as text.h promises. */
#ifndef SPARKLINK_FUZZ_H
#define SPARKLINK_FUZZ_H

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 4, 5))) static inline void fz_fail(const char *file,
									   int line,
									   const char *cond,
									   const char *fmt, ...)
{
	fprintf(stderr, "%s:%d: check failed: %s: ", file, line, cond);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* FZ_CHECK(cond, "format", ...): abort with the message when cond is false. */
#define FZ_CHECK(cond, ...)                                              \
	do {                                                             \
		if (!(cond))                                             \
			fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/* A NUL-terminated heap copy of exactly size + 1 bytes (bytes after a NUL are then unseen by
 * string functions, as in the program). */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Strict UTF-8: the length of the sequence at s (n bytes available), 0 if it is not a valid,
 * shortest-form encoding of a scalar value. */
static inline size_t fz_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char b = s[0];
	size_t len;
	uint32_t c, min;
	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if (b >= 0xc2 && b <= 0xdf) {
		len = 2, c = b & 0x1f, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3, c = b & 0x0f, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4, c = b & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* A code point a terminal must never get raw: C0, DEL, C1, bidirectional controls. */
static inline bool fz_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* NULL if s (NUL-terminated) is clean text as text.h promises it: valid UTF-8 without unsafe
 * code points ('\n' allowed when lines is true); else what is wrong. */
static inline const char *fz_clean_problem(const char *s, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n) {
		uint32_t cp;
		size_t l = fz_utf8(p, n, &cp);
		if (!l)
			return "invalid UTF-8";
		if (fz_unsafe(cp) && !(lines && cp == '\n'))
			return "a control character";
		p += l;
		n -= l;
	}
	return NULL;
}

/* [A-Za-z0-9._:@+-] or the '?' that stands for anything else (text.h TEXT_NAME). */
static inline bool fz_name_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:@+-?", *s)))
			return false;
	return true;
}

/* ---- files, for the targets that drive the SSH file editors on a private home ---- */

static char fz_home_dir[128] __attribute__((unused));

static inline int fz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void fz_home_remove(void)
{
	if (fz_home_dir[0])
		nftw(fz_home_dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A private temporary home (with .ssh, 0700) for this process, removed at exit. */
static inline const char *fz_home(void)
{
	if (fz_home_dir[0])
		return fz_home_dir;
	const char *t = getenv("TMPDIR");
	snprintf(fz_home_dir, sizeof(fz_home_dir), "%s/sparklink-fuzz-XXXXXX",
		 t && t[0] && strlen(t) < 64 ? t : "/tmp");
	if (!mkdtemp(fz_home_dir))
		abort();
	atexit(fz_home_remove);
	char ssh[160];
	snprintf(ssh, sizeof(ssh), "%s/.ssh", fz_home_dir);
	if (mkdir(ssh, 0700) != 0)
		abort();
	return fz_home_dir;
}

/* Replace path with exactly these bytes (mode 0600). */
static inline void fz_write(const char *path, const void *data, size_t size)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) != 0)
		abort();
}

/* The whole file (malloc'ed, NUL-terminated; *size its length); NULL if it does not exist. */
static inline char *fz_read(const char *path, size_t *size)
{
	*size = 0;
	FILE *f = fopen(path, "rbe");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			b = realloc(b, (cap *= 2) + 1);
	}
	fclose(f);
	if (!b)
		abort();
	b[n] = '\0';
	*size = n;
	return b;
}

#endif
