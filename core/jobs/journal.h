/* journal.h: a durable record of every change sparklink makes, so rollback can undo exactly
 * that, even after a crash or kill -9. Each change is recorded (and fsync'ed) BEFORE it is made:
 * one JSON object per line, appended. Rollback treats a record whose change never happened as
 * already undone (every undo is idempotent).
 *
 * Location: $SPARKLINK_STATE_DIR/journal.jsonl if set; as root /var/lib/sparklink/journal.jsonl
 * (directory 0700); otherwise $XDG_STATE_HOME/sparklink (default ~/.local/state/sparklink). */
#ifndef SPARKLINK_JOURNAL_H
#define SPARKLINK_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct journal;

/* Path of the journal for this process (see above). */
void journal_default_path(char *out, size_t size);
/* A user's own journal (pairing run without sudo writes there). */
void journal_user_path(const char *home, char *out, size_t size);
/* Open the journal at path for appending (made 0600 in a 0700 directory when missing). The file
 * and its directory must belong to this process's effective user, not be symbolic links and not
 * be writable by group or others: else NULL and a sentence saying how to fix it. */
struct journal *journal_open(const char *path, char *err, size_t errsize);
void journal_close(struct journal *j);
/* Record one change: op ("authkeys-add", "known-hosts-add", ...), host ("local" or the peer's
 * address), path (the file changed), data (the line or names; may be NULL). Returns 0 or -errno;
 * a failure means the change must not be made. Thread-safe: several threads of one job may
 * record into one journal. */
int journal_record(struct journal *j, const char *op, const char *host, const char *path,
		   const char *data);

struct journal_record {
	long seq;
	char op[32];
	char host[128];
	char path[PATH_MAX];
	char *data; /* NULL when the record has none */
	long line; /* its line in the journal (1 = first) */
	bool undone; /* a later "undone" record names this line (or this is such a marker) */
};

/* Read every record of the journal at path (oldest first). The file and its directory must
 * belong to owner (root's journal: 0; a user's: that user), be no symbolic links and not be
 * writable by group or others; else -EPERM and a sentence in err saying how to fix it (nothing
 * is read). A missing file is an empty journal. A line that is not a record this version wrote
 * is reported in err and skipped, never guessed at. Returns the count or -errno. */
int journal_read(const char *path, uid_t owner, struct journal_record **out, char *err,
		 size_t errsize);
/* One journal line (without its newline) into r, as journal_read() reads each line: false if it
 * is not a record this version wrote (a key repeated, an escape cut short, ...). r->data is
 * malloc'ed or NULL, also when it returns false: free it. r->line and r->undone stay 0. */
bool journal_record_parse(const char *line, struct journal_record *r);
void journal_records_free(struct journal_record *v, size_t n);

#endif
