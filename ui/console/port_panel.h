/* port_panel.h: the ports side of the main screen: one panel per physical port with both
 * twins, then the other interfaces, then the findings. Every state is in words as well as in
 * colour. */
#ifndef SPARKLINK_PORT_PANEL_H
#define SPARKLINK_PORT_PANEL_H

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

#endif
