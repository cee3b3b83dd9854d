/* util.h: small helpers shared by core/ and ui/: allocation, strings, files. */
#ifndef SPARKLINK_UTIL_H
#define SPARKLINK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/* Copy src into dst (size dst_size), always NUL-terminated; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t dst_size);
/* Remove trailing white space (newlines from sysfs files) in place. */
void str_rstrip(char *s);
bool str_starts(const char *s, const char *prefix);
/* The strings up to a NULL, one after the other, into dst (size bytes, always NUL-terminated,
 * cut as snprintf cuts): snprintf's "%s%s..." without its cost, for text made per frame.
 * Returns the length written. */
__attribute__((sentinel)) size_t str_join(char *dst, size_t size, ...);
/* v in decimal ("%lu"), as str_join writes; returns the length written. */
size_t str_ulong(char *dst, size_t size, unsigned long v);

/* Read a small file whole into buf (NUL-terminated, trailing white space removed).
 * Returns the length, or -errno. A file longer than buf is truncated (not an error). */
int file_read_small(const char *path, char *buf, size_t size);

/* mkdir -p of the directory path is in (what it creates: mode 0700). 0 or -errno. */
int dir_make_parents(const char *path);
/* Where sparklink keeps its state (the journal, the console's log): $SPARKLINK_STATE_DIR/NAME
 * (an absolute path; ignored by root under sudo); as root /var/lib/sparklink/NAME; else
 * $XDG_STATE_HOME/sparklink/NAME (default ~/.local/state/sparklink/NAME). */
void state_path(const char *name, char *out, size_t size);

/* Monotonic clock in nanoseconds / milliseconds. */
int64_t clock_ns(void);
int64_t clock_ms(void);
/* Wall clock in milliseconds since the epoch (for times shown to people). */
int64_t clock_wall_ms(void);

/* A growable byte buffer (output of formatters, JSON, captured text). */
struct buf {
	char *data;
	size_t len, cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Room for n more bytes and the NUL (the buffer grown, at least 256 bytes, doubling). */
void buf_reserve(struct buf *b, size_t n);
/* Append n bytes (kept NUL-terminated); inline: the frame's keys and operations are many small
 * appends, where a call and a memcpy of unknown size cost more than the copy. */
static inline void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}
void buf_puts(struct buf *b, const char *s);
__attribute__((format(printf, 2, 3))) void buf_printf(struct buf *b, const char *fmt, ...);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

#endif
