/* pair_dialog.h: the pairing dialog of the console: a state, never a nested loop.
 *
 * Phases: confirm (who, which address, which user; the address is picked again on Enter) ->
 * running (each step as it happens) -> fingerprint (the peer's host key, accept with y) /
 * password (a no-echo field, three tries) -> done (the result of each direction). The SSH work
 * runs in a worker (core/jobs/pair.h); its messages arrive through pair_dialog_msg() on the
 * loop. Esc cancels at any point. */
#ifndef SPARKLINK_PAIR_DIALOG_H
#define SPARKLINK_PAIR_DIALOG_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/jobs/pair.h"
#include "core/mdns/peers.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>
#include <wchar.h>

enum pd_phase {
	PD_CONFIRM,
	PD_ADMIN,
	PD_RUNNING,
	PD_FINGERPRINT,
	PD_PASSWORD,
	PD_CANCELLING,
	PD_DONE
};

struct pair_dialog {
	enum pd_phase phase;
	bool verify; /* verify only (keys), no changes */
	struct worker *worker;
	struct pair_job job;
	char peer[256]; /* the peer's host name as shown */
	const struct peers *peers; /* the console's, live: the address is picked again at start */
	const struct model *model;
	char lines[14][200]; /* progress, the last lines kept */
	size_t nlines;
	char question[512];
	char password[512]; /* wiped after each use */
	char admin[64]; /* PD_ADMIN: a user on the peer who can use sudo */
	char accepted_fp[128]; /* the host key accepted in this dialog ("SHA256:..."): a rerun
				   * (to create the user) requires that same key without asking */
	size_t adminlen;
	size_t pwlen;
	int tries;
	char dir_text[2][200];
	int dir_ok[2]; /* -1 unknown, 0 failed, 1 ok */
	char summary[512];
	enum pair_status status;
	bool finished; /* WORKER_DONE seen */
	void (*notify)(void *arg); /* called on the loop after each message (redraw) */
	void *notify_arg;
};

/* Prepare for the peer p, one of peers (both the console's, kept: the job's address is picked
 * again from them when it starts); false with a reason in why if it cannot be paired now. */
struct invocation;
bool pair_dialog_open(struct pair_dialog *d, const struct peers *peers, const struct peer *p,
		      const struct model *m, bool verify, const struct invocation *inv, char *why,
		      size_t whysize);
/* A key; returns enum dialog_flags (widgets.h). */
unsigned pair_dialog_key(struct pair_dialog *d, struct loop *loop, int key, bool is_char);
void pair_dialog_msg(struct pair_dialog *d, const struct worker_msg *m);
void pair_dialog_draw(const struct screen *s, const struct pair_dialog *d);
void pair_dialog_close(struct pair_dialog *d);

#endif
