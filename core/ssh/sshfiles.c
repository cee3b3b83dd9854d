/* sshfiles.c: ~/.ssh and its files (authorized_keys, known_hosts, config), read the way OpenSSH
 * reads them and replaced atomically without losing a byte.
 *
 * Files are opened relative to a descriptor of their directory (O_NOFOLLOW at every step we
 * own) and replaced through /proc/self/fd/N/name, so a directory swapped for a symlink after
 * the checks cannot redirect a write made as root. Before the rename the file is compared with
 * what was read; if someone (ssh adding a host) changed it meanwhile, the edit starts again. */
#include "core/ssh/sshfiles.h"
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

#define KEYTYPE_MAX 64
#define KEYLINE_MAX 16384
#define CONFIG_MARK "# sparklink: peer "

/* ---- validation ---------------------------------------------------------------------------- */

static const char *const key_types[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-rsa",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};

static bool mem_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

static bool mem_eq_str(const char *a, size_t an, const char *s)
{
	return mem_eq(a, an, s, strlen(s));
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool mem_caseeq_str(const char *a, size_t an, const char *s)
{
	if (an != strlen(s))
		return false;
	for (size_t i = 0; i < an; i++)
		if (ascii_lower(a[i]) != ascii_lower(s[i]))
			return false;
	return true;
}

static bool keytype_known(const char *t, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(key_types); i++)
		if (mem_eq_str(t, n, key_types[i]))
			return true;
	return false;
}

/* Reading SSH wire strings (RFC 4251 section 5) from a key blob. */
struct rd {
	const uint8_t *p;
	size_t n;
};

static bool rd_string(struct rd *r, const uint8_t **s, size_t *len)
{
	if (r->n < 4)
		return false;
	size_t l = (size_t)r->p[0] << 24 | (size_t)r->p[1] << 16 | (size_t)r->p[2] << 8 | r->p[3];
	if (l > r->n - 4)
		return false;
	*s = r->p + 4;
	*len = l;
	r->p += 4 + l;
	r->n -= 4 + l;
	return true;
}

static bool rd_is(struct rd *r, const char *want)
{
	const uint8_t *s;
	size_t l;
	return rd_string(r, &s, &l) && mem_eq((const char *)s, l, want, strlen(want));
}

static bool rd_len(struct rd *r, size_t want)
{
	const uint8_t *s;
	size_t l;
	return rd_string(r, &s, &l) && l == want;
}

/* An EC point in uncompressed form for the curve. */
static bool rd_point(struct rd *r, size_t coord)
{
	const uint8_t *s;
	size_t l;
	return rd_string(r, &s, &l) && l == 1 + 2 * coord && s[0] == 0x04;
}

static bool rd_nonempty(struct rd *r, size_t min)
{
	const uint8_t *s;
	size_t l;
	return rd_string(r, &s, &l) && l >= min;
}

/* The public key fields after the type, as sshkey_from_blob expects them for each type this
 * module accepts; the blob must end there. Types it does not know (certificates, ssh-dss, in
 * files written by others) only need some data after the type. */
static bool blob_fields_ok(struct rd *r, const char *type, size_t tn)
{
	bool ok;
	if (mem_eq_str(type, tn, "ssh-ed25519"))
		ok = rd_len(r, 32);
	else if (mem_eq_str(type, tn, "sk-ssh-ed25519@openssh.com"))
		ok = rd_len(r, 32) && rd_nonempty(r, 1);
	else if (mem_eq_str(type, tn, "ecdsa-sha2-nistp256"))
		ok = rd_is(r, "nistp256") && rd_point(r, 32);
	else if (mem_eq_str(type, tn, "ecdsa-sha2-nistp384"))
		ok = rd_is(r, "nistp384") && rd_point(r, 48);
	else if (mem_eq_str(type, tn, "ecdsa-sha2-nistp521"))
		ok = rd_is(r, "nistp521") && rd_point(r, 66);
	else if (mem_eq_str(type, tn, "sk-ecdsa-sha2-nistp256@openssh.com"))
		ok = rd_is(r, "nistp256") && rd_point(r, 32) && rd_nonempty(r, 1);
	else if (mem_eq_str(type, tn, "ssh-rsa"))
		ok = rd_nonempty(r, 1) && rd_nonempty(r, 1024 / 8); /* e, n of 1024+ bits */
	else
		return r->n > 0;
	return ok && r->n == 0;
}

/* b64[0..n) is canonical base64 of an SSH public key blob of type type[0..tn) (what
 * sshkey_read checks before it accepts "type blob"). */
static bool blob_matches_type(const char *b64, size_t n, const char *type, size_t tn)
{
	if (n == 0 || n > KEYLINE_MAX || tn == 0 || tn > KEYTYPE_MAX)
		return false;
	uint8_t *blob = xcalloc(n, 1);
	long len = base64_decode(b64, n, blob, n);
	bool ok = false;
	if (len > 0) {
		struct rd r = {blob, (size_t)len};
		const uint8_t *t;
		size_t tl;
		ok = rd_string(&r, &t, &tl) && mem_eq((const char *)t, tl, type, tn) &&
		     blob_fields_ok(&r, type, tn);
	}
	free(blob);
	return ok;
}

bool ssh_key_valid(const char *keytype, const char *key_b64)
{
	if (!keytype || !key_b64)
		return false;
	size_t tn = strlen(keytype);
	return keytype_known(keytype, tn) &&
	       blob_matches_type(key_b64, strlen(key_b64), keytype, tn);
}

bool pubkey_line_valid(const char *line)
{
	if (!line)
		return false;
	size_t n = strlen(line);
	if (n == 0 || n > KEYLINE_MAX)
		return false;
	const char *sp = strchr(line, ' ');
	if (!sp || !keytype_known(line, (size_t)(sp - line)))
		return false;
	const char *b = sp + 1;
	size_t bn = strcspn(b, " ");
	if (!blob_matches_type(b, bn, line, (size_t)(sp - line)))
		return false;
	const char *c = b + bn;
	if (*c == '\0')
		return true;
	c++;
	if (*c == '\0' || *c == ' ')
		return false; /* trailing or doubled separator */
	for (; *c; c++)
		if (*c < 0x20 || *c > 0x7e || strchr("\"'\\$`", *c))
			return false;
	return true;
}

static bool dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool ssh_name_valid(const char *name)
{
	if (!name)
		return false;
	size_t n = strlen(name);
	if (n == 0 || n > 253)
		return false;
	struct in_addr a4;
	if (inet_pton(AF_INET, name, &a4) == 1)
		return true;
	if (strchr(name, ':')) {
		char addr[INET6_ADDRSTRLEN];
		struct in6_addr a6;
		const char *pct = strchr(name, '%');
		size_t an = pct ? (size_t)(pct - name) : n;
		if (an >= sizeof(addr))
			return false;
		memcpy(addr, name, an);
		addr[an] = '\0';
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			return false;
		return !pct || text_is_ifname(pct + 1);
	}
	const char *p = name;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t ln = dot ? (size_t)(dot - p) : strlen(p);
		if (ln == 0 || ln > 63 || p[0] == '-' || p[ln - 1] == '-')
			return false;
		bool digits = true;
		for (size_t i = 0; i < ln; i++) {
			if (!dns_char(p[i]))
				return false;
			if (p[i] < '0' || p[i] > '9')
				digits = false;
		}
		if (!dot)
			return !digits; /* "10.0.0.300" is no address and no name */
		p = dot + 1;
	}
}

