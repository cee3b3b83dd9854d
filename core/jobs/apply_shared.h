/* apply_shared.h: what the addressing job's files share (apply.c: the job, the changes and the
 * verification; apply_inspect.c: what each node looks like before, and what is in the way). */
#ifndef SPARKLINK_APPLY_SHARED_H
#define SPARKLINK_APPLY_SHARED_H

#include "core/jobs/apply.h"
#include "core/net/netplan_files.h"

#define APPLY_OUR_MARK NETPLAN_SPARKLINK_MARK
#define BACKUP_DIR "/var/lib/sparklink/backup"
#define LL_WAIT_MS 20000 /* IPv4LL takes ~6 s (ACD); networkd may start it late */

/* What one node looks like before the change. */
struct node_state {
	struct node *node;
	int number; /* 1 or 2 */
	bool present; /* false: the peer is not connected (preview only) */
	struct node_if ifs[PLAN_MAX_IFS];
	struct node_file cur; /* the current 40-cx7.yaml */
	bool foreign; /* cur exists and sparklink did not write it */
	char session_if[16];
	struct nm_node *nm; /* NetworkManager there (in the outcome) */
	struct nm_port *nm_ports; /* on each planned interface */
};

struct ctx {
	struct worker *w;
	struct apply_request *req;
	struct apply_outcome *out;
	struct journal *journal;
	struct node_state st[2]; /* [0] this node, [1] the peer */
	struct buf cables; /* what apply_peer_ifs found, for the preview */
};

/* Record the failure (status and summary) and return status. */
__attribute__((format(printf, 3, 4))) enum apply_status apply_fail(struct ctx *c,
								   enum apply_status st,
								   const char *fmt, ...);
/* "this node" or the peer's name, for messages. */
const char *apply_node_name(const struct ctx *c, const struct node_state *s);
/* The interface already has the address "a.b.c.d/len". */
bool apply_has_addr(const struct node_if *f, const char *cidr);
/* Warn (into notes) of each address of the node (ifs[i]: plan interface i as it is now) in the
 * subnet planned for another of its interfaces; number is the node's (1 or 2), name for the text. */
void apply_subnet_notes(const struct plan *p, int number, const char *name,
			const struct node_if *ifs, struct buf *notes);
/* Read node s as it is now and write what is in the way into notes (apply_inspect.c). */
enum apply_status apply_inspect(struct ctx *c, struct node_state *s, struct buf *notes);
/* Per planned interface: does the plan go through NetworkManager on s (the runtime static plan
 * on a port NetworkManager manages, as apply_inspect found it)? Into via_nm[0..nifs). */
void apply_via_nm(const struct plan *p, const struct node_state *s, bool *via_nm);

#endif
