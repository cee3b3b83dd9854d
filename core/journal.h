/* journal.h: a durable record of every change sparklink makes, so rollback can undo exactly
 * that, even after a crash or kill -9. Each change is recorded (and fsync'ed) BEFORE it is made:
 * one JSON object per line, appended. Rollback treats a record whose change never happened as
 * already undone (every undo is idempotent).
 *
 * Location: $SPARKLINK_STATE_DIR/journal.jsonl if set; as root /var/lib/sparklink/journal.jsonl
 * (directory 0700); otherwise $XDG_STATE_HOME/sparklink (default ~/.local/state/sparklink). */
#ifndef SPARKLINK_JOURNAL_H
#define SPARKLINK_JOURNAL_H

#include <stddef.h>

struct journal;

/* Path of the journal for this process (see above). */
void journal_default_path(char *out, size_t size);
struct journal *journal_open(const char *path, char *err, size_t errsize);
void journal_close(struct journal *j);
/* Record one change: op ("authkeys-add", "known-hosts-add", ...), host ("local" or the peer's
 * address), path (the file changed), data (the line or names; may be NULL). Returns 0 or -errno;
 * a failure means the change must not be made. */
int journal_record(struct journal *j, const char *op, const char *host, const char *path,
		   const char *data);

#endif
