/* node_remote.c: the peer as a node (node.h) over the pairing's SSH (sshsession.h): the user's
 * key only, every change through `sudo -S` (the password, when sudo wants one, only on its
 * stdin) and stock tools (sh, ip, cat, base64, stat, mktemp, mv, chmod, sync, netplan). Each
 * operation is one exec channel running a fixed script with its values as arguments; whatever
 * comes back is parsed strictly and cleaned (the peer may be hostile). */
#include "core/node_remote.h"
#include "core/base64.h"
#include "core/sha1.h"
#include "core/sshsession.h"
#include "core/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REMOTE_FILE_MAX (1 << 20)  /* as node_local.c: larger files are none sparklink writes */
#define REMOTE_OUT_MAX (2u << 20)  /* any one answer (base64 of REMOTE_FILE_MAX fits) */
#define REMOTE_SAID_MAX 2048       /* error output kept for a message */
#define REMOTE_NETPLAN_TIMEOUT 90  /* seconds, as node_local.c */
#define REMOTE_PASSWORD_TRIES 3

struct node_remote {
	struct node base; /* first: the struct node * the caller holds is this */
	struct sshsession *ss;
	struct worker *w;
	bool read_only;           /* no sudo at all (remote_opts.read_only) */
	bool sudo_password_needed;
	char sudo_password[512]; /* only here; wiped on free; only ever on sudo's stdin */
};

/* The script's exit codes that say more than "failed" (its stderr tells the rest). */
enum {
	X_MISSING = 3,  /* no such file or interface */
	X_LINK = 4,     /* a symbolic link: never read through or replaced */
	X_NOTREG = 5,   /* not a regular file (or, for a directory, not a directory) */
	X_TOOBIG = 6,   /* larger than REMOTE_FILE_MAX */
	X_NODIR = 7,    /* the file's directory does not exist */
	X_NOTMINE = 8,  /* not owned by the login user */
	X_LINKS = 9,    /* has other hard links */
	X_CHANGED = 10, /* changed since it was read */
	X_NOTOOL = 11,  /* netplan is not installed */
};

static struct node_remote *R(struct node *n)
{
	return (struct node_remote *)n;
}

/* Every script starts so: C messages (matched below), no surprises from the environment. */
#define PRE "LC_ALL=C; export LC_ALL; umask 022; "

/* ---- running scripts ---- */

enum as { AS_USER, AS_ROOT };

/* What one script run gave back. */
struct reply {
	int status;        /* exit status, or a negative code when it did not run to its end */
	struct buf out;    /* raw stdout */
	char said[REMOTE_SAID_MAX]; /* stderr, clean, trailing white space removed */
};

static void reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->out);
}

static void reply_free(struct reply *r)
{
	buf_free(&r->out);
}

/* Run script on the peer: as the login user (`sh -c SCRIPT sh ARGS`) or as root (`sudo ... sh -c
 * SCRIPT sh ARGS`), payload on its stdin (after the sudo password line when sudo wants one).
 * Returns 0 when the script ran to its end (its status in rep->status), else a negative code with
 * a sentence in err. */
static int run_script(struct node_remote *r, enum as as, const char *script,
		      const char *const *args, size_t nargs, const char *payload, size_t plen,
		      int timeout_s, struct reply *rep, char *err, size_t errsize)
{
	if (as == AS_ROOT && r->read_only) {
		snprintf(err, errsize, "the connection to %s is read-only: it changes nothing",
			 r->base.host);
		return -EPERM;
	}
	struct buf cmd;
	buf_init(&cmd);
	buf_puts(&cmd, "env LC_ALL=C ");
	if (as == AS_ROOT)
		buf_puts(&cmd, r->sudo_password_needed ? "sudo -k -S -p '' " : "sudo -n ");
	buf_puts(&cmd, "sh -c ");
	sshsession_quote(&cmd, script);
	buf_puts(&cmd, " sh");
	for (size_t i = 0; i < nargs; i++) {
		buf_puts(&cmd, " ");
		sshsession_quote(&cmd, args[i]);
	}
	/* stdin: the password line first (sudo -S reads exactly one line), then the payload; one
	 * allocation, so that no copy of the password is left behind by a realloc */
	size_t pwlen = as == AS_ROOT && r->sudo_password_needed ? strlen(r->sudo_password) : 0;
	size_t inlen = (pwlen ? pwlen + 1 : 0) + plen;
	char *in = xcalloc(1, inlen + 1);
	if (pwlen) {
		memcpy(in, r->sudo_password, pwlen);
		in[pwlen] = '\n';
	}
	if (plen)
		memcpy(in + (pwlen ? pwlen + 1 : 0), payload, plen);
	struct buf e;
	buf_init(&e);
	char why[256];
	bool cut = false;
	int st = sshsession_exec(r->ss, cmd.data, in, inlen, timeout_s, &rep->out, &e,
				 REMOTE_OUT_MAX, &cut, why, sizeof(why));
	secret_wipe(in, inlen);
	free(in);
	buf_free(&cmd);
	text_clean(rep->said, sizeof(rep->said), e.data ? e.data : "", e.len, TEXT_LINES);
	str_rstrip(rep->said);
	buf_free(&e);
	rep->status = st;
	if (st < 0) {
		snprintf(err, errsize, "%s: %s", r->base.host, why);
		return st;
	}
	if (cut) {
		snprintf(err, errsize, "%s answered with more than %u bytes: not an answer this "
			 "version expects", r->base.host, REMOTE_OUT_MAX);
		return -EPROTO;
	}
	/* sudo itself refused (the password changed since we checked it, or sudo rules did) */
	if (as == AS_ROOT && st == 1 &&
	    (strstr(rep->said, "incorrect password") ||
	     strstr(rep->said, "a password is required") ||
	     strstr(rep->said, "Sorry, try again") || strstr(rep->said, "not in the sudoers") ||
	     strstr(rep->said, "is not allowed to"))) {
		snprintf(err, errsize, "sudo on %s refused: %s", r->base.host, rep->said);
		return -EACCES;
	}
	return 0;
}

