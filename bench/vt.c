/* vt.c: the benchmarks' small terminal emulator (see vt.h). */
#include "bench/vt.h"

#include <stdlib.h>
#include <string.h>

enum { S_GROUND, S_ESC, S_ESC_CHARSET, S_CSI, S_STRING, S_STRING_ESC };

static uint32_t *cell(struct vt *v, int y, int x)
{
	return &v->cells[(size_t)y * (size_t)v->cols + (size_t)x];
}

static void blank(struct vt *v, int y, int x0, int x1) /* [x0, x1) of row y */
{
	if (x0 < 0)
		x0 = 0;
	if (x1 > v->cols)
		x1 = v->cols;
	for (int x = x0; x < x1; x++)
		*cell(v, y, x) = ' ';
}

static void clear_all(struct vt *v)
{
	for (int y = 0; y < v->rows; y++)
		blank(v, y, 0, v->cols);
}

void vt_init(struct vt *v, int rows, int cols)
{
	memset(v, 0, sizeof(*v));
	v->rows = rows;
	v->cols = cols;
	v->cells = calloc((size_t)rows * (size_t)cols, sizeof(*v->cells));
	if (!v->cells)
		abort();
	v->autowrap = true;
	v->bottom = rows - 1;
	clear_all(v);
}

void vt_free(struct vt *v)
{
	free(v->cells);
	v->cells = NULL;
}

static int clampi(int a, int lo, int hi)
{
	return a < lo ? lo : a > hi ? hi : a;
}

static void goto_yx(struct vt *v, int y, int x)
{
	v->y = clampi(y, 0, v->rows - 1);
	v->x = clampi(x, 0, v->cols - 1);
	v->wrap_pending = false;
}

/* Scroll rows [top, bottom] up (n > 0) or down (n < 0) by |n|. */
static void scroll_region(struct vt *v, int top, int bottom, int n)
{
	int h = bottom - top + 1;
	if (h <= 0 || n == 0)
		return;
	if (n >= h || -n >= h) {
		for (int y = top; y <= bottom; y++)
			blank(v, y, 0, v->cols);
		return;
	}
	size_t row = (size_t)v->cols * sizeof(*v->cells);
	if (n > 0) {
		memmove(cell(v, top, 0), cell(v, top + n, 0), row * (size_t)(h - n));
		for (int y = bottom - n + 1; y <= bottom; y++)
			blank(v, y, 0, v->cols);
	} else {
		n = -n;
		memmove(cell(v, top + n, 0), cell(v, top, 0), row * (size_t)(h - n));
		for (int y = top; y < top + n; y++)
			blank(v, y, 0, v->cols);
	}
}

static void linefeed(struct vt *v)
{
	v->wrap_pending = false;
	if (v->y == v->bottom)
		scroll_region(v, v->top, v->bottom, 1);
	else if (v->y < v->rows - 1)
		v->y++;
}

static void reverse_index(struct vt *v)
{
	v->wrap_pending = false;
	if (v->y == v->top)
		scroll_region(v, v->top, v->bottom, -1);
	else if (v->y > 0)
		v->y--;
}

static void insert_chars(struct vt *v, int n)
{
	int room = v->cols - v->x;
	n = clampi(n, 1, room);
	uint32_t *p = cell(v, v->y, v->x);
	memmove(p + n, p, (size_t)(room - n) * sizeof(*p));
	blank(v, v->y, v->x, v->x + n);
}

static void delete_chars(struct vt *v, int n)
{
	int room = v->cols - v->x;
	n = clampi(n, 1, room);
	uint32_t *p = cell(v, v->y, v->x);
	memmove(p, p + n, (size_t)(room - n) * sizeof(*p));
	blank(v, v->y, v->cols - n, v->cols);
}

static void put(struct vt *v, uint32_t cp)
{
	if (v->wrap_pending && v->autowrap) {
		v->x = 0;
		linefeed(v);
	}
	v->wrap_pending = false;
	if (v->insert)
		insert_chars(v, 1);
	*cell(v, v->y, v->x) = cp;
	v->last = cp;
	if (v->x == v->cols - 1)
		v->wrap_pending = true;
	else
		v->x++;
}

static int param(const struct vt *v, int i, int dflt)
{
	return i < v->nparams && v->params[i] > 0 ? v->params[i] : dflt;
}

