/* help.c: the help screen's text (the keys from the key table) and its box. */
#include "ui/console/help.h"
#include "core/base/util.h"
#include "ui/console/keys.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *const intro[] = {
	"sparklink takes two DGX Sparks (or a cluster of up to 8) from \"cable",
	"plugged in\" to verified rails with passwordless SSH both ways, and can",
	"undo what it did.",
};

static const char *const steps_text[] = {
	" ",
	"Steps (NVIDIA's playbook \"Connect two Sparks\")",
	"  1 Same user   the same user name on both nodes",
	"  2 Cabling     a QSFP cable between the Sparks; the peer seen on it (a",
	"                cluster: the cable map, every node's ports and far ends)",
	"  3 Addressing  link-local or static addresses on the cabled ports",
	"  4 SSH         passwordless SSH both ways, verified",
	"  5 Verify      every rail answers a ping (jumbo frames with MTU 9000)",
	"  6 Rollback    undo what sparklink changed (optional)",
	"Each mark (done, to do, FAILING, n.a.) and its reason come from what is",
	"true now: pull the cable and steps 2 and 5 say so at once.",
	"A cluster (NVIDIA's \"Connect multiple Sparks\": direct, ring, switch):",
	"mark its peers with Space; each step then names the node not there",
	"yet; p pairs them as a mesh, a addresses them all, v pings every rail.",
	" ",
	"Keys",
};

static const char *const tail[] = {
	"Mouse: click a step or a peer to choose it (a chosen step again to open",
	"it), or a key in the bottom bar.",
	" ",
	"Peers are other Sparks announcing SSH over mDNS (avahi), with where",
	"each was seen: on a cable (port N) or on the LAN. Addressing and",
	"rollback change the network: start the console with sudo.",
	" ",
	"Command line: sparklink ports|discover|pair|verify|apply|rollback|status;",
	"sparklink --help. NO_COLOR=1 turns colour off; SPARKLINK_ASCII=1 forces",
	"ASCII lines.",
};

static void add_all(struct scroll_text *t, const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scroll_text_add(t, lines[i], strlen(lines[i]));
}

void help_fill(struct scroll_text *t, const struct actlog *log, const char *journal_path)
{
	scroll_text_clear(t);
	add_all(t, intro, ARRAY_LEN(intro)); /* what it is, then where it writes */
	char line[PATH_MAX + 64];
	snprintf(line, sizeof(line), "Log of every action: %s%s",
		 log->path[0] ? log->path : "(none)",
		 log->error[0] ? " (not writable: on screen only)" : "");
	scroll_text_add(t, line, strlen(line));
	snprintf(line, sizeof(line), "Journal of every change (for rollback): %s", journal_path);
	scroll_text_add(t, line, strlen(line));
	add_all(t, steps_text, ARRAY_LEN(steps_text));
	keys_help_add(t);
	add_all(t, tail, ARRAY_LEN(tail));
	t->follow = false;
	t->top = 0;
}

void help_draw(const struct screen *s, struct scroll_text *t)
{
	int w = 78, h = (int)t->n + 4;
	if (w > s->cols - 2)
		w = s->cols - 2;
	if (h > s->rows - 2)
		h = s->rows - 2;
	int y = (s->rows - h) / 2, x = (s->cols - w) / 2;
	screen_fill(s, y, x, h, w, ROLE_NORMAL);
	screen_box(s, y, x, h, w, ROLE_FRAME, "Help (Esc closes)");
	scroll_text_draw(s, t, y + 2, x + 2, h - 3, w - 4);
}