/* "cannot WHAT: said" (or a word when the peer said nothing) */
static int failed(struct node_remote *r, const struct reply *rep, const char *what, char *err,
		  size_t errsize)
{
	if (rep->said[0])
		snprintf(err, errsize, "cannot %s on %s: %s", what, r->base.host, rep->said);
	else
		snprintf(err, errsize, "cannot %s on %s: the command failed (exit status %d)", what,
			 r->base.host, rep->status);
	return -EIO;
}

static bool ends_with(const char *s, const char *suffix);

/* ---- checks on our own arguments ---- */

static bool ifname_ok(const char *ifname, char *err, size_t errsize)
{
	if (text_is_ifname(ifname) && strcmp(ifname, ".") != 0 && strcmp(ifname, "..") != 0)
		return true;
	char shown[64];
	text_clean(shown, sizeof(shown), ifname, strlen(ifname), 0);
	snprintf(err, errsize, "\"%s\" is not an interface name", shown);
	return false;
}

/* An absolute path of clean text (it appears in messages), not too long. */
static bool path_ok(const char *path, char *err, size_t errsize)
{
	char shown[256];
	bool dirty = text_clean(shown, sizeof(shown), path, strlen(path), 0);
	if (path[0] == '/' && strlen(path) < PATH_MAX && !dirty && !strstr(path, "/../") &&
	    !ends_with(path, "/..") && path[strlen(path) - 1] != '/')
		return true;
	snprintf(err, errsize, "\"%s\" is not an absolute path to a file", shown);
	return false;
}

/* The messages node_local.c gives for the same refusals. */
static int file_refused(int code, const char *path, char *err, size_t errsize)
{
	switch (code) {
	case X_LINK:
		snprintf(err, errsize, "%s is a symbolic link, and sparklink never replaces one: "
			 "make it a regular file (or remove it) by hand", path);
		return -ELOOP;
	case X_NOTREG:
		snprintf(err, errsize, "%s is not a regular file, and sparklink never replaces "
			 "anything else: move it away by hand", path);
		return -EINVAL;
	case X_TOOBIG:
		snprintf(err, errsize, "%s is larger than 1 MiB: not a file sparklink writes",
			 path);
		return -EFBIG;
	case X_NODIR:
		snprintf(err, errsize, "cannot write %s: its directory does not exist", path);
		return -ENOENT;
	}
	return 0;
}

/* ---- lines of output ---- */

/* Split s (NUL-terminated, modified) into at most max white-space separated words. */
static size_t words(char *s, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t\r", &save); t && n < max;
	     t = strtok_r(NULL, " \t\r", &save))
		w[n++] = t;
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);
	return l >= k && memcmp(s + l - k, suffix, k) == 0;
}

static bool parse_uint(const char *s, int base, unsigned long max, unsigned long *out)
{
	if (!s || !s[0] || strspn(s, base == 8 ? "01234567" : "0123456789") != strlen(s) ||
	    strlen(s) > 12)
		return false;
	*out = strtoul(s, NULL, base);
	return *out <= max;
}

/* ---- the operations ---- */

static const char PROBE_IF[] = PRE
	"i=$1; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
	"ip -o link show dev \"$i\" || exit 1\n"
	"echo \"addr_gen_mode $(cat \"/proc/sys/net/ipv6/conf/$i/addr_gen_mode\" 2>/dev/null)\"\n"
	"ip -o addr show dev \"$i\" || exit 1\n";

