/* step_panel.c: drawing the step guide and the log pane. */
#include "ui/console/step_panel.h"
#include "core/base/util.h"
#include "ui/console/keys.h"

#include <stdio.h>
#include <string.h>

/* The key names of action a (into buf, which it returns). */
static const char *names(enum key_action a, char *buf, size_t size)
{
	keys_names(a, buf, size);
	return buf;
}

void step_panel_hint(enum step_id id, enum step_mark mark, char *out, size_t size)
{
	char k[32]; /* only the names the hint shows are looked up */
	switch (id) {
	case STEP_USER:
		if (mark == STEP_FAILING)
			snprintf(out, size, "Enter: what to do (%s creates your user there)",
				 keys_letter(ACT_USER));
		else if (mark == STEP_DONE)
			snprintf(out, size, "Enter: what was checked");
		else
			snprintf(out, size, "Enter: pair, which checks it (%s)",
				 names(ACT_PAIR, k, sizeof(k)));
		break;
	case STEP_CABLE:
		snprintf(out, size,
			 "Enter: the cable map of the marked nodes, or choose the peer (%s)",
			 names(ACT_PEERS, k, sizeof(k)));
		break;
	case STEP_ADDR:
		snprintf(out, size, "Enter: choose link-local or static, MTU, preview (%s)",
			 names(ACT_ADDR, k, sizeof(k)));
		break;
	case STEP_SSH:
		if (mark == STEP_DONE)
			snprintf(out, size, "Enter: check SSH both ways with keys only (%s)",
				 names(ACT_CHECK, k, sizeof(k)));
		else
			snprintf(out, size, "Enter: pair with the peer (%s)",
				 names(ACT_PAIR, k, sizeof(k)));
		break;
	case STEP_VERIFY:
		snprintf(out, size, "Enter: ping every rail again (%s)",
			 names(ACT_VERIFY, k, sizeof(k)));
		break;
	case STEP_ROLLBACK:
		snprintf(out, size, "Enter: list what would be undone, then undo (%s)",
			 names(ACT_ROLLBACK, k, sizeof(k)));
		break;
	default: snprintf(out, size, "%s", ""); break;
	}
}

static enum role mark_role(enum step_mark m)
{
	switch (m) {
	case STEP_DONE: return ROLE_GOOD;
	case STEP_FAILING: return ROLE_BAD;
	case STEP_NA: return ROLE_DIM;
	default: return ROLE_WARN;
	}
}

/* The rows of the full form, each step's reason already rendered. */
static int rows_full(const char reason[STEP_COUNT][400], int w)
{
	int n = 2 + 1; /* frame and the hint */
	for (int i = 0; i < STEP_COUNT; i++)
		n += 1 + screen_wrap_rows(reason[i], w - 8);
	return n;
}

int step_panel_rows(const struct step *steps, int w, bool full)
{
	if (!full)
		return 2 + STEP_COUNT + 3;
	char reason[STEP_COUNT][400];
	for (int i = 0; i < STEP_COUNT; i++)
		keys_step_reason(&steps[i], reason[i], sizeof(reason[i]));
	return rows_full(reason, w);
}

/* "> 3 Addressing  [to do]" */
static void head(const struct screen *s, const struct step *st, int i, bool sel, bool focused,
		 int y, int x, int w)
{
	/* "%s%d %-10s", made per frame: not with snprintf */
	char t[64], num[16], pad[11] = "          ";
	str_ulong(num, sizeof(num), (unsigned long)(i + 1));
	const char *title = step_title((enum step_id)i);
	size_t tl = strlen(title);
	pad[tl < 10 ? 10 - tl : 0] = '\0';
	str_join(t, sizeof(t), sel ? ">" : " ", num, " ", title, pad, NULL);
	if (sel)
		screen_fill(s, y, x, 1, w, focused ? ROLE_SELECT : ROLE_NORMAL);
	screen_text(s, y, x, w, sel && focused ? ROLE_SELECT : ROLE_HEADER, t);
	char m[16];
	str_join(m, sizeof(m), "[", step_mark_word(st->mark), "]", NULL);
	screen_text(s, y, x + 14, w - 14, sel && focused ? ROLE_SELECT : mark_role(st->mark), m);
}

int step_panel_fit(const struct step *steps, int h, int w)
{
	/* below the list's rows the compact form is at most 7 rows high, whatever h is */
	if (h >= 4 && w >= 20 && h > 7 && h < step_panel_rows(steps, w - 4, false))
		return 7;
	return h;
}

void step_panel_key(const struct step *steps, int sel, int h, int w, struct buf *k)
{
	/* as step_panel_draw chooses its form: three columns of marks and the chosen step's reason
	 * below the list's rows, else every step's reason */
	if (h < 4 || w < 20)
		return;
	if (h < step_panel_rows(steps, w - 4, false)) {
		for (int i = 0; i < STEP_COUNT; i++)
			buf_add(k, (const char *)&steps[i].mark, sizeof(steps[i].mark));
		if (sel >= 0 && sel < STEP_COUNT)
			buf_add(k, (const char *)&steps[sel], sizeof(steps[sel]));
		return;
	}
	buf_add(k, (const char *)steps, STEP_COUNT * sizeof(*steps));
}

