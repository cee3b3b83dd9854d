/* fuzz_journal.c: one journal line, as journal_read() hands each line to journal_record_parse()
 * (status, rollback, the console and apply all read the journal so; a crash can leave a torn
 * last line). A line taken as a record must mean the same when the journal's own writer writes
 * it again: written back and read, it gives the same op, host, path, seq and data. */
#include "tests/fuzz/fuzz.h"
#include "core/jobs/journal.h"
#include "core/base/json.h"

static void same(const char *what, const char *a, const char *b)
{
	FZ_CHECK((!a && !b) || (a && b && strcmp(a, b) == 0), "%s changed on the way back", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fz_strndup(data, size);
	struct journal_record r;
	if (journal_record_parse(line, &r)) {
		FZ_CHECK(r.line == 0 && !r.undone, "the parser set what only journal_read sets");
		struct buf b;
		buf_init(&b);
		struct json js;
		json_init(&js, &b, false);
		json_object_begin(&js, NULL);
		json_int(&js, "seq", r.seq);
		json_string(&js, "op", r.op);
		json_string(&js, "host", r.host);
		json_string(&js, "path", r.path);
		json_string(&js, "data", r.data);
		json_object_end(&js);
		FZ_CHECK(!memchr(b.data, '\n', b.len), "a record written back spans lines");
		struct journal_record back;
		FZ_CHECK(journal_record_parse(b.data, &back),
			 "a record written back is refused: %s", b.data);
		FZ_CHECK(back.seq == r.seq, "seq changed on the way back");
		same("op", back.op, r.op);
		same("host", back.host, r.host);
		same("path", back.path, r.path);
		same("data", back.data, r.data);
		free(back.data);
		buf_free(&b);
	}
	free(r.data);
	free(line);
	return 0;
}
