/* base64.h: RFC 4648 base64 (standard alphabet, '=' padding) as OpenSSH writes it in key lines
 * and hashed known_hosts names. */
#ifndef SPARKLINK_BASE64_H
#define SPARKLINK_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, without the NUL. */
size_t base64_encoded_len(size_t n);
/* Encode n bytes into out (base64_encoded_len(n) + 1 bytes), NUL-terminated. */
void base64_encode(const void *data, size_t n, char *out);
/* Decode exactly srclen characters: only the alphabet, length a multiple of 4, at most two '='
 * at the end, unused bits zero (so every byte string has one encoding). Returns the decoded
 * length, or -1 if src is not such base64 or the result does not fit in outsize. */
long base64_decode(const char *src, size_t srclen, uint8_t *out, size_t outsize);
/* True if c belongs to the base64 alphabet (without '='). */
bool base64_is_alpha(char c);

#endif
