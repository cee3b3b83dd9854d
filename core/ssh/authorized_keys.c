/* authorized_keys.c: adding and removing one key line in ~/.ssh/authorized_keys. */
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

/* "type blob" at p, as sshkey_read would accept it. */
static bool key_at(const char *p, const char *e, struct key_ref *k)
{
	const char *te = sshf_skip_tok(p, e);
	const char *b = sshf_skip_ws(te, e), *be = sshf_skip_tok(b, e);
	if (te == p || b == te || be == b)
		return false;
	if (!sshf_blob_matches_type(b, (size_t)(be - b), p, (size_t)(te - p)))
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
		if (sshf_mem_caseeq_str(n, (size_t)(ne - n), opt))
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
	const char *e = l->p + l->len, *p = sshf_skip_ws(l->p, e);
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
	return key_at(sshf_skip_ws(p, e), e, k);
}

struct authkeys_ctx {
	char line[KEYLINE_MAX + 1];
	struct key_ref key;
	bool add;
	bool done;
};

static int authkeys_prepare(struct authkeys_ctx *c, const char *key_line, char *err, size_t errsize)
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
	return sshf_mem_eq(a->type, a->tn, b->type, b->tn) &&
	       sshf_mem_eq(a->b64, a->bn, b->b64, b->bn);
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
	struct line_filter lf = { .out = out };
	while (sshf_line_next(f->data, f->len, &pos, &no, &l)) {
		struct key_ref k;
		bool match = authkeys_parse(&l, &k) && !k.ca && same_key(&k, &c->key);
		if (c->add && match)
			return 0; /* already there */
		if (!c->add) {
			sshf_filter_line(&lf, &l, !match);
			c->done |= match;
		}
	}
	if (c->add) {
		sshf_append_text(out, f->data, f->len, c->line);
		c->done = true;
		return 1;
	}
	sshf_filter_finish(&lf);
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
		r = sshf_user_path(u, "authorized_keys", path, sizeof(path), err, errsize);
	if (r == 0) {
		c->add = add;
		r = sshf_file_edit(u, path, add, authkeys_edit, c, err, errsize);
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