static bool login_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!dns_char(s[i]) && s[i] != '.')
			return false;
	return true;
}

const char *kh_status_word(enum kh_status s)
{
	switch (s) {
	case KH_UNKNOWN:
		return "unknown";
	case KH_OK:
		return "ok";
	case KH_CHANGED:
		return "changed";
	case KH_REVOKED:
		return "revoked";
	case KH_ERROR:
		return "error";
	}
	return "?";
}

/* ---- lines and tokens ---------------------------------------------------------------------- */

struct line {
	const char *p;   /* content */
	size_t len;      /* without "\n" and a "\r" before it */
	size_t off, end; /* bytes in the file, end after the terminator */
	bool nl;         /* ended by "\n" */
	unsigned no;     /* 1-based */
};

static bool line_next(const char *data, size_t size, size_t *pos, unsigned *no, struct line *l)
{
	if (*pos >= size)
		return false;
	const char *s = data + *pos;
	const char *nl = memchr(s, '\n', size - *pos);
	size_t full = nl ? (size_t)(nl - s) + 1 : size - *pos;
	l->p = s;
	l->off = *pos;
	l->end = *pos + full;
	l->nl = nl != NULL;
	l->len = nl ? full - 1 : full;
	if (l->len && s[l->len - 1] == '\r')
		l->len--;
	l->no = ++*no;
	*pos += full;
	return true;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *skip_tok(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* out = old + text (lines joined by "\n", no final newline). A file without a final newline
 * gets "\n" + text and still has none, so that removing text restores it byte for byte. */
static void append_text(struct buf *out, const char *old, size_t oldlen, const char *text)
{
	buf_add(out, old, oldlen);
	if (oldlen && old[oldlen - 1] != '\n') {
		buf_add(out, "\n", 1);
		buf_puts(out, text);
	} else {
		buf_puts(out, text);
		buf_add(out, "\n", 1);
	}
}

/* Builds a copy without some lines: keep each line that stays, then finish. */
struct line_filter {
	struct buf *out;
	bool dropped_unterminated;
};

static void filter_line(struct line_filter *lf, const struct line *l, bool keep)
{
	if (keep)
		buf_add(lf->out, l->p, l->end - l->off);
	else if (!l->nl)
		lf->dropped_unterminated = true;
}

static void filter_finish(struct line_filter *lf)
{
	/* The removed last line had no newline: the line before it was the last one when the
	 * text was appended (append_text), so it loses the "\n" that append_text gave it. */
	if (lf->dropped_unterminated && lf->out->len && lf->out->data[lf->out->len - 1] == '\n')
		lf->out->data[--lf->out->len] = '\0';
}

/* Replace every occurrence of from in s (size bytes) by to. */
static void str_replace_all(char *s, size_t size, const char *from, const char *to)
{
	struct buf b;
	buf_init(&b);
	size_t fl = strlen(from);
	const char *p = s, *hit;
	while (fl && (hit = strstr(p, from))) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_puts(&b, to);
		p = hit + fl;
	}
	buf_puts(&b, p);
	str_copy(s, b.data, size);
	buf_free(&b);
}

/* ---- the user and ~/.ssh ------------------------------------------------------------------- */

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
static int read_fd(int fd, const char *path, struct stat *st, char **data, size_t *len, char *err,
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
static int read_nofollow(const char *path, char **data, size_t *len, bool *exists, char *err,
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
	int r = read_fd(fd, path, &st, data, len, err, errsize);
	close(fd);
	*exists = r == 0;
	return r;
}

struct sfile {
	char path[PATH_MAX];       /* as the messages name it */
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
	char io[PATH_MAX + 64];    /* what file_replace gets: /proc/self/fd/N/base */
	char iodir[64];
	int dirfd;
	bool exists;
	struct stat st;
	char *data;
	size_t len;
};

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
	r = read_fd(fd, f->path, &f->st, &f->data, &f->len, err, errsize);
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
	    (exists_now && (now.st_ino != f->st.st_ino || now.st_dev != f->st.st_dev ||
			    now.st_size != f->st.st_size ||
			    now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
			    now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec ||
			    now.st_ctim.tv_sec != f->st.st_ctim.tv_sec ||
			    now.st_ctim.tv_nsec != f->st.st_ctim.tv_nsec)))
		return 1;
	mode_t mode = f->exists ? (f->st.st_mode & 0777 & ~(mode_t)022) : newmode;
	uid_t uid = f->exists ? f->st.st_uid : u->uid;
	gid_t gid = f->exists ? f->st.st_gid : u->gid;
	int r = file_replace(f->io, data ? data : "", len, mode, uid, gid, err, errsize);
	if (r < 0 && strcmp(f->io, f->path))
		str_replace_all(err, errsize, f->iodir, f->dir);
	return r;
}

