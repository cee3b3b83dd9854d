/* fuzz_json_roundtrip.c: sparklink reads no JSON but its journal (core/base/json.c only writes), so
 * the JSON reader fuzzed here is the journal's, against the writer: any op, host, path and data
 * (the input's first four NUL-separated parts; data null when there are fewer than four), written
 * as journal_record() writes a record, is one line with no raw control character, and
 * journal_record_parse() gives back the same bytes (cut to the record's field sizes). */
#include "tests/fuzz/fuzz.h"
#include "core/jobs/journal.h"
#include "core/base/json.h"

/* got must be want cut to size - 1 bytes */
static void cut_equal(const char *what, const char *got, const char *want, size_t size)
{
	size_t n = strlen(want) < size - 1 ? strlen(want) : size - 1;
	FZ_CHECK(strlen(got) == n && memcmp(got, want, n) == 0, "%s read back differs", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fz_strndup(data, size);
	const char *part[4] = { "", "", "", NULL };
	size_t np = 0, at = 0;
	while (np < 4 && at <= size) {
		part[np++] = in + at;
		at += strlen(in + at) + 1;
	}
	struct buf b;
	buf_init(&b);
	struct json js;
	json_init(&js, &b, false);
	json_object_begin(&js, NULL);
	json_string(&js, "time", "2026-12-03T10:15:02Z");
	json_int(&js, "pid", 4242);
	json_int(&js, "seq", 7);
	json_string(&js, "op", part[0]);
	json_string(&js, "host", part[1]);
	json_string(&js, "path", part[2]);
	json_string(&js, "data", part[3]);
	json_object_end(&js);
	for (size_t i = 0; i < b.len; i++)
		FZ_CHECK((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f,
			 "raw control byte 0x%02x in the JSON at %zu", (unsigned char)b.data[i], i);
	struct journal_record r;
	FZ_CHECK(journal_record_parse(b.data, &r), "the journal refuses what json.c wrote: %s",
		 b.data);
	FZ_CHECK(r.seq == 7, "seq %ld", r.seq);
	cut_equal("op", r.op, part[0], sizeof(r.op));
	cut_equal("host", r.host, part[1], sizeof(r.host));
	cut_equal("path", r.path, part[2], sizeof(r.path));
	FZ_CHECK((!r.data && !part[3]) || (r.data && part[3] && strcmp(r.data, part[3]) == 0),
		 "data read back differs");
	free(r.data);
	buf_free(&b);
	free(in);
	return 0;
}
