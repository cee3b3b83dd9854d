/* keys.c: the key table (an action, its keys, its F-key bar label, its help line) and everything
 * drawn from it: the bar, the help screen's key list, the keys named in hints and in the steps'
 * sentences. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/keys.h"
#include "core/base/util.h"
#include "ui/console/rollback_dialog.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEYS_MAX 3

struct key_row {
	enum key_action action;
	int keys[KEYS_MAX]; /* an F key first when there is one; 0 ends */
	const char *label; /* in the F-key bar (rows with an F key) */
	const char *brief; /* the label when the bar is short of room */
	const char *help; /* the help screen's line; NULL: named with the row before */
};

/* In the help screen's order; the bar takes the F keys in their own order. */
static const struct key_row table[] = {
	{ ACT_ENTER,
	  { '\r', '\n', KEY_ENTER },
	  NULL,
	  NULL,
	  "open the chosen step (on a peer: its next step)" },
	{ ACT_FOCUS, { '\t' }, NULL, NULL, "move between the steps and the peers" },
	{ ACT_UP, { KEY_UP, 'k' }, NULL, NULL, "choose a step or a peer; 1-6 choose a step" },
	{ ACT_DOWN, { KEY_DOWN, 'j' }, NULL, NULL, NULL },
	{ ACT_MARK,
	  { ' ' },
	  NULL,
	  NULL,
	  "mark or unmark the chosen peer for the cluster (2 to 8 nodes with this one); "
	  "with peers marked, pair, address and verify work on every marked node" },
	{ ACT_TOPOLOGY,
	  { 't' },
	  NULL,
	  NULL,
	  "the cluster's topology: as the cables make it, direct, ring or switch" },
	{ ACT_PAIR,
	  { KEY_F(2), 'p' },
	  "Pair",
	  "Pair",
	  "pair with the chosen peer, or the marked ones as a mesh (step 4; checks step 1)" },
	{ ACT_CHECK, { KEY_F(3), 's' }, "SSH check", "SSH", "check SSH both ways with keys only" },
	{ ACT_ADDR,
	  { KEY_F(4), 'a' },
	  "Address",
	  "Addr",
	  "address the cabled ports here and on the peer, or on every marked node (step 3)" },
	{ ACT_VERIFY,
	  { KEY_F(5), 'v' },
	  "Verify",
	  "Verify",
	  "verify: ping every rail again (step 5)" },
	{ ACT_ROLLBACK,
	  { KEY_F(6), 'r' },
	  "Rollback",
	  "Undo",
	  "roll back (step 6): what would be undone is listed first" },
	{ ACT_PEERS, { KEY_F(7), 'c' }, "Peer", "Peer", "choose the peer" },
	{ ACT_USER,
	  { KEY_F(9), 'u' },
	  "User",
	  "User",
	  "create your user on the peer (when step 1 fails)" },
	{ ACT_ENV,
	  { 'e' },
	  NULL,
	  NULL,
	  "the job's environment for the applied plan (hostfile, env.sh); w writes it" },
	{ ACT_LOG,
	  { KEY_F(8), 'l' },
	  "Log",
	  "Log",
	  "the log: every action with its time and outcome" },
	{ ACT_MONITOR,
	  { 'm' },
	  NULL,
	  NULL,
	  "the monitor: traffic per twin, errors, flaps, live (read only while open)" },
	{ ACT_HELP, { KEY_F(1), '?', 'h' }, "Help", "Help", "this help (Up/Down scroll it)" },
	{ ACT_QUIT, { KEY_F(10), 'q' }, "Quit", "Quit", "quit" },
	{ ACT_CLOSE, { KEY_ESC }, NULL, NULL, "close a dialog, or cancel its work" },
	{ ACT_REDRAW, { KEY_CTRL_L }, NULL, NULL, "redraw the screen" },
};

static bool is_fkey(int key)
{
	return key >= KEY_F(1) && key <= KEY_F(12);
}

/* Curses key codes are not characters, and characters are not curses key codes. */
static bool is_curses_key(int key)
{
	return key >= KEY_MIN;
}

static const struct key_row *row_of(enum key_action a)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (table[i].action == a)
			return &table[i];
	return NULL;
}

enum key_action keys_action(int key, bool is_char)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		for (size_t k = 0; k < KEYS_MAX && table[i].keys[k]; k++)
			if (table[i].keys[k] == key && (is_char ? !is_curses_key(key) : true))
				return table[i].action;
	return ACT_NONE;
}

int keys_char(enum key_action a)
{
	const struct key_row *r = row_of(a);
	for (size_t k = 0; r && k < KEYS_MAX && r->keys[k]; k++)
		if (r->keys[k] > ' ' && r->keys[k] < 127)
			return r->keys[k];
	return 0;
}

const char *keys_letter(enum key_action a)
{
	static char letter[ACT_COUNT][2]; /* one string per action */
	int ch = keys_char(a);
	if ((unsigned)a >= ARRAY_LEN(letter) || ch < 'a' || ch > 'z')
		return "";
	letter[a][0] = (char)ch;
	return letter[a];
}