/* An edit computes the new content from the old: 1 = write out, 0 = nothing to change. It may
 * run more than once (the file changed under it) and must reset what it reports. */
typedef int (*edit_fn)(void *ctx, const struct sfile *f, struct buf *out, char *err,
		       size_t errsize);

static int file_edit(const struct ssh_user *u, const char *path, bool create, edit_fn fn,
		     void *ctx, char *err, size_t errsize)
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

static int user_path(const struct ssh_user *u, const char *name, char *path, size_t size,
		     char *err, size_t errsize)
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

/* ---- authorized_keys ----------------------------------------------------------------------- */

struct key_ref {
	const char *type, *b64;
	size_t tn, bn;
	bool ca; /* the line has the cert-authority option */
};

/* "type blob" at p, as sshkey_read would accept it. */
static bool key_at(const char *p, const char *e, struct key_ref *k)
{
	const char *te = skip_tok(p, e);
	const char *b = skip_ws(te, e), *be = skip_tok(b, e);
	if (te == p || b == te || be == b)
		return false;
	if (!blob_matches_type(b, (size_t)(be - b), p, (size_t)(te - p)))
		return false;
	k->type = p;
	k->tn = (size_t)(te - p);
	k->b64 = b;
	k->bn = (size_t)(be - b);
	return true;
}

/* Does the option list [o, e) (sshd syntax: comma-separated, "quoted" values) name opt? */
static bool options_have(const char *o, const char *e, const char *opt)
{
	while (o < e) {
		const char *n = o;
		bool quoted = false;
		while (o < e && (quoted || *o != ',')) {
			if (*o == '\\' && o + 1 < e && o[1] == '"')
				o++;
			else if (*o == '"')
				quoted = !quoted;
			o++;
		}
		const char *ne = n;
		while (ne < o && *ne != '=')
			ne++;
		if (mem_caseeq_str(n, (size_t)(ne - n), opt))
			return true;
		if (o < e)
			o++;
	}
	return false;
}

/* The key of an authorized_keys line, parsed as sshd's check_authkey_line does: a key at the
 * start, else options (quotes may hold white space) and then the key. */
static bool authkeys_parse(const struct line *l, struct key_ref *k)
{
	const char *e = l->p + l->len, *p = skip_ws(l->p, e);
	if (p == e || *p == '#')
		return false;
	k->ca = false;
	if (key_at(p, e, k))
		return true;
	const char *o = p;
	bool quoted = false;
	for (; p < e && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '\\' && p + 1 < e && p[1] == '"')
			p++;
		else if (*p == '"')
			quoted = !quoted;
	}
	if (quoted)
		return false;
	k->ca = options_have(o, p, "cert-authority");
	return key_at(skip_ws(p, e), e, k);
}

struct authkeys_ctx {
	char line[KEYLINE_MAX + 1];
	struct key_ref key;
	bool add;
	bool done;
};

static int authkeys_prepare(struct authkeys_ctx *c, const char *key_line, char *err,
			    size_t errsize)
{
	memset(c, 0, sizeof(*c));
	size_t n = key_line ? strlen(key_line) : 0;
	while (n && (key_line[n - 1] == '\n' || key_line[n - 1] == '\r'))
		n--;
	if (n > KEYLINE_MAX || !key_line) {
		snprintf(err, errsize, "the public key line is too long to be a public key");
		return -EINVAL;
	}
	memcpy(c->line, key_line, n);
	c->line[n] = '\0';
	if (!pubkey_line_valid(c->line)) {
		snprintf(err, errsize,
			 "the public key line is not a valid \"type base64 comment\" key line "
			 "(known type, canonical base64, plain printable comment); nothing was "
			 "changed");
		return -EINVAL;
	}
	if (!key_at(c->line, c->line + n, &c->key)) {
		snprintf(err, errsize, "the public key line has no key");
		return -EINVAL;
	}
	return 0;
}

static bool same_key(const struct key_ref *a, const struct key_ref *b)
{
	return mem_eq(a->type, a->tn, b->type, b->tn) && mem_eq(a->b64, a->bn, b->b64, b->bn);
}

static int authkeys_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			 size_t errsize)
{
	(void)err;
	(void)errsize;
	struct authkeys_ctx *c = vctx;
	c->done = false;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	struct line_filter lf = {.out = out};
	while (line_next(f->data, f->len, &pos, &no, &l)) {
		struct key_ref k;
		bool match = authkeys_parse(&l, &k) && !k.ca && same_key(&k, &c->key);
		if (c->add && match)
			return 0; /* already there */
		if (!c->add) {
			filter_line(&lf, &l, !match);
			c->done |= match;
		}
	}
	if (c->add) {
		append_text(out, f->data, f->len, c->line);
		c->done = true;
		return 1;
	}
	filter_finish(&lf);
	return c->done ? 1 : 0;
}

static int authkeys_change(const struct ssh_user *u, const char *key_line, bool add, bool *done,
			   char *err, size_t errsize)
{
	if (done)
		*done = false;
	struct authkeys_ctx *c = xcalloc(1, sizeof(*c));
	char path[PATH_MAX];
	int r = authkeys_prepare(c, key_line, err, errsize);
	if (r == 0)
		r = user_path(u, "authorized_keys", path, sizeof(path), err, errsize);
	if (r == 0) {
		c->add = add;
		r = file_edit(u, path, add, authkeys_edit, c, err, errsize);
	}
	if (r == 0 && done)
		*done = c->done;
	free(c);
	return r;
}

int authkeys_add(const struct ssh_user *u, const char *key_line, bool *added, char *err,
		 size_t errsize)
{
	return authkeys_change(u, key_line, true, added, err, errsize);
}

int authkeys_remove(const struct ssh_user *u, const char *key_line, bool *removed, char *err,
		    size_t errsize)
{
	return authkeys_change(u, key_line, false, removed, err, errsize);
}

/* ---- known_hosts --------------------------------------------------------------------------- */

