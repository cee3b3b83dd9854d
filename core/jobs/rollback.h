/* rollback.h: undoing what the journal (journal.h) recorded, newest first.
 *
 * This part undoes the SSH changes pairing made on this machine: lines added to authorized_keys
 * and known_hosts are removed (exactly those: every other byte stays), a Host block sparklink
 * wrote is removed. Keys sparklink created are kept (the user may use them elsewhere) and said so.
 * Records of changes on a peer are listed for the caller, which undoes them over SSH. Every undo
 * is idempotent: a second rollback finds nothing left to do. */
#ifndef SPARKLINK_ROLLBACK_H
#define SPARKLINK_ROLLBACK_H

#include "core/jobs/journal.h"
#include "core/node/node.h"
#include "core/ssh/sshfiles.h"
#include "core/base/worker.h"
#include "core/jobs/job.h"
#include "core/base/util.h"

#include <limits.h>
#include <stdbool.h>

struct rollback_report {
	int undone, already, kept, remote, failed;
	int planned; /* dry run: what would be undone */
	int refused; /* records outside their operation's rules (journal_ops.h): not undone */
};

/* Undo this machine's SSH records, newest first; with dry_run only describe. Each action is one
 * line in log ("remove ... from ..."). */
int rollback_ssh_local(const struct journal_record *v, size_t n, const struct ssh_user *u,
		       bool dry_run, struct buf *log, struct rollback_report *rep);

/* The whole rollback, as a worker job: every record of the journal(s) not undone yet, newest
 * first, on this node and on the peer (over SSH, node_remote.h): netplan files restored byte for
 * byte (or ours removed) and netplan applied, addresses deleted, MTU, link state and IPv6
 * link-local restored, and with include_ssh the SSH lines pairing added (keys are kept). Each
 * record undone (or found already undone) gets an "undone" record, so a second rollback finds
 * nothing and a rollback cut short by a crash goes on where it stopped. */
/* The job speaks job.h: JOB_PROGRESS (one action), JOB_WARN, JOB_ASK_PASSWORD (sudo on the
 * peer, tries 1..3), JOB_ASK_CONFIRM (JOB_CONFIRM_SESSION: the user's SSH session is on an
 * interface to undo), JOB_DONE (code 0 ok, 1 something failed; text = summary). */

struct rollback_request {
	char journal_path[PATH_MAX]; /* this process's journal (journal_default_path) */
	char user_journal_path[PATH_MAX]; /* under sudo: the invoking user's journal (pairing done
				       * without sudo); "" = none */
	struct ssh_user user; /* whose files and whose SSH login */
	bool include_ssh, dry_run, allow_session_if;
	bool local_only; /* leave the peer's records for later (it is gone) */
	const char *sudo_password; /* the peer's, given up front; NULL = ask */
	int timeout_s;
};

struct rollback_outcome {
	int status; /* 0 ok, 1 failed */
	struct rollback_report rep;
	struct buf log; /* one line per action */
	int pending; /* records that were still to undo */
	char summary[512];
};

struct rollback_job {
	struct rollback_request req;
	struct rollback_outcome out;
};

void rollback_job_run(struct worker *w, void *arg /* struct rollback_job */);
void rollback_job_free(struct rollback_job *job);

#endif
