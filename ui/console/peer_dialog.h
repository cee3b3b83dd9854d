/* peer_dialog.h: choosing the peer (the other Spark) from the ones seen over mDNS, with where
 * each is seen (on a cable or only on the LAN) and its SSH state. The list follows mDNS while
 * the dialog is open. A state of the console; Esc closes it without changing the choice. */
#ifndef SPARKLINK_PEER_DIALOG_H
#define SPARKLINK_PEER_DIALOG_H

#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "ui/console/peer_panel.h"
#include "ui/console/screen.h"

#include <stdbool.h>
#include <stddef.h>

struct peer_dialog {
	size_t sel;
	char why[320]; /* the cable step's reason, shown on top */
};

/* Keep the selection within the peers as they are now (after a loop turn, not while drawing). */
void peer_dialog_update(struct peer_dialog *d, const struct peers *p);
/* rows[i]: the screen row of peer i (for the mouse), -1 when not shown; max entries. */
void peer_dialog_draw(const struct screen *s, const struct peer_dialog *d, const struct model *m,
		      const struct peers *p, peer_status_fn *ssh_status, void *arg, int *rows,
		      size_t max);

#endif
