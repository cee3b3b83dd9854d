/* log_view.c: the log screen: the action log's entries as scrollable text, its keys. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/log_view.h"
#include "ui/console/keys.h"

#include <limits.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

void log_view_init(struct log_view *v)
{
	scroll_text_init(&v->text);
	v->gen = 0;
}

void log_view_free(struct log_view *v)
{
	scroll_text_free(&v->text);
}

void log_view_open(struct log_view *v)
{
	v->text.follow = true;
	v->gen = 0;
}

void log_view_update(struct log_view *v, const struct actlog *log)
{
	if (v->gen == log->generation && v->text.n)
		return;
	bool follow = v->text.follow || !v->text.n;
	size_t top = v->text.top;
	scroll_text_clear(&v->text);
	for (size_t i = 0; i < actlog_count(log); i++) {
		char t[700];
		const struct actlog_entry *e = actlog_get(log, i);
		actlog_format(e, true, t, sizeof(t));
		char line[720];
		snprintf(line, sizeof(line), "%s%s", e->level == ACTLOG_FAIL ? "! " : "", t);
		scroll_text_add(&v->text, line, strlen(line));
	}
	v->text.follow = follow;
	v->text.top = top;
	v->gen = log->generation;
}

void log_view_draw(const struct screen *s, struct log_view *v, const struct actlog *log)
{
	int w = s->cols - 2, h = s->rows - 3, y = 1, x = 1;
	char t[PATH_MAX + 200];
	snprintf(t, sizeof(t), "Log %s (Esc closes; Up/Down PgUp/PgDn scroll)",
		 log->path[0] ? log->path : "");
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 1;
	if (log->error[0])
		ry += screen_text_wrap(s, ry, x + 2, w - 4, 2, ROLE_WARN, log->error);
	scroll_text_draw(s, &v->text, ry, x + 2, y + h - 1 - ry, w - 4);
}

unsigned log_view_key(struct log_view *v, int key, bool is_char)
{
	enum key_action a = keys_action(key, is_char);
	if (a == ACT_CLOSE || a == ACT_LOG || (is_char && key == keys_char(ACT_QUIT)))
		return DIALOG_HANDLED | DIALOG_CLOSE;
	return DIALOG_HANDLED | (scroll_text_key(&v->text, key, is_char) ? DIALOG_REDRAW : 0);
}
