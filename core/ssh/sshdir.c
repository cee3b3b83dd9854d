/* sshdir.c: the user whose ~/.ssh sparklink edits, ~/.ssh itself, and the edit engine:
 * read one file relative to its directory's descriptor, change it, replace it atomically with
 * its owner and mode, start again if someone changed it meanwhile. */
#include "core/ssh/sshfiles_shared.h"
#include "core/base/base64.h"
#include "core/base/files.h"
#include "core/base/sha1.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int user_fill(struct ssh_user *u, const struct passwd *pw, char *err, size_t errsize)
{
	if (strlen(pw->pw_name) >= sizeof(u->name) || !pw->pw_dir || pw->pw_dir[0] != '/' ||
	    strlen(pw->pw_dir) >= sizeof(u->home)) {
		snprintf(err, errsize,
			 "the password database entry of uid %u has no usable name or home "
			 "directory",
			 (unsigned)pw->pw_uid);
		return -EINVAL;
	}
	str_copy(u->name, pw->pw_name, sizeof(u->name));
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	str_copy(u->home, pw->pw_dir, sizeof(u->home));
	return 0;
}

int ssh_user_current(struct ssh_user *u, char *err, size_t errsize)
{
	memset(u, 0, sizeof(*u));
	char pwbuf[16384];
	struct passwd pw, *res = NULL;
	const char *su = getenv("SUDO_USER"), *sid = getenv("SUDO_UID");
	if (geteuid() == 0 && ((su && *su) || (sid && *sid))) {
		char csu[64], csid[32];
		text_clean(csu, sizeof(csu), su ? su : "", su ? strlen(su) : 0, TEXT_NAME);
		text_clean(csid, sizeof(csid), sid ? sid : "", sid ? strlen(sid) : 0, TEXT_NAME);
		char *end = NULL;
		errno = 0;
		unsigned long id = sid ? strtoul(sid, &end, 10) : 0;
		if (!su || !*su || !sid || !*sid || errno || !end || *end || id >= (uid_t)-1) {
			snprintf(err, errsize,
				 "sudo left SUDO_USER='%s' and SUDO_UID='%s', which do not name a "
				 "user; run sparklink with sudo as yourself, or without sudo",
				 csu, csid);
			return -EINVAL;
		}
		int r = getpwnam_r(su, &pw, pwbuf, sizeof(pwbuf), &res);
		if (r || !res) {
			snprintf(err, errsize,
				 "sudo was run by '%s' (SUDO_USER), who is not in the password "
				 "database",
				 csu);
			return r ? -r : -ENOENT;
		}
		if (res->pw_uid != (uid_t)id) {
			snprintf(err, errsize,
				 "SUDO_USER='%s' and SUDO_UID=%s do not name the same user (%s is "
				 "uid %u); run sparklink with sudo as yourself, or without sudo",
				 csu, csid, csu, (unsigned)res->pw_uid);
			return -EINVAL;
		}
		return user_fill(u, res, err, errsize);
	}
	int r = getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &res);
	if (r || !res) {
		snprintf(err, errsize, "uid %u is not in the password database",
			 (unsigned)getuid());
		return r ? -r : -ENOENT;
	}
	return user_fill(u, res, err, errsize);
}