static int remote_probe_if(struct node *n, const char *ifname, struct node_if *out, char *err,
			   size_t errsize)
{
	struct node_remote *r = R(n);
	memset(out, 0, sizeof(*out));
	if (!ifname_ok(ifname, err, errsize))
		return -EINVAL;
	str_copy(out->ifname, ifname, sizeof(out->ifname));
	out->addr_gen_mode = -1;
	struct reply rep;
	reply_init(&rep);
	const char *args[] = { ifname };
	int rc = run_script(r, AS_USER, PROBE_IF, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0 || rep.status == X_MISSING)
		goto out;
	if (rep.status != 0) {
		char what[64];
		snprintf(what, sizeof(what), "read the state of %s", ifname);
		rc = failed(r, &rep, what, err, errsize);
		goto out;
	}
	buf_add(&rep.out, "", 0); /* data is a string, never NULL */
	bool seen_link = false;
	char *save = NULL;
	for (char *line = strtok_r(rep.out.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w[24];
		size_t nw = words(line, w, ARRAY_LEN(w));
		/* "2: IF: <BROADCAST,UP,LOWER_UP> mtu 1500 ..." */
		if (nw >= 5 && !seen_link && w[2][0] == '<' && ends_with(w[2], ">")) {
			seen_link = true;
			char flags[256];
			snprintf(flags, sizeof(flags), ",%.*s,", (int)strlen(w[2]) - 2, w[2] + 1);
			out->up = strstr(flags, ",UP,") != NULL;
			out->carrier = strstr(flags, ",LOWER_UP,") != NULL;
			unsigned long mtu;
			for (size_t k = 3; k + 1 < nw; k++)
				if (strcmp(w[k], "mtu") == 0 &&
				    parse_uint(w[k + 1], 10, 1u << 20, &mtu))
					out->mtu = (unsigned)mtu;
			continue;
		}
		unsigned long mode;
		if (nw == 2 && strcmp(w[0], "addr_gen_mode") == 0) {
			out->addr_gen_mode = parse_uint(w[1], 10, 3, &mode) ? (int)mode : -1;
			continue;
		}
		if (nw == 1 && strcmp(w[0], "addr_gen_mode") == 0)
			continue; /* no IPv6 on it: -1 stays */
		/* "3: IF    inet 10.0.0.1/24 brd ... scope global IF\ ..." (or inet6) */
		for (size_t k = 1; k + 1 < nw; k++) {
			unsigned char ip[16];
			int family, plen;
			char canon[64];
			if (strcmp(w[k], "inet") != 0 && strcmp(w[k], "inet6") != 0)
				continue;
			if (!node_cidr_parse(w[k + 1], &family, ip, &plen, canon, sizeof(canon)) ||
			    (family == AF_INET) != (strcmp(w[k], "inet") == 0))
				break;
			bool ll6 = family == AF_INET6 && ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
			size_t size = sizeof(out->addrs[0]), size6 = sizeof(out->addrs6[0]);
			if (family == AF_INET && out->naddrs < NODE_MAX_ADDRS)
				str_copy(out->addrs[out->naddrs++], canon, size);
			else if (ll6 && out->naddrs6 < NODE_MAX_ADDRS)
				str_copy(out->addrs6[out->naddrs6++], canon, size6);
			break;
		}
	}
	if (!seen_link) {
		snprintf(err, errsize, "cannot read the state of %s on %s: `ip -o link` gave no "
			 "line this version understands", ifname, r->base.host);
		rc = -EPROTO;
		memset(out, 0, sizeof(*out));
		str_copy(out->ifname, ifname, sizeof(out->ifname));
		out->addr_gen_mode = -1;
		goto out;
	}
	out->exists = true;
out:
	reply_free(&rep);
	return rc;
}

static const char FILE_READ[] = PRE
	"p=$1; max=$2\n"
	"if [ -L \"$p\" ]; then exit 4; fi\n"
	"[ -e \"$p\" ] || exit 3\n"
	"[ -f \"$p\" ] || exit 5\n"
	"s=$(stat -c '%a %s' -- \"$p\") || exit 1\n"
	"set -- $s; [ \"$2\" -le \"$max\" ] || exit 6\n"
	"printf '%s %s\\n' \"$1\" \"$2\"; base64 -w0 -- \"$p\" || exit 1\n";

/* Parse "MODE SIZE[ GID]\nBASE64" into f (GID only when gid is not NULL); false if it is not
 * that, with *changed when the content does not have the size told (written while read). */
static bool parse_file(struct buf *out, struct node_file *f, bool *changed, unsigned long *gid)
{
	*changed = false;
	char *nl = out->data ? memchr(out->data, '\n', out->len) : NULL;
	if (!nl || nl - out->data > 40)
		return false;
	char head[48];
	memcpy(head, out->data, (size_t)(nl - out->data));
	head[nl - out->data] = '\0';
	char *w[4];
	unsigned long mode, size;
	if (words(head, w, 4) != (gid ? 3u : 2u) || !parse_uint(w[0], 8, 07777, &mode) ||
	    !parse_uint(w[1], 10, REMOTE_FILE_MAX, &size) ||
	    (gid && !parse_uint(w[2], 10, 0xfffffffeUL, gid)))
		return false;
	const char *b64 = nl + 1;
	size_t blen = out->len - (size_t)(b64 - out->data);
	while (blen && (b64[blen - 1] == '\n' || b64[blen - 1] == '\r'))
		blen--;
	uint8_t *bytes = xcalloc(1, (blen / 4) * 3 + 3);
	long got = base64_decode(b64, blen, bytes, (blen / 4) * 3 + 3);
	bool ok = got >= 0;
	if (ok && (unsigned long)got != size) {
		*changed = true; /* written to while it was read */
		ok = false;
	}
	if (ok) {
		buf_add(&f->data, (const char *)bytes, (size_t)got);
		buf_add(&f->data, "", 0);
		f->exists = true;
		f->mode = (unsigned)mode;
	}
	free(bytes);
	return ok;
}

static int remote_file_read(struct node *n, const char *path, struct node_file *f, char *err,
			    size_t errsize)
{
	struct node_remote *r = R(n);
	node_file_init(f);
	if (!path_ok(path, err, errsize))
		return -EINVAL;
	char max[24];
	snprintf(max, sizeof(max), "%d", REMOTE_FILE_MAX);
	const char *args[] = { path, max };
	for (int attempt = 0; attempt < 3; attempt++) {
		struct reply rep;
		reply_init(&rep);
		int rc = run_script(r, AS_ROOT, FILE_READ, args, 2, NULL, 0, 0, &rep, err, errsize);
		if (rc == 0 && rep.status == X_MISSING) {
			reply_free(&rep);
			return 0;
		}
		if (rc == 0 && (rc = file_refused(rep.status, path, err, errsize)) == 0) {
			bool changed = false;
			if (rep.status != 0) {
				char what[PATH_MAX + 16];
				snprintf(what, sizeof(what), "read %s", path);
				rc = failed(r, &rep, what, err, errsize);
			} else if (!parse_file(&rep.out, f, &changed, NULL)) {
				node_file_free(f);
				node_file_init(f);
				if (changed) {
					reply_free(&rep);
					continue; /* read it again */
				}
				snprintf(err, errsize, "cannot read %s on %s: its answer is not a "
					 "file as this version sends it", path, r->base.host);
				rc = -EPROTO;
			}
		}
		reply_free(&rep);
		return rc;
	}
	snprintf(err, errsize, "cannot read %s on %s: it changes while it is read", path,
		 r->base.host);
	return -EAGAIN;
}

static const char FILE_WRITE[] = PRE
	"p=$1; m=$2; n=$3\n"
	"if [ -L \"$p\" ]; then exit 4; fi\n"
	"if [ -e \"$p\" ] && [ ! -f \"$p\" ]; then exit 5; fi\n"
	"d=${p%/*}; [ -n \"$d\" ] || d=/; b=${p##*/}\n"
	"[ -d \"$d\" ] || mkdir -p -m 700 -- \"$d\" || exit 7\n"
	"t=$(mktemp \"$d/.$b.sparklink.XXXXXX\") || exit 1\n"
	"trap 'rm -f -- \"$t\"' EXIT\n"
	"base64 -d > \"$t\" || exit 1\n"
	"[ \"$(stat -c %s -- \"$t\")\" = \"$n\" ] ||\n"
	"  { echo 'the content arrived cut short' >&2; exit 1; }\n"
	"chown 0:0 -- \"$t\" && chmod \"$m\" -- \"$t\" && sync -- \"$t\" || exit 1\n"
	"mv -fT -- \"$t\" \"$p\" || exit 1\n"
	"trap - EXIT; sync -- \"$d\" 2>/dev/null; exit 0\n";

static int remote_file_write(struct node *n, const char *path, const char *data, size_t len,
			     unsigned mode, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	if (!path_ok(path, err, errsize))
		return -EINVAL;
	if (len > REMOTE_FILE_MAX)
		return file_refused(X_TOOBIG, path, err, errsize);
	char m[16], size[24];
	snprintf(m, sizeof(m), "%04o", mode & 07777);
	snprintf(size, sizeof(size), "%zu", len);
	char *b64 = xcalloc(1, base64_encoded_len(len) + 2);
	base64_encode(data, len, b64);
	strcat(b64, "\n");
	const char *args[] = { path, m, size };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, FILE_WRITE, args, 3, b64, strlen(b64), 0, &rep, err,
			    errsize);
	free(b64);
	if (rc == 0)
		rc = file_refused(rep.status, path, err, errsize);
	if (rc == 0 && rep.status != 0) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "write %s", path);
		rc = failed(r, &rep, what, err, errsize);
	}
	reply_free(&rep);
	return rc;
}

