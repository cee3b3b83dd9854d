/* node_remote_ops.c: the operations of the peer as a node (node.h), each a fixed script run over
 * SSH (as root through sudo, or as the login user for reads) and its answer parsed strictly. */
#include "core/node/node_remote_ops.h"
#include "core/node/node_remote_shared.h"
#include "core/base/base64.h"
#include "core/base/sha1.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the operations ---- */

static const char PROBE_IF[] = PRE
	"i=$1; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
	"ip -o link show dev \"$i\" || exit 1\n"
	"echo \"addr_gen_mode $(cat \"/proc/sys/net/ipv6/conf/$i/addr_gen_mode\" 2>/dev/null)\"\n"
	"ip -o addr show dev \"$i\" || exit 1\n";

/* The parsers of what the peer prints are described in node_remote.h. */
bool node_remote_parse_probe_if(char *text, struct node_if *out)
{
	bool seen_link = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[24];
		size_t nw = remote_words(line, w, ARRAY_LEN(w));
		/* "2: IF: <BROADCAST,UP,LOWER_UP> mtu 1500 ..." */
		if (nw >= 5 && !seen_link && w[2][0] == '<' && remote_ends_with(w[2], ">")) {
			seen_link = true;
			char flags[256];
			snprintf(flags, sizeof(flags), ",%.*s,", (int)strlen(w[2]) - 2, w[2] + 1);
			out->up = strstr(flags, ",UP,") != NULL;
			out->carrier = strstr(flags, ",LOWER_UP,") != NULL;
			unsigned long mtu;
			for (size_t k = 3; k + 1 < nw; k++)
				if (strcmp(w[k], "mtu") == 0 &&
				    remote_parse_uint(w[k + 1], 10, 1u << 20, &mtu))
					out->mtu = (unsigned)mtu;
			continue;
		}
		unsigned long mode;
		if (nw == 2 && strcmp(w[0], "addr_gen_mode") == 0) {
			out->addr_gen_mode = remote_parse_uint(w[1], 10, 3, &mode) ? (int)mode : -1;
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
	return seen_link;
}

static int remote_probe_if(struct node *n, const char *ifname, struct node_if *out, char *err,
			   size_t errsize)
{
	struct node_remote *r = R(n);
	memset(out, 0, sizeof(*out));
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	str_copy(out->ifname, ifname, sizeof(out->ifname));
	out->addr_gen_mode = -1;
	struct reply rep;
	remote_reply_init(&rep);
	const char *args[] = { ifname };
	int rc = remote_run(r, AS_USER, PROBE_IF, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0 || rep.status == X_MISSING)
		goto out;
	if (rep.status != 0) {
		char what[64];
		snprintf(what, sizeof(what), "read the state of %s", ifname);
		rc = remote_failed(r, &rep, what, err, errsize);
		goto out;
	}
	buf_add(&rep.out, "", 0); /* data is a string, never NULL */
	bool seen_link = node_remote_parse_probe_if(rep.out.data, out);
	if (!seen_link) {
		snprintf(err, errsize,
			 "cannot read the state of %s on %s: `ip -o link` gave no "
			 "line this version understands",
			 ifname, r->base.host);
		rc = -EPROTO;
		memset(out, 0, sizeof(*out));
		str_copy(out->ifname, ifname, sizeof(out->ifname));
		out->addr_gen_mode = -1;
		goto out;
	}
	out->exists = true;
out:
	remote_reply_free(&rep);
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

bool node_remote_parse_file(const struct buf *out, struct node_file *f, bool *changed,
			    unsigned long *gid)
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
	if (remote_words(head, w, 4) != (gid ? 3u : 2u) ||
	    !remote_parse_uint(w[0], 8, 07777, &mode) ||
	    !remote_parse_uint(w[1], 10, REMOTE_FILE_MAX, &size) ||
	    (gid && !remote_parse_uint(w[2], 10, 0xfffffffeUL, gid)))
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
	if (!remote_path_ok(path, err, errsize))
		return -EINVAL;
	char max[24];
	snprintf(max, sizeof(max), "%d", REMOTE_FILE_MAX);
	const char *args[] = { path, max };
	for (int attempt = 0; attempt < 3; attempt++) {
		struct reply rep;
		remote_reply_init(&rep);
		int rc = remote_run(r, AS_ROOT, FILE_READ, args, 2, NULL, 0, 0, &rep, err, errsize);
		if (rc == 0 && rep.status == X_MISSING) {
			remote_reply_free(&rep);
			return 0;
		}
		if (rc == 0 && (rc = remote_file_refused(rep.status, path, err, errsize)) == 0) {
			bool changed = false;
			if (rep.status != 0) {
				char what[PATH_MAX + 16];
				snprintf(what, sizeof(what), "read %s", path);
				rc = remote_failed(r, &rep, what, err, errsize);
			} else if (!node_remote_parse_file(&rep.out, f, &changed, NULL)) {
				node_file_free(f);
				node_file_init(f);
				if (changed) {
					remote_reply_free(&rep);
					continue; /* read it again */
				}
				snprintf(err, errsize,
					 "cannot read %s on %s: its answer is not a "
					 "file as this version sends it",
					 path, r->base.host);
				rc = -EPROTO;
			}
		}
		remote_reply_free(&rep);
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
	if (!remote_path_ok(path, err, errsize))
		return -EINVAL;
	if (len > REMOTE_FILE_MAX)
		return remote_file_refused(X_TOOBIG, path, err, errsize);
	char m[16], size[24];
	snprintf(m, sizeof(m), "%04o", mode & 07777);
	snprintf(size, sizeof(size), "%zu", len);
	char *b64 = xcalloc(1, base64_encoded_len(len) + 2);
	base64_encode(data, len, b64);
	strcat(b64, "\n");
	const char *args[] = { path, m, size };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, FILE_WRITE, args, 3, b64, strlen(b64), 0, &rep, err,
			    errsize);
	free(b64);
	if (rc == 0)
		rc = remote_file_refused(rep.status, path, err, errsize);
	if (rc == 0 && rep.status != 0) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "write %s", path);
		rc = remote_failed(r, &rep, what, err, errsize);
	}
	remote_reply_free(&rep);
	return rc;
}