enum kh_marker { MARK_NONE, MARK_CA, MARK_REVOKED };

struct kh_entry {
	enum kh_marker marker;
	const char *hosts;
	size_t hn;
	struct key_ref key; /* type and blob, not yet checked */
	const char *rest;   /* after the blob */
};

/* One known_hosts line as hostfile.c splits it: [@marker] hosts type blob [comment]. */
static bool kh_parse(const struct line *l, struct kh_entry *k)
{
	const char *e = l->p + l->len, *p = skip_ws(l->p, e);
	if (p == e || *p == '#')
		return false;
	k->marker = MARK_NONE;
	if (*p == '@') {
		const char *me = skip_tok(p, e);
		if (me == e)
			return false;
		if (mem_eq_str(p, (size_t)(me - p), "@cert-authority"))
			k->marker = MARK_CA;
		else if (mem_eq_str(p, (size_t)(me - p), "@revoked"))
			k->marker = MARK_REVOKED;
		else
			return false; /* unknown marker: OpenSSH skips the line */
		p = skip_ws(me, e);
		if (p < e && *p == '@')
			return false; /* only one marker */
	}
	k->hosts = p;
	p = skip_tok(p, e);
	k->hn = (size_t)(p - k->hosts);
	p = skip_ws(p, e);
	if (!k->hn || p == e || *p == '#')
		return false;
	k->key.type = p;
	p = skip_tok(p, e);
	k->key.tn = (size_t)(p - k->key.type);
	p = skip_ws(p, e);
	k->key.b64 = p;
	p = skip_tok(p, e);
	k->key.bn = (size_t)(p - k->key.b64);
	k->rest = p;
	return k->key.bn > 0;
}

/* OpenSSH match_pattern(): '*' any run, '?' one character; case-insensitive (ssh lowers both
 * the host name and the patterns). */
static bool wild_match(const char *s, size_t sn, const char *p, size_t pn)
{
	size_t si = 0, pi = 0, star = SIZE_MAX, mark = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (p[pi] == '?' || ascii_lower(p[pi]) == ascii_lower(s[si]))) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* OpenSSH match_pattern_list(): 1 if a pattern matches, -1 if a negated one ("!pat") does. */
static int pattern_list_match(const char *name, const char *list, size_t ln)
{
	int got = 0;
	const char *p = list, *e = list + ln;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(e - p));
		const char *se = c ? c : e;
		bool neg = p < se && *p == '!';
		const char *sp = neg ? p + 1 : p;
		if (wild_match(name, strlen(name), sp, (size_t)(se - sp))) {
			if (neg)
				return -1;
			got = 1;
		}
		if (!c)
			return got;
		p = c + 1;
	}
}

