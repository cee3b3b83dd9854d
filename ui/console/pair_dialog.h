/* pair_dialog.h: the pairing dialog of the console: a state, never a nested loop.
 *
 * Phases: confirm (who, which address, which user; the address is picked again on Enter) /
 * admin (a user on the peer with sudo, to create yours there) -> job (core/jobs/pair.h's job in
 * the job view: each step as it happens, the peer's host key, the password, the result of each
 * direction). Esc cancels at any point. */
#ifndef SPARKLINK_PAIR_DIALOG_H
#define SPARKLINK_PAIR_DIALOG_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/jobs/pair.h"
#include "core/mdns/peers.h"
#include "ui/console/job_view.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>

enum pd_phase {
	PD_CONFIRM,
	PD_ADMIN,
	PD_JOB, /* the job view has it: running, asking, cancelling, done */
};

struct pair_dialog {
	enum pd_phase phase;
	bool verify; /* verify only (keys), no changes */
	struct pair_job job;
	struct job_view view; /* the job's messages, questions and end */
	char peer[256]; /* the peer's host name as shown */
	const struct peers *peers; /* the console's, live: the address is picked again at start */
	const struct model *model;
	char admin[64]; /* PD_ADMIN: a user on the peer who can use sudo */
	size_t adminlen;
};

/* Prepare for the peer p, one of peers (both the console's, kept: the job's address is picked
 * again from them when it starts); false with a reason in why if it cannot be paired now. */
struct invocation;
bool pair_dialog_open(struct pair_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, bool verify, const struct invocation *inv, char *why,
		      size_t whysize);
/* A key; returns enum dialog_flags (widgets.h). */
unsigned pair_dialog_key(struct pair_dialog *d, struct loop *loop, int key, bool is_char);
void pair_dialog_draw(const struct screen *s, struct pair_dialog *d);
void pair_dialog_close(struct pair_dialog *d);

#endif
