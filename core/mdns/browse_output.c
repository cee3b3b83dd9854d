/* browse_output.c: parsing avahi-browse's parsable output from another node (browse_output.h). */
#include "core/mdns/browse_output.h"

#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#define FIELDS 9 /* =;IFACE;PROTO;NAME;TYPE;DOMAIN;HOST;ADDRESS;PORT[;TXT] */

/* Decode avahi's label escapes into out (at most size - 1 bytes); false on a bad escape. */
static bool unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			if (i + 1 >= n)
				return false;
			if (s[i + 1] >= '0' && s[i + 1] <= '9') {
				unsigned v = 0;
				for (size_t k = 1; k <= 3; k++) {
					if (i + k >= n || s[i + k] < '0' || s[i + k] > '9')
						return false;
					v = v * 10 + (unsigned)(s[i + k] - '0');
				}
				if (v > 255)
					return false;
				c = (unsigned char)v;
				i += 3;
			} else {
				c = (unsigned char)s[++i];
			}
		}
		if (o + 1 >= size)
			return false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return true;
}

static bool host_label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return true;
}

static bool parse_line(const char *line, size_t len, struct browse_entry *e)
{
	const char *f[FIELDS];
	size_t fl[FIELDS], k = 0, start = 0;
	for (size_t i = 0; i <= len && k < FIELDS; i++)
		if (i == len || line[i] == ';') {
			f[k] = line + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	if (k < FIELDS || fl[0] != 1 || f[0][0] != '=')
		return false;
	memset(e, 0, sizeof(*e));
	/* interface */
	if (fl[1] == 0 || fl[1] >= sizeof(e->ifname))
		return false;
	memcpy(e->ifname, f[1], fl[1]);
	if (!text_is_ifname(e->ifname))
		return false;
	/* protocol */
	if (fl[2] == 4 && memcmp(f[2], "IPv4", 4) == 0)
		e->family = AF_INET;
	else if (fl[2] == 4 && memcmp(f[2], "IPv6", 4) == 0)
		e->family = AF_INET6;
	else
		return false;
	/* name */
	char raw[256];
	if (!unescape(f[3], fl[3], raw, sizeof(raw)) || !raw[0])
		return false;
	text_clean(e->name, sizeof(e->name), raw, strlen(raw), 0);
	/* host: LABEL.local */
	if (fl[6] < 7 || memcmp(f[6] + fl[6] - 6, ".local", 6) != 0 ||
	    !host_label_ok(f[6], fl[6] - 6))
		return false;
	memcpy(e->host, f[6], fl[6] - 6);
	/* address */
	if (fl[7] == 0 || fl[7] >= sizeof(e->addr))
		return false;
	memcpy(e->addr, f[7], fl[7]);
	unsigned char bin[16];
	if (inet_pton(e->family, e->addr, bin) != 1)
		return false;
	/* port */
	if (fl[8] == 0 || fl[8] > 5)
		return false;
	unsigned port = 0;
	for (size_t i = 0; i < fl[8]; i++) {
		if (f[8][i] < '0' || f[8][i] > '9')
			return false;
		port = port * 10 + (unsigned)(f[8][i] - '0');
	}
	if (port == 0 || port > 65535)
		return false;
	e->port = port;
	return true;
}

size_t browse_output_parse(const char *text, size_t n, struct browse_entry *out, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
		struct browse_entry e;
		if (len < 4096 && !memchr(text + i, '\0', len) && parse_line(text + i, len, &e)) {
			if (count < max)
				out[count] = e;
			count++;
		}
		i += len + 1;
	}
	return count;
}
