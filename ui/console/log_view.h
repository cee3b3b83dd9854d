/* log_view.h: the log screen (F8): every entry of the action log with its time, scrollable,
 * following the newest while at the end. A state of the console; Esc closes it. */
#ifndef SPARKLINK_LOG_VIEW_H
#define SPARKLINK_LOG_VIEW_H

#include "core/guide/actlog.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>

struct log_view {
	struct scroll_text text;
	unsigned long gen; /* the log's generation the text was made from (0: make it again) */
};

void log_view_init(struct log_view *v);
void log_view_free(struct log_view *v);
/* Shown anew: at the end, following. */
void log_view_open(struct log_view *v);
/* Take the log's new entries (after a loop turn, not while drawing). */
void log_view_update(struct log_view *v, const struct actlog *log);
void log_view_draw(const struct screen *s, struct log_view *v, const struct actlog *log);
/* A key; returns enum dialog_flags (widgets.h). */
unsigned log_view_key(struct log_view *v, int key, bool is_char);

#endif
