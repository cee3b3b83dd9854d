/* files.c: atomic file replacement. */
#include "core/files.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_replace(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
		 gid_t gid, char *err, size_t errsize)
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
