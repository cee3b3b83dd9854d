/* sysfs.c: attribute reads relative to a movable sysfs root. */
#include "core/net/sysfs.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root_override[PATH_MAX];

void sysfs_set_root(const char *root)
{
	str_copy(root_override, root ? root : "", sizeof(root_override));
	size_t n = strlen(root_override);
	while (n > 1 && root_override[n - 1] == '/')
		root_override[--n] = '\0';
}

const char *sysfs_root(void)
{
	if (root_override[0])
		return root_override;
	const char *env = getenv("SPARKLINK_SYSFS");
	if (env && env[0])
		return env;
	return "/sys";
}

int sysfs_root_check(char *err, size_t errsize)
{
	const char *root = sysfs_root();
	if (geteuid() != 0 || strcmp(root, "/sys") == 0)
		return 0;
	struct stat st;
	if (stat(root, &st) < 0) {
		int e = errno;
		if (e == ENOENT)
			return 0; /* nothing there to read: "no RDMA device" */
		snprintf(err, errsize, "the sysfs tree %s: %s", root, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(err, errsize,
			 "the sysfs tree %s (--sysfs or SPARKLINK_SYSFS) is not a "
			 "directory that only root can change (owner uid %u, mode %04o): as root, "
			 "sparklink reads a tree in place of /sys only when root made it",
			 root, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static void vpath(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = snprintf(buf, size, "%s/", sysfs_root());
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return;
	}
	vsnprintf(buf + n, size - (size_t)n, fmt, ap);
}

void sysfs_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpath(buf, size, fmt, ap);
	va_end(ap);
}

int sysfs_read(char *buf, size_t size, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	char raw[512];
	int r = file_read_small(path, raw, sizeof(raw));
	if (r < 0) {
		if (size)
			buf[0] = '\0';
		return r;
	}
	text_clean(buf, size, raw, (size_t)r, 0);
	return (int)strlen(buf);
}

int sysfs_read_long(long *val, const char *fmt, ...)
{
	char path[PATH_MAX], raw[64];
	va_list ap;
	va_start(ap, fmt);
	vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	int r = file_read_small(path, raw, sizeof(raw));
	if (r < 0)
		return r;
	char *end;
	errno = 0;
	long v = strtol(raw, &end, 0);
	if (end == raw || *end || errno)
		return -EINVAL;
	*val = v;
	return 0;
}

int sysfs_link_name(char *buf, size_t size, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (size)
			buf[0] = '\0';
		return -errno;
	}
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	/* a relative "../../" link: resolve it to find the directory's name */
	if (strcmp(base, "..") == 0 || strcmp(base, ".") == 0) {
		char *real = realpath(path, NULL);
		if (!real) {
			int e = errno;
			if (size)
				buf[0] = '\0';
			return -e;
		}
		const char *b = strrchr(real, '/');
		text_clean(buf, size, b ? b + 1 : real, strlen(b ? b + 1 : real), TEXT_NAME);
		free(real);
		return (int)strlen(buf);
	}
	text_clean(buf, size, base, strlen(base), TEXT_NAME);
	return (int)strlen(buf);
}
