/* journal_ops.h: the operations a journal may hold, and the paths each one may touch.
 *
 * A journal is data, not authority: before a record is listed, counted or undone it is judged
 * here against the set of things its operation may touch. In root's journal:
 *   file-write     /etc/netplan/NAME.yaml or a file in sparklink's backup directory; the saved
 *                  mode has no set-id or sticky bit
 *   backup         a file in sparklink's backup directory (kept, never acted on)
 *   addr-add, mtu-set, link-up, ll4, ll6
 *                  an interface that a plan record before it names, on this node or on that
 *                  plan's peer, or that a cluster-plan record before it gives to the node
 *                  written under that host; the data as apply writes it
 *   nm-profile     the same interfaces; the data "UUID PREVIOUS [ADDRESS]": the in-memory
 *                  NetworkManager profile sparklink activated there and the one active before
 *                  ("-": none), both UUIDs, then the address/len the profile set (since
 *                  December 2026; shown in the rollback's list, nothing acts on it); undo
 *                  deletes UUID only while it is named "sparklink-IF" (never another tool's
 *                  profile) and activates PREVIOUS again if it still exists
 *   authkeys-add, known-hosts-add, ssh-config-host, key-create
 *                  the invoking user's own ~/.ssh/{authorized_keys,known_hosts,config} (key-create:
 *                  a file in that ~/.ssh); on a peer, ~/.ssh/authorized_keys or known_hosts of
 *                  the login user; the data a valid key line, host names, an alias. A
 *                  known-hosts-add record holds one host key: this node's is one line
 *                  "name,name type key"; a peer's (pair, and each peer of a mesh) one line per
 *                  name, "name type key" with the same key on every line, at most 16 lines
 *   user-create    on a peer only, a plain user name (kept, never acted on)
 *   plan, netplan-apply, undone   markers (nothing to undo)
 *   cluster-plan   a marker: every node of a cluster apply with the host its records are
 *                  written under and its own interfaces (core/jobs/cluster_record.h)
 * In a user's own journal (pairing run without sudo) only what pairing writes is honoured, with
 * the same rules against that user's ~/.ssh; every other record is ignored ("not something
 * pairing writes"). A record outside its set is refused, with the reason, everywhere it is shown
 * (rollback's dry run and real run, status, the console). */
#ifndef SPARKLINK_JOURNAL_OPS_H
#define SPARKLINK_JOURNAL_OPS_H

#include "core/jobs/journal.h"
#include "core/node/node.h"
#include "core/ssh/sshfiles.h"
#include "core/base/util.h"

#include <stdbool.h>
#include <stddef.h>

/* sparklink's own backup directory (root's, on every node) */
#define JOURNAL_BACKUP_DIR "/var/lib/sparklink/backup"

enum journal_op {
	JOP_PLAN,
	JOP_NETPLAN_APPLY,
	JOP_UNDONE,
	JOP_BACKUP,
	JOP_FILE_WRITE,
	JOP_ADDR_ADD,
	JOP_MTU_SET,
	JOP_LINK_UP,
	JOP_LL4,
	JOP_LL6,
	JOP_AUTHKEYS_ADD,
	JOP_KNOWN_HOSTS_ADD,
	JOP_SSH_CONFIG_HOST,
	JOP_KEY_CREATE,
	JOP_USER_CREATE,
	JOP_NM_PROFILE,
	JOP_CLUSTER_PLAN,
	JOP_COUNT
};

/* The name an operation is written under. */
const char *journal_op_name(enum journal_op id);
/* journal_record() under the operation's name (the data as the table above says). */
int journal_write(struct journal *j, enum journal_op id, const char *host, const char *path,
		  const char *data);

enum journal_undo {
	UNDO_DONE, /* undone now */
	UNDO_ALREADY, /* found as before */
	UNDO_KEPT, /* kept on purpose (a key, a user, a backup) */
	UNDO_FAILED, /* could not: the log says why */
	UNDO_DESCRIBED, /* dry run: the log says what would be done */
	UNDO_NOTHING, /* a marker */
};

struct undo_ctx {
	struct node *node; /* where (NULL in a dry run for a peer) */
	const struct ssh_user *user; /* whose ~/.ssh on this node */
	bool dry;
	struct buf *log; /* one line per action, as a person reads it */
};

/* Undo one record (judged OK first: journal_judge). Idempotent. */
enum journal_undo journal_undo(const struct journal_record *r, const struct undo_ctx *u);

enum journal_verdict {
	JOURNAL_OK, /* within its op's rules: may be listed and undone */
	JOURNAL_REFUSED, /* outside its op's rules: shown as refused, never acted on */
	JOURNAL_IGNORED, /* in a user's journal, not something pairing writes: never acted on */
};

struct journal_scope {
	bool user_journal; /* a user's own journal (only pairing's records count) */
	const char *home; /* whose ~/.ssh the SSH records may name */
};

/* Judge v[i] (v: the whole journal, oldest first: a network record needs the plan before it).
 * why gets the reason when the verdict is not JOURNAL_OK. */
enum journal_verdict journal_judge(const struct journal_record *v, size_t n, size_t i,
				   const struct journal_scope *s, char *why, size_t whysize);
/* "refused" or "ignored" */
const char *journal_verdict_word(enum journal_verdict v);

/* Counts of one journal as status and the console show them. */
struct journal_counts {
	int pending_net, pending_ssh; /* changes rollback would undo (judged OK) */
	int refused; /* pending records refused or ignored */
};
void journal_count(const struct journal_record *v, size_t n, const struct journal_scope *s,
		   struct journal_counts *c);
/* The same for the journal at path (read with journal_read's checks): 0 or -errno (err says). */
int journal_count_path(const char *path, uid_t owner, const struct journal_scope *s,
		       struct journal_counts *c, char *err, size_t errsize);

/* Records pairing writes (SSH files, keys, a user), as opposed to the network's (the table of
 * operations is in journal_ops.c). */
bool journal_op_is_ssh(const char *op);
/* A change rollback still has to undo: not undone, and not a marker ("undone", "plan", and
 * "netplan-apply", which the file restore before it covers). The one count status, the console
 * and rollback's list agree on; journal_judge() says whether it may be acted on. */
bool journal_record_pending(const struct journal_record *r);

#endif
