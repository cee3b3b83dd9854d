/* known_hosts.c: known_hosts read as ssh(1) reads it (patterns, hashed names, markers),
 * host keys checked, lines added and removed. */
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

enum kh_marker { MARK_NONE, MARK_CA, MARK_REVOKED };

struct kh_entry {
	enum kh_marker marker;
	const char *hosts;
	size_t hn;
	struct key_ref key; /* type and blob, not yet checked */
	const char *rest; /* after the blob */
};

/* One known_hosts line as hostfile.c splits it: [@marker] hosts type blob [comment]. */
static bool kh_parse(const struct line *l, struct kh_entry *k)
{
	const char *e = l->p + l->len, *p = sshf_skip_ws(l->p, e);
	if (p == e || *p == '#')
		return false;
	k->marker = MARK_NONE;
	if (*p == '@') {
		const char *me = sshf_skip_tok(p, e);
		if (me == e)
			return false;
		if (sshf_mem_eq_str(p, (size_t)(me - p), "@cert-authority"))
			k->marker = MARK_CA;
		else if (sshf_mem_eq_str(p, (size_t)(me - p), "@revoked"))
			k->marker = MARK_REVOKED;
		else
			return false; /* unknown marker: OpenSSH skips the line */
		p = sshf_skip_ws(me, e);
		if (p < e && *p == '@')
			return false; /* only one marker */
	}
	k->hosts = p;
	p = sshf_skip_tok(p, e);
	k->hn = (size_t)(p - k->hosts);
	p = sshf_skip_ws(p, e);
	if (!k->hn || p == e || *p == '#')
		return false;
	k->key.type = p;
	p = sshf_skip_tok(p, e);
	k->key.tn = (size_t)(p - k->key.type);
	p = sshf_skip_ws(p, e);
	k->key.b64 = p;
	p = sshf_skip_tok(p, e);
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
		} else if (pi < pn &&
			   (p[pi] == '?' || sshf_ascii_lower(p[pi]) == sshf_ascii_lower(s[si]))) {
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
			*c = sshf_ascii_lower(*c);
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
	while (sshf_line_next(data, size, &pos, &no, &l)) {
		struct kh_entry k;
		if (!kh_parse(&l, &k) || k.marker == MARK_CA)
			continue;
		if (!sshf_mem_eq(k.key.type, k.key.tn, key->type, key->tn))
			continue; /* keys of other types decide nothing */
		bool same = sshf_mem_eq(k.key.b64, k.key.bn, key->b64, key->bn);
		if (k.marker == MARK_REVOKED && !same)
			continue;
		if (!kh_hosts_match(&k, names, n))
			continue;
		if (!sshf_blob_matches_type(k.key.b64, k.key.bn, k.key.type, k.key.tn))
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
	if (!path || sshf_read_nofollow(path, &data, &len, &exists, where, wheresize) < 0) {
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
	if (!path || sshf_read_nofollow(path, &data, &len, &exists, where, wheresize) < 0) {
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
	while (sshf_line_next(data, len, &pos, &no, &l)) {
		struct kh_entry k;
		char t[KEYTYPE_MAX + 3];
		if (!kh_parse(&l, &k) || k.marker != MARK_NONE || k.key.tn > KEYTYPE_MAX ||
		    !kh_hosts_match(&k, kn, nnames) ||
		    !sshf_blob_matches_type(k.key.b64, k.key.bn, k.key.type, k.key.tn))
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
				snprintf(err, errsize, "cannot get random bytes for %s: %s",
					 f->path, strerror(-e));
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
	sshf_append_text(out, f->data, f->len, text.data);
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
	    !sshf_mem_eq(k.key.type, k.key.tn, c->key.type, c->key.tn) ||
	    !sshf_mem_eq(k.key.b64, k.key.bn, c->key.b64, c->key.bn) || k.rest != l->p + l->len ||
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
			ours = sshf_mem_caseeq_str(p, (size_t)(he - p), c->names[i]);
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
	struct line_filter lf = { .out = out };
	while (sshf_line_next(f->data, f->len, &pos, &no, &l)) {
		int n = kh_written_names(&l, c);
		c->count += n;
		sshf_filter_line(&lf, &l, n == 0);
	}
	sshf_filter_finish(&lf);
	return c->count ? 1 : 0;
}

static int kh_change(const struct ssh_user *u, const char *path, const char *const *names,
		     size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		     bool add, bool hashed, int *count, char *err, size_t errsize)
{
	if (count)
		*count = 0;
	struct kh_ctx c = { .hashed = hashed, .n = nnames };
	int r = key_prepare(keytype, key_b64, &c.key, err, errsize);
	if (r < 0)
		return r;
	c.names = kh_names_new(names, nnames, port, err, errsize);
	if (!c.names)
		return -EINVAL;
	r = sshf_file_edit(u, path, add, add ? kh_add_edit : kh_remove_edit, &c, err, errsize);
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
	return kh_change(u, path, names, nnames, port, keytype, key_b64, false, false, removed, err,
			 errsize);
}
