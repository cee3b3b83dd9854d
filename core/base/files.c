/* files.c: atomic file replacement. */
#include "core/base/files.h"
#include "core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_replace(const char *path, const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
		 char *err, size_t errsize)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	str_copy(dir, path, sizeof(dir));
	char *dn = dirname(dir);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	int fd = -1, e = 0;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.sparklink-%d-%d", dn, base,
				     (int)getpid(), attempt) >= sizeof(tmp)) {
			/* a cut name would collide with the next attempt's */
			snprintf(err, errsize, "cannot replace %s: the path is too long", path);
			return -ENAMETOOLONG;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		e = errno;
		snprintf(err, errsize, "cannot create a file in %s: %s", dn, strerror(e));
		return -e;
	}
	const char *what = "write";
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto fail;
		}
		off += (size_t)w;
	}
	what = "set the mode of";
	if (fchmod(fd, mode) < 0) {
		e = errno;
		goto fail;
	}
	what = "set the owner of";
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0) {
		e = errno;
		goto fail;
	}
	what = "flush";
	if (fsync(fd) < 0) {
		e = errno;
		goto fail;
	}
	int c = close(fd);
	fd = -1;
	if (c < 0 && errno != EINTR) { /* a late write error (NFS): do not rename it in */
		e = errno;
		goto fail;
	}
	what = "replace";
	if (rename(tmp, path) < 0) {
		e = errno;
		goto fail;
	}
	int dfd = open(dn, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	snprintf(err, errsize, "cannot %s %s: %s", what, path, strerror(e));
	return -e;
}

/* The sentence that says how to make path sparklink's own again. */
static void owned_fix(char *err, size_t errsize, const char *what, const char *path, uid_t owner)
{
	char who[32];
	if (owner == 0)
		str_copy(who, "root:root", sizeof(who));
	else
		snprintf(who, sizeof(who), "%u", (unsigned)owner);
	size_t l = strlen(err);
	snprintf(err + l, errsize - l,
		 ": sparklink trusts %s only when it belongs to %s and nobody else can write it. "
		 "If you did not change it yourself, look at it first; then fix it with: "
		 "%schown %s %s && %schmod go-w %s",
		 what, owner == 0 ? "root" : "its user", owner == 0 ? "sudo " : "", who, path,
		 owner == 0 ? "sudo " : "", path);
}

/* Check what fd (the file or its directory, at path) is: type, owner, no group/other write. */
static int owned_check(int fd, const char *path, bool dir, uid_t owner, const char *what, char *err,
		       size_t errsize)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		snprintf(err, errsize, "cannot examine %s: %s", path, strerror(e));
		return -e;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "the %s %s%s is not a %s", what, dir ? "directory " : "",
			 path, dir ? "directory" : "regular file");
		return -EPERM;
	}
	if (st.st_uid != owner || (st.st_mode & 022)) {
		snprintf(err, errsize, "the %s %s%s %s (owner uid %u, mode %04o)", what,
			 dir ? "directory " : "", path,
			 st.st_uid != owner ? "belongs to another user"
					    : "can be written by others",
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		char which[64];
		snprintf(which, sizeof(which), "%s %s", dir ? "the directory of its" : "its", what);
		owned_fix(err, errsize, which, path, owner);
		return -EPERM;
	}
	return 0;
}

int file_open_owned(const char *path, int flags, uid_t owner, const char *what, char *err,
		    size_t errsize)
{
	char dir[PATH_MAX];
	if (path[0] != '/' || str_copy(dir, path, sizeof(dir)) >= sizeof(dir)) {
		snprintf(err, errsize, "the %s path '%s' is not an absolute path", what, path);
		return -EINVAL;
	}
	char *slash = strrchr(dir, '/');
	const char *base = path + (slash - dir) + 1;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		int e = errno;
		if (e == ENOENT)
			return -ENOENT;
		if (e == ELOOP || e == ENOTDIR)
			snprintf(
				err, errsize,
				"the %s directory %s is a symbolic link or not a "
				"directory: sparklink keeps its %s only in a real directory; remove the "
				"link",
				what, dir, what);
		else
			snprintf(err, errsize, "cannot open the %s directory %s: %s", what, dir,
				 strerror(e));
		return -e;
	}
	int r = owned_check(dfd, dir, true, owner, what, err, errsize);
	if (r < 0) {
		close(dfd);
		return r;
	}
	int fd = openat(dfd, base, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	int e = errno;
	close(dfd);
	if (fd < 0) {
		if (e == ENOENT)
			return -ENOENT;
		if (e == ELOOP)
			snprintf(err, errsize,
				 "the %s %s is a symbolic link: sparklink reads and "
				 "writes its %s only as a regular file; remove the link",
				 what, path, what);
		else
			snprintf(err, errsize, "cannot open the %s %s: %s", what, path,
				 strerror(e));
		return -e;
	}
	r = owned_check(fd, path, false, owner, what, err, errsize);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
