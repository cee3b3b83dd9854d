/* vt.h: a small terminal emulator for the benchmarks: it keeps the characters of an
 * xterm-like screen (no colours) so that a benchmark can tell when a word has reached a given
 * place on the screen, whatever mix of cursor motions, erases and repeats curses chose to send.
 *
 * Understood: UTF-8 text, CR LF BS HT, autowrap with the xterm "pending wrap" column, insert
 * mode, CSI cursor motions (A B C D E F G ` d H f), erases (J K X), insert/delete of characters
 * and lines (@ P L M), scroll (S T, scroll region r, IND RI NEL), repeat (b), save/restore
 * (ESC 7/8, CSI s/u), the alternate screen (?1049/?47/?1047); SGR, OSC, DCS and charset
 * selection are consumed and ignored. Anything else is counted in `unknown`. */
#ifndef SPARKLINK_BENCH_VT_H
#define SPARKLINK_BENCH_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vt {
	int rows, cols;
	uint32_t *cells; /* rows * cols code points, ' ' when blank */
	int y, x;
	bool wrap_pending, autowrap, insert;
	int top, bottom; /* scroll region, inclusive */
	int saved_y, saved_x;
	uint32_t last; /* last graphic character (for CSI b) */
	/* parser */
	int state;
	int params[16];
	int nparams;
	char priv; /* '?', '>', '=' or 0 */
	char inter; /* intermediate byte ('!', ' ', '$' ...) or 0 */
	uint32_t u8cp;
	int u8left;
	unsigned long unknown;
	unsigned long bytes;
};

void vt_init(struct vt *v, int rows, int cols);
void vt_free(struct vt *v);
void vt_feed(struct vt *v, const char *data, size_t n);
/* Row y as one byte per column (non-ASCII becomes '#'), NUL-terminated; buf has cols + 1. */
void vt_row(const struct vt *v, int y, char *buf);
/* Find `text` on the screen (ASCII, as vt_row shows it). Returns the row or -1; *col gets the
 * column of the first match. */
int vt_find(const struct vt *v, const char *text, int *col);

#endif
