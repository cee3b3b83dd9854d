/* actlog.h: the console's log of every action and event, with its time and outcome.
 *
 * Kept in memory (the newest ACTLOG_KEEP entries, for the log pane) and appended, one line per
 * entry, to a file: $SPARKLINK_STATE_DIR/console.log if set; as root
 * /var/lib/sparklink/console.log (directory 0700); otherwise $XDG_STATE_HOME/sparklink (default
 * ~/.local/state/sparklink)/console.log. Lines are "2026-11-24 12:03:04 +0000 OK    text". All
 * text is cleaned (text.h) before it is kept or written; callers never pass secrets. When the
 * file cannot be opened the log still works in memory and says why. */
#ifndef SPARKLINK_ACTLOG_H
#define SPARKLINK_ACTLOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define ACTLOG_KEEP 500

enum actlog_level { ACTLOG_INFO, ACTLOG_OK, ACTLOG_FAIL };

struct actlog_entry {
	time_t when;
	enum actlog_level level;
	char text[400];
};

struct actlog {
	struct actlog_entry *v; /* ring of ACTLOG_KEEP */
	size_t n, first;
	int fd; /* -1: memory only */
	char path[PATH_MAX];
	char error[320]; /* why the file is not written, "" when it is */
	unsigned long generation; /* bumped by every entry */
};

/* The log file's path for this process (see above). */
void actlog_default_path(char *out, size_t size);
/* Start a log appending to path ("" = memory only). Returns 0, or -errno with a sentence in
 * l->error (the log then works in memory). */
int actlog_open(struct actlog *l, const char *path);
void actlog_close(struct actlog *l);
__attribute__((format(printf, 3, 4))) void actlog_add(struct actlog *l, enum actlog_level level,
						      const char *fmt, ...);
size_t actlog_count(const struct actlog *l);
/* Entry i, 0 = the oldest kept. */
const struct actlog_entry *actlog_get(const struct actlog *l, size_t i);
const char *actlog_level_word(enum actlog_level level); /* "INFO", "OK", "FAILED" */
/* "12:03:04 OK     text" (with_date: "2026-11-24 12:03:04 +0000 ..."). */
void actlog_format(const struct actlog_entry *e, bool with_date, char *out, size_t size);

#endif
