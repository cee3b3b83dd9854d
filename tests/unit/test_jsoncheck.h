/* test_jsoncheck.h: a small, strict JSON (RFC 8259) checker written for the tests, independent
 * of core/base/json.c. jc_parse() validates a whole document and produces a canonical form (the same
 * tokens without insignificant white space), so two renderings of one value compare equal.
 * jc_get_string() decodes the string value stored under a key path such as "ports.0.twins.1.netdev". */
#ifndef SPARKLINK_TEST_JSONCHECK_H
#define SPARKLINK_TEST_JSONCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jc {
	const char *s;
	size_t i, n;
	char *canon;
	size_t clen, ccap;
	int depth;
	char err[96];
};

static void jc_put(struct jc *p, const char *s, size_t n)
{
	if (p->clen + n + 1 > p->ccap) {
		p->ccap = (p->clen + n + 1) * 2;
		p->canon = realloc(p->canon, p->ccap);
		if (!p->canon)
			abort();
	}
	memcpy(p->canon + p->clen, s, n);
	p->clen += n;
	p->canon[p->clen] = '\0';
}

static bool jc_fail(struct jc *p, const char *what)
{
	if (!p->err[0])
		snprintf(p->err, sizeof(p->err), "%s at byte %zu", what, p->i);
	return false;
}

static void jc_ws(struct jc *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int jc_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Strict UTF-8 length of the sequence at s (n bytes available), 0 if invalid. */
static size_t jc_utf8(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c, min;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

static void jc_put_utf8(char *out, size_t *o, uint32_t c)
{
	if (c < 0x80) {
		out[(*o)++] = (char)c;
	} else if (c < 0x800) {
		out[(*o)++] = (char)(0xc0 | (c >> 6));
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		out[(*o)++] = (char)(0xe0 | (c >> 12));
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	} else {
		out[(*o)++] = (char)(0xf0 | (c >> 18));
		out[(*o)++] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	}
}

/* Parse a string at p->i; when out is given, the decoded bytes go there (NUL-terminated,
 * out must hold at least the token's length + 1). */
static bool jc_string(struct jc *p, char *out, size_t *outlen)
{
	size_t start = p->i, o = 0;
	if (p->i >= p->n || p->s[p->i] != '"')
		return jc_fail(p, "string expected");
	p->i++;
	for (;;) {
		if (p->i >= p->n)
			return jc_fail(p, "unterminated string");
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20)
			return jc_fail(p, "raw control character in string");
		if (c == '\\') {
			if (p->i + 1 >= p->n)
				return jc_fail(p, "bad escape");
			char e = p->s[p->i + 1];
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			const char *k = strchr(from, e);
			if (e && k) {
				if (out)
					out[o++] = to[k - from];
				p->i += 2;
				continue;
			}
			if (e != 'u' || p->i + 6 > p->n)
				return jc_fail(p, "bad escape");
			uint32_t cp = 0;
			for (int h = 2; h < 6; h++) {
				int v = jc_hex(p->s[p->i + (size_t)h]);
				if (v < 0)
					return jc_fail(p, "bad \\u escape");
				cp = cp << 4 | (uint32_t)v;
			}
			p->i += 6;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->i + 6 > p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
					return jc_fail(p, "lone surrogate");
				uint32_t lo = 0;
				for (int h = 2; h < 6; h++) {
					int v = jc_hex(p->s[p->i + (size_t)h]);
					if (v < 0)
						return jc_fail(p, "bad \\u escape");
					lo = lo << 4 | (uint32_t)v;
				}
				if (lo < 0xdc00 || lo > 0xdfff)
					return jc_fail(p, "lone surrogate");
				p->i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return jc_fail(p, "lone surrogate");
			}
			if (out)
				jc_put_utf8(out, &o, cp);
			continue;
		}
		size_t len = jc_utf8((const unsigned char *)p->s + p->i, p->n - p->i);
		if (!len)
			return jc_fail(p, "invalid UTF-8 in string");
		if (out)
			memcpy(out + o, p->s + p->i, len), o += len;
		p->i += len;
	}
	if (out)
		out[o] = '\0';
	if (outlen)
		*outlen = o;
	jc_put(p, p->s + start, p->i - start);
	return true;
}

static bool jc_number(struct jc *p)
{
	size_t start = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n)
		return jc_fail(p, "bad number");
	if (p->s[p->i] == '0') {
		p->i++;
	} else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else {
		return jc_fail(p, "bad number");
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return jc_fail(p, "bad fraction");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return jc_fail(p, "bad exponent");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	jc_put(p, p->s + start, p->i - start);
	return true;
}

