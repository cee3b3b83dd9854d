/* fuzz_remote_output.c: what the peer prints back to sparklink's scripts (core/node/node_remote.c),
 * the peer being possibly hostile. The same input goes to every parser (each ignores what it
 * does not understand): `ip -o link/addr` for probe_if, FILE_READ/USER_READ's "MODE SIZE[ GID]
 * \nBASE64", DIR_LIST's NUL-separated names, SESSION_IF's "$SSH_CONNECTION" + `ip -o addr`,
 * HOSTNAME's first line, and line_cut on a file (its first line is the line to cut). What they
 * keep is checked: addresses are addresses, a file decodes to its base64, names are clean,
 * sorted and were in the answer, an interface is an interface name, a cut removes one line. */
#include "tests/fuzz/fuzz.h"
#include "core/base/base64.h"
#include "core/node/node_remote.h"
#include "core/node/node_remote_ops.h"
#include "core/node/node_remote_user.h"
#include "core/base/text.h"

#include <arpa/inet.h>
#include <limits.h>

static void check_cidr(const char *s, int family, size_t size)
{
	FZ_CHECK(memchr(s, '\0', size), "address not terminated");
	const char *slash = strchr(s, '/');
	FZ_CHECK(slash, "address without /len: %s", s);
	char a[64];
	snprintf(a, sizeof(a), "%.*s", (int)(slash - s), s);
	unsigned char ip[16];
	FZ_CHECK(inet_pton(family, a, ip) == 1, "not an address: %s", s);
	char *end;
	long len = strtol(slash + 1, &end, 10);
	FZ_CHECK(!*end && len >= 1 && len <= (family == AF_INET ? 32 : 128), "length: %s", s);
	if (family == AF_INET6)
		FZ_CHECK(ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80, "not link-local: %s", s);
}

static void probe_if(const uint8_t *data, size_t size)
{
	char *text = fz_strndup(data, size);
	struct node_if f;
	memset(&f, 0, sizeof(f));
	strcpy(f.ifname, "enp1s0f1np1");
	f.addr_gen_mode = -1;
	node_remote_parse_probe_if(text, &f);
	FZ_CHECK(strcmp(f.ifname, "enp1s0f1np1") == 0, "ifname changed");
	FZ_CHECK(f.addr_gen_mode >= -1 && f.addr_gen_mode <= 3, "addr_gen_mode %d",
		 f.addr_gen_mode);
	FZ_CHECK(f.mtu <= 1u << 20, "mtu %u", f.mtu);
	FZ_CHECK(f.naddrs <= NODE_MAX_ADDRS && f.naddrs6 <= NODE_MAX_ADDRS, "address count");
	for (size_t i = 0; i < f.naddrs; i++)
		check_cidr(f.addrs[i], AF_INET, sizeof(f.addrs[i]));
	for (size_t i = 0; i < f.naddrs6; i++)
		check_cidr(f.addrs6[i], AF_INET6, sizeof(f.addrs6[i]));
	free(text);
}

static void file(const uint8_t *data, size_t size, bool with_gid)
{
	struct buf b;
	buf_init(&b);
	buf_add(&b, (const char *)data, size);
	struct node_file f;
	node_file_init(&f);
	bool changed = true;
	unsigned long gid = 0;
	bool ok = node_remote_parse_file(&b, &f, &changed, with_gid ? &gid : NULL);
	FZ_CHECK(!(ok && changed), "both read and changed");
	FZ_CHECK(ok == f.exists, "exists without a file, or a file that does not exist");
	if (ok) {
		FZ_CHECK(f.mode <= 07777, "mode %o", f.mode);
		const char *nl = memchr(data, '\n', size);
		FZ_CHECK(nl, "a file from an answer without a header line");
		size_t blen = size - (size_t)(nl + 1 - (const char *)data);
		while (blen && (nl[blen] == '\n' || nl[blen] == '\r'))
			blen--;
		char *enc = malloc(base64_encoded_len(f.data.len) + 1);
		if (!enc)
			abort();
		base64_encode(f.data.data, f.data.len, enc);
		FZ_CHECK(strlen(enc) == blen && memcmp(enc, nl + 1, blen) == 0,
			 "the content is not what the base64 says");
		free(enc);
		/* the size the header told */
		char head[64];
		snprintf(head, sizeof(head), "%.*s", (int)(nl - (const char *)data),
			 (const char *)data);
		unsigned long mode, n;
		FZ_CHECK(sscanf(head, "%lo %lu", &mode, &n) == 2 && n == f.data.len &&
				 mode == f.mode,
			 "header %s for %zu bytes, mode %o", head, f.data.len, f.mode);
	}
	node_file_free(&f);
	buf_free(&b);
}

