/* info_dialog.c: drawing the explanation dialog. */
#include "ui/console/info_dialog.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <string.h>

void info_dialog_set(struct info_dialog *d, const char *title, const char *text, const char *keys,
		     int offer)
{
	text_clean(d->title, sizeof(d->title), title, strlen(title), 0);
	text_clean(d->text, sizeof(d->text), text, strlen(text), TEXT_LINES);
	text_clean(d->keys, sizeof(d->keys), keys, strlen(keys), 0);
	d->offer = offer;
	d->offer2 = 0;
}

void info_dialog_draw(const struct screen *s, const struct info_dialog *d)
{
	int w = s->cols - 8 > 84 ? 84 : s->cols - 8, h = s->rows - 6 > 20 ? 20 : s->rows - 6;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2, iw = w - 4;
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, d->title);
	int ry = y + 2, last = y + h - 2;
	char para[2400];
	const char *p = d->text;
	while (*p && ry < last - 1) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(para))
			n = sizeof(para) - 1;
		memcpy(para, p, n);
		para[n] = '\0';
		ry += screen_text_wrap(s, ry, x + 2, iw, last - 1 - ry, ROLE_NORMAL, para) + 1;
		p += n + (nl ? 1 : 0);
	}
	screen_text(s, last, x + 2, iw, ROLE_HEADER, d->keys);
}
