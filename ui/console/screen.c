/* screen.c: curses set-up (modes, keys, suspend), colour roles, the frame (drawing calls kept per
 * row, rows made into cells for termout.c), line drawing, stderr capture. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/screen.h"
#include "ui/console/termout.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <curses.h>
#include <term.h>
#include <fcntl.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

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
	/* ncurses (6.4) flushes its output after every cursor motion until the screen has once
	 * been left and resumed: a frame that changes a few words in a few rows went out in dozens
	 * of write()s to the terminal (each costing a system call and a wake-up of the terminal's
	 * reader). Leaving and resuming once, before anything is drawn, makes every later frame
	 * one write. It comes before the modes below: resuming does not send the keypad's and the
	 * mouse's modes again (done after keypad(), arrow keys arrived as Esc [ B). */
	endwin();
	doupdate();
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
	/* curses' own (blank) screen once, and stdscr is never touched again: get_wch() refreshes
	 * a touched stdscr, which would paint over the frames termout.c writes */
	refresh();
	termout_open(s->color, s->utf8);
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
	refresh(); /* curses' refresh of its resized stdscr now, not in the middle of get_wch() */
	screen_frame_invalidate(); /* the next frame clears the screen and draws every row */
}

void screen_repaint(void)
{
	screen_frame_invalidate();
}

