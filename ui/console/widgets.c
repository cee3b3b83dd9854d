/* widgets.c: scrollable text, the secret field and the confirmation word of the dialogs. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/widgets.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "core/base/worker.h" /* secret_wipe */

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---------------------------------------------------------------- scrollable text */

void scroll_text_init(struct scroll_text *t)
{
	memset(t, 0, sizeof(*t));
	t->follow = true;
	t->page = 10;
}

void scroll_text_clear(struct scroll_text *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	t->n = 0;
	t->top = 0;
	t->follow = true;
}

void scroll_text_free(struct scroll_text *t)
{
	scroll_text_clear(t);
	free(t->lines);
	t->lines = NULL;
	t->cap = 0;
}

void scroll_text_add(struct scroll_text *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 32;
			t->lines = xrealloc(t->lines, t->cap, sizeof(*t->lines));
		}
		size_t size = n * 3 + 1; /* a replaced byte may become a 3-byte character */
		char *line = xcalloc(1, size);
		text_clean(line, size, p, n, 0);
		t->lines[t->n++] = line;
		p += n + (nl ? 1 : 0);
	}
}

static size_t max_top(const struct scroll_text *t)
{
	size_t page = t->page > 0 ? (size_t)t->page : 1;
	return t->n > page ? t->n - page : 0;
}

bool scroll_text_key(struct scroll_text *t, int key, bool is_char)
{
	size_t page = t->page > 1 ? (size_t)t->page - 1 : 1, top = t->follow ? max_top(t) : t->top;
	if ((!is_char && key == KEY_UP) || (is_char && key == 'k'))
		top = top ? top - 1 : 0;
	else if ((!is_char && key == KEY_DOWN) || (is_char && key == 'j'))
		top++;
	else if (!is_char && key == KEY_PPAGE)
		top = top > page ? top - page : 0;
	else if ((!is_char && key == KEY_NPAGE) || (is_char && key == ' '))
		top += page;
	else if (!is_char && key == KEY_HOME)
		top = 0;
	else if (!is_char && key == KEY_END)
		top = max_top(t);
	else
		return false;
	if (top >= max_top(t))
		top = max_top(t);
	t->top = top;
	t->follow = top == max_top(t); /* at the end: keep showing the newest lines */
	return true;
}

void scroll_text_draw(const struct screen *s, struct scroll_text *t, int y, int x, int h, int w)
{
	if (h < 1 || w < 2)
		return;
	t->page = h;
	if (t->follow || t->top > max_top(t))
		t->top = max_top(t);
	bool more = t->n > (size_t)h;
	int tw = more ? w - 2 : w;
	for (int r = 0; r < h && t->top + (size_t)r < t->n; r++) {
		const char *line = t->lines[t->top + (size_t)r];
		enum role role = ROLE_NORMAL;
		if (str_starts(line, "! "))
			role = ROLE_WARN;
		else if (str_starts(line, "== ") || str_starts(line, "-- "))
			role = ROLE_HEADER;
		screen_text(s, y + r, x, tw, role, line);
	}
	if (more) {
		if (t->top > 0)
			screen_text(s, y, x + w - 1, 1, ROLE_HEADER, "^");
		if (t->top + (size_t)h < t->n)
			screen_text(s, y + h - 1, x + w - 1, 1, ROLE_HEADER, "v");
	}
}

/* ---------------------------------------------------------------- secret field */

void secret_field_clear(struct secret_field *f)
{
	secret_wipe(f->text, sizeof(f->text));
	f->len = 0;
}

bool secret_field_key(struct secret_field *f, int key, bool is_char)
{
	if ((is_char && (key == 127 || key == 8)) || (!is_char && key == KEY_BACKSPACE)) {
		while (f->len && (f->text[f->len - 1] & 0xc0) == 0x80)
			f->text[--f->len] = '\0'; /* continuation bytes of one character */
		if (f->len)
			f->text[--f->len] = '\0';
		return true;
	}
	if (!is_char || key < 0x20 || key == 127)
		return false;
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = wcrtomb(mb, (wchar_t)key, &st);
	if (n != (size_t)-1 && f->len + n < sizeof(f->text) - 1) {
		memcpy(f->text + f->len, mb, n);
		f->len += n;
		f->text[f->len] = '\0';
	}
	secret_wipe(mb, sizeof(mb));
	return true;
}

/* ---------------------------------------------------------------- confirmation word */

void word_field_clear(struct word_field *f)
{
	memset(f, 0, sizeof(*f));
}

bool word_field_key(struct word_field *f, int key, bool is_char)
{
	if ((is_char && (key == 127 || key == 8)) || (!is_char && key == KEY_BACKSPACE)) {
		if (f->len)
			f->text[--f->len] = '\0';
		return true;
	}
	if (!is_char || key < 'a' || key > 'z')
		return false;
	if (f->len < sizeof(f->text) - 1) {
		f->text[f->len++] = (char)key;
		f->text[f->len] = '\0';
	}
	return true;
}

bool word_field_is(const struct word_field *f, const char *word)
{
	return strcmp(f->text, word) == 0;
}