static void set_mode(struct vt *v, bool on)
{
	for (int i = 0; i < (v->nparams ? v->nparams : 1); i++) {
		int p = v->params[i];
		if (!v->priv && p == 4) {
			v->insert = on;
		} else if (v->priv == '?' && p == 7) {
			v->autowrap = on;
		} else if (v->priv == '?' && (p == 1049 || p == 1047 || p == 47)) {
			/* one screen is enough here: entering or leaving the alternate screen
			 * starts from a blank one, as the terminal shows it */
			if (p == 1049 && on)
				v->saved_y = v->y, v->saved_x = v->x;
			clear_all(v);
			if (p == 1049 && !on)
				goto_yx(v, v->saved_y, v->saved_x);
		}
		/* other modes (cursor visibility, mouse, keypad ...) do not change the text */
	}
}

static void csi(struct vt *v, char final)
{
	int n = param(v, 0, 1);
	if (v->inter) {
		if (!(v->inter == '!' && final == 'p')) /* DECSTR: nothing visible to reset */
			v->unknown++;
		return;
	}
	if (v->priv && final != 'h' && final != 'l') {
		if (final != 'm' && final != 'c' && final != 'n')
			v->unknown++;
		return;
	}
	switch (final) {
	case 'A': goto_yx(v, v->y - n, v->x); break;
	case 'B': goto_yx(v, v->y + n, v->x); break;
	case 'C': goto_yx(v, v->y, v->x + n); break;
	case 'D': goto_yx(v, v->y, v->x - n); break;
	case 'E': goto_yx(v, v->y + n, 0); break;
	case 'F': goto_yx(v, v->y - n, 0); break;
	case 'G':
	case '`': goto_yx(v, v->y, n - 1); break;
	case 'd': goto_yx(v, n - 1, v->x); break;
	case 'H':
	case 'f': goto_yx(v, param(v, 0, 1) - 1, param(v, 1, 1) - 1); break;
	case 'J': {
		int mode = v->nparams ? v->params[0] : 0;
		if (mode == 0) {
			blank(v, v->y, v->x, v->cols);
			for (int y = v->y + 1; y < v->rows; y++)
				blank(v, y, 0, v->cols);
		} else if (mode == 1) {
			for (int y = 0; y < v->y; y++)
				blank(v, y, 0, v->cols);
			blank(v, v->y, 0, v->x + 1);
		} else {
			clear_all(v);
		}
		break;
	}
	case 'K': {
		int mode = v->nparams ? v->params[0] : 0;
		if (mode == 0)
			blank(v, v->y, v->x, v->cols);
		else if (mode == 1)
			blank(v, v->y, 0, v->x + 1);
		else
			blank(v, v->y, 0, v->cols);
		break;
	}
	case 'X': blank(v, v->y, v->x, v->x + n); break;
	case '@': insert_chars(v, n); break;
	case 'P': delete_chars(v, n); break;
	case 'L':
		if (v->y >= v->top && v->y <= v->bottom)
			scroll_region(v, v->y, v->bottom, -n);
		v->x = 0;
		break;
	case 'M':
		if (v->y >= v->top && v->y <= v->bottom)
			scroll_region(v, v->y, v->bottom, n);
		v->x = 0;
		break;
	case 'S': scroll_region(v, v->top, v->bottom, n); break;
	case 'T': scroll_region(v, v->top, v->bottom, -n); break;
	case 'b':
		for (int i = 0; i < n && i < 65536; i++)
			put(v, v->last ? v->last : ' ');
		break;
	case 'r': {
		int t = param(v, 0, 1) - 1, b = param(v, 1, v->rows) - 1;
		if (t < b && b < v->rows) {
			v->top = t;
			v->bottom = b;
		}
		goto_yx(v, 0, 0);
		break;
	}
	case 's': v->saved_y = v->y, v->saved_x = v->x; break;
	case 'u': goto_yx(v, v->saved_y, v->saved_x); break;
	case 'h': set_mode(v, true); break;
	case 'l': set_mode(v, false); break;
	case 'm': /* colours and attributes */
	case 'n': /* status reports */
	case 'c': /* device attributes */
	case 't': /* window operations */ break;
	default: v->unknown++;
	}
}

