/* screen.c: curses set-up, colour roles, line drawing, stderr capture. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/screen.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <curses.h>
#include <term.h>
#include <fcntl.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const box_utf8[] = { "┌", "┐", "└", "┘", "─", "│" };
static const char *const box_ascii[] = { "+", "+", "+", "+", "-", "|" };

static bool no_color_env(void)
{
	const char *v = getenv("NO_COLOR");
	return v && v[0];
}

static void capture_stderr(struct screen *s)
{
	s->saved_stderr = -1;
	s->captured_fd = memfd_create("sparklink-stderr", MFD_CLOEXEC);
	if (s->captured_fd < 0)
		return;
	fflush(stderr);
	s->saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	dup2(s->captured_fd, STDERR_FILENO);
}

static void release_stderr(struct screen *s)
{
	if (s->saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(s->saved_stderr, STDERR_FILENO);
	close(s->saved_stderr);
	s->saved_stderr = -1;
	char buf[4096];
	off_t off = 0;
	ssize_t n;
	while ((n = pread(s->captured_fd, buf, sizeof(buf), off)) > 0) {
		if (write(STDERR_FILENO, buf, (size_t)n) < 0)
			break;
		off += n;
	}
	close(s->captured_fd);
	s->captured_fd = -1;
}

/* Does the terminfo database describe term well enough for full-screen use? 1 yes, 0 no, -1 no
 * database. Asked with setupterm(), which leaves nothing behind; a newterm() that fails keeps
 * the screen it began (ncurses 6.4). */
static int term_known(const char *term)
{
	int e = 0;
	if (setupterm(term, STDOUT_FILENO, &e) != OK)
		return e < 0 ? -1 : 0;
	del_curterm(cur_term);
	return 1;
}

bool screen_open(struct screen *s, char *err, int errsize)
{
	memset(s, 0, sizeof(*s));
	s->saved_stderr = s->captured_fd = -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(
			err, (size_t)errsize,
			"the console needs a terminal; for scripts use a command (sparklink --help)");
		return false;
	}
	const char *term = getenv("TERM");
	if (!term || !term[0] || strcmp(term, "dumb") == 0) {
		snprintf(err, (size_t)errsize, "TERM is not set to a full-screen terminal type");
		return false;
	}
	char shown[64];
	text_clean(shown, sizeof(shown), term, strlen(term), 0);
	int known = term_known(term);
	if (known <= 0) {
		snprintf(err, (size_t)errsize,
			 known < 0 ? "TERM is '%s' but this machine has no terminfo database: "
				     "install ncurses-base, or use a command (sparklink --help)"
				   : "TERM is '%s', and this machine has no full-screen terminfo "
				     "entry for it: set TERM to your terminal's type (e.g. "
				     "TERM=xterm-256color), or use a command (sparklink --help)",
			 shown);
		return false;
	}
	const char *cs = nl_langinfo(CODESET);
	s->utf8 = cs && strcmp(cs, "UTF-8") == 0 && !getenv("SPARKLINK_ASCII");
	capture_stderr(s);
	if (!newterm(NULL, stdout, stdin)) {
		release_stderr(s);
		snprintf(err, (size_t)errsize, "cannot start curses on terminal type '%s'", shown);
		return false;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* the VT220 Home/End that tmux and screen send, which xterm's terminfo does not name: without
	 * these they arrive as Esc (closing a dialog) and two characters */
	if (!key_defined("\033[1~"))
		define_key("\033[1~", KEY_HOME);
	if (!key_defined("\033[4~"))
		define_key("\033[4~", KEY_END);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	typeahead(-1); /* no peeking at stdin in the middle of every refresh */
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	s->color = has_colors() && !no_color_env();
	if (s->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_CYAN, -1); /* frame */
		init_pair(2, COLOR_GREEN, -1); /* good */
		init_pair(3, COLOR_RED, -1); /* bad */
		init_pair(4, COLOR_YELLOW, -1); /* warn */
		init_pair(5, COLOR_BLACK, COLOR_CYAN); /* key bar */
		init_pair(6, COLOR_WHITE, COLOR_BLUE); /* title */
	}
	getmaxyx(stdscr, s->rows, s->cols);
	return true;
}

void screen_close(struct screen *s)
{
	if (!isendwin())
		endwin();
	release_stderr(s);
}

void screen_resize(struct screen *s)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, s->rows, s->cols);
}

