/* help.h: the help screen (F1): what sparklink does, where it writes, the six steps, the keys
 * (from the key table, keys.h) and the rest in a few lines. A state of the console. */
#ifndef SPARKLINK_HELP_H
#define SPARKLINK_HELP_H

#include "core/guide/actlog.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>

/* The help's text into t (from the top), with the log's and the journal's paths. */
void help_fill(struct scroll_text *t, const struct actlog *log, const char *journal_path);
void help_draw(const struct screen *s, struct scroll_text *t);

#endif