static void esc(struct vt *v, char c)
{
	v->state = S_GROUND;
	switch (c) {
	case '[':
		v->state = S_CSI;
		v->nparams = 0;
		v->params[0] = 0;
		v->priv = v->inter = 0;
		break;
	case ']':
	case 'P':
	case '_':
	case '^': v->state = S_STRING; break;
	case '(':
	case ')':
	case '*':
	case '+': v->state = S_ESC_CHARSET; break;
	case '7': v->saved_y = v->y, v->saved_x = v->x; break;
	case '8': goto_yx(v, v->saved_y, v->saved_x); break;
	case 'D': linefeed(v); break;
	case 'E':
		v->x = 0;
		linefeed(v);
		break;
	case 'M': reverse_index(v); break;
	case 'c':
		clear_all(v);
		v->top = 0, v->bottom = v->rows - 1;
		goto_yx(v, 0, 0);
		break;
	case '=':
	case '>':
	case 'H': /* tab stop set: tabs are every 8 here */ break;
	default: v->unknown++;
	}
}

static void control(struct vt *v, unsigned char c)
{
	switch (c) {
	case '\r':
		v->x = 0;
		v->wrap_pending = false;
		break;
	case '\n':
	case '\v':
	case '\f': linefeed(v); break;
	case '\b':
		if (v->x > 0)
			v->x--;
		v->wrap_pending = false;
		break;
	case '\t': goto_yx(v, v->y, (v->x / 8 + 1) * 8); break;
	case 0x1b: v->state = S_ESC; break;
	default: break; /* BEL, SO, SI, NUL */
	}
}

static void byte(struct vt *v, unsigned char c)
{
	switch (v->state) {
	case S_ESC:
		if (c < 0x20) {
			control(v, c);
			return;
		}
		esc(v, (char)c);
		return;
	case S_ESC_CHARSET: v->state = S_GROUND; return;
	case S_CSI:
		if (c >= '0' && c <= '9') {
			int *p = &v->params[v->nparams ? v->nparams - 1 : 0];
			if (!v->nparams)
				v->nparams = 1, *p = 0;
			if (*p < 100000)
				*p = *p * 10 + (c - '0');
		} else if (c == ';' || c == ':') {
			if (!v->nparams)
				v->nparams = 1, v->params[0] = 0;
			if (v->nparams < (int)(sizeof(v->params) / sizeof(v->params[0])))
				v->params[v->nparams++] = 0;
		} else if (c == '?' || c == '>' || c == '=' || c == '<') {
			v->priv = (char)c;
		} else if (c >= 0x20 && c <= 0x2f) {
			v->inter = (char)c;
		} else if (c >= 0x40 && c <= 0x7e) {
			v->state = S_GROUND;
			csi(v, (char)c);
		} else if (c < 0x20) {
			control(v, c);
		} else {
			v->state = S_GROUND;
			v->unknown++;
		}
		return;
	case S_STRING:
		if (c == 0x07)
			v->state = S_GROUND;
		else if (c == 0x1b)
			v->state = S_STRING_ESC;
		return;
	case S_STRING_ESC: v->state = c == '\\' ? S_GROUND : S_STRING; return;
	default: break;
	}
	if (v->u8left) {
		if ((c & 0xc0) == 0x80) {
			v->u8cp = (v->u8cp << 6) | (c & 0x3f);
			if (--v->u8left == 0)
				put(v, v->u8cp);
			return;
		}
		v->u8left = 0;
		put(v, 0xfffd);
	}
	if (c < 0x20 || c == 0x7f) {
		control(v, c);
	} else if (c < 0x80) {
		put(v, c);
	} else if ((c & 0xe0) == 0xc0) {
		v->u8cp = c & 0x1f, v->u8left = 1;
	} else if ((c & 0xf0) == 0xe0) {
		v->u8cp = c & 0x0f, v->u8left = 2;
	} else if ((c & 0xf8) == 0xf0) {
		v->u8cp = c & 0x07, v->u8left = 3;
	} else {
		put(v, 0xfffd);
	}
}

void vt_feed(struct vt *v, const char *data, size_t n)
{
	v->bytes += n;
	for (size_t i = 0; i < n; i++)
		byte(v, (unsigned char)data[i]);
}

void vt_row(const struct vt *v, int y, char *buf)
{
	for (int x = 0; x < v->cols; x++) {
		uint32_t c = v->cells[(size_t)y * (size_t)v->cols + (size_t)x];
		buf[x] = c < 0x80 && c >= 0x20 ? (char)c : '#';
	}
	buf[v->cols] = '\0';
}

int vt_find(const struct vt *v, const char *text, int *col)
{
	char row[1024];
	if (v->cols >= (int)sizeof(row))
		return -1;
	for (int y = 0; y < v->rows; y++) {
		vt_row(v, y, row);
		const char *p = strstr(row, text);
		if (p) {
			if (col)
				*col = (int)(p - row);
			return y;
		}
	}
	return -1;
}
