/* cabling_view.c: the cluster's cable map on one screen (cabling_view.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui/console/cabling_view.h"
#include "core/base/util.h"
#include "ui/console/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

void cabling_view_init(struct cabling_view *v)
{
	memset(v, 0, sizeof(*v));
	scroll_text_init(&v->text);
}

void cabling_view_free(struct cabling_view *v)
{
	scroll_text_free(&v->text);
}

void cabling_view_update(struct cabling_view *v, const struct cluster_state *cl,
			 const struct cablemap *map, const char *self, const struct step *step2)
{
	size_t top = v->text.top;
	struct buf b;
	buf_init(&b);
	cluster_state_describe(cl, map, self, &b);
	scroll_text_clear(&v->text);
	scroll_text_add(&v->text, b.data ? b.data : "", b.len);
	buf_free(&b);
	v->text.follow = false;
	v->text.top = top; /* the next draw keeps it within the rows */
	v->step = *step2;
}

unsigned cabling_view_key(struct cabling_view *v, int key, bool is_char)
{
	bool esc = is_char && key == KEY_ESC;
	if (esc || (is_char && key == 'q') || keys_action(key, is_char) == ACT_ENTER)
		return DIALOG_HANDLED | DIALOG_CLOSE;
	return scroll_text_key(&v->text, key, is_char) ? DIALOG_HANDLED | DIALOG_REDRAW : 0;
}

void cabling_view_draw(const struct screen *s, struct cabling_view *v,
		       const struct cluster_state *cl)
{
	int w = s->cols - 4 > 128 ? 128 : s->cols - 4, h = s->rows - 4 > 36 ? 36 : s->rows - 4;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	char t[400];
	snprintf(t, sizeof(t), "Step 2 Cabling: %zu nodes, topology %s (Esc closes)", cl->n + 1,
		 cl->want == TOPOLOGY_NONE ? "as the cables make it" : topology_name(cl->want));
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, t);
	int ry = y + 2, last = y + h - 2;
	char reason[400];
	keys_step_reason(&v->step, reason, sizeof(reason));
	snprintf(t, sizeof(t), "[%s] %s", step_mark_word(v->step.mark), reason);
	ry += 1 + screen_text_wrap(s, ry, x + 2, iw, 3,
				   v->step.mark == STEP_FAILING ? ROLE_BAD
				   : v->step.mark == STEP_DONE	? ROLE_GOOD
								: ROLE_WARN,
				   t);
	scroll_text_draw(s, &v->text, ry, x + 2, last - ry - 1, iw);
	screen_text(
		s, last, x + 2, iw, ROLE_HEADER,
		"t: topology (detected, direct, ring, switch)   g: read the peers' cables again   "
		"Up/Down: scroll   Esc: close");
}