/* "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" for name? */
int known_hosts_hash_name(const char *name, char *out, size_t size)
{
	uint8_t salt[SHA1_LEN], mac[SHA1_LEN];
	char s64[64], m64[64];
	ssize_t g;
	do
		g = getrandom(salt, sizeof(salt), 0);
	while (g < 0 && errno == EINTR);
	if (g != (ssize_t)sizeof(salt))
		return g < 0 ? -errno : -EIO;
	hmac_sha1(salt, sizeof(salt), name, strlen(name), mac);
	base64_encode(salt, sizeof(salt), s64);
	base64_encode(mac, sizeof(mac), m64);
	if ((size_t)snprintf(out, size, "|1|%s|%s", s64, m64) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static bool hashed_match(const char *h, size_t hn, const char *name)
{
	if (hn < 3 || memcmp(h, "|1|", 3))
		return false;
	const char *s = h + 3, *e = h + hn, *bar = memchr(s, '|', (size_t)(e - s));
	uint8_t salt[SHA1_LEN + 3], want[SHA1_LEN + 3], got[SHA1_LEN];
	if (!bar || base64_decode(s, (size_t)(bar - s), salt, sizeof(salt)) != SHA1_LEN ||
	    base64_decode(bar + 1, (size_t)(e - bar - 1), want, sizeof(want)) != SHA1_LEN)
		return false;
	hmac_sha1(salt, SHA1_LEN, name, strlen(name), got);
	return memcmp(got, want, SHA1_LEN) == 0;
}

static bool kh_hosts_match(const struct kh_entry *k, char *const *names, size_t n)
{
	bool hashed = k->hn >= 3 && !memcmp(k->hosts, "|1|", 3);
	for (size_t i = 0; i < n; i++) {
		if (hashed ? hashed_match(k->hosts, k->hn, names[i])
			   : pattern_list_match(names[i], k->hosts, k->hn) == 1)
			return true;
	}
	return false;
}

/* The names as known_hosts holds them: lower case, "[name]:port" unless the port is 22. */
static char **kh_names_new(const char *const *names, size_t n, unsigned port, char *err,
			   size_t errsize)
{
	if (n == 0) {
		snprintf(err, errsize, "no host name to look up");
		return NULL;
	}
	if (port > 65535) {
		snprintf(err, errsize, "port %u is not a TCP port", port);
		return NULL;
	}
	char **out = xcalloc(n, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (!ssh_name_valid(names[i])) {
			char clean[80];
			text_clean(clean, sizeof(clean), names[i] ? names[i] : "",
				   names[i] ? strlen(names[i]) : 0, 0);
			snprintf(err, errsize,
				 "'%s' is not a plain host name or numeric address; nothing was "
				 "changed",
				 clean);
			for (size_t j = 0; j < i; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
		out[i] = port == 0 || port == 22 ? xstrdup(names[i])
						 : xasprintf("[%s]:%u", names[i], port);
		for (char *c = out[i]; *c; c++)
			*c = ascii_lower(*c);
	}
	return out;
}

static void kh_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

struct kh_result {
	unsigned ok, changed, revoked; /* first line of each kind, 0 = none */
};

static void kh_scan(const char *data, size_t size, char *const *names, size_t n,
		    const struct key_ref *key, struct kh_result *res)
{
	memset(res, 0, sizeof(*res));
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	while (line_next(data, size, &pos, &no, &l)) {
		struct kh_entry k;
		if (!kh_parse(&l, &k) || k.marker == MARK_CA)
			continue;
		if (!mem_eq(k.key.type, k.key.tn, key->type, key->tn))
			continue; /* keys of other types decide nothing */
		bool same = mem_eq(k.key.b64, k.key.bn, key->b64, key->bn);
		if (k.marker == MARK_REVOKED && !same)
			continue;
		if (!kh_hosts_match(&k, names, n))
			continue;
		if (!blob_matches_type(k.key.b64, k.key.bn, k.key.type, k.key.tn))
			continue; /* ssh skips a line whose key does not parse */
		if (k.marker == MARK_REVOKED) {
			if (!res->revoked)
				res->revoked = l.no;
		} else if (same) {
			if (!res->ok)
				res->ok = l.no;
		} else if (!res->changed) {
			res->changed = l.no;
		}
	}
}

static enum kh_status kh_status_of(const struct kh_result *r, unsigned *line)
{
	if (r->revoked) {
		*line = r->revoked;
		return KH_REVOKED;
	}
	if (r->ok) {
		*line = r->ok;
		return KH_OK;
	}
	if (r->changed) {
		*line = r->changed;
		return KH_CHANGED;
	}
	*line = 0;
	return KH_UNKNOWN;
}

static int key_prepare(const char *keytype, const char *key_b64, struct key_ref *k, char *err,
		       size_t errsize)
{
	if (!ssh_key_valid(keytype, key_b64)) {
		char clean[KEYTYPE_MAX + 1];
		text_clean(clean, sizeof(clean), keytype ? keytype : "",
			   keytype ? strlen(keytype) : 0, 0);
		snprintf(err, errsize,
			 "the host key is not a valid key of a known type ('%s'); nothing was "
			 "changed",
			 clean);
		return -EINVAL;
	}
	k->type = keytype;
	k->tn = strlen(keytype);
	k->b64 = key_b64;
	k->bn = strlen(key_b64);
	k->ca = false;
	return 0;
}

enum kh_status known_hosts_check(const char *path, const char *const *names, size_t nnames,
				 unsigned port, const char *keytype, const char *key_b64,
				 char *where, size_t wheresize)
{
	char dummy[1];
	if (!where || !wheresize) {
		where = dummy;
		wheresize = sizeof(dummy);
	}
	where[0] = '\0';
	struct key_ref key;
	if (key_prepare(keytype, key_b64, &key, where, wheresize) < 0)
		return KH_ERROR;
	char **kn = kh_names_new(names, nnames, port, where, wheresize);
	if (!kn)
		return KH_ERROR;
	char *data = NULL;
	size_t len = 0;
	bool exists;
	enum kh_status st = KH_ERROR;
	if (!path || read_nofollow(path, &data, &len, &exists, where, wheresize) < 0) {
		if (!path)
			snprintf(where, wheresize, "no known_hosts file named");
		goto out;
	}
	struct kh_result res;
	kh_scan(data, len, kn, nnames, &key, &res);
	unsigned line;
	st = kh_status_of(&res, &line);
	if (line)
		snprintf(where, wheresize, "%s:%u", path, line);
out:
	free(data);
	kh_names_free(kn, nnames);
	return st;
}

int known_hosts_types(const char *path, const char *const *names, size_t nnames, unsigned port,
		      char *types, size_t tsize, char *where, size_t wheresize)
{
	char dummy[1];
	if (!where || !wheresize) {
		where = dummy;
		wheresize = sizeof(dummy);
	}
	where[0] = '\0';
	if (tsize)
		types[0] = '\0';
	char **kn = kh_names_new(names, nnames, port, where, wheresize);
	if (!kn)
		return -1;
	char *data = NULL;
	size_t len = 0;
	bool exists;
	int n = -1;
	if (!path || read_nofollow(path, &data, &len, &exists, where, wheresize) < 0) {
		if (!path)
			snprintf(where, wheresize, "no known_hosts file named");
		goto out;
	}
	n = 0;
	struct buf all; /* ",type,type," whole, for the repeats */
	buf_init(&all);
	buf_puts(&all, ",");
	size_t pos = 0, used = 0;
	unsigned no = 0;
	struct line l;
	while (line_next(data, len, &pos, &no, &l)) {
		struct kh_entry k;
		char t[KEYTYPE_MAX + 3];
		if (!kh_parse(&l, &k) || k.marker != MARK_NONE || k.key.tn > KEYTYPE_MAX ||
		    !kh_hosts_match(&k, kn, nnames) ||
		    !blob_matches_type(k.key.b64, k.key.bn, k.key.type, k.key.tn))
			continue;
		snprintf(t, sizeof(t), ",%.*s,", (int)k.key.tn, k.key.type);
		if (strstr(all.data, t))
			continue;
		buf_puts(&all, t + 1);
		if (!n)
			snprintf(where, wheresize, "%s:%u", path, l.no);
		n++;
		if (used + k.key.tn + 2 <= tsize) {
			if (used)
				types[used++] = ',';
			memcpy(types + used, k.key.type, k.key.tn);
			used += k.key.tn;
			types[used] = '\0';
		}
	}
	buf_free(&all);
out:
	free(data);
	kh_names_free(kn, nnames);
	return n;
}

struct kh_ctx {
	char **names;
	size_t n;
	struct key_ref key;
	bool hashed;
	int count;
};

static int kh_add_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
		       size_t errsize)
{
	struct kh_ctx *c = vctx;
	c->count = 0;
	struct buf text;
	buf_init(&text);
	for (size_t i = 0; i < c->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= !strcmp(c->names[i], c->names[j]);
		if (dup)
			continue;
		struct kh_result res;
		kh_scan(f->data, f->len, &c->names[i], 1, &c->key, &res);
		unsigned line;
		enum kh_status st = kh_status_of(&res, &line);
		if (st == KH_OK)
			continue;
		if (st == KH_REVOKED || st == KH_CHANGED) {
			if (st == KH_REVOKED)
				snprintf(err, errsize,
					 "%s:%u marks this %s key of %s as revoked; sparklink will "
					 "not add it",
					 f->path, line, c->key.type, c->names[i]);
			else
				snprintf(err, errsize,
					 "%s:%u has a different %s key for %s: the host key "
					 "changed, or someone is intercepting the connection. "
					 "If the change is expected, remove the old key "
					 "(ssh-keygen -R '%s' -f %s) and pair again",
					 f->path, line, c->key.type, c->names[i], c->names[i],
					 f->path);
			buf_free(&text);
			c->count = 0;
			return st == KH_REVOKED ? -EKEYREVOKED : -EKEYREJECTED;
		}
		if (c->hashed) {
			char host[80];
			int e = known_hosts_hash_name(c->names[i], host, sizeof(host));
			if (e < 0) {
				snprintf(err, errsize, "cannot get random bytes for %s: %s", f->path,
					 strerror(-e));
				buf_free(&text);
				c->count = 0;
				return e;
			}
			buf_printf(&text, "%s%s %s %s", text.len ? "\n" : "", host, c->key.type,
				   c->key.b64);
		} else {
			buf_printf(&text, "%s%s", text.len ? "," : "", c->names[i]);
		}
		c->count++;
	}
	if (!c->count) {
		buf_free(&text);
		return 0;
	}
	if (!c->hashed)
		buf_printf(&text, " %s %s", c->key.type, c->key.b64);
	append_text(out, f->data, f->len, text.data);
	buf_free(&text);
	return 1;
}

/* A line exactly as known_hosts_add writes it for one of the names: how many names it holds. */
static int kh_written_names(const struct line *l, const struct kh_ctx *c)
{
	if (l->len != l->end - l->off - (l->nl ? 1 : 0))
		return 0; /* a "\r": not ours */
	struct kh_entry k;
	if (!kh_parse(l, &k) || k.marker != MARK_NONE || k.hosts != l->p ||
	    !mem_eq(k.key.type, k.key.tn, c->key.type, c->key.tn) ||
	    !mem_eq(k.key.b64, k.key.bn, c->key.b64, c->key.bn) || k.rest != l->p + l->len ||
	    k.hosts + k.hn + 1 != k.key.type || k.key.type + k.key.tn + 1 != k.key.b64 ||
	    k.hosts[k.hn] != ' ' || k.key.type[k.key.tn] != ' ')
		return 0;
	if (k.hn >= 3 && !memcmp(k.hosts, "|1|", 3)) {
		for (size_t i = 0; i < c->n; i++)
			if (hashed_match(k.hosts, k.hn, c->names[i]))
				return 1;
		return 0;
	}
	int count = 0;
	const char *p = k.hosts, *e = k.hosts + k.hn;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(e - p));
		const char *he = comma ? comma : e;
		bool ours = false;
		for (size_t i = 0; i < c->n && !ours; i++)
			ours = mem_caseeq_str(p, (size_t)(he - p), c->names[i]);
		if (!ours)
			return 0;
		count++;
		if (!comma)
			return count;
		p = comma + 1;
	}
}

static int kh_remove_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			  size_t errsize)
{
	(void)err;
	(void)errsize;
	struct kh_ctx *c = vctx;
	c->count = 0;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	struct line_filter lf = {.out = out};
	while (line_next(f->data, f->len, &pos, &no, &l)) {
		int n = kh_written_names(&l, c);
		c->count += n;
		filter_line(&lf, &l, n == 0);
	}
	filter_finish(&lf);
	return c->count ? 1 : 0;
}

