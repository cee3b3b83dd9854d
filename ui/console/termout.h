/* termout.h: a frame's changed rows written to the terminal by the console itself, from the
 * terminal's own terminfo strings (cup, el, clear, sgr or its parts, setaf/setab), all of a
 * frame in one write(). curses keeps the terminal's modes, the keys and the mouse; it no
 * longer draws (screen.c knows which rows changed, and their cells). */
#ifndef SPARKLINK_TERMOUT_H
#define SPARKLINK_TERMOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* combining characters kept with a cell's base character */
#define TERMOUT_CHARS 4

/* One character cell: a base character and the zero-width ones drawn on it (0-terminated),
 * in curses' attributes (A_BOLD ... | COLOR_PAIR(n)). ch[0] == 0: the right half of the wide
 * character on its left. */
struct tcell {
	wchar_t ch[TERMOUT_CHARS];
	int attr;
};

/* Read the strings of the terminal curses was started on (after newterm()). */
void termout_open(bool color, bool utf8);
/* The next frame starts with the screen cleared (a full repaint). */
void termout_clear(void);
/* Row y, n cells (the screen's width), as the next part of this frame: the cells that differ
 * from was (what the terminal shows there), or all of them when was is NULL. */
void termout_row(int y, const struct tcell *cells, const struct tcell *was, int n, bool last_row);
/* Write what the frame put together, in one write(). */
void termout_flush(void);

#endif