int step_panel_draw(const struct screen *s, const struct step *steps, int sel, bool focused, int y,
		    int x, int h, int w, int rows[STEP_COUNT], int cols[STEP_COUNT],
		    int widths[STEP_COUNT])
{
	for (int i = 0; i < STEP_COUNT; i++)
		rows[i] = cols[i] = widths[i] = -1;
	if (h < 4 || w < 20)
		return 0;
	int iw = w - 4;
	char hint[120] = "", reason[STEP_COUNT][400];
	if (sel >= 0 && sel < STEP_COUNT)
		step_panel_hint((enum step_id)sel, steps[sel].mark, hint, sizeof(hint));
	int list = step_panel_rows(steps, iw, false), full = h + 1;
	/* the full form needs at least two rows a step: below that (and below the list's rows)
	 * only the chosen step's reason is shown, the only one made */
	for (int i = 0; i < STEP_COUNT; i++)
		if (h >= list || i == sel)
			keys_step_reason(&steps[i], reason[i], sizeof(reason[i]));
	if (h >= 3 + 2 * STEP_COUNT)
		full = rows_full((const char(*)[400])reason, iw + 4);
	int ph;
	if (h >= full)
		ph = full;
	else if (h >= list)
		ph = list;
	else
		ph = h < 7 ? h : 7;
	screen_box(s, y, x, ph, w, focused ? ROLE_HEADER : ROLE_FRAME,
		   focused ? "Steps [focus]  Enter opens the chosen one"
			   : "Steps  (Tab: choose here)");
	int ry = y + 1, last = y + ph - 1;
	if (h >= full) {
		for (int i = 0; i < STEP_COUNT && ry < last; i++) {
			rows[i] = ry;
			cols[i] = x + 1;
			widths[i] = w - 2;
			head(s, &steps[i], i, i == sel, focused, ry++, x + 1, w - 2);
			ry += screen_text_wrap(
				s, ry, x + 6, w - 8, last - ry,
				steps[i].mark == STEP_FAILING ? ROLE_BAD : ROLE_NORMAL, reason[i]);
		}
		screen_text(s, ry, x + 2, iw, ROLE_DIM, hint);
		return ph;
	}
	if (h >= list) {
		for (int i = 0; i < STEP_COUNT && ry < last; i++) {
			rows[i] = ry;
			cols[i] = x + 1;
			widths[i] = w - 2;
			head(s, &steps[i], i, i == sel, focused, ry, x + 1, w - 2);
			screen_text(s, ry++, x + 26, w - 27,
				    steps[i].mark == STEP_FAILING ? ROLE_BAD : ROLE_DIM, reason[i]);
		}
	} else {
		/* three columns of two: "1 Same user [done]" */
		int cw = (w - 2) / 3;
		for (int i = 0; i < STEP_COUNT; i++) {
			int r = y + 1 + i % 2, cx = x + 1 + (i / 2) * cw;
			if (r >= last)
				continue;
			rows[i] = r;
			cols[i] = cx;
			widths[i] = cw;
			head(s, &steps[i], i, i == sel, focused, r, cx, cw - 1);
		}
		ry = y + 3;
	}
	if (sel >= 0 && sel < STEP_COUNT && ry < last) {
		char t[560];
		snprintf(t, sizeof(t), "%d %s: %s %s", sel + 1, step_title((enum step_id)sel),
			 reason[sel], hint);
		screen_text_wrap(s, ry, x + 2, iw, last - ry,
				 steps[sel].mark == STEP_FAILING ? ROLE_BAD : ROLE_NORMAL, t);
	}
	return ph;
}

int log_panel_draw(const struct screen *s, const struct actlog *log, int y, int x, int h, int w)
{
	if (h < 3 || w < 20)
		return 0;
	char keys[32], title[64];
	keys_names(ACT_LOG, keys, sizeof(keys));
	snprintf(title, sizeof(title), "Log  (%s: all of it)", keys);
	screen_box(s, y, x, h, w, ROLE_FRAME, title);
	size_t n = actlog_count(log);
	int room = h - 2;
	if (!n) {
		screen_text(s, y + 1, x + 2, w - 4, ROLE_DIM, "Nothing yet.");
		return h;
	}
	/* the newest entries that fit, each on at most two rows, oldest at the top */
	size_t first = n;
	int used = 0;
	while (first > 0) {
		char t[600];
		actlog_format(actlog_get(log, first - 1), false, t, sizeof(t));
		int r = screen_wrap_rows(t, w - 4);
		if (r > 2)
			r = 2;
		if (used + r > room)
			break;
		used += r;
		first--;
	}
	int ry = y + 1;
	for (size_t i = first; i < n && ry < y + h - 1; i++) {
		const struct actlog_entry *e = actlog_get(log, i);
		char t[600];
		actlog_format(e, false, t, sizeof(t));
		int rest = y + h - 1 - ry;
		ry += screen_text_wrap(s, ry, x + 2, w - 4, rest < 2 ? rest : 2,
				       e->level == ACTLOG_FAIL ? ROLE_BAD
				       : e->level == ACTLOG_OK ? ROLE_GOOD
							       : ROLE_NORMAL,
				       t);
	}
	return h;
}
