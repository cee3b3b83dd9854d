/* addr_dialog.h: the addressing dialog of the console (the playbook's step 3): a state, never a
 * nested loop.
 *
 * Phases: choose (plan kind, MTU, which node is 1) -> job (core/jobs/apply.h's job in the job
 * view: each step as it happens, the peer's sudo password, a typed yes when the SSH session is
 * on a changed interface, one line per rail and the summary). The job's preview (every file and
 * command for both nodes) is the dialog's own question: scrollable, y applies. Esc cancels at any
 * point. Changing the network needs root: without it the dialog says so and starts nothing. */
#ifndef SPARKLINK_ADDR_DIALOG_H
#define SPARKLINK_ADDR_DIALOG_H

#include "core/jobs/apply.h"
#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "ui/console/job_view.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>
#include <stddef.h>

enum ad_phase {
	AD_CHOOSE,
	AD_JOB, /* the job view has it: running, asking (the preview: here), cancelling, done */
};

struct addr_dialog {
	enum ad_phase phase;
	const struct model *model; /* the console's, live: the interfaces follow the cable */
	const struct peers *peers; /* the console's, live: the peer's address is picked at start */
	bool root; /* this process may change the network */
	struct apply_job job;
	struct job_view view; /* the job's messages, questions and end */
	char peer[256]; /* the peer's host name as shown; "" = this node only */
	char peer_where[32]; /* "management LAN", "port 1", ... */
	char self_name[64], peer_name[64]; /* host names, for "node 1 / node 2" */
	int default_node; /* this node's number from the host names */
	bool swapped;
	int kind_sel; /* enum plan_kind */
	struct scroll_text preview; /* the job's, while it asks */
	char error[512]; /* why Enter cannot start now (a sentence) */
	bool verify; /* step 5: only ping the rails of the plan in the journal */
};

/* Prepare for the peer p, one of peers (NULL: this node only). self is this machine's host name;
 * m the console's model and peers its list (both kept, read at draw and start: the peer's
 * address is picked again when the job starts). Returns false with a reason in why. */
struct invocation;
bool addr_dialog_open(struct addr_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, const char *self, const struct invocation *inv,
		      char *why, size_t whysize);
/* Step 5: ping every rail of the plan in the journal again (the apply job with verify_only: the
 * peer is reached with the user's key only, no sudo, never a password). Starts at once. */
bool addr_dialog_open_verify(struct addr_dialog *d, const struct model *m, struct loop *loop,
			     const struct invocation *inv, char *why, size_t whysize);
/* A key; returns enum dialog_flags (widgets.h): q closes and quits when not root. */
unsigned addr_dialog_key(struct addr_dialog *d, struct loop *loop, int key, bool is_char);
void addr_dialog_draw(const struct screen *s, struct addr_dialog *d);
void addr_dialog_close(struct addr_dialog *d);
/* For the console's status line after the dialog closes. */
const char *addr_dialog_result(const struct addr_dialog *d);

#endif