static bool jc_value(struct jc *p)
{
	jc_ws(p);
	if (p->i >= p->n)
		return jc_fail(p, "value expected");
	if (++p->depth > 200)
		return jc_fail(p, "too deep");
	bool ok = true;
	char c = p->s[p->i];
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		jc_put(p, &c, 1);
		p->i++;
		jc_ws(p);
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
		} else {
			for (;;) {
				jc_ws(p);
				if (c == '{') {
					if (!jc_string(p, NULL, NULL))
						return false;
					jc_ws(p);
					if (p->i >= p->n || p->s[p->i] != ':')
						return jc_fail(p, "':' expected");
					p->i++;
					jc_put(p, ":", 1);
				}
				if (!jc_value(p))
					return false;
				jc_ws(p);
				if (p->i < p->n && p->s[p->i] == ',') {
					p->i++;
					jc_put(p, ",", 1);
					continue;
				}
				if (p->i < p->n && p->s[p->i] == close) {
					p->i++;
					break;
				}
				return jc_fail(p, "',' or end of container expected");
			}
		}
		jc_put(p, &close, 1);
	} else if (c == '"') {
		ok = jc_string(p, NULL, NULL);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		ok = jc_number(p);
	} else {
		static const char *lits[] = { "true", "false", "null" };
		ok = false;
		for (int k = 0; k < 3 && !ok; k++) {
			size_t l = strlen(lits[k]);
			if (p->n - p->i >= l && memcmp(p->s + p->i, lits[k], l) == 0) {
				jc_put(p, lits[k], l);
				p->i += l;
				ok = true;
			}
		}
		if (!ok)
			return jc_fail(p, "unexpected character");
	}
	p->depth--;
	return ok;
}

/* Validate the whole text; on success returns the canonical form (caller frees), else NULL
 * with the reason in err. */
__attribute__((unused)) static char *jc_parse(const char *s, size_t n, char *err, size_t errsize)
{
	struct jc p = { .s = s, .n = n };
	jc_put(&p, "", 0);
	bool ok = jc_value(&p);
	if (ok) {
		jc_ws(&p);
		if (p.i != p.n)
			ok = jc_fail(&p, "trailing data");
	}
	if (!ok) {
		if (err)
			snprintf(err, errsize, "%s", p.err);
		free(p.canon);
		return NULL;
	}
	return p.canon;
}

/* Skip one value at p->i (already validated text). */
static void jc_skip(struct jc *p)
{
	size_t keep = p->clen;
	jc_value(p);
	p->clen = keep;
	if (p->canon)
		p->canon[keep] = '\0';
}

/* Find the value at a dotted path ("a.b.0.c"; numbers index arrays) in validated text;
 * returns its offset or -1. */
__attribute__((unused)) static long jc_find(const char *s, const char *path)
{
	struct jc p = { .s = s, .n = strlen(s) };
	char part[64];
	const char *q = path;
	jc_put(&p, "", 0);
	while (*q) {
		size_t l = strcspn(q, ".");
		snprintf(part, sizeof(part), "%.*s", (int)l, q);
		q += l;
		if (*q == '.')
			q++;
		jc_ws(&p);
		char open = p.s[p.i];
		if (open != '{' && open != '[')
			goto miss;
		p.i++;
		jc_ws(&p);
		bool found = false;
		long idx = open == '[' ? strtol(part, NULL, 10) : -1;
		for (long k = 0; p.s[p.i] != '}' && p.s[p.i] != ']'; k++) {
			jc_ws(&p);
			bool match;
			if (open == '{') {
				char *key = malloc(p.n + 1);
				if (!key)
					abort();
				jc_string(&p, key, NULL);
				match = strcmp(key, part) == 0;
				free(key);
				jc_ws(&p);
				p.i++; /* ':' */
			} else {
				match = k == idx;
			}
			jc_ws(&p);
			if (match) {
				found = true;
				break;
			}
			jc_skip(&p);
			jc_ws(&p);
			if (p.s[p.i] == ',')
				p.i++;
			jc_ws(&p);
		}
		if (!found)
			goto miss;
	}
	jc_ws(&p);
	free(p.canon);
	return (long)p.i;
miss:
	free(p.canon);
	return -1;
}

/* The decoded string at path, into out; false if absent or not a string. */
__attribute__((unused)) static bool jc_get_string(const char *s, const char *path, char *out,
						  size_t size)
{
	long at = jc_find(s, path);
	if (at < 0 || s[at] != '"')
		return false;
	struct jc p = { .s = s, .n = strlen(s), .i = (size_t)at };
	char *tmp = malloc(p.n + 1);
	if (!tmp)
		abort();
	bool ok = jc_string(&p, tmp, NULL);
	if (ok)
		snprintf(out, size, "%s", tmp);
	free(tmp);
	free(p.canon);
	return ok;
}

/* The literal token (number, true, false, null) at path, into out. */
__attribute__((unused)) static bool jc_get_token(const char *s, const char *path, char *out,
						 size_t size)
{
	long at = jc_find(s, path);
	if (at < 0)
		return false;
	size_t l = strcspn(s + at, ",}] \n\r\t");
	snprintf(out, size, "%.*s", (int)l, s + at);
	return l > 0;
}

/* Number of elements of the array or object at path, -1 if absent. */
__attribute__((unused)) static long jc_count(const char *s, const char *path)
{
	char sub[256];
	long n = 0;
	if (jc_find(s, path) < 0)
		return -1;
	for (;; n++) {
		snprintf(sub, sizeof(sub), "%s%s%ld", path, path[0] ? "." : "", n);
		if (jc_find(s, sub) < 0)
			return n;
	}
}

#endif