int screen_attr(const struct screen *s, enum role r)
{
	if (!s->color) {
		switch (r) {
		case ROLE_TITLE: return A_REVERSE | A_BOLD;
		case ROLE_HEADER: return A_BOLD;
		case ROLE_BAD: return A_BOLD;
		case ROLE_WARN: return A_BOLD;
		case ROLE_DIM: return A_DIM;
		case ROLE_KEY: return A_REVERSE;
		case ROLE_SELECT: return A_REVERSE;
		default: return A_NORMAL;
		}
	}
	switch (r) {
	case ROLE_TITLE: return COLOR_PAIR(6) | A_BOLD;
	case ROLE_FRAME: return COLOR_PAIR(1);
	case ROLE_HEADER: return A_BOLD;
	case ROLE_GOOD: return COLOR_PAIR(2) | A_BOLD;
	case ROLE_BAD: return COLOR_PAIR(3) | A_BOLD;
	case ROLE_WARN: return COLOR_PAIR(4) | A_BOLD;
	case ROLE_DIM: return A_DIM;
	case ROLE_KEY: return A_BOLD;
	case ROLE_KEYTEXT: return COLOR_PAIR(5);
	case ROLE_SELECT: return A_REVERSE;
	default: return A_NORMAL;
	}
}

/* Put at most maxw columns of text; non-UTF-8 terminals get '?' for non-ASCII. */
void screen_text(const struct screen *s, int y, int x, int maxw, enum role r, const char *text)
{
	if (y < 0 || y >= s->rows || x < 0 || x >= s->cols || maxw <= 0)
		return;
	if (x + maxw > s->cols)
		maxw = s->cols - x;
	char clean[1024];
	text_clean(clean, sizeof(clean), text, strlen(text), s->utf8 ? 0 : TEXT_ASCII);
	wchar_t wbuf[1024];
	size_t n = mbstowcs(wbuf, clean, ARRAY_LEN(wbuf) - 1);
	if (n == (size_t)-1)
		return;
	int w = 0;
	size_t k = 0;
	for (; k < n; k++) {
		int cw = wcwidth(wbuf[k]);
		if (cw < 0)
			cw = 1;
		if (w + cw > maxw)
			break;
		w += cw;
	}
	attrset(screen_attr(s, r));
	mvaddnwstr(y, x, wbuf, (int)k);
	attrset(A_NORMAL);
}

int screen_text_wrap(const struct screen *s, int y, int x, int maxw, int maxh, enum role r,
		     const char *text)
{
	int rows = 0;
	const char *p = text;
	while (*p && rows < maxh && maxw > 0) {
		while (*p == ' ')
			p++;
		size_t len = strlen(p);
		size_t cut = len;
		if (text_width(p) > maxw) {
			/* the last space that keeps the line within maxw columns (ASCII widths) */
			cut = 0;
			for (size_t i = 0; i < len && (int)i <= maxw; i++)
				if (p[i] == ' ')
					cut = i;
			if (cut == 0)
				cut = (size_t)maxw;
		}
		char line[512];
		size_t n = cut < sizeof(line) - 1 ? cut : sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		screen_text(s, y + rows++, x, maxw, r, line);
		p += cut;
	}
	return rows;
}

int screen_wrap_rows(const char *text, int maxw)
{
	int rows = 0;
	const char *p = text;
	while (*p && maxw > 0) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t len = strlen(p), cut = len;
		if (text_width(p) > maxw) {
			cut = 0;
			for (size_t i = 0; i < len && (int)i <= maxw; i++)
				if (p[i] == ' ')
					cut = i;
			if (cut == 0)
				cut = (size_t)maxw;
		}
		p += cut;
		rows++;
	}
	return rows ? rows : 1;
}

void screen_hline(const struct screen *s, int y, int x, int w, enum role r)
{
	const char *const *b = s->utf8 ? box_utf8 : box_ascii;
	attrset(screen_attr(s, r));
	for (int i = 0; i < w && x + i < s->cols; i++)
		mvaddstr(y, x + i, b[4]);
	attrset(A_NORMAL);
}

void screen_fill(const struct screen *s, int y, int x, int h, int w, enum role r)
{
	attrset(screen_attr(s, r));
	for (int i = 0; i < h && y + i < s->rows; i++)
		mvhline(y + i, x, ' ', w);
	attrset(A_NORMAL);
}

void screen_box(const struct screen *s, int y, int x, int h, int w, enum role r, const char *title)
{
	if (h < 2 || w < 2 || y >= s->rows)
		return;
	const char *const *b = s->utf8 ? box_utf8 : box_ascii;
	attrset(screen_attr(s, r));
	mvaddstr(y, x, b[0]);
	for (int i = 1; i < w - 1; i++)
		mvaddstr(y, x + i, b[4]);
	mvaddstr(y, x + w - 1, b[1]);
	for (int j = 1; j < h - 1 && y + j < s->rows; j++) {
		mvaddstr(y + j, x, b[5]);
		mvaddstr(y + j, x + w - 1, b[5]);
	}
	if (y + h - 1 < s->rows) {
		mvaddstr(y + h - 1, x, b[2]);
		for (int i = 1; i < w - 1; i++)
			mvaddstr(y + h - 1, x + i, b[4]);
		mvaddstr(y + h - 1, x + w - 1, b[3]);
	}
	attrset(A_NORMAL);
	if (title && title[0]) {
		char t[256];
		snprintf(t, sizeof(t), " %s ", title);
		screen_text(s, y, x + 2, w - 4, ROLE_HEADER, t);
	}
}
