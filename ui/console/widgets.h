/* widgets.h: the small input and output pieces the console's dialogs share: scrollable text, a
 * secret (password) field, a typed confirmation word, and the flags every dialog's key handler
 * returns. A job's question is job_view.h's. */
#ifndef SPARKLINK_WIDGETS_H
#define SPARKLINK_WIDGETS_H

#include "ui/console/screen.h"

#include <stdbool.h>
#include <stddef.h>

/* What a dialog's key handler did with a key, as bits: the key was the dialog's (handled), the
 * dialog is to close (close), the console is to quit after closing it (quit), the screen
 * changed (redraw). */
enum dialog_flags {
	DIALOG_HANDLED = 1 << 0,
	DIALOG_CLOSE = 1 << 1,
	DIALOG_QUIT = 1 << 2,
	DIALOG_REDRAW = 1 << 3,
};

/* Lines of text shown in a box that scrolls (Up/Down/PgUp/PgDn/Home/End); while it follows,
 * new lines keep the last one in view. A line wider than the box wraps (at a space where one
 * fits), its further rows indented two columns more than it is; the scrolling counts rows. */
struct scroll_text {
	char **lines;
	unsigned *rows; /* each line's rows at width wrap_w */
	size_t n, cap;
	size_t nrows; /* all lines' rows at width wrap_w */
	int wrap_w; /* the width the rows were counted for (0: not yet) */
	size_t top; /* first row shown */
	bool follow; /* stick to the end as lines arrive */
	int page; /* rows shown at the last draw (for PgUp/PgDn) */
};

void scroll_text_init(struct scroll_text *t);
void scroll_text_free(struct scroll_text *t);
void scroll_text_clear(struct scroll_text *t);
/* Add text, split at newlines (each cleaned for the screen). */
void scroll_text_add(struct scroll_text *t, const char *text, size_t len);
/* A scrolling key; true if it was one. */
bool scroll_text_key(struct scroll_text *t, int key, bool is_char);
/* Draw into [y, y+h) x [x, x+w); lines starting with "! " in ROLE_WARN, "== " and "-- " as
 * headers (all of a wrapped line's rows); a position mark on the last column when not all
 * fits. */
void scroll_text_draw(const struct screen *s, struct scroll_text *t, int y, int x, int h, int w);

/* A password typed into a dialog (an SSH login's or sudo's): never drawn, wiped after use. */
struct secret_field {
	char text[512];
	size_t len;
};
/* A key for the field (backspace, printable characters); true if it took it. */
bool secret_field_key(struct secret_field *f, int key, bool is_char);
void secret_field_clear(struct secret_field *f);

/* A word typed to confirm something dangerous ("yes"): lower-case letters and backspace. */
struct word_field {
	char text[8];
	size_t len;
};
bool word_field_key(struct word_field *f, int key, bool is_char);
void word_field_clear(struct word_field *f);
bool word_field_is(const struct word_field *f, const char *word);

#endif