static void dir_list(const uint8_t *data, size_t size)
{
	struct buf names;
	buf_init(&names);
	/* for the names' search: the last one may lack its NUL */
	char *in = fz_strndup(data, size);
	node_remote_parse_dir_list((const char *)data, size, &names);
	buf_add(&names, "", 0);
	char prev[NAME_MAX + 2] = "";
	for (char *save, *n = strtok_r(names.data, "\n", &save); n;
	     n = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(n);
		FZ_CHECK(l >= 1 && l <= NAME_MAX && !strchr(n, '/') && strcmp(n, ".") &&
				 strcmp(n, ".."),
			 "not a file name");
		const char *bad = fz_clean_problem(n, false);
		FZ_CHECK(!bad, "a name with %s", bad);
		FZ_CHECK(strcmp(prev, n) < 0, "not sorted, or twice");
		bool seen = false;
		for (size_t i = 0; i < size && !seen; i += strlen(in + i) + 1)
			seen = strcmp(in + i, n) == 0;
		FZ_CHECK(seen, "a name that was not in the answer");
		strcpy(prev, n);
	}
	buf_free(&names);
	free(in);
}

static void session_if(const uint8_t *data, size_t size)
{
	char *text = fz_strndup(data, size);
	char ifname[16] = "";
	node_remote_parse_session_if(text, ifname, sizeof(ifname));
	FZ_CHECK(!ifname[0] || text_is_ifname(ifname), "not an interface name");
	free(text);
}

static void hostname(const uint8_t *data, size_t size)
{
	char out[256];
	node_remote_parse_hostname((const char *)data, size, out, sizeof(out));
	FZ_CHECK(fz_name_chars(out), "a host name with other characters");
}

/* line_cut: remove the last line equal to the input's first line from the rest */
static void line_cut(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || nl == data || memchr(data, '\0', (size_t)(nl - data)))
		return;
	char *line = fz_strndup(data, (size_t)(nl - data));
	size_t ll = strlen(line);
	const char *rest = (const char *)nl + 1;
	size_t rlen = size - ll - 1;
	struct buf b;
	buf_init(&b);
	buf_add(&b, rest, rlen);
	/* where the last such line starts, by our own count */
	long want = -1;
	for (size_t s = 0; s <= rlen;) {
		const char *e = memchr(rest + s, '\n', rlen - s);
		size_t end = e ? (size_t)(e - rest) : rlen;
		if (end - s == ll && memcmp(rest + s, line, ll) == 0 && (e || s < rlen))
			want = (long)s;
		if (!e)
			break;
		s = end + 1;
	}
	bool cut = node_remote_line_cut(&b, line);
	FZ_CHECK(cut == (want >= 0), "cut %d, but the line is %sthere", cut,
		 want >= 0 ? "" : "not ");
	if (cut) {
		size_t from = (size_t)want, to = from + ll + (from + ll < rlen ? 1 : 0);
		FZ_CHECK(b.len == rlen - (to - from) && memcmp(b.data, rest, from) == 0 &&
				 memcmp(b.data + from, rest + to, rlen - to) == 0,
			 "the cut removed something else");
	} else {
		FZ_CHECK(b.len == rlen && (!rlen || memcmp(b.data, rest, rlen) == 0),
			 "no cut, but the data changed");
	}
	buf_free(&b);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	probe_if(data, size);
	file(data, size, false);
	file(data, size, true);
	dir_list(data, size);
	session_if(data, size);
	hostname(data, size);
	line_cut(data, size);
	return 0;
}
