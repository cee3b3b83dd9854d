/* test_base64.c: base64 as OpenSSH writes it: the RFC 4648 examples both ways, and the strict
 * decoder refusing everything that is not the one canonical encoding (as OpenSSH's b64_pton
 * does), so that comparing key blobs as text is comparing keys. */
#include "core/base/base64.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const struct {
	const char *plain, *enc;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void test_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		char out[16];
		uint8_t dec[16];
		size_t n = strlen(rfc4648[i].plain);
		assert_int_equal(base64_encoded_len(n), strlen(rfc4648[i].enc));
		base64_encode(rfc4648[i].plain, n, out);
		assert_string_equal(out, rfc4648[i].enc);
		long d = base64_decode(rfc4648[i].enc, strlen(rfc4648[i].enc), dec, sizeof(dec));
		assert_int_equal(d, (long)n);
		assert_memory_equal(dec, rfc4648[i].plain, n);
	}
}

static void test_all_bytes_round_trip(void **state)
{
	(void)state;
	uint8_t data[256], back[256];
	char enc[400];
	for (int i = 0; i < 256; i++)
		data[i] = (uint8_t)(255 - i);
	for (size_t n = 0; n <= 256; n += 1) {
		base64_encode(data, n, enc);
		assert_int_equal(base64_decode(enc, strlen(enc), back, sizeof(back)), (long)n);
		assert_memory_equal(back, data, n);
	}
}

static void test_rejects_non_canonical(void **state)
{
	(void)state;
	uint8_t out[16];
	const char *bad[] = {
		"Zg", /* no padding */
		"Zg=", /* short padding */
		"Zh==", /* unused bits set: "f" is only Zg== */
		"Zm9=", /* unused bits set */
		"Z===", /* too much padding */
		"Zg==Zg==", /* padding in the middle */
		"Zm9v\n", /* white space */
		"Zm 9v", /* white space */
		"Zm9-", /* base64url alphabet */
		"Zm9_",	    "=Zm9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(base64_decode(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
	/* the output buffer is never overrun */
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 5), -1);
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 6), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_all_bytes_round_trip),
		cmocka_unit_test(test_rejects_non_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
