/* fuzz_base64.c: base64 as key lines and hashed known_hosts names carry it (the peer's key, the
 * user's files). Any bytes encode to base64_encoded_len() characters of the alphabet (and '='),
 * which decode back to the same bytes; any text that decodes is the one canonical encoding of
 * what it decodes to (re-encoding gives the text back), and a result that does not fit is
 * refused, never written past the buffer (exactly as large as asked). */
#include "tests/fuzz/fuzz.h"
#include "core/base/base64.h"

static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* bytes -> text -> bytes */
	size_t el = base64_encoded_len(size);
	char *enc = malloc(el + 1);
	if (!enc)
		abort();
	base64_encode(data, size, enc);
	FZ_CHECK(strlen(enc) == el && el % 4 == 0, "encoded length %zu, want %zu", strlen(enc), el);
	for (size_t i = 0; i < el; i++)
		FZ_CHECK(strchr(ALPHA, enc[i]) ? base64_is_alpha(enc[i])
					       : (enc[i] == '=' && i + 2 >= el),
			 "character %zu of the encoding", i);
	uint8_t *dec = malloc(size ? size : 1);
	if (!dec)
		abort();
	long got = base64_decode(enc, el, dec, size);
	FZ_CHECK(got == (long)size && (!size || memcmp(dec, data, size) == 0),
		 "encode then decode gives %ld bytes for %zu", got, size);
	if (size)
		FZ_CHECK(base64_decode(enc, el, dec, size - 1) == -1, "a result too large fit");
	free(dec);
	free(enc);

	/* text -> bytes -> text */
	const char *text = (const char *)data;
	size_t cap = size / 4 * 3;
	uint8_t *out = malloc(cap ? cap : 1);
	if (!out)
		abort();
	got = base64_decode(text, size, out, cap);
	if (got >= 0) {
		char *re = malloc(base64_encoded_len((size_t)got) + 1);
		if (!re)
			abort();
		base64_encode(out, (size_t)got, re);
		FZ_CHECK(strlen(re) == size && memcmp(re, text, size) == 0,
			 "decoded text is not the canonical encoding of what it decodes to");
		free(re);
	}
	free(out);
	return 0;
}
