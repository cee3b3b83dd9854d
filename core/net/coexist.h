/* coexist.h: who else configures the ConnectX twins here, probed once (NetworkManager's view of
 * each twin and every profile naming one, core/net/nm_view.c; other tools' files in
 * /etc/netplan, core/net/netplan_files.c) and put into the model, whose findings then say what
 * fights sparklink's plans (findings.c). `sparklink status` probes once; the console probes
 * again when NetworkManager or /etc/netplan announce a change (nmwatch.c). Also the twins'
 * NetworkManager state and the inactive profiles as text and JSON for `status`. */
#ifndef SPARKLINK_COEXIST_H
#define SPARKLINK_COEXIST_H

#include "core/net/model.h"
#include "core/net/netplan_files.h"
#include "core/net/nm.h"
#include "core/base/util.h"

#define COEXIST_TWINS_MAX 16

struct coexist {
	struct nm_view nm;
	struct netplan_scan netplan;
};

/* Probe this machine for the twins ifnames (blocking: D-Bus calls with a short timeout, a few
 * small files; any thread, touches no model). */
void coexist_probe(struct coexist *out, const char *const *ifnames, size_t n);
/* Move what was probed into the model (c is left empty) and recompute the findings. */
void coexist_apply(struct model *m, struct coexist *c);
void coexist_free(struct coexist *c);
/* Both at once, for the model's twins (the command line). */
void coexist_probe_model(struct model *m);

/* For `status --json`: "twins" (each twin with its "networkmanager" object or null) and
 * "inactive_profiles" (name, uuid, interface, made_by, kind). */
struct json;
void coexist_json(struct json *j, const struct model *m);
/* The same for people: a line per twin, then the inactive profiles (nothing when this node's
 * renderer is not NetworkManager). */
void coexist_text(const struct model *m, struct buf *out);
/* "automatic", "netplan", "sparklink", "external", "other": a profile's maker for scripts. */
const char *coexist_maker_word(enum nm_maker mk);

#endif
