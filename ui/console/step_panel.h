/* step_panel.h: the step guide on the main screen: the playbook's six steps, each with its mark
 * in words (done, to do, FAILING, n.a.) and the reason, the chosen one highlighted with what
 * Enter does for it; each reason shows this console's keys for the actions it suggests. Also the
 * log pane (the newest log entries). */
#ifndef SPARKLINK_STEP_PANEL_H
#define SPARKLINK_STEP_PANEL_H

#include "core/base/util.h"
#include "core/guide/actlog.h"
#include "core/guide/steps.h"
#include "ui/console/screen.h"

#include <stdbool.h>
#include <stddef.h>

/* What Enter does on a step with this mark (a short sentence with the keys, from keys.h). */
void step_panel_hint(enum step_id id, enum step_mark mark, char *out, size_t size);
/* Rows the panel wants at width w: full (every reason wrapped) or one line per step. */
int step_panel_rows(const struct step *steps, int w, bool full);
/* The height step_panel_draw draws the same in as in h rows (the compact form takes 7 of more):
 * the height to key and draw with, so that a panel below that grew or shrank does not make the
 * steps drawn again. */
int step_panel_fit(const struct step *steps, int h, int w);
/* Draw within [y, y+h) x [x, x+w); the richest layout that fits: every reason wrapped, one line
 * per step with the chosen step's reason below, or (from 5 rows) three columns of marks and the
 * chosen step's reason. rows[i] gets the screen row of step i (-1 when not shown), cols[i] its
 * first column and widths[i] its width. Returns the rows used. */
/* What step_panel_draw shows of the steps in h rows and w columns, as bytes (a frame keeps the
 * panel under them, screen_memo_replay); the place, sel and the focus are the caller's to add. */
void step_panel_key(const struct step *steps, int sel, int h, int w, struct buf *k);
int step_panel_draw(const struct screen *s, const struct step *steps, int sel, bool focused, int y,
		    int x, int h, int w, int rows[STEP_COUNT], int cols[STEP_COUNT],
		    int widths[STEP_COUNT]);
/* The newest log entries that fit, oldest at the top. Returns the rows used. */
int log_panel_draw(const struct screen *s, const struct actlog *log, int y, int x, int h, int w);

#endif