static int kh_change(const struct ssh_user *u, const char *path, const char *const *names,
		     size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		     bool add, bool hashed, int *count, char *err, size_t errsize)
{
	if (count)
		*count = 0;
	struct kh_ctx c = {.hashed = hashed, .n = nnames};
	int r = key_prepare(keytype, key_b64, &c.key, err, errsize);
	if (r < 0)
		return r;
	c.names = kh_names_new(names, nnames, port, err, errsize);
	if (!c.names)
		return -EINVAL;
	r = file_edit(u, path, add, add ? kh_add_edit : kh_remove_edit, &c, err, errsize);
	if (r == 0 && count)
		*count = c.count;
	kh_names_free(c.names, nnames);
	return r;
}

int known_hosts_add(const struct ssh_user *u, const char *path, const char *const *names,
		    size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		    bool hashed, int *added, char *err, size_t errsize)
{
	return kh_change(u, path, names, nnames, port, keytype, key_b64, true, hashed, added, err,
			 errsize);
}

int known_hosts_remove(const struct ssh_user *u, const char *path, const char *const *names,
		       size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		       int *removed, char *err, size_t errsize)
{
	return kh_change(u, path, names, nnames, port, keytype, key_b64, false, false, removed,
			 err, errsize);
}

/* ---- ssh_config ---------------------------------------------------------------------------- */

#define CFG_MAXARGS 64

/* Split a config line as readconf.c does: the keyword ends at white space or one '=', the
 * arguments are separated by white space, "double" or 'single' quotes group, a backslash
 * escapes, an unquoted '#' starting an argument ends the line. The strings point into buf.
 * Returns the number of words (keyword included), 0 for a blank or comment line, -1 if
 * malformed. */
