/* cabling_view.h: step 2 of a cluster on one screen, the cable map: every node with each port's
 * twins (Up/Down, the negotiated speed, below 200G flagged), where each cable goes (the far node
 * and its port, or that the port is known once that node is paired), the topology as detected or
 * chosen (t chooses), and what does not match it, in cablemap_check's words. Follows the live
 * model on every update; a state of the console, Esc closes it. */
#ifndef SPARKLINK_CABLING_VIEW_H
#define SPARKLINK_CABLING_VIEW_H

#include "core/net/cablemap.h"
#include "core/guide/cluster_state.h"
#include "core/guide/steps.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

struct cabling_view {
	struct scroll_text text;
	struct step step; /* step 2 as computed with the map */
};

void cabling_view_init(struct cabling_view *v);
void cabling_view_free(struct cabling_view *v);
/* The map in words again (after a loop turn), keeping the scroll position. */
void cabling_view_update(struct cabling_view *v, const struct cluster_state *cl,
			 const struct cablemap *map, const char *self, const struct step *step2);
/* Scrolling keys; returns enum dialog_flags (t, g and Esc are the console's). */
unsigned cabling_view_key(struct cabling_view *v, int key, bool is_char);
void cabling_view_draw(const struct screen *s, struct cabling_view *v,
		       const struct cluster_state *cl);

#endif