static const char FILE_REMOVE[] = PRE "p=$1\n"
				      "if [ -L \"$p\" ]; then exit 4; fi\n"
				      "[ -e \"$p\" ] || exit 0\n"
				      "[ -f \"$p\" ] || exit 5\n"
				      "rm -f -- \"$p\" || exit 1\n"
				      "d=${p%/*}; sync -- \"${d:-/}\" 2>/dev/null; exit 0\n";

static int remote_file_remove(struct node *n, const char *path, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	if (!remote_path_ok(path, err, errsize))
		return -EINVAL;
	const char *args[] = { path };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, FILE_REMOVE, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0)
		rc = remote_file_refused(rep.status, path, err, errsize);
	if (rc == 0 && rep.status != 0) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "remove %s", path);
		rc = remote_failed(r, &rep, what, err, errsize);
	}
	remote_reply_free(&rep);
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

void node_remote_parse_dir_list(const char *data, size_t len, struct buf *names)
{
	char **list = NULL;
	size_t nlist = 0;
	for (size_t i = 0; i < len;) {
		const char *name = data + i;
		size_t l = strnlen(name, len - i);
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
}

static int remote_dir_list(struct node *n, const char *dir, struct buf *names, char *err,
			   size_t errsize)
{
	struct node_remote *r = R(n);
	buf_add(names, "", 0);
	if (!remote_path_ok(dir, err, errsize))
		return -EINVAL;
	const char *args[] = { dir };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, DIR_LIST, args, 1, NULL, 0, 0, &rep, err, errsize);
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
		rc = remote_failed(r, &rep, what, err, errsize);
		goto out;
	}
	node_remote_parse_dir_list(rep.out.data, rep.out.len, names);
