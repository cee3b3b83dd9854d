/* steps_cluster.c: the six steps for a cluster (the peers marked in the console with this node):
 * the same marks as for two nodes, each reason naming the node that is not there yet (steps.h,
 * steps_compute_cluster). Pure. */
#include "core/guide/steps.h"
#include "core/guide/cluster_state.h"
#include "core/guide/steps_shared.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* The newer of a member's pairing and check (NULL: neither). */
static const struct steps_pair_result *latest(const struct steps_facts *f, const char *host)
{
	const struct steps_peer_facts *pf = steps_peer(f, host);
	if (!pf)
		return NULL;
	const struct steps_pair_result *a = &pf->pairing, *b = &pf->check;
	if (a->known && (!b->known || a->seq > b->seq))
		return a;
	return b->known ? b : NULL;
}

static bool paired(const struct steps_facts *f, const char *host)
{
	const struct steps_pair_result *r = latest(f, host);
	return r && r->status == PAIR_OK;
}

/* "spark-2, spark-3": the members not paired (with keys both ways) yet; how many. */
static size_t not_paired(const struct cluster_state *cl, const struct steps_facts *f, char *out,
			 size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cl->n; i++) {
		if (paired(f, cl->members[i].host))
			continue;
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", n ? ", " : "", cl->members[i].name);
		n++;
	}
	return n;
}

static void step_user(const struct cluster_state *cl, const struct steps_facts *f, struct step *s)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct steps_pair_result *r = latest(f, cl->members[i].host);
		if (!r || (r->status != PAIR_USER_MISMATCH && r->status != PAIR_AUTH_FAILED))
			continue;
		const char *login = r->login[0] ? r->login : f->user;
		steps_set(s, STEP_FAILING,
			  "%s: %s refused the login as '%s': the playbook needs one user name on "
			  "every node. Choose %s alone and create '%s' there (" DO_USER ").",
			  cl->members[i].name, cl->members[i].name, login, cl->members[i].name,
			  f->user);
		return;
	}
	char list[400];
	if (not_paired(cl, f, list, sizeof(list)))
		steps_set(s, STEP_TODO,
			  "Checked when you pair (" DO_PAIR
			  "): the login must be %s on every node; "
			  "not paired yet: %s.",
			  f->user, list);
	else
		steps_set(s, STEP_DONE, "You are %s here and on all %zu other nodes.", f->user,
			  cl->n);
}

/* The first line of check's text that is a problem (not a note), and the first note. */
static void first_lines(const char *text, char *problem, char *note, size_t size)
{
	problem[0] = note[0] = '\0';
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool is_note = len > 6 && strncmp(p, "note: ", 6) == 0;
		char *to = is_note ? note : problem;
		if (!to[0])
			text_clean(to, size, is_note ? p + 6 : p, is_note ? len - 6 : len, 0);
		p = nl ? nl + 1 : NULL;
	}
}

static void step_cabling(const struct model *m, const struct cluster_state *cl,
			 const struct cablemap *map, const struct steps_facts *f, struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA,
			  "No ConnectX port on this machine: the cable steps are for a DGX "
			  "Spark's ConnectX-7 ports.");
		return;
	}
	/* a member whose ports are not known yet: it is not there yet */
	for (size_t i = 0; i < cl->n; i++) {
		const struct cluster_member *mb = &cl->members[i];
		if (mb->read)
			continue;
		if (!paired(f, mb->host))
			steps_set(
				s, STEP_TODO,
				"%s: not paired: which of its ports each cable reaches is read over "
				"SSH once it is (" DO_PAIR "). Enter: the map as seen from here.",
				mb->name);
		else if (mb->error[0])
			steps_set(s, STEP_FAILING, "%s: its cables could not be read: %s.",
				  mb->name, mb->error);
		else
			steps_set(s, STEP_TODO, "%s: paired; reading its cables over SSH.",
				  mb->name);
		return;
	}
	struct buf b;
	buf_init(&b);
	enum topology as = cluster_state_check_as(cl, map);
	size_t problems = cablemap_check(map, as, &b);
	char problem[320], note[320];
	first_lines(b.data ? b.data : "", problem, note, sizeof(problem));
	buf_free(&b);
	if (problems) {
		char more[64] = "";
		if (problems > 1)
			snprintf(more, sizeof(more), " (%zu more in the map: Enter)", problems - 1);
		steps_set(s, STEP_FAILING, "%s%s.", problem, more);
		return;
	}
	char extra[340] = "";
	if (note[0])
		snprintf(extra, sizeof(extra), "; note: %s", note);
	steps_set(s, STEP_DONE, "The cables make the %s of %zu nodes%s%s.", topology_name(as),
		  map->nnodes, cl->want != TOPOLOGY_NONE ? ", as chosen" : "", extra);
}

