/* json_read.c: a small strict JSON reader into a tree. */
#include "core/base/json_read.h"
#include "core/base/util.h"

#include <stdlib.h>
#include <string.h>

#define JV_DEPTH 32

struct rd {
	const char *p, *end;
};

static void skip_ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool lit(struct rd *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static int hex4(struct rd *r, unsigned *out)
{
	if (r->end - r->p < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if ((c | 32) >= 'a' && (c | 32) <= 'f')
			v |= (unsigned)((c | 32) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

/* A string at r->p (the opening quote): its bytes, heap; NULL on a malformed one. */
static char *string(struct rd *r)
{
	if (r->p >= r->end || *r->p != '"')
		return NULL;
	r->p++;
	struct buf b;
	buf_init(&b);
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p++;
		if (c < 0x20)
			goto fail;
		if (c != '\\') {
			buf_add(&b, (const char *)&c, 1);
			continue;
		}
		if (r->p >= r->end)
			goto fail;
		char e = *r->p++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			buf_add(&b, &to[simple - "\"\\/bfnrt"], 1);
			continue;
		}
		unsigned cp, lo;
		if (e != 'u' || hex4(r, &cp) < 0)
			goto fail;
		if (cp >= 0xd800 && cp < 0xdc00) {
			if (!lit(r, "\\u") || hex4(r, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				goto fail;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			goto fail;
		}
		put_utf8(&b, cp);
	}
	if (r->p >= r->end)
		goto fail;
	r->p++;
	buf_add(&b, "", 1);
	return b.data;
fail:
	buf_free(&b);
	return NULL;
}

static int value(struct rd *r, struct jv *v, int depth);

static int number(struct rd *r, struct jv *v)
{
	const char *s = r->p;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return -1;
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return -1;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return -1;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	char tmp[64];
	if ((size_t)(r->p - s) >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, (size_t)(r->p - s));
	tmp[r->p - s] = '\0';
	v->type = JV_NUMBER;
	v->num = strtod(tmp, NULL);
	return 0;
}

/* An array or an object, the opening bracket at r->p. */
static int members(struct rd *r, struct jv *v, int depth, bool object)
{
	v->type = object ? JV_OBJECT : JV_ARRAY;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == (object ? '}' : ']')) {
		r->p++;
		return 0;
	}
	for (;;) {
		v->items = xrealloc(v->items, v->n + 1, sizeof(*v->items));
		memset(&v->items[v->n], 0, sizeof(*v->items));
		if (object) {
			v->keys = xrealloc(v->keys, v->n + 1, sizeof(*v->keys));
			v->keys[v->n] = NULL;
		}
		v->n++;
		if (object) {
			skip_ws(r);
			if (!(v->keys[v->n - 1] = string(r)))
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -1;
			r->p++;
		}
		if (value(r, &v->items[v->n - 1], depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == (object ? '}' : ']')) {
			r->p++;
			return 0;
		}
		return -1;
	}
}

static int value(struct rd *r, struct jv *v, int depth)
{
	if (depth > JV_DEPTH)
		return -1;
	skip_ws(r);
	if (r->p >= r->end)
		return -1;
	switch (*r->p) {
	case '{': return members(r, v, depth, true);
	case '[': return members(r, v, depth, false);
	case '"': v->type = JV_STRING; return (v->str = string(r)) ? 0 : -1;
	case 't':
		v->type = JV_BOOL;
		v->b = true;
		return lit(r, "true") ? 0 : -1;
	case 'f': v->type = JV_BOOL; return lit(r, "false") ? 0 : -1;
	case 'n': v->type = JV_NULL; return lit(r, "null") ? 0 : -1;
	default: return number(r, v);
	}
}

int jv_parse(const char *text, size_t len, struct jv *out)
{
	memset(out, 0, sizeof(*out));
	struct rd r = { text, text + len };
	if (value(&r, out, 0) < 0)
		goto fail;
	skip_ws(&r);
	if (r.p != r.end)
		goto fail;
	return 0;
fail:
	jv_free(out);
	return -1;
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items)
			jv_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv_member(const struct jv *v, const char *key)
{
	if (!v || v->type != JV_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->keys[i] && strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const struct jv *jv_busctl_data(const struct jv *v)
{
	const struct jv *d = jv_member(v, "data");
	if (d && d->type == JV_ARRAY && d->n == 1)
		return &d->items[0];
	return d;
}