static const char FILE_REMOVE[] = PRE
	"p=$1\n"
	"if [ -L \"$p\" ]; then exit 4; fi\n"
	"[ -e \"$p\" ] || exit 0\n"
	"[ -f \"$p\" ] || exit 5\n"
	"rm -f -- \"$p\" || exit 1\n"
	"d=${p%/*}; sync -- \"${d:-/}\" 2>/dev/null; exit 0\n";

static int remote_file_remove(struct node *n, const char *path, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	if (!path_ok(path, err, errsize))
		return -EINVAL;
	const char *args[] = { path };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, FILE_REMOVE, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0)
		rc = file_refused(rep.status, path, err, errsize);
	if (rc == 0 && rep.status != 0) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "remove %s", path);
		rc = failed(r, &rep, what, err, errsize);
	}
	reply_free(&rep);
	return rc;
}

static const char DIR_LIST[] = PRE
	"d=$1; [ -e \"$d\" ] || exit 0\n"
	"[ -d \"$d\" ] || exit 5\n"
	"cd -- \"$d\" || exit 1\n"
	"for f in * .[!.]* ..?*; do\n"
	"  if [ -f \"$f\" ] && [ ! -L \"$f\" ]; then printf '%s\\0' \"$f\"; fi\n"
	"done\n";

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int remote_dir_list(struct node *n, const char *dir, struct buf *names, char *err,
			   size_t errsize)
{
	struct node_remote *r = R(n);
	buf_add(names, "", 0);
	if (!path_ok(dir, err, errsize))
		return -EINVAL;
	const char *args[] = { dir };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, DIR_LIST, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0)
		goto out;
	if (rep.status == X_NOTREG) {
		snprintf(err, errsize, "cannot list %s on %s: it is not a directory", dir,
			 r->base.host);
		rc = -ENOTDIR;
		goto out;
	}
	if (rep.status != 0) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "list %s", dir);
		rc = failed(r, &rep, what, err, errsize);
		goto out;
	}
	char **list = NULL;
	size_t nlist = 0;
	for (size_t i = 0; i < rep.out.len;) {
		const char *name = rep.out.data + i;
		size_t l = strnlen(name, rep.out.len - i);
		i += l + 1;
		char clean[NAME_MAX + 1];
		/* as node_local.c: a name that is not clean text is none that sparklink wrote */
		if (!l || l > NAME_MAX || memchr(name, '/', l) || (l == 1 && name[0] == '.') ||
		    (l == 2 && memcmp(name, "..", 2) == 0) ||
		    text_clean(clean, sizeof(clean), name, l, 0))
			continue;
		bool dup = false;
		for (size_t k = 0; k < nlist && !dup; k++)
			dup = strcmp(list[k], clean) == 0;
		if (dup)
			continue;
		list = xrealloc(list, nlist + 1, sizeof(*list));
		list[nlist++] = xstrdup(clean);
	}
	if (nlist > 1)
		qsort(list, nlist, sizeof(*list), cmp_names);
	for (size_t i = 0; i < nlist; i++) {
		buf_printf(names, "%s\n", list[i]);
		free(list[i]);
	}
	free(list);
out:
	reply_free(&rep);
	return rc;
}

static const char ADDR_SET[] = PRE
	"v=$1; a=$2; i=$3\n"
	"if [ ! -e \"/sys/class/net/$i\" ]; then [ \"$v\" = del ] && exit 0; exit 3; fi\n"
	"o=$(ip addr \"$v\" \"$a\" dev \"$i\" 2>&1) && exit 0\n"
	"case $o in\n"
	"*'File exists'*|*'already assigned'*) [ \"$v\" = add ] && exit 0 ;;\n"
	"*'Cannot assign requested address'*|*'ddress not found'*) [ \"$v\" = del ] && exit 0 ;;\n"
	"esac\n"
	"printf '%s\\n' \"$o\" >&2; exit 1\n";

static int no_such_if(struct node_remote *r, const char *what, const char *ifname, char *err,
		      size_t errsize)
{
	snprintf(err, errsize, "cannot %s %s on %s: there is no such interface (see `ip link`)",
		 what, ifname, r->base.host);
	return -ENODEV;
}

static int remote_addr_set(struct node *n, const char *ifname, const char *cidr, bool add,
			   char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	if (!ifname_ok(ifname, err, errsize))
		return -EINVAL;
	unsigned char ip[16];
	int family, plen;
	char canon[64], what[128];
	if (!node_cidr_parse(cidr, &family, ip, &plen, canon, sizeof(canon))) {
		char shown[64];
		text_clean(shown, sizeof(shown), cidr, strlen(cidr), 0);
		snprintf(err, errsize, "\"%s\" is not an address with its prefix length "
			 "(a.b.c.d/len)", shown);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), add ? "add %s to" : "remove %s from", canon);
	const char *args[] = { add ? "add" : "del", canon, ifname };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, ADDR_SET, args, 3, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, what, ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char w2[160];
		snprintf(w2, sizeof(w2), "%s %s", what, ifname);
		rc = failed(r, &rep, w2, err, errsize);
	}
	reply_free(&rep);
	return rc;
}