static int cfg_split(const char *p, size_t n, char *buf, char **argv, int max)
{
	const char *e = p + n;
	int argc = 0;
	char *o = buf;
	p = skip_ws(p, e);
	if (p == e || *p == '#')
		return 0;
	argv[argc++] = o;
	while (p < e && *p != ' ' && *p != '\t' && *p != '=')
		*o++ = *p++;
	*o++ = '\0';
	p = skip_ws(p, e);
	if (p < e && *p == '=')
		p = skip_ws(p + 1, e);
	while (p < e) {
		if (*p == '#')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = o;
		char quote = 0;
		while (p < e && (quote || (*p != ' ' && *p != '\t'))) {
			if (quote && *p == quote) {
				quote = 0;
				p++;
			} else if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p++;
			} else if (*p == '\\' && p + 1 < e &&
				   (p[1] == '"' || p[1] == '\'' || p[1] == '\\' || p[1] == ' ')) {
				*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		if (quote)
			return -1;
		*o++ = '\0';
		p = skip_ws(p, e);
	}
	return argc;
}

struct cfg_scan {
	const char *home;
	char reldir[PATH_MAX];
	int value; /* -1: not found yet */
};

static void cfg_file(struct cfg_scan *s, const char *path, bool *active, int depth);

static void cfg_include(struct cfg_scan *s, const char *arg, bool active, int depth)
{
	char pattern[PATH_MAX];
	if (arg[0] == '~' && (arg[1] == '/' || !arg[1])) {
		if (!s->home)
			return;
		snprintf(pattern, sizeof(pattern), "%s%s", s->home, arg + 1);
	} else if (arg[0] == '~') {
		return; /* ~otheruser: not for us */
	} else if (arg[0] == '/') {
		str_copy(pattern, arg, sizeof(pattern));
	} else {
		snprintf(pattern, sizeof(pattern), "%s/%s", s->reldir, arg);
	}
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		globfree(&g);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc && s->value < 0; i++) {
		bool a = active; /* an included file's Host lines do not leak out (readconf.c) */
		cfg_file(s, g.gl_pathv[i], &a, depth + 1);
	}
	globfree(&g);
}

static void cfg_file(struct cfg_scan *s, const char *path, bool *active, int depth)
{
	if (depth > 16 || s->value >= 0)
		return;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	char *data = NULL, err[8];
	size_t len = 0;
	struct stat st;
	int r = read_fd(fd, path, &st, &data, &len, err, sizeof(err));
	close(fd);
	if (r < 0)
		return;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	char *buf = xcalloc(len + 2, 2);
	char *argv[CFG_MAXARGS];
	while (s->value < 0 && line_next(data, len, &pos, &no, &l)) {
		int argc = cfg_split(l.p, l.len, buf, argv, CFG_MAXARGS);
		if (argc <= 0)
			continue;
		if (!strcasecmp(argv[0], "host")) {
			*active = false;
			for (int i = 1; i < argc; i++)
				if (!strcmp(argv[i], "*"))
					*active = true;
		} else if (!strcasecmp(argv[0], "match")) {
			*active = argc == 2 && !strcasecmp(argv[1], "all");
		} else if (!strcasecmp(argv[0], "include")) {
			for (int i = 1; i < argc && *active; i++)
				cfg_include(s, argv[i], *active, depth);
		} else if (!strcasecmp(argv[0], "hashknownhosts") && *active && argc >= 2) {
			if (!strcasecmp(argv[1], "yes") || !strcasecmp(argv[1], "true"))
				s->value = 1;
			else if (!strcasecmp(argv[1], "no") || !strcasecmp(argv[1], "false"))
				s->value = 0;
		}
	}
	free(buf);
	free(data);
}

bool ssh_config_hash_known_hosts(const char *home, const char *user_config,
				 const char *system_config)
{
	struct cfg_scan s = {.home = home, .value = -1};
	if (user_config) {
		snprintf(s.reldir, sizeof(s.reldir), "%s/.ssh", home ? home : "");
		bool active = true;
		cfg_file(&s, user_config, &active, 0);
	}
	if (s.value < 0 && system_config) {
		str_copy(s.reldir, system_config, sizeof(s.reldir));
		char *slash = strrchr(s.reldir, '/');
		if (slash)
			*(slash == s.reldir ? slash + 1 : slash) = '\0';
		else
			str_copy(s.reldir, ".", sizeof(s.reldir));
		bool active = true;
		cfg_file(&s, system_config, &active, 0);
	}
	return s.value == 1;
}

bool ssh_hash_known_hosts(const struct ssh_user *u)
{
	char user_config[PATH_MAX], err[256];
	const char *sys = getenv("SPARKLINK_SSH_SYSTEM_CONFIG");
	if (!sys || !*sys)
		sys = "/etc/ssh/ssh_config";
	if (user_path(u, "config", user_config, sizeof(user_config), err, sizeof(err)) < 0)
		return ssh_config_hash_known_hosts(NULL, NULL, sys);
	return ssh_config_hash_known_hosts(u->home, user_config, sys);
}

/* The words of a config line into a fresh buffer (free *buf). */
static int cfg_words(const struct line *l, char **buf, char **argv)
{
	*buf = xcalloc(l->len + 2, 2);
	return cfg_split(l->p, l->len, *buf, argv, CFG_MAXARGS);
}

static bool cfg_is_block_start(int argc, char **argv)
{
	return argc > 0 && (!strcasecmp(argv[0], "host") || !strcasecmp(argv[0], "match"));
}

/* Our block for alias: the marker line, a Host line whose first pattern is the alias, and the
 * HostName/User lines after it. [off, end) in the file; after: the first line after it. */
struct cfg_block {
	bool found;
	size_t off, end;
	bool last_nl;    /* the block's last line ends with "\n" */
	unsigned first;  /* line number of the marker */
};

static bool marker_for(const struct line *l, const char *alias)
{
	size_t ml = strlen(CONFIG_MARK), al = strlen(alias);
	return l->len >= ml + al && !memcmp(l->p, CONFIG_MARK, ml) &&
	       mem_caseeq_str(l->p + ml, al, alias) && (l->len == ml + al || l->p[ml + al] == ' ');
}

static void cfg_find_block(const char *data, size_t size, const char *alias, struct cfg_block *b)
{
	memset(b, 0, sizeof(*b));
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	while (line_next(data, size, &pos, &no, &l)) {
		if (!marker_for(&l, alias))
			continue;
		size_t p2 = pos;
		unsigned no2 = no;
		struct line h;
		char *buf;
		if (!line_next(data, size, &p2, &no2, &h))
			return;
		int argc = cfg_words(&h, &buf, argv);
		bool ok = argc >= 2 && !strcasecmp(argv[0], "host") && !strcasecmp(argv[1], alias);
		free(buf);
		if (!ok)
			continue;
		b->found = true;
		b->off = l.off;
		b->first = l.no;
		b->end = h.end;
		b->last_nl = h.nl;
		struct line o;
		while (line_next(data, size, &p2, &no2, &o)) {
			argc = cfg_words(&o, &buf, argv);
			bool ours = argc == 2 && (!strcasecmp(argv[0], "hostname") ||
						  !strcasecmp(argv[0], "user"));
			free(buf);
			if (!ours)
				break;
			b->end = o.end;
			b->last_nl = o.nl;
		}
		return;
	}
}