out:
	remote_reply_free(&rep);
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
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	unsigned char ip[16];
	int family, plen;
	char canon[64], what[128];
	if (!node_cidr_parse(cidr, &family, ip, &plen, canon, sizeof(canon))) {
		char shown[64];
		text_clean(shown, sizeof(shown), cidr, strlen(cidr), 0);
		snprintf(err, errsize,
			 "\"%s\" is not an address with its prefix length "
			 "(a.b.c.d/len)",
			 shown);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), add ? "add %s to" : "remove %s from", canon);
	const char *args[] = { add ? "add" : "del", canon, ifname };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, ADDR_SET, args, 3, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, what, ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char w2[160];
		snprintf(w2, sizeof(w2), "%s %s", what, ifname);
		rc = remote_failed(r, &rep, w2, err, errsize);
	}
	remote_reply_free(&rep);
	return rc;
}

static const char LINK_SET[] = PRE "i=$1; shift; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
				   "ip link set dev \"$i\" \"$@\"\n";

static int link_change(struct node_remote *r, const char *ifname, const char *a1, const char *a2,
		       const char *what, char *err, size_t errsize)
{
	const char *args[] = { ifname, a1, a2 };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, LINK_SET, args, a2 ? 3 : 2, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, what, ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char w2[96];
		snprintf(w2, sizeof(w2), "%s %s", what, ifname);
		rc = remote_failed(r, &rep, w2, err, errsize);
		if (strstr(rep.said, "Invalid argument") || strstr(rep.said, "mtu greater") ||
		    strstr(rep.said, "mtu less"))
			rc = -EINVAL;
	}
	remote_reply_free(&rep);
	return rc;
}

static int remote_mtu_set(struct node *n, const char *ifname, unsigned mtu, char *err,
			  size_t errsize)
{
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	char v[16], what[64];
	snprintf(v, sizeof(v), "%u", mtu);
	snprintf(what, sizeof(what), "set MTU %u on", mtu);
	int rc = link_change(R(n), ifname, "mtu", v, what, err, errsize);
	if (rc == -EINVAL)
		snprintf(err, errsize,
			 "cannot set MTU %u on %s on %s: the interface does not "
			 "accept it (its driver's limit may be lower; see `ip -d link show %s`)",
			 mtu, ifname, n->host, ifname);
	return rc;
}

static int remote_link_set(struct node *n, const char *ifname, bool up, char *err, size_t errsize)
{
	if (!remote_ifname_ok(ifname, err, errsize))
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
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	if (mode < 0 || mode > 3) {
		snprintf(err, errsize, "IPv6 address generation mode %d is not one of 0-3", mode);
		return -EINVAL;
	}
	char v[4];
	snprintf(v, sizeof(v), "%d", mode);
	const char *args[] = { ifname, v };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, ADDRGENMODE_SET, args, 2, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_MISSING) {
		rc = no_such_if(r, "set the IPv6 address mode of", ifname, err, errsize);
	} else if (rc == 0 && rep.status != 0) {
		char what[96];
		snprintf(what, sizeof(what), "set the IPv6 address mode of %s", ifname);
		rc = remote_failed(r, &rep, what, err, errsize);
	}
	remote_reply_free(&rep);
	return rc;
}

/* netplan in a session of its own, its messages in a file: the connection may break while it
 * runs (`netplan apply` stops NetworkManager, which takes the management address away), and a
 * hang-up or a broken pipe must not stop it half way (NetworkManager stopped, the peer off its LAN).
 * When it broke, node_remote runs this again while the first netplan may still run: flock makes
 * the second wait for the first (two at once would stop and start NetworkManager over each other
 * and may leave the ports disconnected), then apply again, so the plan's profiles end up active. */
