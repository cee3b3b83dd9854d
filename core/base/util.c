/* util.c: allocation that never returns NULL, bounded strings, small files, clocks. */
#include "core/base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void out_of_memory(void)
{
	static const char msg[] = "sparklink: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	abort();
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	size_t total = n * size;
	p = realloc(p, total ? total : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		out_of_memory();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	return s;
}

size_t str_copy(char *dst, const char *src, size_t dst_size)
{
	size_t n = strlen(src);
	if (dst_size) {
		size_t c = n < dst_size - 1 ? n : dst_size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t str_join(char *dst, size_t size, ...)
{
	size_t n = 0;
	if (!size)
		return 0;
	va_list ap;
	va_start(ap, size);
	for (const char *s; (s = va_arg(ap, const char *)) != NULL;) {
		size_t l = strlen(s);
		if (l > size - 1 - n)
			l = size - 1 - n;
		memcpy(dst + n, s, l);
		n += l;
	}
	va_end(ap);
	dst[n] = '\0';
	return n;
}

size_t str_ulong(char *dst, size_t size, unsigned long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	tmp[--i] = '\0';
	do
		tmp[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	return str_join(dst, size, tmp + i, (const char *)NULL);
}

void str_rstrip(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int file_read_small(const char *path, char *buf, size_t size)
{
	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len < size - 1) {
		ssize_t r = read(fd, buf + len, size - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buf[0] = '\0';
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		/* less than asked: the end of the file (a regular file, or a sysfs or proc
		 * attribute, which is read whole at once); no second read() to see it again */
		if ((size_t)r < size - 1 - (len - (size_t)r))
			break;
	}
	close(fd);
	buf[len] = '\0';
	/* sysfs attributes are text; a NUL inside ends the value */
	buf[strlen(buf)] = '\0';
	str_rstrip(buf);
	return (int)strlen(buf);
}

int64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_ms(void)
{
	return clock_ns() / 1000000;
}

int64_t clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reserve(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap, 1);
	b->cap = cap;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	char tmp[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	char *big = xcalloc((size_t)n + 1, 1);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

int dir_make_parents(const char *path)
{
	char tmp[PATH_MAX];
	if (str_copy(tmp, path, sizeof(tmp)) >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

void state_path(const char *name, char *out, size_t size)
{
	/* root under sudo keeps its state where root put it: a directory named by the invoking
	 * user's environment is not root's */
	const char *dir = getenv("SPARKLINK_STATE_DIR");
	bool sudo = getenv("SUDO_UID") || getenv("SUDO_USER");
	if (dir && dir[0] == '/' && !(geteuid() == 0 && sudo)) {
		snprintf(out, size, "%s/%s", dir, name);
		return;
	}
	if (geteuid() == 0) {
		snprintf(out, size, "/var/lib/sparklink/%s", name);
		return;
	}
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg && xdg[0] == '/') {
		snprintf(out, size, "%s/sparklink/%s", xdg, name);
		return;
	}
	const char *home = getenv("HOME");
	struct passwd *pw = home && home[0] == '/' ? NULL : getpwuid(getuid());
	snprintf(out, size, "%s/.local/state/sparklink/%s",
		 home && home[0] == '/' ? home
		 : pw			? pw->pw_dir
					: "/tmp",
		 name);
}
