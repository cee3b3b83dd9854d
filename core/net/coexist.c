/* coexist.c: who else configures the twins: probed here, put into the model, and reported for
 * `status` (coexist.h). */
#include "core/net/coexist.h"
#include "core/base/json.h"
#include "core/net/findings.h"

#include <stdio.h>
#include <string.h>

void coexist_probe(struct coexist *out, const char *const *ifnames, size_t n)
{
	memset(out, 0, sizeof(*out));
	nm_view_init(&out->nm, ifnames, n);
	nm_local_view(&out->nm);
	netplan_scan_dir(NETPLAN_DIR, ifnames, n, &out->netplan);
}

void coexist_free(struct coexist *c)
{
	nm_view_free(&c->nm);
	netplan_scan_free(&c->netplan);
}

void coexist_apply(struct model *m, struct coexist *c)
{
	nm_view_move(&m->nm, &c->nm);
	netplan_scan_free(&m->netplan);
	m->netplan = c->netplan;
	memset(&c->netplan, 0, sizeof(c->netplan));
	findings_compute(m);
	m->generation++;
	m->ports_generation++;
	m->dirty = true;
}

void coexist_probe_model(struct model *m)
{
	const char *names[COEXIST_TWINS_MAX];
	size_t n = model_twin_names(m, names, COEXIST_TWINS_MAX);
	struct coexist c;
	coexist_probe(&c, names, n);
	coexist_apply(m, &c);
	coexist_free(&c);
}

const char *coexist_maker_word(enum nm_maker mk)
{
	switch (mk) {
	case NM_MAKER_AUTO: return "automatic";
	case NM_MAKER_NETPLAN: return "netplan";
	case NM_MAKER_SPARKLINK: return "sparklink";
	case NM_MAKER_EXTERNAL: return "external";
	case NM_MAKER_OTHER: break;
	}
	return "other";
}

void coexist_json(struct json *j, const struct model *m)
{
	json_array_begin(j, "twins");
	for (size_t i = 0; i < m->nm.nports; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", m->nm.ifnames[i]);
		nm_json_port(j, "networkmanager", &m->nm.node, &m->nm.ports[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "inactive_profiles");
	for (size_t k = 0; k < m->nm.nprofiles; k++) {
		const struct nm_profile *p = &m->nm.profiles[k];
		if (p->active)
			continue;
		char who[300];
		nm_profile_maker_text(p, who, sizeof(who));
		json_object_begin(j, NULL);
		json_string(j, "name", p->id);
		json_string(j, "uuid", p->uuid[0] ? p->uuid : NULL);
		json_string(j, "interface", p->ifname);
		json_string(j, "kind", coexist_maker_word(nm_profile_maker(p)));
		json_string(j, "made_by", who);
		json_object_end(j);
	}
	json_array_end(j);
}

void coexist_text(const struct model *m, struct buf *out)
{
	if (m->nm.node.renderer != NM_RENDERER_NM)
		return;
	for (size_t i = 0; i < m->nm.nports; i++) {
		char t[200];
		nm_text_port(&m->nm.ports[i], t, sizeof(t));
		buf_printf(out, "  %-16s %s\n", m->nm.ifnames[i], t);
	}
	size_t inactive = 0;
	for (size_t k = 0; k < m->nm.nprofiles; k++)
		inactive += !m->nm.profiles[k].active;
	if (!inactive)
		return;
	buf_printf(out, "Inactive NetworkManager profiles naming a ConnectX port:\n");
	for (size_t k = 0; k < m->nm.nprofiles; k++) {
		const struct nm_profile *p = &m->nm.profiles[k];
		if (p->active)
			continue;
		char who[300];
		nm_profile_maker_text(p, who, sizeof(who));
		buf_printf(out, "  \"%s\" %s on %s, made %s\n", p->id, p->uuid[0] ? p->uuid : "-",
			   p->ifname, who);
	}
}
