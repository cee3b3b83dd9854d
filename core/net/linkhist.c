/* linkhist.c: carrier transitions per netdev (linkhist.h). */
#include "core/net/linkhist.h"

#include "core/base/text.h"
#include "core/base/util.h"

#include <stdlib.h>
#include <string.h>

void linkhist_free(struct linkhist *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

const struct link_history *linkhist_find(const struct linkhist *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].name, name) == 0)
			return &h->v[i];
	return NULL;
}

void linkhist_note(struct linkhist *h, const char *name, bool up, long speed_mbps, int64_t t_ms,
		   int64_t mono_ms)
{
	struct link_history *hist = (struct link_history *)linkhist_find(h, name);
	if (!hist) {
		h->v = xrealloc(h->v, h->n + 1, sizeof(*h->v));
		hist = &h->v[h->n++];
		memset(hist, 0, sizeof(*hist));
		text_clean(hist->name, sizeof(hist->name), name, strlen(name), TEXT_NAME);
	}
	if (up)
		hist->ups++;
	else
		hist->downs++;
	struct link_event e = { t_ms, mono_ms, up, up ? speed_mbps : -1 };
	if (hist->n < LINKHIST_EVENTS) {
		hist->ev[(hist->head + hist->n) % LINKHIST_EVENTS] = e;
		hist->n++;
	} else {
		hist->ev[hist->head] = e;
		hist->head = (hist->head + 1) % LINKHIST_EVENTS;
	}
}

const struct link_event *linkhist_event(const struct link_history *hist, size_t i)
{
	return &hist->ev[(hist->head + i) % LINKHIST_EVENTS];
}

unsigned linkhist_downs_since(const struct link_history *hist, int64_t since_ms)
{
	unsigned n = 0;
	for (size_t i = 0; i < hist->n; i++) {
		const struct link_event *e = linkhist_event(hist, i);
		if (!e->up && e->mono_ms >= since_ms)
			n++;
	}
	return n;
}