static const char LINK_SET[] = PRE
	"i=$1; shift; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
	"ip link set dev \"$i\" \"$@\"\n";

static int link_change(struct node_remote *r, const char *ifname, const char *a1,
		       const char *a2, const char *what, char *err, size_t errsize)
{
	const char *args[] = { ifname, a1, a2 };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, LINK_SET, args, a2 ? 3 : 2, NULL, 0, 0, &rep, err,
			    errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, what, ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char w2[96];
		snprintf(w2, sizeof(w2), "%s %s", what, ifname);
		rc = failed(r, &rep, w2, err, errsize);
		if (strstr(rep.said, "Invalid argument") || strstr(rep.said, "mtu greater") ||
		    strstr(rep.said, "mtu less"))
			rc = -EINVAL;
	}
	reply_free(&rep);
	return rc;
}

static int remote_mtu_set(struct node *n, const char *ifname, unsigned mtu, char *err,
			  size_t errsize)
{
	if (!ifname_ok(ifname, err, errsize))
		return -EINVAL;
	char v[16], what[64];
	snprintf(v, sizeof(v), "%u", mtu);
	snprintf(what, sizeof(what), "set MTU %u on", mtu);
	int rc = link_change(R(n), ifname, "mtu", v, what, err, errsize);
	if (rc == -EINVAL)
		snprintf(err, errsize, "cannot set MTU %u on %s on %s: the interface does not "
			 "accept it (its driver's limit may be lower; see `ip -d link show %s`)",
			 mtu, ifname, n->host, ifname);
	return rc;
}

static int remote_link_set(struct node *n, const char *ifname, bool up, char *err,
			   size_t errsize)
{
	if (!ifname_ok(ifname, err, errsize))
		return -EINVAL;
	return link_change(R(n), ifname, up ? "up" : "down", NULL, up ? "bring up" : "bring down",
			   err, errsize);
}

static const char ADDRGENMODE_SET[] = PRE
	"i=$1; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
	"printf '%s\\n' \"$2\" > \"/proc/sys/net/ipv6/conf/$i/addr_gen_mode\"\n";

static int remote_addrgenmode_set(struct node *n, const char *ifname, int mode, char *err,
				  size_t errsize)
{
	struct node_remote *r = R(n);
	if (!ifname_ok(ifname, err, errsize))
		return -EINVAL;
	if (mode < 0 || mode > 3) {
		snprintf(err, errsize, "IPv6 address generation mode %d is not one of 0-3", mode);
		return -EINVAL;
	}
	char v[4];
	snprintf(v, sizeof(v), "%d", mode);
	const char *args[] = { ifname, v };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, ADDRGENMODE_SET, args, 2, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, "set the IPv6 address mode of", ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char what[96];
		snprintf(what, sizeof(what), "set the IPv6 address mode of %s", ifname);
		rc = failed(r, &rep, what, err, errsize);
	}
	reply_free(&rep);
	return rc;
}

static const char NETPLAN[] = PRE
	"command -v netplan >/dev/null 2>&1 || exit 11\n"
	"netplan \"$1\" </dev/null >/dev/null\n";

static int remote_netplan(struct node *n, const char *verb, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	if (strcmp(verb, "apply") != 0 && strcmp(verb, "generate") != 0) {
		char shown[64];
		text_clean(shown, sizeof(shown), verb, strlen(verb), 0);
		snprintf(err, errsize, "\"netplan %s\" is not something sparklink runs", shown);
		return -EINVAL;
	}
	const char *args[] = { verb };
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_ROOT, NETPLAN, args, 1, NULL, 0, REMOTE_NETPLAN_TIMEOUT, &rep,
			    err, errsize);
	if (rc == 0 && rep.status == X_NOTOOL) {
		snprintf(err, errsize, "cannot run netplan on %s: it is not installed there "
			 "(install the netplan.io package)", r->base.host);
		rc = -ENOENT;
	} else if (rc == 0 && rep.status != 0) {
		if (rep.said[0])
			snprintf(err, errsize, "netplan %s on %s failed (exit status %d): %s", verb,
				 r->base.host, rep.status, rep.said);
		else
			snprintf(err, errsize, "netplan %s on %s failed (exit status %d) without "
				 "a message; run `sudo netplan %s` there to see why", verb,
				 r->base.host, rep.status, verb);
		rc = -EIO;
	}
	reply_free(&rep);
	return rc;
}

/* Our session's $SSH_CONNECTION, then every address of the peer. */
static const char SESSION_IF[] = PRE
	"printf '%s\\n' \"${SSH_CONNECTION:-}\"; ip -o addr show\n";

/* Parse an address "a.b.c.d", "x::y" or "x::y%scope" into family/bytes/scope. */
static bool addr_parse(const char *s, int *family, unsigned char bytes[16], char *scope,
		       size_t scopesize)
{
	char a[INET6_ADDRSTRLEN + 64];
	if (str_copy(a, s, sizeof(a)) >= sizeof(a))
		return false;
	scope[0] = '\0';
	char *pct = strchr(a, '%');
	if (pct) {
		*pct = '\0';
		str_copy(scope, pct + 1, scopesize);
	}
	char *slash = strchr(a, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, a, bytes) == 1) {
		*family = AF_INET;
		return true;
	}
	struct in6_addr a6;
	if (inet_pton(AF_INET6, a, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		*family = AF_INET;
		memcpy(bytes, &a6.s6_addr[12], 4);
	} else {
		*family = AF_INET6;
		memcpy(bytes, &a6, 16);
	}
	return true;
}

