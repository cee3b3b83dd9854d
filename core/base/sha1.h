/* sha1.h: SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104), for OpenSSH's hashed known_hosts names
 * (|1|salt|HMAC-SHA1(salt, name)). Not for anything that needs collision resistance. */
#ifndef SPARKLINK_SHA1_H
#define SPARKLINK_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN 20
#define SHA1_BLOCK 64

struct sha1_ctx {
	uint32_t h[5];
	uint64_t nbytes;
	uint8_t block[SHA1_BLOCK];
	size_t used;
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t n);
void sha1_final(struct sha1_ctx *c, uint8_t out[SHA1_LEN]);

void sha1(const void *data, size_t n, uint8_t out[SHA1_LEN]);
void hmac_sha1(const void *key, size_t keylen, const void *msg, size_t n, uint8_t out[SHA1_LEN]);

#endif
