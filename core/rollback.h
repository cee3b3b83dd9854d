/* rollback.h: undoing what the journal (journal.h) recorded, newest first.
 *
 * This part undoes the SSH changes pairing made on this machine: lines added to authorized_keys
 * and known_hosts are removed (exactly those: every other byte stays), a Host block sparklink
 * wrote is removed. Keys sparklink created are kept (the user may use them elsewhere) and said so.
 * Records of changes on a peer are listed for the caller, which undoes them over SSH. Every undo
 * is idempotent: a second rollback finds nothing left to do. */
#ifndef SPARKLINK_ROLLBACK_H
#define SPARKLINK_ROLLBACK_H

#include "core/sshfiles.h"
#include "core/util.h"

#include <stdbool.h>

struct journal_record {
	long seq;
	char op[32];
	char host[128];
	char path[4096];
	char *data; /* NULL when the record has none */
};

/* Read every record of the journal at path (oldest first). A line that is not a record this
 * version wrote is reported in err and skipped, never guessed at. Returns the count or -errno. */
int journal_read(const char *path, struct journal_record **out, char *err, size_t errsize);
void journal_records_free(struct journal_record *v, size_t n);

struct rollback_report {
	int undone, already, kept, remote, failed;
};

/* Undo this machine's SSH records, newest first; with dry_run only describe. Each action is one
 * line in log ("remove ... from ..."). */
int rollback_ssh_local(const struct journal_record *v, size_t n, const struct ssh_user *u,
		       bool dry_run, struct buf *log, struct rollback_report *rep);

#endif