static int remote_session_if(struct node *n, char *ifname, size_t size, char *err,
			     size_t errsize)
{
	struct node_remote *r = R(n);
	str_copy(ifname, "", size);
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_USER, SESSION_IF, NULL, 0, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0)
		goto out;
	if (rep.status != 0) {
		rc = failed(r, &rep, "read the addresses", err, errsize);
		goto out;
	}
	buf_add(&rep.out, "", 0);
	char *nl = strchr(rep.out.data, '\n');
	if (!nl)
		goto out;
	*nl = '\0';
	/* "client_ip client_port server_ip server_port" */
	char *w[4];
	int family;
	unsigned char want[16];
	char scope[32];
	if (words(rep.out.data, w, 4) != 4 ||
	    !addr_parse(w[2], &family, want, scope, sizeof(scope)))
		goto out;
	char *save = NULL;
	for (char *line = strtok_r(nl + 1, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* "2: IF    inet 10.0.0.1/24 ..." or "2: IF    inet6 fe80::1/64 scope link ..." */
		char *t[4];
		int fam;
		unsigned char got[16];
		char s2[32];
		if (words(line, t, 4) != 4 ||
		    (strcmp(t[2], "inet") != 0 && strcmp(t[2], "inet6") != 0))
			continue;
		if (!addr_parse(t[3], &fam, got, s2, sizeof(s2)) || fam != family ||
		    memcmp(got, want, family == AF_INET ? 4 : 16) != 0)
			continue;
		char *at = strchr(t[1], '@');
		if (at)
			*at = '\0';
		if (ends_with(t[1], ":"))
			t[1][strlen(t[1]) - 1] = '\0';
		if (!text_is_ifname(t[1]))
			continue;
		if (scope[0] && strcmp(scope, t[1]) != 0 &&
		    strcmp(scope, t[0]) != 0 /* "2:" vs a numeric scope */ &&
		    !(strspn(scope, "0123456789") == strlen(scope) && atoi(t[0]) == atoi(scope)))
			continue;
		str_copy(ifname, t[1], size);
		break;
	}
out:
	reply_free(&rep);
	return rc;
}

static const char HOSTNAME[] = PRE "cat /proc/sys/kernel/hostname\n";

static int remote_hostname(struct node *n, char *out, size_t size, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	str_copy(out, "", size);
	struct reply rep;
	reply_init(&rep);
	int rc = run_script(r, AS_USER, HOSTNAME, NULL, 0, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status != 0)
		rc = failed(r, &rep, "read the host name", err, errsize);
	if (rc == 0) {
		const char *d = rep.out.data ? rep.out.data : "";
		size_t l = 0;
		while (l < rep.out.len && d[l] != '\n' && l < 255)
			l++;
		text_clean(out, size, d, l, TEXT_NAME);
		if (!out[0]) {
			snprintf(err, errsize, "%s did not tell its host name", r->base.host);
			rc = -EPROTO;
		}
	}
	reply_free(&rep);
	return rc;
}

static void remote_free(struct node *n)
{
	struct node_remote *r = R(n);
	secret_wipe(r->sudo_password, sizeof(r->sudo_password));
	sshsession_free(r->ss);
	free(r);
}

static const struct node_ops remote_ops = {
	.probe_if = remote_probe_if,
	.file_read = remote_file_read,
	.file_write = remote_file_write,
	.file_remove = remote_file_remove,
	.dir_list = remote_dir_list,
	.addr_set = remote_addr_set,
	.mtu_set = remote_mtu_set,
	.link_set = remote_link_set,
	.addrgenmode_set = remote_addrgenmode_set,
	.netplan = remote_netplan,
	.session_if = remote_session_if,
	.hostname = remote_hostname,
	.free = remote_free,
};

/* ---- the login user's own files ---- */

/* ~/REL of the login user: mode, size, group, then the content. */
static const char USER_READ[] = PRE
	"f=$HOME/$1; max=$2\n"
	"if [ -L \"$f\" ]; then exit 4; fi\n"
	"[ -e \"$f\" ] || exit 3\n"
	"[ -f \"$f\" ] || exit 5\n"
	"[ -O \"$f\" ] || exit 8\n"
	"s=$(stat -c '%a %s %h %g' -- \"$f\") || exit 1\n"
	"set -- $s; [ \"$3\" = 1 ] || exit 9; [ \"$2\" -le \"$max\" ] || exit 6\n"
	"printf '%s %s %s\\n' \"$1\" \"$2\" \"$4\"; base64 -w0 -- \"$f\" || exit 1\n";

/* Replace ~/REL with stdin (base64) if it still has the SHA-1 it had when read. */
static const char USER_WRITE[] = PRE
	"f=$HOME/$1; m=$2; n=$3; h=$4; g=$5\n"
	"if [ -L \"$f\" ] || [ ! -f \"$f\" ]; then exit 10; fi\n"
	"set -- $(sha1sum < \"$f\"); [ \"$1\" = \"$h\" ] || exit 10\n"
	"d=${f%/*}; b=${f##*/}\n"
	"t=$(mktemp \"$d/.$b.sparklink.XXXXXX\") || exit 1\n"
	"trap 'rm -f -- \"$t\"' EXIT\n"
	"base64 -d > \"$t\" || exit 1\n"
	"[ \"$(stat -c %s -- \"$t\")\" = \"$n\" ] ||\n"
	"  { echo 'the content arrived cut short' >&2; exit 1; }\n"
	"chgrp -- \"$g\" \"$t\" 2>/dev/null; chmod \"$m\" -- \"$t\" && sync -- \"$t\" || exit 1\n"
	"mv -fT -- \"$t\" \"$f\" || exit 1\n"
	"trap - EXIT; sync -- \"$d\" 2>/dev/null; exit 0\n";

/* A relative path under the home directory: parts of [A-Za-z0-9._:@+-], none "." or "..". */
static bool rel_ok(const char *rel)
{
	if (!rel[0] || rel[0] == '/' || strlen(rel) >= 1024 || strstr(rel, "//") ||
	    ends_with(rel, "/"))
		return false;
	char copy[1024], clean[1024], *save = NULL;
	str_copy(copy, rel, sizeof(copy));
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0 ||
		    text_clean(clean, sizeof(clean), part, strlen(part), TEXT_NAME))
			return false;
	return true;
}

