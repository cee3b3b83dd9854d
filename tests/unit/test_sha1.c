/* test_sha1.c: SHA-1 against the FIPS 180 examples, HMAC-SHA1 against RFC 2202, and the
 * streaming interface against the one-shot one for every split of a message. */
#include "core/base/sha1.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha1_is(const void *data, size_t n, const char *want)
{
	uint8_t d[SHA1_LEN];
	char h[2 * SHA1_LEN + 1];
	sha1(data, n, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, want);
}

static void test_fips_vectors(void **state)
{
	(void)state;
	sha1_is("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_is("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha1_is(m448, strlen(m448), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	sha1_is(m896, strlen(m896), "a49b2446a02c645bf419f995b67091253a04a259");
}

static void test_million_a(void **state)
{
	(void)state;
	/* One million 'a' fed in uneven pieces, and at once. */
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	sha1_is(a, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	struct sha1_ctx c;
	sha1_init(&c);
	size_t done = 0, step = 1;
	while (done < 1000000) {
		size_t n = step < 1000000 - done ? step : 1000000 - done;
		sha1_update(&c, a + done, n);
		done += n;
		step = step * 7 % 1000 + 1;
	}
	uint8_t d[SHA1_LEN];
	char h[2 * SHA1_LEN + 1];
	sha1_final(&c, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(a);
}

/* Lengths around the padding boundaries (55, 56, 63, 64 bytes) split at every point give the
 * same digest as the one-shot call. */
static void test_streaming_splits(void **state)
{
	(void)state;
	uint8_t msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 31 + 7);
	const size_t lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200 };
	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		size_t n = lens[li];
		uint8_t want[SHA1_LEN];
		sha1(msg, n, want);
		for (size_t cut = 0; cut <= n; cut++) {
			struct sha1_ctx c;
			uint8_t got[SHA1_LEN];
			sha1_init(&c);
			sha1_update(&c, msg, cut);
			sha1_update(&c, msg + cut, n - cut);
			sha1_final(&c, got);
			assert_memory_equal(got, want, SHA1_LEN);
		}
	}
}

static void hmac_is(const void *key, size_t kn, const void *msg, size_t mn, const char *want)
{
	uint8_t d[SHA1_LEN];
	char h[2 * SHA1_LEN + 1];
	hmac_sha1(key, kn, msg, mn, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, want);
}

static void test_rfc2202(void **state)
{
	(void)state;
	uint8_t k[80], m[80];
	memset(k, 0x0b, 20);
	hmac_is(k, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00");
	hmac_is("Jefe", 4, "what do ya want for nothing?", 28,
		"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	hmac_is(k, 20, m, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
	for (int i = 0; i < 25; i++)
		k[i] = (uint8_t)(i + 1);
	memset(m, 0xcd, 50);
	hmac_is(k, 25, m, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
	memset(k, 0x0c, 20);
	hmac_is(k, 20, "Test With Truncation", 20, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
	memset(k, 0xaa, 80);
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	hmac_is(k, 80, m6, strlen(m6), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
	const char *m7 = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size "
			 "Data";
	hmac_is(k, 80, m7, strlen(m7), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

/* A key of exactly one block is used as is, one byte longer is hashed first (the boundary
 * RFC 2202 does not cover): checked against HMAC's definition built from sha1() itself. */
static void test_hmac_block_boundary(void **state)
{
	(void)state;
	for (size_t kn = 63; kn <= 65; kn++) {
		uint8_t key[65], k0[SHA1_BLOCK] = { 0 }, buf[SHA1_BLOCK + 64], inner[SHA1_LEN];
		uint8_t want[SHA1_LEN], got[SHA1_LEN];
		for (size_t i = 0; i < kn; i++)
			key[i] = (uint8_t)(i ^ 0x5a);
		if (kn > SHA1_BLOCK)
			sha1(key, kn, k0);
		else
			memcpy(k0, key, kn);
		for (int i = 0; i < SHA1_BLOCK; i++)
			buf[i] = k0[i] ^ 0x36;
		memcpy(buf + SHA1_BLOCK, "message", 7);
		sha1(buf, SHA1_BLOCK + 7, inner);
		for (int i = 0; i < SHA1_BLOCK; i++)
			buf[i] = k0[i] ^ 0x5c;
		memcpy(buf + SHA1_BLOCK, inner, SHA1_LEN);
		sha1(buf, SHA1_BLOCK + SHA1_LEN, want);
		hmac_sha1(key, kn, "message", 7, got);
		assert_memory_equal(got, want, SHA1_LEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_vectors),	    cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_streaming_splits),    cmocka_unit_test(test_rfc2202),
		cmocka_unit_test(test_hmac_block_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
