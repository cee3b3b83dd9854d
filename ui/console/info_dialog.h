/* info_dialog.h: a dialog that explains something in sentences and offers keys (the step
 * guide's "what to do" for a step that cannot be opened directly, e.g. user names that differ,
 * with the fix offered). A state of the console, never a nested loop; Esc closes it. */
#ifndef SPARKLINK_INFO_DIALOG_H
#define SPARKLINK_INFO_DIALOG_H

#include "ui/console/screen.h"

#include <stdbool.h>

struct info_dialog {
	char title[200];
	char text[2400]; /* paragraphs separated by "\n" */
	char keys[200]; /* the key line: "u: create it there   Esc: close" */
	int offer; /* the key the console acts on (0: none) */
	int offer2; /* a second one (0: none; info_dialog_set clears it) */
};

void info_dialog_set(struct info_dialog *d, const char *title, const char *text, const char *keys,
		     int offer);
void info_dialog_draw(const struct screen *s, const struct info_dialog *d);

#endif