struct cfg_ctx {
	const char *alias;
	char *block; /* lines joined by "\n", no final newline */
	bool done;
};

static int cfg_add_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			size_t errsize)
{
	struct cfg_ctx *c = vctx;
	c->done = false;
	struct cfg_block b;
	cfg_find_block(f->data, f->len, c->alias, &b);
	if (b.found) {
		buf_add(out, f->data, b.off);
		buf_puts(out, c->block);
		if (b.last_nl)
			buf_add(out, "\n", 1);
		buf_add(out, f->data + b.end, f->len - b.end);
		if (out->len == f->len && !memcmp(out->data, f->data, f->len))
			return 0;
		c->done = true;
		return 1;
	}
	size_t pos = 0, insert = SIZE_MAX;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	while (line_next(f->data, f->len, &pos, &no, &l)) {
		char *buf;
		int argc = cfg_words(&l, &buf, argv);
		bool start = cfg_is_block_start(argc, argv);
		bool conflict = false;
		for (int i = 1; start && i < argc && !strcasecmp(argv[0], "host"); i++)
			conflict |= !strcasecmp(argv[i], c->alias);
		free(buf);
		if (conflict) {
			snprintf(err, errsize,
				 "%s:%u already has a Host line for %s that sparklink did not "
				 "write; sparklink leaves it as it is",
				 f->path, l.no, c->alias);
			return -EEXIST;
		}
		if (start && insert == SIZE_MAX)
			insert = l.off;
	}
	if (insert == SIZE_MAX) {
		append_text(out, f->data, f->len, c->block);
	} else {
		/* Before the first Host/Match line: the lines above it stay global, and ours
		 * come before "Host *" (ssh takes the first value it finds). */
		buf_add(out, f->data, insert);
		buf_puts(out, c->block);
		buf_add(out, "\n", 1);
		buf_add(out, f->data + insert, f->len - insert);
	}
	c->done = true;
	return 1;
}

static int cfg_remove_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			   size_t errsize)
{
	struct cfg_ctx *c = vctx;
	c->done = false;
	struct cfg_block b;
	cfg_find_block(f->data, f->len, c->alias, &b);
	if (!b.found)
		return 0;
	size_t pos = b.end;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	/* Line numbers after the block: count the lines before it. */
	for (size_t i = 0; i < b.end; i++)
		no += f->data[i] == '\n';
	while (line_next(f->data, f->len, &pos, &no, &l)) {
		char *buf;
		int argc = cfg_words(&l, &buf, argv);
		bool start = cfg_is_block_start(argc, argv);
		free(buf);
		if (start)
			break;
		if (argc != 0) {
			snprintf(err, errsize,
				 "%s:%u belongs to the Host block that sparklink wrote for %s "
				 "(line %u) but sparklink did not write it; removing the block "
				 "would move it into another one. Remove the block by hand",
				 f->path, l.no, c->alias, b.first);
			return -EBUSY;
		}
	}
	pos = 0;
	no = 0;
	struct line_filter lf = {.out = out};
	while (line_next(f->data, f->len, &pos, &no, &l))
		filter_line(&lf, &l, l.off < b.off || l.off >= b.end);
	filter_finish(&lf);
	c->done = true;
	return 1;
}

int ssh_config_add_host(const struct ssh_user *u, const char *alias, const char *const *names,
			size_t nnames, const char *user, bool *changed, char *err, size_t errsize)
{
	if (changed)
		*changed = false;
	if (!ssh_name_valid(alias)) {
		snprintf(err, errsize, "the alias is not a plain host name or numeric address");
		return -EINVAL;
	}
	for (size_t i = 0; i < nnames; i++) {
		if (!ssh_name_valid(names[i])) {
			snprintf(err, errsize,
				 "name %zu is not a plain host name or numeric address; "
				 "nothing was changed",
				 i + 1);
			return -EINVAL;
		}
	}
	if (user && *user && !login_valid(user)) {
		snprintf(err, errsize,
			 "the user name is not a plain login name; nothing was changed");
		return -EINVAL;
	}
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s%s (sparklink replaces or removes this block)\nHost %s", CONFIG_MARK,
		   alias, alias);
	const char *hostname = NULL;
	for (size_t i = 0; i < nnames; i++) {
		bool dup = !strcasecmp(names[i], alias);
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcasecmp(names[i], names[j]);
		if (!dup)
			buf_printf(&b, " %s", names[i]);
		/* HostName expands %-tokens: a %scope would be one. */
		if (!hostname && !strchr(names[i], '%'))
			hostname = names[i];
	}
	if (hostname)
		buf_printf(&b, "\n\tHostName %s", hostname);
	if (user && *user)
		buf_printf(&b, "\n\tUser %s", user);
	struct cfg_ctx c = {.alias = alias, .block = b.data};
	char path[PATH_MAX];
	int r = user_path(u, "config", path, sizeof(path), err, errsize);
	if (r == 0)
		r = file_edit(u, path, true, cfg_add_edit, &c, err, errsize);
	if (r == 0 && changed)
		*changed = c.done;
	buf_free(&b);
	return r;
}

int ssh_config_remove_host(const struct ssh_user *u, const char *alias, bool *removed, char *err,
			   size_t errsize)
{
	if (removed)
		*removed = false;
	if (!ssh_name_valid(alias)) {
		snprintf(err, errsize, "the alias is not a plain host name or numeric address");
		return -EINVAL;
	}
	struct cfg_ctx c = {.alias = alias};
	char path[PATH_MAX];
	int r = user_path(u, "config", path, sizeof(path), err, errsize);
	if (r == 0)
		r = file_edit(u, path, false, cfg_remove_edit, &c, err, errsize);
	if (r == 0 && removed)
		*removed = c.done;
	return r;
}
