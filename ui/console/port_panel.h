/* port_panel.h: the ports side of the main screen: one panel per physical port with both
 * twins, then the other interfaces, then the findings. Every state is in words as well as in
 * colour. */
#ifndef SPARKLINK_PORT_PANEL_H
#define SPARKLINK_PORT_PANEL_H

#include "core/base/util.h"
#include "core/net/model.h"
#include "ui/console/screen.h"

/* Each draws within rows [y, y+h) and columns [x, x+w) and returns the rows it used. The column
 * header is on the first port's panel, and on every one with all_headers. On a NetworkManager
 * node each twin's row has NetworkManager's word for it under it ("NM: Wired connection 1
 * (activated)", "NM: unmanaged") with nm_rows, else in the port's title. */
int port_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w,
		    bool all_headers, bool nm_rows);
int iface_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w);
/* Rows the other interfaces and the findings want at width w. */
int iface_panel_rows(const struct model *m);
int findings_panel_rows(const struct model *m, int w);
int findings_panel_draw(const struct screen *s, const struct model *m, int y, int x, int h, int w);
/* Everything the findings pane shows of the model, added to k as bytes (the key under which a
 * frame keeps it, screen_memo_replay()); the place on the screen is the caller's to add. */
void findings_panel_key(const struct model *m, struct buf *k);
/* The parts of the frame these keep themselves (screen_memo_replay ids): each port's panel,
 * the other interfaces' box and each of their rows. */
#define PORT_PANEL_MEMO_PORTS 8
#define PORT_PANEL_MEMO_NPORTS 8
#define PORT_PANEL_MEMO_BOX 16
#define PORT_PANEL_MEMO_ROWS 17
#define PORT_PANEL_MEMO_NROWS 40

#endif