/* The record's node written as this node ("local"), or NULL. */
static const struct cluster_record_node *local_node(const struct cluster_record *r)
{
	for (size_t k = 0; k < r->nnodes; k++)
		if (strcmp(r->nodes[k].host, "local") == 0)
			return &r->nodes[k];
	return NULL;
}

static bool has_addr(const struct netdev *d, const char *cidr)
{
	for (size_t k = 0; k < d->naddrs; k++) {
		char one[64];
		snprintf(one, sizeof(one), "%s/%u", d->addrs[k].text, d->addrs[k].prefixlen);
		if (d->addrs[k].family == AF_INET && strcmp(one, cidr) == 0)
			return true;
	}
	return false;
}

static bool in_record(const struct cluster_record *r, const char *name)
{
	for (size_t k = 0; k < r->nnodes; k++)
		if (strcmp(r->nodes[k].name, name) == 0)
			return true;
	return false;
}

static void step_addr(const struct model *m, const struct cluster_state *cl, const struct step *cab,
		      const struct steps_facts *f, struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA, "No ConnectX port on this machine to address.");
		return;
	}
	char list[400];
	if (!f->cluster_applied) {
		if (f->plan_applied)
			steps_set(s, STEP_TODO,
				  "A two-node plan is applied here: roll it back (" DO_ROLLBACK
				  "), then address every node of the cluster (" DO_ADDR ").");
		else if (not_paired(cl, f, list, sizeof(list)))
			steps_set(s, STEP_TODO,
				  "Pair first (" DO_PAIR
				  "), not paired yet: %s; then every node gets "
				  "NVIDIA's addresses (" DO_ADDR ").",
				  list);
		else if (cab->mark != STEP_DONE)
			steps_set(
				s, STEP_TODO,
				"The cables first (step 2); then every node gets NVIDIA's addresses "
				"on its own cabled twins (" DO_ADDR ").");
		else
			steps_set(
				s, STEP_TODO,
				"No addresses yet: NVIDIA's addresses for all %zu nodes, each on its "
				"own cabled twins, previewed first (" DO_ADDR ").",
				cl->n + 1);
		return;
	}
	const struct cluster_record *r = &f->cluster;
	const struct cluster_record_node *me = local_node(r);
	list[0] = '\0';
	for (size_t i = 0; me && i < me->nifs; i++) {
		const struct netdev *d = model_netdev(m, me->ifs[i]);
		if (!d) {
			steps_set(
				s, STEP_FAILING,
				"%s, in the applied plan, is not on this machine: roll back (" DO_ROLLBACK
				"), then address again (" DO_ADDR ").",
				me->ifs[i]);
			return;
		}
		if (me->addrs[i][0] && !has_addr(d, me->addrs[i])) {
			steps_set(
				s, STEP_FAILING,
				"%s is missing from %s (this node)%s: apply the plan again (" DO_ADDR
				") or roll it back (" DO_ROLLBACK ").",
				me->addrs[i], me->ifs[i], d->carrier ? "" : ", its cable is out");
			return;
		}
		if (d->mtu != r->mtu) {
			steps_set(s, STEP_FAILING,
				  "%s has MTU %u, the plan says %u: apply the plan again (" DO_ADDR
				  ") or roll it back (" DO_ROLLBACK ").",
				  me->ifs[i], d->mtu, r->mtu);
			return;
		}
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s %s", i ? ", " : "", me->ifs[i],
			 me->addrs[i]);
	}
	for (size_t i = 0; i < cl->n; i++)
		if (!in_record(r, cl->members[i].name)) {
			steps_set(s, STEP_TODO,
				  "%s: not in the applied %s plan: roll it back (" DO_ROLLBACK
				  "), then address every node (" DO_ADDR ").",
				  cl->members[i].name, topology_name(r->topology));
			return;
		}
	steps_set(s, STEP_DONE, "The %s plan (%s, MTU %u) is in place on %zu nodes; here: %s.",
		  topology_name(r->topology), plan_kind_name(r->kind), r->mtu, r->nnodes, list);
}

