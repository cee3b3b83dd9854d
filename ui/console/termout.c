/* termout.c: the frame's rows as the terminal's own escape sequences, written in one write().
 *
 * A changed row goes out whole: the cursor to its start (cup), its cells with an attribute
 * change wherever the attribute changes, then the rest of the row erased (el) unless the text
 * reaches the last column. What curses' doupdate() spent most of its time on (comparing the
 * screen cell by cell and choosing the cheapest cursor motion, each motion's string formatted
 * with tiparm) is not needed: the rows that changed are known, and one cup a row is short.
 * An attribute's escape sequence is formatted once and kept. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/termout.h"
#include "core/base/util.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* an attribute's sequence: sgr (or sgr0 and the modes one by one), then the colours */
struct attr_seq {
	int attr;
	unsigned char n;
	char s[95];
};

static struct {
	bool open, color, utf8, am, xenl, ansi_cup;
	char *cup, *el, *clear, *sgr, *sgr0, *bold, *dim, *rev, *smso, *smul, *blink;
	char *op, *setaf, *setab, *setf, *setb, *rmam, *smam;
	struct attr_seq seqs[32];
	size_t nseqs;
	bool clear_next;
	struct buf out;
} t;

/* A string capability without its padding ($<5>): nothing here waits for a slow terminal. */
static char *cap(const char *name)
{
	const char *v = tigetstr(name);
	if (!v || v == (const char *)-1 || !v[0])
		return NULL;
	char *s = xstrdup(v), *o = s;
	for (const char *p = s; *p;) {
		const char *end = p[0] == '$' && p[1] == '<' ? strchr(p, '>') : NULL;
		if (end) {
			p = end + 1;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return s;
}

static bool flag(const char *name)
{
	return tigetflag(name) > 0;
}

void termout_open(bool color, bool utf8)
{
	if (t.open)
		return;
	t.open = true;
	t.color = color;
	t.utf8 = utf8;
	t.am = flag("am");
	t.xenl = flag("xenl");
	t.cup = cap("cup");
	t.el = cap("el");
	t.clear = cap("clear");
	t.sgr = cap("sgr");
	t.sgr0 = cap("sgr0");
	t.bold = cap("bold");
	t.dim = cap("dim");
	t.rev = cap("rev");
	t.smso = cap("smso");
	t.smul = cap("smul");
	t.blink = cap("blink");
	t.op = cap("op");
	t.setaf = cap("setaf");
	t.setab = cap("setab");
	t.setf = cap("setf");
	t.setb = cap("setb");
	t.rmam = cap("rmam");
	t.smam = cap("smam");
	/* the ANSI cursor address (xterm, tmux, screen, the Linux console, vt100): formatted here */
	t.ansi_cup = t.cup && strcmp(t.cup, "\033[%i%p1%d;%p2%dH") == 0;
	buf_init(&t.out);
	t.clear_next = true;
}

static void put(const char *s)
{
	if (s)
		buf_add(&t.out, s, strlen(s));
}

static void put_int(struct buf *b, int v)
{
	char d[12];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(d));
	char r[12];
	for (int i = 0; i < n; i++)
		r[i] = d[n - 1 - i];
	buf_add(b, r, (size_t)n);
}

static void put_cup(int y, int x)
{
	if (t.ansi_cup) {
		buf_add(&t.out, "\033[", 2);
		put_int(&t.out, y + 1);
		buf_add(&t.out, ";", 1);
		put_int(&t.out, x + 1);
		buf_add(&t.out, "H", 1);
	} else if (t.cup) {
		put(tiparm(t.cup, y, x));
	}
}

/* curses' colour numbers as setf/setb number them (blue and red swapped) */
static int bgr(int c)
{
	static const int map[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };
	return c >= 0 && c < 8 ? map[c] : c;
}

static void seq_add(struct attr_seq *q, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (q->n + n < sizeof(q->s)) {
		memcpy(q->s + q->n, s, n);
		q->n = (unsigned char)(q->n + n);
	}
}

/* The sequence that sets attr from any other (everything reset first). */
static const struct attr_seq *seq_of(int attr)
{
	for (size_t i = 0; i < t.nseqs; i++)
		if (t.seqs[i].attr == attr)
			return &t.seqs[i];
	static struct attr_seq spare;
	struct attr_seq *q = t.nseqs < ARRAY_LEN(t.seqs) ? &t.seqs[t.nseqs++] : &spare;
	memset(q, 0, sizeof(*q));
	q->attr = attr;
	int so = !!(attr & A_STANDOUT), ul = !!(attr & A_UNDERLINE), rev = !!(attr & A_REVERSE),
	    blink = !!(attr & A_BLINK), dim = !!(attr & A_DIM), bold = !!(attr & A_BOLD);
	if (t.sgr) {
		seq_add(q, tiparm(t.sgr, so, ul, rev, blink, dim, bold, 0, 0, 0));
	} else {
		seq_add(q, t.sgr0);
		if (bold)
			seq_add(q, t.bold);
		if (dim)
			seq_add(q, t.dim);
		if (rev)
			seq_add(q, t.rev);
		if (so)
			seq_add(q, t.smso);
		if (ul)
			seq_add(q, t.smul);
		if (blink)
			seq_add(q, t.blink);
	}
	short fg = -1, bg = -1;
	int pair = PAIR_NUMBER(attr);
	if (t.color && pair > 0)
		pair_content((short)pair, &fg, &bg);
	if (t.color)
		seq_add(q, t.op);
	if (fg >= 0)
		seq_add(q, t.setaf ? tiparm(t.setaf, fg) : t.setf ? tiparm(t.setf, bgr(fg)) : NULL);
	if (bg >= 0)
		seq_add(q, t.setab ? tiparm(t.setab, bg) : t.setb ? tiparm(t.setb, bgr(bg)) : NULL);
	return q;
}

static void put_attr(int attr)
{
	const struct attr_seq *q = seq_of(attr);
	buf_add(&t.out, q->s, q->n);
}

/* Room for n more bytes in the frame's buffer. */
static char *reserve(size_t n)
{
	if (t.out.len + n + 1 > t.out.cap) {
		size_t cap = t.out.cap ? t.out.cap : 4096;
		while (cap < t.out.len + n + 1)
			cap *= 2;
		t.out.data = xrealloc(t.out.data, cap, 1);
		t.out.cap = cap;
	}
	return t.out.data + t.out.len;
}

/* A cell's characters at p (room for TERMOUT_CHARS * MB_LEN_MAX bytes); returns the end. */
static char *put_cell(char *p, const struct tcell *c)
{
	unsigned c0 = (unsigned)c->ch[0];
	if (!c->ch[1] && c0 < 0x80) { /* most cells: one ASCII character */
		*p++ = (char)c0;
		return p;
	}
	for (int i = 0; i < TERMOUT_CHARS && c->ch[i]; i++) {
		unsigned wc = (unsigned)c->ch[i];
		if (wc < 0x80) {
			*p++ = (char)wc;
		} else if (t.utf8 && wc < 0x800) {
			*p++ = (char)(0xc0 | (wc >> 6));
			*p++ = (char)(0x80 | (wc & 0x3f));
		} else if (t.utf8 && wc < 0x10000) {
			*p++ = (char)(0xe0 | (wc >> 12));
			*p++ = (char)(0x80 | ((wc >> 6) & 0x3f));
			*p++ = (char)(0x80 | (wc & 0x3f));
		} else if (t.utf8 && wc < 0x110000) {
			*p++ = (char)(0xf0 | (wc >> 18));
			*p++ = (char)(0x80 | ((wc >> 12) & 0x3f));
			*p++ = (char)(0x80 | ((wc >> 6) & 0x3f));
			*p++ = (char)(0x80 | (wc & 0x3f));
		} else {
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(p, (wchar_t)wc, &st);
			if (n == (size_t)-1)
				*p++ = '?';
			else
				p += n;
		}
	}
	return p;
}

static bool blank(const struct tcell *c)
{
	return c->ch[0] == L' ' && !c->ch[1] && c->attr == 0;
}

void termout_clear(void)
{
	t.clear_next = true;
}

static bool same(const struct tcell *a, const struct tcell *b)
{
	return a->ch[0] == b->ch[0] && a->attr == b->attr && a->ch[1] == b->ch[1] &&
	       (!a->ch[1] || memcmp(a, b, sizeof(*a)) == 0);
}

/* Cells [x0, x1) of row y; the rest of the row erased when it is blank from x1 on (to_end). */
static void put_span(int y, const struct tcell *cells, int x0, int x1, int n, bool to_end,
		     bool last_row)
{
	put_cup(y, x0);
	int cur = 0;
	for (int x = x0; x < x1;) {
		/* a run of cells in one attribute, straight into the buffer */
		if (cells[x].ch[0] && cells[x].attr != cur)
			put_attr(cur = cells[x].attr);
		int k = x;
		while (k < x1 && (!cells[k].ch[0] || cells[k].attr == cur))
			k++;
		char *p = reserve((size_t)(k - x) * TERMOUT_CHARS * MB_LEN_MAX + 16);
		for (; x < k; x++) {
			const struct tcell *c = &cells[x];
			unsigned c0 = (unsigned)c->ch[0];
			if (c0 - 1 < 0x7f && !c->ch[1] && !(last_row && x == n - 1)) {
				*p++ = (char)c0; /* most cells: one ASCII character */
				continue;
			}
			if (!c0)
				continue; /* the right half of a wide character */
			/* the last cell of the screen: a terminal that wraps at once would scroll */
			if (last_row && x == n - 1 && t.am && !t.xenl) {
				if (!t.rmam || !t.smam)
					break;
				t.out.len = (size_t)(p - t.out.data);
				put(t.rmam);
				p = put_cell(reserve(TERMOUT_CHARS * MB_LEN_MAX), c);
				t.out.len = (size_t)(p - t.out.data);
				put(t.smam);
				p = reserve(0);
				continue;
			}
			p = put_cell(p, c);
		}
		t.out.len = (size_t)(p - t.out.data);
		x = k > x ? k : x;
	}
	if (cur != 0)
		put_attr(0);
	if (to_end && x1 < n) {
		if (t.el) {
			put(t.el);
		} else {
			for (int x = x1; x < n; x++)
				buf_add(&t.out, " ", 1);
		}
	}
}

/* a gap of unchanged cells shorter than this is written again rather than jumped over with
 * another cup (about as many bytes) */
#define SPAN_GAP 8

void termout_row(int y, const struct tcell *cells, const struct tcell *was, int n, bool last_row)
{
	if (t.clear_next) {
		put_attr(0);
		put(t.clear);
		t.clear_next = false;
		was = NULL; /* everything on a clean screen */
	}
	int end = n; /* the row is blank from end on */
	while (end > 0 && blank(&cells[end - 1]))
		end--;
	if (!was) {
		put_span(y, cells, 0, end, n, true, last_row);
		return;
	}
	/* the unchanged cells at both ends are passed over by whole blocks (the cells are plain
	 * bytes: every field written) */
	int lo = 0, hi = n;
	while (lo + 8 <= hi && memcmp(&cells[lo], &was[lo], 8 * sizeof(*cells)) == 0)
		lo += 8;
	while (hi - 8 >= lo && memcmp(&cells[hi - 8], &was[hi - 8], 8 * sizeof(*cells)) == 0)
		hi -= 8;
	for (int x = lo; x < hi;) {
		if (same(&cells[x], &was[x])) {
			x++;
			continue;
		}
		int x0 = x, x1 = x + 1, gap = 0;
		for (int k = x1; k < n && gap < SPAN_GAP; k++) {
			if (same(&cells[k], &was[k])) {
				gap++;
			} else {
				gap = 0;
				x1 = k + 1;
			}
		}
		/* whole characters: not from the right half of a wide one, nor up to its left */
		while (x0 > 0 && (!cells[x0].ch[0] || !was[x0].ch[0]))
			x0--;
		while (x1 < n && (!cells[x1].ch[0] || !was[x1].ch[0]))
			x1++;
		if (x1 >= end && end < n) { /* blank from here on: erased */
			put_span(y, cells, x0, end > x0 ? end : x0, n, true, last_row);
			break;
		}
		put_span(y, cells, x0, x1, n, false, last_row);
		x = x1;
	}
}

void termout_flush(void)
{
	size_t off = 0;
	while (off < t.out.len) {
		ssize_t w = write(STDOUT_FILENO, t.out.data + off, t.out.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the terminal is gone: the loop sees its hang-up */
		off += (size_t)w;
	}
	t.out.len = 0;
}