void screen_suspend(struct screen *s)
{
	endwin(); /* the terminal as the shell had it */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	signal(SIGTSTP, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP); /* stopped here until the shell's fg (SIGCONT) */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* back: curses' modes (keypad, mouse, the alternate screen, no cursor) and its screen,
	 * then a full frame of ours; the terminal may have a new size meanwhile */
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	/* the keypad's and the mouse's modes are not sent again by a resume (see screen_open):
	 * sent now, before a key is pressed (else arrows arrive as Esc [ B) */
	keypad(stdscr, TRUE);
	mousemask(0, NULL);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	screen_resize(s);
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

/* ---- the frame: what was drawn, row by row ----
 *
 * Drawing calls between screen_frame_begin() and screen_frame_end() are kept as operations per
 * row (text already cleaned and cut to its width, fills, lines, box characters). At the end
 * only the rows whose operations differ from the last frame's are made into cells (as curses
 * would have put them in its window), and termout.c writes the cells that differ from what the
 * terminal shows: a twin that went down rewrites its word and what changed with it, not the
 * screen. Outside a frame nothing is drawn (every drawing call comes from layout_draw()). */
enum op_kind { OP_TEXT, OP_WTEXT, OP_FILL, OP_HLINE, OP_BOX };

struct op {
	unsigned char kind;
	unsigned char box; /* OP_BOX, OP_HLINE: which of the box characters */
	short x;
	short n; /* OP_TEXT bytes, OP_WTEXT wide characters, OP_FILL/OP_HLINE columns */
	int attr;
};

struct row_ops {
	struct buf b; /* struct op, then its payload, one after the other */
	struct buf last; /* the operations the terminal shows (the buffers swap after a draw) */
	bool valid; /* last describes what the terminal shows */
	struct tcell *cells, *shown; /* the row as cells now, and as the terminal shows it */
	int ncells;
};

/* A part of the frame kept for the next frame (screen_memo_replay): its key, what the drawing
 * returned, and the operations it added, row by row (int row, size_t len, the bytes). */
struct memo {
	struct buf key, ops, out;
	bool valid;
};

static struct {
	struct row_ops *rows;
	int nrows;
	bool on;
	struct memo memos[SCREEN_MEMOS];
	int recording; /* the memo being drawn, or -1 */
	int cols; /* the width the memos were drawn for */
	size_t *rec_start; /* each row's operations' length when it began */
	struct screen_frame_stats stats;
} frame = { .recording = -1 };

static void op_add(const struct screen *s, int y, struct op op, const void *payload, size_t len)
{
	if (y < 0 || y >= frame.nrows || y >= s->rows)
		return;
	struct buf *b = &frame.rows[y].b;
	buf_add(b, (const char *)&op, sizeof(op));
	if (len && payload)
		buf_add(b, payload, len);
}

static size_t op_payload(const struct op *op)
{
	return op->kind == OP_TEXT    ? (size_t)op->n
	       : op->kind == OP_WTEXT ? (size_t)op->n * sizeof(wchar_t)
				      : 0;
}

static const wchar_t box_wide[] = { L'┌', L'┐', L'└', L'┘', L'─', L'│' };
static const char box_narrow[] = { '+', '+', '+', '+', '-', '|' };

/* One character into the row's cells at x, as curses would put it: a wide character takes the
 * cell on its right too, and what it half covers is blanked. */
static void cell_put(struct tcell *row, int cols, int x, wchar_t wc, int width, int attr)
{
	if (x < 0 || x + width > cols)
		return;
	if (!row[x].ch[0] && x > 0) /* the right half of a wide character: its left half goes */
		row[x - 1] = (struct tcell){ { L' ' }, row[x - 1].attr };
	int end = x + width; /* a wide character right of what is overwritten loses its left half */
	if (end < cols && !row[end].ch[0])
		row[end] = (struct tcell){ { L' ' }, row[end].attr };
	row[x] = (struct tcell){ { wc }, attr };
	if (width == 2)
		row[x + 1] = (struct tcell){ { 0 }, attr };
}

/* n narrow characters are about to go from x: the wide characters they half cover lose their
 * other half. Returns how many fit. */
static int cell_run(struct tcell *row, int cols, int x, int n)
{
	if (x < 0 || x >= cols || n <= 0)
		return 0;
	if (n > cols - x)
		n = cols - x;
	if (!row[x].ch[0] && x > 0)
		row[x - 1] = (struct tcell){ { L' ' }, row[x - 1].attr };
	if (x + n < cols && !row[x + n].ch[0])
		row[x + n] = (struct tcell){ { L' ' }, row[x + n].attr };
	return n;
}

/* A zero-width character joins the character left of x. */
static void cell_join(struct tcell *row, int x, wchar_t wc)
{
	while (x > 0 && !row[x].ch[0])
		x--;
	for (int i = 1; i < TERMOUT_CHARS - 1; i++)
		if (!row[x].ch[i]) {
			row[x].ch[i] = wc;
			row[x].ch[i + 1] = 0;
			return;
		}
}

/* The row's operations as cells (cols of them), blank where nothing was drawn. */
static void row_cells(const struct screen *s, const struct buf *b, struct tcell *row, int cols)
{
	static struct tcell *blanks;
	static int nblanks;
	if (nblanks < cols) {
		free(blanks);
		blanks = xcalloc((size_t)cols, sizeof(*blanks));
		for (int x = 0; x < cols; x++)
			blanks[x] = (struct tcell){ { L' ' }, 0 };
		nblanks = cols;
	}
	memcpy(row, blanks, (size_t)cols * sizeof(*row));
	for (size_t at = 0; at + sizeof(struct op) <= b->len;) {
		struct op op;
		memcpy(&op, b->data + at, sizeof(op));
		at += sizeof(op);
		size_t len = op_payload(&op);
		if (at + len > b->len)
			break;
		const char *p = b->data + at;
		at += len;
		int x = op.x;
		switch (op.kind) {
		case OP_TEXT: {
			int n = cell_run(row, cols, x, op.n);
			for (int i = 0; i < n; i++)
				row[x + i] = (struct tcell){ { (unsigned char)p[i] }, op.attr };
			break;
		}
		case OP_WTEXT:
			for (int i = 0; i < op.n && x < cols; i++) {
				wchar_t wc;
				memcpy(&wc, p + (size_t)i * sizeof(wc), sizeof(wc));
				int w = wcwidth(wc);
				if (w == 0 && x > 0) {
					cell_join(row, x - 1, wc);
					continue;
				}
				w = w == 2 ? 2 : 1;
				cell_put(row, cols, x, wc, w, op.attr);
				x += w;
			}
			break;
		case OP_FILL:
		case OP_HLINE:
		case OP_BOX: {
			wchar_t wc = op.kind == OP_FILL ? L' '
				     : s->utf8		? box_wide[op.box]
							: (wchar_t)box_narrow[op.box];
			int n = cell_run(row, cols, x, op.kind == OP_BOX ? 1 : op.n);
			for (int i = 0; i < n; i++)
				row[x + i] = (struct tcell){ { wc }, op.attr };
			break;
		}
		default: break;
		}
	}
}

/* Record the operation in the frame (every drawing call comes between begin and end). */
static void op_put(const struct screen *s, int y, struct op op, const void *payload)
{
	if (frame.on)
		op_add(s, y, op, payload, op_payload(&op));
}

void screen_frame_begin(const struct screen *s)
{
	if (frame.nrows != s->rows) {
		for (int y = 0; y < frame.nrows; y++) {
			buf_free(&frame.rows[y].b);
			buf_free(&frame.rows[y].last);
			free(frame.rows[y].cells);
			free(frame.rows[y].shown);
		}
		free(frame.rows);
		frame.rows = xcalloc((size_t)(s->rows > 0 ? s->rows : 1), sizeof(*frame.rows));
		frame.nrows = s->rows;
		frame.rec_start = xrealloc(frame.rec_start, (size_t)(s->rows > 0 ? s->rows : 1),
					   sizeof(*frame.rec_start));
		for (int i = 0; i < SCREEN_MEMOS; i++) /* kept for rows that are no more */
			frame.memos[i].valid = false;
		for (int y = 0; y < frame.nrows; y++) {
			buf_init(&frame.rows[y].b);
			buf_init(&frame.rows[y].last);
		}
	}
	if (frame.cols != s->cols) {
		for (int i = 0; i < SCREEN_MEMOS; i++)
			frame.memos[i].valid = false;
		frame.cols = s->cols;
	}
	for (int y = 0; y < frame.nrows; y++)
		frame.rows[y].b.len = 0;
	frame.on = true;
	frame.recording = -1;
}

bool screen_memo_replay(const struct screen *s, int id, const void *key, size_t keylen, void *out,
			size_t outlen)
{
	(void)s;
	if (!frame.on || id < 0 || id >= SCREEN_MEMOS || frame.recording >= 0)
		return false; /* drawn, not kept */
	struct memo *mo = &frame.memos[id];
	if (mo->valid && mo->key.len == keylen && mo->out.len == outlen &&
	    memcmp(mo->key.data, key, keylen) == 0) {
		/* the same operations, appended to the same rows in the same order: the rows'
		 * operations are byte for byte what drawing again would make */
		for (size_t at = 0; at < mo->ops.len;) {
			int y;
			size_t len;
			memcpy(&y, mo->ops.data + at, sizeof(y));
			memcpy(&len, mo->ops.data + at + sizeof(y), sizeof(len));
			at += sizeof(y) + sizeof(len);
			buf_add(&frame.rows[y].b, mo->ops.data + at, len);
			at += len;
		}
		if (outlen)
			memcpy(out, mo->out.data, outlen);
		frame.stats.memo_hits++;
		return true;
	}
	mo->valid = false;
	mo->key.len = 0;
	buf_add(&mo->key, key, keylen);
	for (int y = 0; y < frame.nrows; y++)
		frame.rec_start[y] = frame.rows[y].b.len;
	frame.recording = id;
	return false;
}

void screen_memo_keep(const struct screen *s, int id, const void *out, size_t outlen)
{
	(void)s;
	if (frame.recording != id || id < 0)
		return;
	frame.recording = -1;
	struct memo *mo = &frame.memos[id];
	mo->ops.len = mo->out.len = 0;
	for (int y = 0; y < frame.nrows; y++) {
		const struct buf *b = &frame.rows[y].b;
		size_t len = b->len - frame.rec_start[y];
		if (!len)
			continue;
		buf_add(&mo->ops, (const char *)&y, sizeof(y));
		buf_add(&mo->ops, (const char *)&len, sizeof(len));
		buf_add(&mo->ops, b->data + frame.rec_start[y], len);
	}
	if (outlen)
		buf_add(&mo->out, out, outlen);
	mo->valid = true;
}

struct buf *screen_memo_key(int y, int x, int h, int w, int extra)
{
	static struct buf k;
	const int place[] = { y, x, h, w, extra };
	k.len = 0;
	buf_add(&k, (const char *)place, sizeof(place));
	return &k;
}

void screen_frame_end(const struct screen *s)
{
	frame.on = false;
	frame.recording = -1;
	frame.stats.frames++;
	for (int y = 0; y < frame.nrows && y < s->rows; y++) {
		struct row_ops *r = &frame.rows[y];
		if (r->valid && r->b.len == r->last.len &&
		    (!r->b.len || memcmp(r->b.data, r->last.data, r->b.len) == 0))
			continue;
		frame.stats.rows_drawn++;
		if (r->ncells != s->cols) {
			free(r->cells);
			free(r->shown);
			r->cells = xcalloc((size_t)s->cols, sizeof(*r->cells));
			r->shown = xcalloc((size_t)s->cols, sizeof(*r->shown));
			r->ncells = s->cols;
			r->valid = false;
		}
		row_cells(s, &r->b, r->cells, s->cols);
		/* only the cells that changed, when the terminal shows this row's last frame */
		termout_row(y, r->cells, r->valid ? r->shown : NULL, s->cols, y == s->rows - 1);
		struct tcell *cells = r->shown;
		r->shown = r->cells;
		r->cells = cells;
		struct buf shown = r->b; /* what was drawn is kept; its old storage is reused */
		r->b = r->last;
		r->last = shown;
		r->valid = true;
	}
	termout_flush(); /* the frame in one write() */
}

void screen_frame_invalidate(void)
{
	for (int y = 0; y < frame.nrows; y++)
		frame.rows[y].valid = false;
	/* every part drawn from the model again, none replayed: a repaint (Ctrl-L) shows what
	 * the model says, whatever the last frames kept */
	for (int i = 0; i < SCREEN_MEMOS; i++)
		frame.memos[i].valid = false;
	termout_clear();
}

struct screen_frame_stats screen_frame_stats(void)
{
	return frame.stats;
}

/* Put at most maxw columns of text; non-UTF-8 terminals get '?' for non-ASCII. */
void screen_text(const struct screen *s, int y, int x, int maxw, enum role r, const char *text)
{
	if (y < 0 || y >= s->rows || x < 0 || x >= s->cols || maxw <= 0)
		return;
	if (x + maxw > s->cols)
		maxw = s->cols - x;
	struct op op = { .kind = OP_TEXT, .x = (short)x, .attr = screen_attr(s, r) };
	/* printable ASCII (most of what is drawn): one column a byte, nothing to convert */
	size_t n = 0;
	while (text[n] >= 0x20 && text[n] < 0x7f)
		n++;
	if (!text[n]) {
		op.n = (short)(n < (size_t)maxw ? n : (size_t)maxw);
		op_put(s, y, op, text);
		return;
	}
	/* cleaned and decoded in one pass (text_clean's rules) */
	wchar_t wbuf[1024];
	n = text_clean_wide(wbuf, ARRAY_LEN(wbuf), text, strlen(text), s->utf8 ? 0 : TEXT_ASCII);
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
	op.kind = OP_WTEXT;
	op.n = (short)k;
	op_put(s, y, op, wbuf);
}

/* The next row of text from *p within maxw columns (text_wrap_cut(): at a space, whole
 * characters): the spaces before it passed over, its length in bytes; 0 at the end. */
static size_t wrap_row(const char **p, int maxw)
{
	while (**p == ' ')
		(*p)++;
	return **p ? text_wrap_cut(*p, maxw) : 0;
}

int screen_text_wrap(const struct screen *s, int y, int x, int maxw, int maxh, enum role r,
		     const char *text)
{
	int rows = 0;
	const char *p = text;
	size_t cut;
	while (rows < maxh && maxw > 0 && (cut = wrap_row(&p, maxw)) > 0) {
		char line[512];
		size_t n = cut < sizeof(line) - 1 ? cut : sizeof(line) - 1;
		memcpy(line, p, n);
		while (n && line[n - 1] == ' ')
			n--; /* the space the row ended at */
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
	size_t cut;
	while (maxw > 0 && (cut = wrap_row(&p, maxw)) > 0) {
		p += cut;
		rows++;
	}
	return rows ? rows : 1;
}

void screen_hline(const struct screen *s, int y, int x, int w, enum role r)
{
	if (x + w > s->cols)
		w = s->cols - x;
	if (y < 0 || y >= s->rows || x < 0 || w <= 0)
		return;
	struct op op = {
		.kind = OP_HLINE, .box = 4, .x = (short)x, .n = (short)w, .attr = screen_attr(s, r)
	};
	op_put(s, y, op, NULL);
}

void screen_fill(const struct screen *s, int y, int x, int h, int w, enum role r)
{
	if (x + w > s->cols)
		w = s->cols - x;
	if (x < 0 || w <= 0)
		return;
	struct op op = { .kind = OP_FILL, .x = (short)x, .n = (short)w, .attr = screen_attr(s, r) };
	for (int i = 0; i < h && y + i < s->rows; i++)
		if (y + i >= 0)
			op_put(s, y + i, op, NULL);
}

static void box_char(const struct screen *s, int y, int x, int which, int attr)
{
	if (x < 0 || x >= s->cols || y < 0 || y >= s->rows)
		return;
	struct op op = { .kind = OP_BOX, .box = (unsigned char)which, .x = (short)x, .attr = attr };
	op_put(s, y, op, NULL);
}

void screen_box(const struct screen *s, int y, int x, int h, int w, enum role r, const char *title)
{
	if (h < 2 || w < 2 || y >= s->rows)
		return;
	int attr = screen_attr(s, r);
	struct op line = { .kind = OP_HLINE, .box = 4, .x = (short)(x + 1), .attr = attr };
	int inner = x + w - 1 > s->cols ? s->cols - x - 1 : w - 2;
	line.n = (short)inner;
	box_char(s, y, x, 0, attr);
	if (inner > 0)
		op_put(s, y, line, NULL);
	box_char(s, y, x + w - 1, 1, attr);
	for (int j = 1; j < h - 1 && y + j < s->rows; j++) {
		box_char(s, y + j, x, 5, attr);
		box_char(s, y + j, x + w - 1, 5, attr);
	}
	if (y + h - 1 < s->rows) {
		box_char(s, y + h - 1, x, 2, attr);
		if (inner > 0)
			op_put(s, y + h - 1, line, NULL);
		box_char(s, y + h - 1, x + w - 1, 3, attr);
	}
	if (title && title[0]) {
		char t[256];
		str_join(t, sizeof(t), " ", title, " ", NULL);
		screen_text(s, y, x + 2, w - 4, ROLE_HEADER, t);
	}
}
