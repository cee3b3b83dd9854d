/* cluster_dialog.h: addressing the cluster from the console (the playbook's step 3 for 2 to 8
 * nodes): a state, never a nested loop.
 *
 * Phases: reading (every member's cables read again over SSH, keys only: core/jobs/
 * cluster_gather.h, learned into the console's cluster) -> choose (the cable map with what does
 * not match the topology, the plan kind, MTU and topology; Enter is refused while the map has a
 * problem) -> job (core/jobs/cluster_apply.h in the job view: each peer's sudo password, the
 * preview of every node as the dialog's own question, y applies, then every rail of every link
 * from both ends, one line each). Esc cancels at any point. Without root the dialog says so and
 * runs nothing. */
#ifndef SPARKLINK_CLUSTER_DIALOG_H
#define SPARKLINK_CLUSTER_DIALOG_H

#include "core/base/loop.h"
#include "core/net/cablemap.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/jobs/cluster_apply.h"
#include "core/jobs/cluster_gather.h"
#include "core/guide/cluster_state.h"
#include "ui/console/job_view.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum cd_phase { CD_NOROOT, CD_READING, CD_CHOOSE, CD_JOB };

struct cluster_dialog {
	enum cd_phase phase;
	struct cluster_state *cl; /* the console's: what is read is learned there */
	const struct model *model;
	const struct peers *peers;
	char self[64];
	char hosts[CLUSTER_MAX_MEMBERS][256]; /* the members read, in the gather's order */
	struct cluster_gather_job gather;
	struct cluster_apply_job job;
	struct job_view view; /* the reading's, then the apply's */
	struct cablemap map; /* as read by this dialog */
	struct scroll_text maptext; /* the map in words */
	size_t problems, unread;
	int kind_sel; /* PLAN_STATIC or PLAN_STATIC_PERSISTENT */
	unsigned mtu;
	struct scroll_text preview; /* the job's, while it asks */
	char error[512]; /* why Enter cannot start now */
	size_t rails, rails_ok;
	char rail_failed[200]; /* the first rail that did not answer */
	struct ssh_user user;
	char journal[PATH_MAX];
	bool verify; /* step 5: only ping every rail of the cluster plan in the journal */
};

struct invocation;
/* Open and start reading every member's cables. False with a sentence in why. */
bool cluster_dialog_open(struct cluster_dialog *d, struct cluster_state *cl, const char *self,
			 const struct peers *peers, const struct model *m, struct loop *loop,
			 const struct invocation *inv, char *why, size_t whysize);
/* Step 5: ping every rail of the cluster plan r (the journal's) from both ends again, the peers
 * reached with keys only (no sudo, never a password). Starts at once. */
struct cluster_record;
bool cluster_dialog_open_verify(struct cluster_dialog *d, struct cluster_state *cl,
				const struct cluster_record *r, struct loop *loop,
				const struct invocation *inv, char *why, size_t whysize);
unsigned cluster_dialog_key(struct cluster_dialog *d, struct loop *loop, int key, bool is_char);
void cluster_dialog_draw(const struct screen *s, struct cluster_dialog *d);
void cluster_dialog_close(struct cluster_dialog *d);
/* The apply ran (not only the reading): its end is for the steps and the log. */
bool cluster_dialog_applied(const struct cluster_dialog *d);

#endif