static void step_ssh(const struct cluster_state *cl, const struct steps_facts *f, struct step *s)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct steps_pair_result *r = latest(f, cl->members[i].host);
		if (!r || r->status == PAIR_OK || r->status == PAIR_CANCELLED)
			continue;
		steps_set(s, STEP_FAILING, "%s: %s. Pair again (" DO_PAIR ").", cl->members[i].name,
			  r->summary[0] ? r->summary : pair_status_word(r->status));
		return;
	}
	char list[400];
	if (not_paired(cl, f, list, sizeof(list))) {
		steps_set(s, STEP_TODO,
			  "Not paired yet: %s. " DO_PAIR
			  " pairs every node with every other (a mesh, "
			  "keys both ways; you accept each host key and type each password once).",
			  list);
		return;
	}
	steps_set(s, STEP_DONE,
		  "Every node reaches every other with keys only, both ways (%zu nodes, %zu "
		  "directions).",
		  cl->n + 1, (cl->n + 1) * cl->n);
}

static void step_verify(const struct model *m, const struct steps_facts *f, const struct step *addr,
			struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA, "No ConnectX port on this machine to verify.");
		return;
	}
	if (!f->cluster_applied) {
		steps_set(s, STEP_TODO, "Nothing to verify yet: address the nodes first (step 3).");
		return;
	}
	if (addr->mark == STEP_FAILING) {
		steps_set(s, STEP_FAILING,
			  "The rails cannot answer while step 3 fails: apply the plan again "
			  "(" DO_ADDR "), then verify (" DO_VERIFY ").");
		return;
	}
	if (!f->cluster_rails_known) {
		steps_set(s, STEP_TODO,
			  "Ping every rail of every link from both of its ends (" DO_VERIFY ")%s.",
			  f->cluster.mtu >= 9000 ? ", 8972-byte frames unfragmented too" : "");
		return;
	}
	if (f->cluster_rails_ok < f->cluster_rails || !f->cluster_rails) {
		steps_set(s, STEP_FAILING,
			  "%zu of %zu rails do not answer: %s. Check that cable, then verify again "
			  "(" DO_VERIFY ").",
			  f->cluster_rails - f->cluster_rails_ok, f->cluster_rails,
			  f->cluster_rail_failed[0] ? f->cluster_rail_failed : "see the log");
		return;
	}
	steps_set(s, STEP_DONE, "Every rail of every link answers, both ways (%zu).",
		  f->cluster_rails);
}

void steps_compute_cluster(const struct model *m, const struct cluster_state *cl,
			   const struct cablemap *map, const struct steps_facts *f,
			   struct step out[STEP_COUNT])
{
	memset(out, 0, sizeof(struct step) * STEP_COUNT);
	step_user(cl, f, &out[STEP_USER]);
	step_cabling(m, cl, map, f, &out[STEP_CABLE]);
	step_addr(m, cl, &out[STEP_CABLE], f, &out[STEP_ADDR]);
	step_ssh(cl, f, &out[STEP_SSH]);
	step_verify(m, f, &out[STEP_ADDR], &out[STEP_VERIFY]);
	steps_step_rollback(f, &out[STEP_ROLLBACK]);
}