static void name_of_key(int key, char *out, size_t size)
{
	static const char *const fkeys[] = { "F0", "F1", "F2", "F3",  "F4",  "F5", "F6",
					     "F7", "F8", "F9", "F10", "F11", "F12" };
	if (is_fkey(key) && key - KEY_F(0) >= 0 && key - KEY_F(0) <= 12)
		str_copy(out, fkeys[key - KEY_F(0)], size); /* drawn with every frame: no printf */
	else if (is_fkey(key))
		snprintf(out, size, "F%d", key - KEY_F(0));
	else if (key == '\r' || key == '\n' || key == KEY_ENTER)
		snprintf(out, size, "Enter");
	else if (key == '\t')
		snprintf(out, size, "Tab");
	else if (key == KEY_ESC)
		snprintf(out, size, "Esc");
	else if (key == ' ')
		snprintf(out, size, "Space");
	else if (key == KEY_CTRL_L)
		snprintf(out, size, "Ctrl-L");
	else if (key == KEY_UP)
		snprintf(out, size, "Up");
	else if (key == KEY_DOWN)
		snprintf(out, size, "Down");
	else
		snprintf(out, size, "%c", key);
}

/* The names of rows[0..n) joined key by key ("Up/Down k/j"); with help_column, an F key is padded
 * to four columns ("F2  p"), as the help screen aligns them. */
static void names_of(const struct key_row *rows, size_t n, bool help_column, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t k = 0; k < KEYS_MAX && rows[0].keys[k]; k++) {
		char one[64] = "";
		for (size_t r = 0; r < n; r++) {
			char name[16];
			name_of_key(rows[r].keys[k], name, sizeof(name));
			size_t len = strlen(one);
			str_join(one + len, sizeof(one) - len, r ? "/" : "", name, NULL);
		}
		bool again = false; /* '\r', '\n' and KEY_ENTER are one "Enter" */
		for (size_t j = 0; j < k && n == 1; j++) {
			char name[16];
			name_of_key(rows[0].keys[j], name, sizeof(name));
			again |= strcmp(name, one) == 0;
		}
		if (again)
			continue;
		size_t len = strlen(out);
		if (help_column && k == 1 && is_fkey(rows[0].keys[0]))
			snprintf(out + len, size - len, "%*s%s", 4 - (int)len, "", one);
		else
			str_join(out + len, size - len, len ? " " : "", one, NULL);
	}
}

void keys_names(enum key_action a, char *out, size_t size)
{
	const struct key_row *r = row_of(a);
	if (!r) {
		out[0] = '\0';
		return;
	}
	names_of(r, 1, false, out, size);
}

static const char *step_key(enum step_action a, void *arg)
{
	(void)arg;
	switch (a) {
	case STEP_DO_PAIR: return keys_letter(ACT_PAIR);
	case STEP_DO_CHECK: return keys_letter(ACT_CHECK);
	case STEP_DO_ADDR: return keys_letter(ACT_ADDR);
	case STEP_DO_VERIFY: return keys_letter(ACT_VERIFY);
	case STEP_DO_ROLLBACK: return keys_letter(ACT_ROLLBACK);
	case STEP_DO_UNDO_SSH: return ROLLBACK_DIALOG_KEY_SSH;
	case STEP_DO_PEERS: return keys_letter(ACT_PEERS);
	case STEP_DO_USER: return keys_letter(ACT_USER);
	default: return "?";
	}
}

void keys_step_reason(const struct step *s, char *out, size_t size)
{
	step_render(s, step_key, NULL, out, size);
}

void keys_help_add(struct scroll_text *t)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (!table[i].help)
			continue;
		size_t n = 1;
		while (i + n < ARRAY_LEN(table) && !table[i + n].help)
			n++;
		char names[64], line[200];
		names_of(&table[i], n, true, names, sizeof(names));
		snprintf(line, sizeof(line), "  %-14s%s", names, table[i].help);
		scroll_text_add(t, line, strlen(line));
	}
}

size_t keys_bar_draw(const struct screen *s, int y, enum key_action *acts, int *xs, int *ws,
		     size_t max)
{
	const struct key_row *bar[12];
	size_t n = 0;
	int total = 0;
	for (int f = 1; f <= 12; f++)
		for (size_t i = 0; i < ARRAY_LEN(table); i++)
			if (table[i].keys[0] == KEY_F(f) && table[i].label) {
				bar[n++] = &table[i];
				total += (f >= 10 ? 3 : 2) + 1 + (int)strlen(table[i].label) + 2;
			}
	bool brief = total - 2 > s->cols; /* no gap after the last */
	screen_fill(s, y, 0, 1, s->cols, ROLE_KEYTEXT);
	int x = 0;
	size_t drawn = 0;
	for (size_t i = 0; i < n; i++) {
		const char *label = brief ? bar[i]->brief : bar[i]->label;
		char k[8];
		name_of_key(bar[i]->keys[0], k, sizeof(k));
		int w = (int)strlen(k) + 1 + (int)strlen(label) + (brief ? 1 : 2);
		if (drawn < max) {
			acts[drawn] = bar[i]->action;
			xs[drawn] = x;
			ws[drawn] = w;
			drawn++;
		}
		screen_text(s, y, x, 4, ROLE_KEY, k);
		screen_text(s, y, x + (int)strlen(k) + 1, 12, ROLE_KEYTEXT, label);
		x += w;
	}
	return drawn;
}
