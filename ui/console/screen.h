/* screen.h: the terminal, in one place: curses set-up and tear-down, the colour scheme by
 * meaning (not by colour), UTF-8 or ASCII line drawing, stderr kept off the screen. */
#ifndef SPARKLINK_SCREEN_H
#define SPARKLINK_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

/* Keys curses has no name for (characters, as get_wch() returns them). */
#define KEY_ESC 27
#define KEY_CTRL_L 12

enum role {
	ROLE_NORMAL,
	ROLE_TITLE,
	ROLE_FRAME,
	ROLE_HEADER,
	ROLE_GOOD, /* Up, done */
	ROLE_BAD, /* Down, failing */
	ROLE_WARN, /* warnings */
	ROLE_DIM, /* absent, unknown */
	ROLE_KEY, /* F-key bar: the key */
	ROLE_KEYTEXT, /* F-key bar: the label */
	ROLE_SELECT,
	ROLE_COUNT
};

struct screen {
	int rows, cols;
	bool color;
	bool utf8;
	int saved_stderr; /* the real stderr while curses runs */
	int captured_fd; /* where stderr goes meanwhile */
};

/* Start curses on the controlling terminal. Returns false with a message in err. */
bool screen_open(struct screen *s, char *err, int errsize);
/* End curses, restore the terminal, then print whatever was written to stderr meanwhile. */
void screen_close(struct screen *s);
/* Re-read the terminal size (after SIGWINCH) and tell curses; the next frame is a full one. */
void screen_resize(struct screen *s);
/* The next frame clears the terminal and draws every row (Ctrl-L). */
void screen_repaint(void);
/* Ctrl-Z (SIGTSTP, taken from the loop's signalfd): give the terminal back, stop until
 * continued, then take it again; the next frame is a full one. */
void screen_suspend(struct screen *s);
int screen_attr(const struct screen *s, enum role r);

/* Drawing helpers, clipped to the screen, recorded in the frame (between screen_frame_begin()
 * and screen_frame_end()); text is clean UTF-8 from the model. */
void screen_text(const struct screen *s, int y, int x, int maxw, enum role r, const char *text);
void screen_box(const struct screen *s, int y, int x, int h, int w, enum role r, const char *title);
/* Word-wrapped text within [y, y+maxh); returns the rows used. */
int screen_text_wrap(const struct screen *s, int y, int x, int maxw, int maxh, enum role r,
		     const char *text);
/* The rows screen_text_wrap would use for text at width maxw (at least 1). */
int screen_wrap_rows(const char *text, int maxw);
void screen_hline(const struct screen *s, int y, int x, int w, enum role r);
void screen_fill(const struct screen *s, int y, int x, int h, int w, enum role r);

/* A frame: the drawing calls between begin and end are kept per row; end writes only the rows
 * that differ from the last frame's to the terminal (termout.c, one write()), all of them after
 * screen_frame_invalidate() (a resize, Ctrl-L, the first frame). Begin takes the place of
 * erase(): a row nothing is drawn on is cleared. */
void screen_frame_begin(const struct screen *s);
void screen_frame_end(const struct screen *s);
void screen_frame_invalidate(void); /* also drops every part kept (screen_memo_replay) */
/* A part of the frame drawn again only when what it shows changed. key is bytes that say
 * everything the part shows (its place on the screen included). When the last frame kept this
 * part (id, 0 .. SCREEN_MEMOS - 1) under the same key, its drawing operations are added again
 * and out gets what its drawing gave (outlen bytes): returns true, nothing is drawn. Else
 * returns false: draw it, then screen_memo_keep() with what the drawing gave. Parts are not
 * nested; what is drawn between replay and keep must depend only on the key. */
#define SCREEN_MEMOS 64
bool screen_memo_replay(const struct screen *s, int id, const void *key, size_t keylen, void *out,
			size_t outlen);
void screen_memo_keep(const struct screen *s, int id, const void *out, size_t outlen);
/* A part's key begun with its place (and extra, what else of the caller's it depends on): one
 * buffer, emptied by each call; the caller adds what the part shows. */
struct buf;
struct buf *screen_memo_key(int y, int x, int h, int w, int extra);
/* For the benchmarks: frames ended, rows drawn again, parts replayed. */
struct screen_frame_stats {
	unsigned long frames, rows_drawn, memo_hits;
};
struct screen_frame_stats screen_frame_stats(void);

#endif
