/* keys.h: the console's keys in one table: each action with its keys, its label in the F-key bar
 * and its line on the help screen. The bar, the help screen's key list, the step panel's hints
 * and the keys shown in the steps' sentences are all drawn from it, so none can disagree with
 * what a key does. */
#ifndef SPARKLINK_KEYS_H
#define SPARKLINK_KEYS_H

#include "core/guide/steps.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <stdbool.h>
#include <stddef.h>

enum key_action {
	ACT_NONE,
	ACT_QUIT,
	ACT_HELP,
	ACT_CLOSE,
	ACT_REDRAW,
	ACT_FOCUS,
	ACT_UP,
	ACT_DOWN,
	ACT_ENTER,
	ACT_PAIR,
	ACT_CHECK,
	ACT_ADDR,
	ACT_VERIFY,
	ACT_ROLLBACK,
	ACT_PEERS,
	ACT_LOG,
	ACT_USER,
	ACT_MONITOR,
	ACT_ENV,
	ACT_MARK, /* mark the chosen peer for the cluster (Space) */
	ACT_TOPOLOGY, /* the cluster's topology: detected, direct, ring, switch */
	ACT_COUNT /* how many actions */
};

/* The action of a key (is_char: a character, else a curses key code); ACT_NONE if none. */
enum key_action keys_action(int key, bool is_char);
/* The action's letter key ("p"; "" if it has none) and its character (0 if none). */
const char *keys_letter(enum key_action a);
int keys_char(enum key_action a);
/* Every key of the action as a person reads them: "F2 p", "Enter", "F1 ? h". */
void keys_names(enum key_action a, char *out, size_t size);
/* A step's reason with this console's key for each action it suggests (step_render). */
void keys_step_reason(const struct step *s, char *out, size_t size);
/* The "Keys" lines of the help screen, one per action, in the table's order. */
void keys_help_add(struct scroll_text *t);
/* The F-key bar on row y: the actions with an F key, F1 to F10, with short labels when the full
 * ones do not fit. acts[i], xs[i] and ws[i] get each entry's action, column and width (for the
 * mouse), up to max; returns the entries drawn. */
size_t keys_bar_draw(const struct screen *s, int y, enum key_action *acts, int *xs, int *ws,
		     size_t max);

#endif
