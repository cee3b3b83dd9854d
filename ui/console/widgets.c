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
	t->nrows = 0;
	t->top = 0;
	t->follow = true;
}

void scroll_text_free(struct scroll_text *t)
{
	scroll_text_clear(t);
	free(t->lines);
	free(t->rows);
	t->lines = NULL;
	t->rows = NULL;
	t->cap = 0;
}

/* Where a line's further rows start: two columns past its own indentation, at most half the
 * width (so a row always has room). */
static int wrap_indent(const char *line, int w)
{
	int ind = 0;
	while (line[ind] == ' ')
		ind++;
	ind += 2;
	return ind < w / 2 ? ind : w / 2;
}

/* The bytes of line's next row, from p (its first row when p == line), within w columns. */
static size_t wrap_row(const char *line, const char *p, int w)
{
	int cols = p == line ? w : w - wrap_indent(line, w);
	return text_wrap_cut(p, cols > 0 ? cols : 1);
}

/* Skip the spaces a wrapped row ended on: the next row starts at its word. */
static const char *wrap_next(const char *p, size_t cut)
{
	p += cut;
	while (*p == ' ')
		p++;
	return p;
}

static unsigned line_rows(const char *line, int w)
{
	unsigned rows = 1;
	for (const char *p = wrap_next(line, wrap_row(line, line, w)); *p;
	     p = wrap_next(p, wrap_row(line, p, w)))
		rows++;
	return rows;
}

/* Count the rows again for width w (a resize, or a scroll bar that came or went). */
static void wrap_count(struct scroll_text *t, int w)
{
	t->wrap_w = w;
	t->nrows = 0;
	for (size_t i = 0; i < t->n; i++)
		t->nrows += t->rows[i] = line_rows(t->lines[i], w);
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
			t->rows = xrealloc(t->rows, t->cap, sizeof(*t->rows));
		}
		size_t size = n * 3 + 1; /* a replaced byte may become a 3-byte character */
		char *line = xcalloc(1, size);
		text_clean(line, size, p, n, 0);
		t->rows[t->n] = t->wrap_w > 0 ? line_rows(line, t->wrap_w) : 1;
		t->nrows += t->rows[t->n];
		t->lines[t->n++] = line;
		p += n + (nl ? 1 : 0);
	}
}

static size_t max_top(const struct scroll_text *t)
{
	size_t page = t->page > 0 ? (size_t)t->page : 1;
	return t->nrows > page ? t->nrows - page : 0;
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

static enum role line_role(const char *line)
{
	if (str_starts(line, "! "))
		return ROLE_WARN;
	if (str_starts(line, "== ") || str_starts(line, "-- "))
		return ROLE_HEADER;
	return ROLE_NORMAL;
}

void scroll_text_draw(const struct screen *s, struct scroll_text *t, int y, int x, int h, int w)
{
	if (h < 1 || w < 2)
		return;
	t->page = h;
	/* the rows as wide as the box, or two columns narrower when they do not all fit (the
	 * position mark's column is not the text's); counted again only when that changes */
	if (t->wrap_w != w && t->wrap_w != w - 2)
		wrap_count(t, w);
	if (t->wrap_w == w && t->nrows > (size_t)h)
		wrap_count(t, w - 2);
	else if (t->wrap_w == w - 2 && t->nrows <= (size_t)h)
		wrap_count(t, w);
	bool more = t->nrows > (size_t)h;
	int tw = t->wrap_w;
	if (t->follow || t->top > max_top(t))
		t->top = max_top(t);
	/* the line holding the first row shown, and how many of its rows are above */
	size_t li = 0, skip = t->top;
	while (li < t->n && skip >= t->rows[li])
		skip -= t->rows[li++];
	char row[1024];
	for (int r = 0; r < h && li < t->n; li++, skip = 0) {
		const char *line = t->lines[li], *p = line;
		enum role role = line_role(line);
		for (unsigned k = 0; *p || k == 0; k++) {
			size_t cut = wrap_row(line, p, tw);
			if (k >= skip) {
				int ind = p == line ? 0 : wrap_indent(line, tw);
				size_t len = cut < sizeof(row) - 1 ? cut : sizeof(row) - 1;
				memcpy(row, p, len);
				row[len] = '\0';
				screen_text(s, y + r, x + ind, tw - ind, role, row);
				if (++r == h)
					break;
			}
			p = wrap_next(p, cut);
		}
	}
	if (more) {
		if (t->top > 0)
			screen_text(s, y, x + w - 1, 1, ROLE_HEADER, "^");
		if (t->top + (size_t)h < t->nrows)
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