static const char NETPLAN[] = PRE "command -v netplan >/dev/null 2>&1 || exit 11\n"
				  "e=$(mktemp) || exit 1\n"
				  "trap '' HUP PIPE\n"
				  "l=; command -v flock >/dev/null 2>&1 && "
				  "l='flock -w 60 /run/sparklink-netplan.lock'\n"
				  "setsid $l netplan \"$1\" </dev/null >/dev/null 2>\"$e\" &\n"
				  "wait $!; s=$?\n"
				  "cat \"$e\" >&2; rm -f \"$e\"; exit $s\n";

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
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, NETPLAN, args, 1, NULL, 0, REMOTE_NETPLAN_TIMEOUT, &rep,
			    err, errsize);
	if (rc == 0 && rep.status == X_NOTOOL) {
		snprintf(err, errsize,
			 "cannot run netplan on %s: it is not installed there "
			 "(install the netplan.io package)",
			 r->base.host);
		rc = -ENOENT;
	} else if (rc == 0 && rep.status != 0) {
		if (rep.said[0])
			snprintf(err, errsize, "netplan %s on %s failed (exit status %d): %s", verb,
				 r->base.host, rep.status, rep.said);
		else
			snprintf(err, errsize,
				 "netplan %s on %s failed (exit status %d) without "
				 "a message; run `sudo netplan %s` there to see why",
				 verb, r->base.host, rep.status, verb);
		rc = -EIO;
	}
	remote_reply_free(&rep);
	return rc;
}

/* Our session's $SSH_CONNECTION, then every address of the peer. */
static const char SESSION_IF[] = PRE "printf '%s\\n' \"${SSH_CONNECTION:-}\"; ip -o addr show\n";

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

void node_remote_parse_session_if(char *text, char *ifname, size_t size)
{
	char *nl = strchr(text, '\n');
	if (!nl)
		return;
	*nl = '\0';
	/* "client_ip client_port server_ip server_port" */
	char *w[4];
	int family;
	unsigned char want[16];
	char scope[32];
	if (remote_words(text, w, 4) != 4 || !addr_parse(w[2], &family, want, scope, sizeof(scope)))
		return;
	char *save = NULL;
	for (char *line = strtok_r(nl + 1, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* "2: IF    inet 10.0.0.1/24 ..." or "2: IF    inet6 fe80::1/64 scope link ..." */
		char *t[4];
		int fam;
		unsigned char got[16];
		char s2[32];
		if (remote_words(line, t, 4) != 4 ||
		    (strcmp(t[2], "inet") != 0 && strcmp(t[2], "inet6") != 0))
			continue;
		if (!addr_parse(t[3], &fam, got, s2, sizeof(s2)) || fam != family ||
		    memcmp(got, want, family == AF_INET ? 4 : 16) != 0)
			continue;
		char *at = strchr(t[1], '@');
		if (at)
			*at = '\0';
		if (remote_ends_with(t[1], ":"))
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
}

static int remote_session_if(struct node *n, char *ifname, size_t size, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	str_copy(ifname, "", size);
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_USER, SESSION_IF, NULL, 0, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0)
		goto out;
	if (rep.status != 0) {
		rc = remote_failed(r, &rep, "read the addresses", err, errsize);
		goto out;
	}
	buf_add(&rep.out, "", 0);
	node_remote_parse_session_if(rep.out.data, ifname, size);
out:
	remote_reply_free(&rep);
	return rc;
}

static const char HOSTNAME[] = PRE "cat /proc/sys/kernel/hostname\n";

void node_remote_parse_hostname(const char *data, size_t len, char *out, size_t size)
{
	size_t l = 0;
	while (l < len && data[l] != '\n' && l < 255)
		l++;
	text_clean(out, size, data, l, TEXT_NAME);
}

static int remote_hostname(struct node *n, char *out, size_t size, char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	str_copy(out, "", size);
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_USER, HOSTNAME, NULL, 0, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status != 0)
		rc = remote_failed(r, &rep, "read the host name", err, errsize);
	if (rc == 0) {
		node_remote_parse_hostname(rep.out.data ? rep.out.data : "", rep.out.len, out,
					   size);
		if (!out[0]) {
			snprintf(err, errsize, "%s did not tell its host name", r->base.host);
			rc = -EPROTO;
		}
	}
	remote_reply_free(&rep);
	return rc;
}

void remote_free(struct node *n)
{
	struct node_remote *r = R(n);
	secret_wipe(r->sudo_password, sizeof(r->sudo_password));
	sshsession_free(r->ss);
	free(r);
}

const struct node_ops node_remote_ops = {
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
	.nm_probe = remote_nm_probe,
	.nm_activate = remote_nm_activate,
	.nm_restore = remote_nm_restore,
	.cables = remote_cables,
	.hostname = remote_hostname,
	.free = remote_free,
};
