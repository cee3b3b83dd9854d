/* sshkeys.c: validation of what comes from outside: key types and blobs, public key
 * lines, host names, logins. */
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

static const char *const key_types[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"ssh-rsa",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};

bool sshf_mem_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

bool sshf_mem_eq_str(const char *a, size_t an, const char *s)
{
	return sshf_mem_eq(a, an, s, strlen(s));
}

char sshf_ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool sshf_mem_caseeq_str(const char *a, size_t an, const char *s)
{
	if (an != strlen(s))
		return false;
	for (size_t i = 0; i < an; i++)
		if (sshf_ascii_lower(a[i]) != sshf_ascii_lower(s[i]))
			return false;
	return true;
}

static bool keytype_known(const char *t, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(key_types); i++)
		if (sshf_mem_eq_str(t, n, key_types[i]))
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
	return rd_string(r, &s, &l) && sshf_mem_eq((const char *)s, l, want, strlen(want));
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
	if (sshf_mem_eq_str(type, tn, "ssh-ed25519"))
		ok = rd_len(r, 32);
	else if (sshf_mem_eq_str(type, tn, "sk-ssh-ed25519@openssh.com"))
		ok = rd_len(r, 32) && rd_nonempty(r, 1);
	else if (sshf_mem_eq_str(type, tn, "ecdsa-sha2-nistp256"))
		ok = rd_is(r, "nistp256") && rd_point(r, 32);
	else if (sshf_mem_eq_str(type, tn, "ecdsa-sha2-nistp384"))
		ok = rd_is(r, "nistp384") && rd_point(r, 48);
	else if (sshf_mem_eq_str(type, tn, "ecdsa-sha2-nistp521"))
		ok = rd_is(r, "nistp521") && rd_point(r, 66);
	else if (sshf_mem_eq_str(type, tn, "sk-ecdsa-sha2-nistp256@openssh.com"))
		ok = rd_is(r, "nistp256") && rd_point(r, 32) && rd_nonempty(r, 1);
	else if (sshf_mem_eq_str(type, tn, "ssh-rsa"))
		ok = rd_nonempty(r, 1) && rd_nonempty(r, 1024 / 8); /* e, n of 1024+ bits */
	else
		return r->n > 0;
	return ok && r->n == 0;
}

/* b64[0..n) is canonical base64 of an SSH public key blob of type type[0..tn) (what
 * sshkey_read checks before it accepts "type blob"). */
bool sshf_blob_matches_type(const char *b64, size_t n, const char *type, size_t tn)
{
	if (n == 0 || n > KEYLINE_MAX || tn == 0 || tn > KEYTYPE_MAX)
		return false;
	uint8_t *blob = xcalloc(n, 1);
	long len = base64_decode(b64, n, blob, n);
	bool ok = false;
	if (len > 0) {
		struct rd r = { blob, (size_t)len };
		const uint8_t *t;
		size_t tl;
		ok = rd_string(&r, &t, &tl) && sshf_mem_eq((const char *)t, tl, type, tn) &&
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
	       sshf_blob_matches_type(key_b64, strlen(key_b64), keytype, tn);
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
	if (!sshf_blob_matches_type(b, bn, line, (size_t)(sp - line)))
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

bool sshf_login_valid(const char *s)
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
	case KH_UNKNOWN: return "unknown";
	case KH_OK: return "ok";
	case KH_CHANGED: return "changed";
	case KH_REVOKED: return "revoked";
	case KH_ERROR: return "error";
	}
	return "?";
}