static int ssh_dir_path(const struct ssh_user *u, char *path, size_t size, char *err,
			size_t errsize)
{
	size_t hl = strlen(u->home);
	while (hl > 1 && u->home[hl - 1] == '/')
		hl--;
	if (u->home[0] != '/') {
		snprintf(err, errsize, "the home directory of %s ('%s') is not an absolute path",
			 u->name, u->home);
		return -EINVAL;
	}
	if ((size_t)snprintf(path, size, "%.*s/.ssh", (int)(hl == 1 ? 0 : hl), u->home) >= size) {
		snprintf(err, errsize, "the home directory of %s is too long a path", u->name);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int open_dir_error(const char *path, int e, char *err, size_t errsize)
{
	struct stat st;
	if (e == ELOOP || (e == ENOTDIR && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))) {
		snprintf(err, errsize,
			 "%s is a symbolic link; sparklink does not write through links. Replace "
			 "it with the directory itself and try again",
			 path);
		return -ELOOP;
	}
	if (e == ENOTDIR) {
		snprintf(err, errsize, "%s is not a directory", path);
		return -ENOTDIR;
	}
	snprintf(err, errsize, "cannot open %s: %s", path, strerror(e));
	return -e;
}

/* Open ~/.ssh (made if create, else *dfd = -1 and 1 when it does not exist). */
static int sshdir_open(const struct ssh_user *u, bool create, char *dir, size_t dirsize,
		       bool *fixed, int *dfd, char *err, size_t errsize)
{
	char path[PATH_MAX];
	*fixed = false;
	*dfd = -1;
	int r = ssh_dir_path(u, path, sizeof(path), err, errsize);
	if (r < 0)
		return r;
	if (dir)
		str_copy(dir, path, dirsize);
	struct stat st;
	bool created = false;
	if (lstat(path, &st) < 0) {
		int e = errno;
		if (e != ENOENT) {
			snprintf(err, errsize, "cannot examine %s: %s", path, strerror(e));
			return -e;
		}
		if (!create)
			return 1;
		if (mkdir(path, 0700) < 0) {
			e = errno;
			if (e != EEXIST) {
				snprintf(err, errsize, "cannot create %s: %s", path, strerror(e));
				return -e;
			}
		} else {
			created = true;
		}
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return open_dir_error(path, errno, err, errsize);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		snprintf(err, errsize, "cannot examine %s: %s", path, strerror(e));
		return -e;
	}
	if (created && (st.st_uid != u->uid || st.st_gid != u->gid)) {
		if (fchown(fd, u->uid, u->gid) < 0) {
			int e = errno;
			close(fd);
			snprintf(err, errsize, "cannot give %s to %s: %s", path, u->name,
				 strerror(e));
			return -e;
		}
		st.st_uid = u->uid;
	}
	if (st.st_uid != u->uid) {
		close(fd);
		snprintf(err, errsize,
			 "%s belongs to uid %u, not to %s (uid %u); sparklink does not edit it. "
			 "Fix its owner (chown %s %s) and try again",
			 path, (unsigned)st.st_uid, u->name, (unsigned)u->uid, u->name, path);
		return -EPERM;
	}
	if (created || (st.st_mode & 022)) {
		if (fchmod(fd, 0700) < 0) {
			int e = errno;
			close(fd);
			snprintf(err, errsize, "cannot make %s private (mode 0700): %s", path,
				 strerror(e));
			return -e;
		}
		*fixed = !created;
	}
	*dfd = fd;
	return 0;
}

int sshdir_ensure(const struct ssh_user *u, char *dir, size_t dirsize, bool *fixed, char *err,
		  size_t errsize)
{
	bool f = false;
	int fd;
	int r = sshdir_open(u, true, dir, dirsize, &f, &fd, err, errsize);
	if (fixed)
		*fixed = f;
	if (fd >= 0)
		close(fd);
	return r < 0 ? r : 0;
}

/* ---- reading and replacing one file -------------------------------------------------------- */

/* Read a regular file whole (at most SSHFILES_MAX_SIZE bytes) from fd. */
int sshf_read_fd(int fd, const char *path, struct stat *st, char **data, size_t *len, char *err,
		 size_t errsize)
{
	*data = NULL;
	*len = 0;
	if (fstat(fd, st) < 0) {
		int e = errno;
		snprintf(err, errsize, "cannot examine %s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errsize, "%s is not a regular file; sparklink leaves it alone", path);
		return -EINVAL;
	}
	size_t cap = (size_t)st->st_size + 1, n = 0;
	if (st->st_size > (off_t)SSHFILES_MAX_SIZE)
		goto too_big;
	char *d = xcalloc(cap + 1, 1);
	for (;;) {
		if (n == cap) {
			if (cap > SSHFILES_MAX_SIZE) {
				free(d);
				goto too_big;
			}
			cap *= 2;
			d = xrealloc(d, cap + 1, 1);
		}
		ssize_t r = read(fd, d + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(d);
			snprintf(err, errsize, "cannot read %s: %s", path, strerror(e));
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > SSHFILES_MAX_SIZE) {
		free(d);
		goto too_big;
	}
	d[n] = '\0';
	*data = d;
	*len = n;
	return 0;
too_big:
	snprintf(err, errsize,
		 "%s is larger than %u MiB; sparklink does not read or edit a file that large. "
		 "Trim it and try again",
		 path, SSHFILES_MAX_SIZE >> 20);
	return -EFBIG;
}

static int symlink_error(const char *path, char *err, size_t errsize)
{
	snprintf(err, errsize,
		 "%s is a symbolic link; sparklink does not read or write through links. Replace "
		 "it with a regular file and try again",
		 path);
	return -ELOOP;
}

/* Read path without following a link at its last component; a missing file is empty. */
int sshf_read_nofollow(const char *path, char **data, size_t *len, bool *exists, char *err,
		       size_t errsize)
{
	*data = NULL;
	*len = 0;
	*exists = false;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		if (e == ELOOP)
			return symlink_error(path, err, errsize);
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	struct stat st;
	int r = sshf_read_fd(fd, path, &st, data, len, err, errsize);
	close(fd);
	*exists = r == 0;
	return r;
}

static void sfile_free(struct sfile *f)
{
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
	free(f->data);
	f->data = NULL;
}

/* path without repeated or trailing slashes ("/" stays "/"). */
static void dir_norm(const char *path, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 1 < size; p++)
		if (*p != '/' || !o || out[o - 1] != '/')
			out[o++] = *p;
	while (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
}

static bool same_dir_path(const char *a, const char *b)
{
	char x[PATH_MAX], y[PATH_MAX];
	dir_norm(a, x, sizeof(x));
	dir_norm(b, y, sizeof(y));
	return !strcmp(x, y);
}

/* Open path for an edit: its directory must be the user's ~/.ssh (made if create) or a
 * directory only its owner (the user or root) can change; the file a regular file of the user
 * or root with one link, or missing (then f->exists is false). */
static int sfile_open(const struct ssh_user *u, const char *path, bool create, struct sfile *f,
		      char *err, size_t errsize)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	if (!path || path[0] != '/' ||
	    str_copy(f->path, path, sizeof(f->path)) >= sizeof(f->path)) {
		snprintf(err, errsize, "'%s' is not an absolute path", path ? path : "");
		return -EINVAL;
	}
	char *slash = strrchr(f->path, '/');
	const char *base = slash + 1;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") ||
	    strlen(base) >= sizeof(f->base)) {
		snprintf(err, errsize, "'%s' does not name a file", path);
		return -EINVAL;
	}
	str_copy(f->base, base, sizeof(f->base));
	if (slash == f->path)
		str_copy(f->dir, "/", sizeof(f->dir));
	else
		snprintf(f->dir, sizeof(f->dir), "%.*s", (int)(slash - f->path), f->path);

	char sshdir[PATH_MAX];
	int r = ssh_dir_path(u, sshdir, sizeof(sshdir), err, errsize);
	if (r < 0)
		return r;
	struct stat dst;
	if (same_dir_path(f->dir, sshdir)) {
		bool fixed;
		r = sshdir_open(u, create, NULL, 0, &fixed, &f->dirfd, err, errsize);
		if (r < 0)
			return r;
		if (r > 0)
			return 0; /* no ~/.ssh, nothing to read, nothing made */
	} else {
		f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (f->dirfd < 0)
			return open_dir_error(f->dir, errno, err, errsize);
		if (fstat(f->dirfd, &dst) < 0) {
			int e = errno;
			snprintf(err, errsize, "cannot examine %s: %s", f->dir, strerror(e));
			return -e;
		}
		if ((dst.st_uid != u->uid && dst.st_uid != 0) || (dst.st_mode & 022)) {
			snprintf(err, errsize,
				 "%s can be changed by users other than %s%s (owner uid %u, mode "
				 "%04o); sparklink does not write files there",
				 f->dir, u->uid ? u->name : "root", u->uid ? " and root" : "",
				 (unsigned)dst.st_uid, (unsigned)(dst.st_mode & 07777));
			return -EPERM;
		}
	}
	if (fstat(f->dirfd, &dst) < 0) {
		int e = errno;
		snprintf(err, errsize, "cannot examine %s: %s", f->dir, strerror(e));
		return -e;
	}
	/* Write through the descriptor's directory, whatever happens to the path meanwhile. */
	snprintf(f->iodir, sizeof(f->iodir), "/proc/self/fd/%d", f->dirfd);
	struct stat pst;
	if (stat(f->iodir, &pst) == 0 && pst.st_dev == dst.st_dev && pst.st_ino == dst.st_ino)
		snprintf(f->io, sizeof(f->io), "%s/%s", f->iodir, f->base);
	else
		str_copy(f->io, f->path, sizeof(f->io));

	int fd = openat(f->dirfd, f->base,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		if (e == ELOOP)
			return symlink_error(f->path, err, errsize);
		snprintf(err, errsize, "cannot read %s: %s", f->path, strerror(e));
		return -e;
	}
	r = sshf_read_fd(fd, f->path, &f->st, &f->data, &f->len, err, errsize);
	close(fd);
	if (r < 0)
		return r;
	f->exists = true;
	if (f->st.st_uid != u->uid && f->st.st_uid != 0) {
		snprintf(err, errsize,
			 "%s belongs to uid %u, not to %s (uid %u); sparklink does not edit it. "
			 "Fix its owner (chown %s %s) and try again",
			 f->path, (unsigned)f->st.st_uid, u->name, (unsigned)u->uid, u->name,
			 f->path);
		return -EPERM;
	}
	if (f->st.st_nlink > 1) {
		snprintf(err, errsize,
			 "%s has %lu hard links; replacing it would split them, so sparklink "
			 "leaves it alone. Make it a single file and try again",
			 f->path, (unsigned long)f->st.st_nlink);
		return -EMLINK;
	}
	if (geteuid() != 0 && f->st.st_uid != geteuid()) {
		snprintf(err, errsize,
			 "%s belongs to uid %u; only root can replace it keeping that owner. Run "
			 "sparklink with sudo, or fix the owner",
			 f->path, (unsigned)f->st.st_uid);
		return -EPERM;
	}
	return 0;
}

/* Replace the file with data: its mode (minus group/other write) and owner if it existed, else
 * newmode and the user. Returns 1 if the file changed since it was read (edit again). */
static int sfile_commit(const struct ssh_user *u, struct sfile *f, const char *data, size_t len,
			mode_t newmode, char *err, size_t errsize)
{
	struct stat now;
	if (f->dirfd < 0) {
		snprintf(err, errsize, "cannot write %s: its directory is not open", f->path);
		return -EBADF;
	}
	bool exists_now = fstatat(f->dirfd, f->base, &now, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists_now && errno != ENOENT) {
		int e = errno;
		snprintf(err, errsize, "cannot examine %s: %s", f->path, strerror(e));
		return -e;
	}
	if (exists_now != f->exists ||
	    (exists_now &&
	     (now.st_ino != f->st.st_ino || now.st_dev != f->st.st_dev ||
	      now.st_size != f->st.st_size || now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
	      now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec ||
	      now.st_ctim.tv_sec != f->st.st_ctim.tv_sec ||
	      now.st_ctim.tv_nsec != f->st.st_ctim.tv_nsec)))
		return 1;
	mode_t mode = f->exists ? (f->st.st_mode & 0777 & ~(mode_t)022) : newmode;
	uid_t uid = f->exists ? f->st.st_uid : u->uid;
	gid_t gid = f->exists ? f->st.st_gid : u->gid;
	int r = file_replace(f->io, data ? data : "", len, mode, uid, gid, err, errsize);
	if (r < 0 && strcmp(f->io, f->path))
		sshf_replace_all(err, errsize, f->iodir, f->dir);
	return r;
}

/* An edit computes the new content from the old: 1 = write out, 0 = nothing to change. It may
 * run more than once (the file changed under it) and must reset what it reports. */

int sshf_file_edit(const struct ssh_user *u, const char *path, bool create, edit_fn fn, void *ctx,
		   char *err, size_t errsize)
{
	for (int attempt = 0;; attempt++) {
		struct sfile f;
		struct buf out;
		buf_init(&out);
		int r = sfile_open(u, path, create, &f, err, errsize);
		if (r == 0 && !f.data)
			f.data = xcalloc(1, 1); /* no file: empty */
		if (r == 0)
			r = fn(ctx, &f, &out, err, errsize);
		if (r > 0 && sshfiles_test_hook)
			sshfiles_test_hook(f.path);
		if (r > 0)
			r = sfile_commit(u, &f, out.data, out.len, 0600, err, errsize);
		buf_free(&out);
		sfile_free(&f);
		if (r != 1)
			return r;
		if (attempt == 4) {
			snprintf(err, errsize,
				 "%s kept changing while sparklink edited it; nothing was written. "
				 "Try again",
				 path);
			return -EAGAIN;
		}
	}
}

int sshf_user_path(const struct ssh_user *u, const char *name, char *path, size_t size, char *err,
		   size_t errsize)
{
	char dir[PATH_MAX];
	int r = ssh_dir_path(u, dir, sizeof(dir), err, errsize);
	if (r < 0)
		return r;
	if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size) {
		snprintf(err, errsize, "%s/%s is too long a path", dir, name);
		return -ENAMETOOLONG;
	}
	return 0;
}
