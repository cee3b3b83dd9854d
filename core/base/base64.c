/* base64.c: strict RFC 4648 base64, encoding and canonical decoding. */
#include "core/base/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool base64_is_alpha(char c)
{
	return value(c) >= 0;
}

size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void base64_encode(const void *data, size_t n, char *out)
{
	const uint8_t *p = data;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
}

long base64_decode(const char *src, size_t srclen, uint8_t *out, size_t outsize)
{
	if (srclen % 4)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < srclen; i += 4) {
		bool last = i + 4 == srclen;
		int v[4], pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = src[i + j];
			if (c == '=' && last && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad) /* a character after '=' */
				return -1;
			v[j] = value(c);
			if (v[j] < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return -1; /* non-zero unused bits: not the canonical encoding */
		size_t nout = 3 - (size_t)pad;
		if (o + nout > outsize)
			return -1;
		out[o++] = (uint8_t)(w >> 16);
		if (nout > 1)
			out[o++] = (uint8_t)(w >> 8);
		if (nout > 2)
			out[o++] = (uint8_t)w;
	}
	return (long)o;
}
