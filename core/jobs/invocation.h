/* invocation.h: who runs this sparklink and where its journals are, computed once.
 *
 * Under sudo the person is the invoking user (SUDO_UID/SUDO_USER, checked against the password
 * database): pairing works on their ~/.ssh and logs in as them. The process's own journal is
 * root's when it runs as root (/var/lib/sparklink/journal.jsonl, owned by root), else the user's
 * (~/.local/state/sparklink/journal.jsonl). Root acting for another user also looks at that
 * user's own journal (pairing done without sudo), as data: only what pairing writes there is
 * honoured, and it is undone with that user's rights (rollback.h). */
#ifndef SPARKLINK_INVOCATION_H
#define SPARKLINK_INVOCATION_H

#include "core/jobs/journal_ops.h"
#include "core/ssh/sshfiles.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct invocation {
	struct ssh_user user; /* whose ~/.ssh, whose SSH login */
	bool root; /* euid 0: may change the network */
	char journal[PATH_MAX]; /* this process's journal */
	uid_t journal_owner; /* who must own it (the effective user) */
	char user_journal[PATH_MAX]; /* root acting for another user: that user's journal; else "" */
};

/* Fill inv; -errno with a sentence in err when the user cannot be known. */
int invocation_get(struct invocation *inv, char *err, size_t errsize);
/* The scope this process's own journal is judged in (a user's journal when not root). */
void invocation_scope(const struct invocation *inv, struct journal_scope *s);
/* The scope of the user's own journal, read by root. */
void invocation_user_scope(const struct invocation *inv, struct journal_scope *s);

#endif