/* Remove the last line of data that is exactly line (with its "\n" if it has one). */
static bool line_cut(struct buf *data, const char *line)
{
	size_t ll = strlen(line);
	const char *d = data->data;
	size_t len = data->len;
	long found = -1;
	for (size_t start = 0; start < len;) {
		const char *e = memchr(d + start, '\n', len - start);
		size_t end = e ? (size_t)(e - d) : len;
		if (end - start == ll && memcmp(d + start, line, ll) == 0)
			found = (long)start;
		start = end + 1;
	}
	if (found < 0)
		return false;
	size_t from = (size_t)found, to = from + ll;
	if (to < len) /* its "\n" */
		to++;
	memmove(data->data + from, data->data + to, len - to);
	data->len -= to - from;
	return true;
}

int node_remote_user_line_remove(struct node *n, const char *rel, const char *line,
				 bool *removed, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	*removed = false;
	if (!n || n->ops != &remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -EINVAL;
	}
	if (!rel_ok(rel)) {
		char shown[128];
		text_clean(shown, sizeof(shown), rel, strlen(rel), 0);
		snprintf(err, errsize, "\"%s\" is not a path inside the home directory", shown);
		return -EINVAL;
	}
	if (!line[0] || strchr(line, '\n')) {
		snprintf(err, errsize, "the line to remove from ~/%s is empty or not one line",
			 rel);
		return -EINVAL;
	}
	char shown[1100];
	snprintf(shown, sizeof(shown), "~/%s", rel);
	char max[24];
	snprintf(max, sizeof(max), "%d", REMOTE_FILE_MAX);
	for (int attempt = 0; attempt < 3; attempt++) {
		struct reply rep;
		reply_init(&rep);
		const char *rargs[] = { rel, max };
		int rc = run_script(r, AS_USER, USER_READ, rargs, 2, NULL, 0, 0, &rep, err,
				    errsize);
		if (rc < 0 || rep.status == X_MISSING) {
			reply_free(&rep);
			return rc;
		}
		if (rep.status == X_NOTMINE || rep.status == X_LINKS) {
			snprintf(err, errsize, "%s on %s %s: left as it is", shown, r->base.host,
				 rep.status == X_NOTMINE ? "does not belong to its user"
							 : "has other hard links");
			reply_free(&rep);
			return -EPERM;
		}
		rc = file_refused(rep.status, shown, err, errsize);
		if (rc == 0 && rep.status != 0)
			rc = failed(r, &rep, "read the file", err, errsize);
		if (rc < 0) {
			reply_free(&rep);
			return rc;
		}
		struct node_file f;
		node_file_init(&f);
		bool changed = false;
		unsigned long gid = 0;
		bool ok = parse_file(&rep.out, &f, &changed, &gid);
		reply_free(&rep);
		if (!ok) {
			node_file_free(&f);
			if (changed)
				continue;
			snprintf(err, errsize, "cannot read %s on %s: its answer is not a file as "
				 "this version sends it", shown, r->base.host);
			return -EPROTO;
		}
		uint8_t h[SHA1_LEN];
		sha1(f.data.data, f.data.len, h);
		char hex[2 * SHA1_LEN + 1];
		for (size_t i = 0; i < SHA1_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (!line_cut(&f.data, line)) {
			node_file_free(&f);
			return 0;
		}
		char m[16], size[24], g[24];
		snprintf(m, sizeof(m), "%04o", f.mode & 07777);
		snprintf(size, sizeof(size), "%zu", f.data.len);
		snprintf(g, sizeof(g), "%lu", gid);
		char *b64 = xcalloc(1, base64_encoded_len(f.data.len) + 2);
		base64_encode(f.data.data, f.data.len, b64);
		strcat(b64, "\n");
		node_file_free(&f);
		const char *wargs[] = { rel, m, size, hex, g };
		reply_init(&rep);
		rc = run_script(r, AS_USER, USER_WRITE, wargs, 5, b64, strlen(b64), 0, &rep, err,
				errsize);
		free(b64);
		if (rc == 0 && rep.status == X_CHANGED) {
			reply_free(&rep);
			continue; /* someone else wrote it in between: read it again */
		}
		if (rc == 0 && rep.status != 0) {
			char what[1200];
			snprintf(what, sizeof(what), "write %s", shown);
			rc = failed(r, &rep, what, err, errsize);
		}
		reply_free(&rep);
		if (rc == 0)
			*removed = true;
		return rc;
	}
	snprintf(err, errsize, "cannot change %s on %s: it keeps changing while it is edited",
		 shown, r->base.host);
	return -EAGAIN;
}

/* ---- connecting ---- */

/* sudo without a password? Else the password: given, or asked (up to three tries). */
static int sudo_ready(struct node_remote *r, const struct remote_opts *o, char *err,
		      size_t errsize)
{
	struct buf out, e;
	char why[256];
	buf_init(&out);
	buf_init(&e);
	int st = sshsession_exec(r->ss, "env LC_ALL=C sudo -n -k true", NULL, 0, 0, &out, &e,
				 REMOTE_SAID_MAX, NULL, why, sizeof(why));
	char said[REMOTE_SAID_MAX];
	text_clean(said, sizeof(said), e.data ? e.data : "", e.len, TEXT_LINES);
	str_rstrip(said);
	buf_free(&out);
	buf_free(&e);
	if (st < 0) {
		snprintf(err, errsize, "%s: %s", r->base.host, why);
		return st;
	}
	if (st == 0)
		return 0;
	if (!strstr(said, "password is required")) {
		snprintf(err, errsize, "%s cannot use sudo on %s: %s", r->base.user, r->base.host,
			 said[0] ? said : "sudo -n true failed");
		return -EACCES;
	}
	r->sudo_password_needed = true;
	int tries = o->sudo_password ? 1 : REMOTE_PASSWORD_TRIES;
	for (int attempt = 1; attempt <= tries; attempt++) {
		if (o->sudo_password) {
			str_copy(r->sudo_password, o->sudo_password, sizeof(r->sudo_password));
		} else if (!o->w) {
			snprintf(err, errsize, "sudo on %s wants the password of %s, and there is "
				 "no way to ask for it", r->base.host, r->base.user);
			return -EACCES;
		} else {
			struct worker_msg q = { .kind = o->password_kind, .code = attempt };
			snprintf(q.text, sizeof(q.text), "Password for sudo as %s on %s",
				 r->base.user, r->base.host);
			str_copy(q.extra, r->base.host, sizeof(q.extra));
			int a = worker_ask(o->w, &q, r->sudo_password, sizeof(r->sudo_password),
					   -1);
			if (a < 0 || !r->sudo_password[0]) {
				secret_wipe(r->sudo_password, sizeof(r->sudo_password));
				snprintf(err, errsize, "cancelled at the sudo password for %s",
					 r->base.host);
				return -ECANCELED;
			}
		}
		if (strchr(r->sudo_password, '\n')) {
			secret_wipe(r->sudo_password, sizeof(r->sudo_password));
			snprintf(err, errsize, "a password with a line break cannot be given to "
				 "sudo");
			return -EINVAL;
		}
		struct reply rep;
		reply_init(&rep);
		int rc = run_script(r, AS_ROOT, "exit 0", NULL, 0, NULL, 0, 0, &rep, err, errsize);
		reply_free(&rep);
		if (rc == 0 && rep.status == 0)
			return 0;
		secret_wipe(r->sudo_password, sizeof(r->sudo_password));
		if (rc != -EACCES && rc < 0)
			return rc;
		if (!strstr(rep.said, "incorrect password") &&
		    !strstr(rep.said, "Sorry, try again") &&
		    !strstr(rep.said, "no password was provided")) {
			snprintf(err, errsize, "%s cannot use sudo on %s: %s", r->base.user,
				 r->base.host, rep.said[0] ? rep.said : "sudo failed");
			return -EACCES;
		}
	}
	if (o->sudo_password)
		snprintf(err, errsize, "sudo on %s did not accept the password given for %s; "
			 "nothing was changed", r->base.host, r->base.user);
	else
		snprintf(err, errsize, "sudo on %s did not accept the password of %s (%d tries); "
			 "nothing was changed", r->base.host, r->base.user, REMOTE_PASSWORD_TRIES);
	return -EACCES;
}

struct node *node_remote_new(const struct remote_opts *o, char *err, size_t errsize)
{
	if (!o->address[0] || !o->local.name[0] || !o->local.home[0]) {
		snprintf(err, errsize, "no peer address or no local user to log in as");
		return NULL;
	}
	struct node_remote *r = xcalloc(1, sizeof(*r));
	r->base.ops = &remote_ops;
	r->w = o->w;
	str_copy(r->base.host, o->address, sizeof(r->base.host));
	str_copy(r->base.user, o->local.name, sizeof(r->base.user));
	/* the host key must be the one pairing recorded: for the address, and for no name the peer
	 * is known by may another key be recorded (a name that now answers with another key, on
	 * any address, is what pairing refuses too) */
	const char *names[ARRAY_LEN(o->names) + 1];
	char plain[ARRAY_LEN(names)][256];
	size_t nn = 0;
	for (size_t i = 0; i <= o->nnames && i <= ARRAY_LEN(o->names); i++) {
		const char *n = i == 0 ? o->address : o->names[i - 1];
		if (!n || !n[0])
			continue;
		str_copy(plain[nn], n, sizeof(plain[nn]));
		plain[nn][strcspn(plain[nn], "%")] = '\0'; /* recorded without the scope */
		bool dup = false;
		for (size_t k = 0; k < nn; k++)
			dup |= strcmp(names[k], plain[nn]) == 0;
		if (!dup) {
			names[nn] = plain[nn];
			nn++;
		}
	}
	struct sshsession_opts so = {
		.address = o->address,
		.port = o->port,
		.user = o->local.name,
		.home = o->local.home,
		.timeout_s = o->timeout_s,
		.w = o->w,
		.names = names,
		.nnames = nn,
	};
	r->ss = sshsession_new(&so);
	if (!r->ss) {
		snprintf(err, errsize, "cannot create an SSH session");
		goto fail;
	}
	if (sshsession_connect(r->ss, err, errsize) < 0)
		goto fail;
	char where[512];
	size_t at = 0;
	bool known_as_other = false;
	enum kh_status ks = sshsession_check_host_key_each(r->ss, names, nn, &at, &known_as_other,
							   where, sizeof(where));
	switch (ks) {
	case KH_OK:
		break;
	case KH_UNKNOWN:
		if (known_as_other)
			snprintf(err, errsize, "the host key of %s is the one you paired with, but not "
				 "yet for this address: pair with %s again to record it", o->address,
				 o->address);
		else
			snprintf(err, errsize, "the host key of %s is not in your known_hosts: pair "
				 "with it first", o->address);
		goto fail;
	case KH_CHANGED:
	case KH_REVOKED:
		sshsession_host_key_warning(r->ss, ks, where, names[at], err, errsize);
		goto fail;
	case KH_ERROR:
		snprintf(err, errsize, "cannot check the host key of %s: %s", o->address, where);
		goto fail;
	}

	/* the user's key, nothing else */
	char key[4200];
	if (sshsession_user_key(o->local.home, key, sizeof(key), NULL, 0) < 0) {
		snprintf(err, errsize, "you have no SSH key in %s/.ssh: pair with %s first",
			 o->local.home, o->address);
		goto fail;
	}
	if (!sshsession_login_key(r->ss, key)) {
		snprintf(err, errsize, "%s does not accept your key for %s: pair with it first",
			 o->address, o->local.name);
		goto fail;
	}
	if (o->w && worker_cancelled(o->w)) {
		snprintf(err, errsize, "cancelled");
		goto fail;
	}
	r->read_only = o->read_only;
	if (!r->read_only && sudo_ready(r, o, err, errsize) < 0)
		goto fail;
	return &r->base;
fail:
	remote_free(&r->base);
	return NULL;
}
