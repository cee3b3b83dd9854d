/* steps.c: the six steps' marks and reasons (a pure function of the model, the chosen peer and
 * the facts jobs learned), and the facts read from the journal. */
#include "core/guide/steps.h"
#include "core/guide/steps_shared.h"
#include "core/jobs/bench.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal_ops.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- words */

const char *step_title(enum step_id id)
{
	switch (id) {
	case STEP_USER: return "Same user";
	case STEP_CABLE: return "Cabling";
	case STEP_ADDR: return "Addressing";
	case STEP_SSH: return "SSH";
	case STEP_VERIFY: return "Verify";
	case STEP_ROLLBACK: return "Rollback";
	default: return "?";
	}
}

const char *step_mark_word(enum step_mark mark)
{
	switch (mark) {
	case STEP_DONE: return "done";
	case STEP_TODO: return "to do";
	case STEP_FAILING: return "FAILING";
	case STEP_NA: return "n.a.";
	}
	return "?";
}

enum step_id steps_next(const struct step *s)
{
	for (int i = STEP_USER; i <= STEP_VERIFY; i++)
		if (s[i].mark != STEP_DONE && s[i].mark != STEP_NA)
			return (enum step_id)i;
	return STEP_COUNT;
}

/* ---------------------------------------------------------------- facts */

void steps_facts_init(struct steps_facts *f, const char *self, const char *user)
{
	memset(f, 0, sizeof(*f));
	text_clean(f->self, sizeof(f->self), self, strlen(self), 0);
	text_clean(f->user, sizeof(f->user), user, strlen(user), 0);
}

const struct steps_peer_facts *steps_peer(const struct steps_facts *f, const char *host)
{
	for (size_t i = 0; i < f->npeers; i++)
		if (strcmp(f->peers[i].host, host) == 0)
			return &f->peers[i];
	return NULL;
}

void steps_learn_pair(struct steps_facts *f, const char *host, bool verify_only,
		      enum pair_status status, const char *login, const char *summary)
{
	size_t i = 0;
	while (i < f->npeers && strcmp(f->peers[i].host, host) != 0)
		i++;
	if (i == f->npeers) {
		if (f->npeers == STEPS_MAX_PEERS) { /* forget the oldest */
			memmove(f->peers, f->peers + 1,
				sizeof(f->peers[0]) * (STEPS_MAX_PEERS - 1));
			i = --f->npeers;
		}
		memset(&f->peers[i], 0, sizeof(f->peers[i]));
		text_clean(f->peers[i].host, sizeof(f->peers[i].host), host, strlen(host), 0);
		f->npeers++;
	}
	struct steps_pair_result *r = verify_only ? &f->peers[i].check : &f->peers[i].pairing;
	r->known = true;
	r->status = status;
	r->seq = ++f->seq;
	text_clean(r->login, sizeof(r->login), login ? login : "", login ? strlen(login) : 0, 0);
	text_clean(r->summary, sizeof(r->summary), summary ? summary : "",
		   summary ? strlen(summary) : 0, 0);
}

void steps_learn_rails(struct steps_facts *f, const struct rail *rails, size_t n)
{
	f->nrails = 0;
	for (size_t i = 0; i < n && i < PLAN_MAX_IFS; i++) {
		struct steps_rail *r = &f->rails[f->nrails++];
		str_copy(r->ifname, rails[i].ifname, sizeof(r->ifname));
		r->ok = rails[i].ok && (!rails[i].jumbo_tested || rails[i].jumbo_ok);
		text_clean(r->text, sizeof(r->text), rails[i].text, strlen(rails[i].text), 0);
	}
}

void steps_learn_rollback(struct steps_facts *f, int status, const char *summary, bool include_ssh)
{
	f->rollback_failed = status != 0;
	text_clean(f->rollback_summary, sizeof(f->rollback_summary), summary ? summary : "",
		   summary ? strlen(summary) : 0, 0);
	f->nrails = 0;
	f->cluster_rails_known = false;
	if (include_ssh && status == 0)
		for (size_t i = 0; i < f->npeers; i++) {
			memset(&f->peers[i].pairing, 0, sizeof(f->peers[i].pairing));
			memset(&f->peers[i].check, 0, sizeof(f->peers[i].check));
		}
}

static int read_one(struct steps_facts *f, const char *path, uid_t owner,
		    const struct journal_scope *scope)
{
	struct journal_record *v = NULL;
	char err[512] = "";
	int n = journal_read(path, owner, &v, err, sizeof(err));
	if (n < 0) {
		text_clean(f->journal_error, sizeof(f->journal_error), err, strlen(err), 0);
		return n;
	}
	char peer[130] = "";
	/* plans are root's: apply writes them only there */
	if (!scope->user_journal && !f->plan_applied &&
	    plan_record_newest(v, (size_t)n, &f->plan, peer, sizeof(peer)) >= 0) {
		f->plan_applied = true;
		text_clean(f->plan_peer, sizeof(f->plan_peer), peer, strlen(peer), 0);
	}
	if (!scope->user_journal && !f->cluster_applied &&
	    cluster_record_newest(v, (size_t)n, &f->cluster) >= 0)
		f->cluster_applied = true;
	char why[256];
	for (int i = 0; i < n; i++) {
		if (!journal_record_pending(&v[i]))
			continue;
		if (journal_judge(v, (size_t)n, (size_t)i, scope, why, sizeof(why)) != JOURNAL_OK) {
			f->refused++;
			continue;
		}
		if (!journal_op_is_ssh(v[i].op)) {
			f->pending_net++;
			continue;
		}
		f->pending_ssh++;
		if (strcmp(v[i].host, "local") == 0)
			continue;
		size_t k = 0;
		while (k < f->nssh_hosts && strcmp(f->ssh_hosts[k], v[i].host) != 0)
			k++;
		if (k == f->nssh_hosts && k < STEPS_MAX_HOSTS)
			text_clean(f->ssh_hosts[f->nssh_hosts++], sizeof(f->ssh_hosts[0]),
				   v[i].host, strlen(v[i].host), 0);
	}
	journal_records_free(v, (size_t)n);
	return 0;
}

void steps_learn_cluster_rails(struct steps_facts *f, size_t n, size_t ok, const char *failed)
{
	f->cluster_rails_known = true;
	f->cluster_rails = n;
	f->cluster_rails_ok = ok;
	text_clean(f->cluster_rail_failed, sizeof(f->cluster_rail_failed), failed ? failed : "",
		   failed ? strlen(failed) : 0, 0);
}

void steps_learn_bench(struct steps_facts *f, const char *words)
{
	f->bench_known = words && words[0];
	text_clean(f->bench, sizeof(f->bench), words ? words : "", words ? strlen(words) : 0, 0);
}

int steps_read_journal(struct steps_facts *f, const struct invocation *inv)
{
	struct bench_record br;
	if (bench_record_newest(inv->journal, inv->journal_owner, inv->user_journal, inv->user.uid,
				&br) == 0) {
		char words[160];
		bench_record_words(&br, words, sizeof(words));
		steps_learn_bench(f, words);
	}
	f->journal_read = true;
	f->journal_error[0] = '\0';
	f->plan_applied = false;
	memset(&f->plan, 0, sizeof(f->plan));
	f->plan_peer[0] = '\0';
	f->cluster_applied = false;
	memset(&f->cluster, 0, sizeof(f->cluster));
	f->pending_net = f->pending_ssh = f->refused = 0;
	f->nssh_hosts = 0;
	struct journal_scope scope;
	invocation_scope(inv, &scope);
	int r = read_one(f, inv->journal, inv->journal_owner, &scope);
	if (r == 0 && inv->user_journal[0] && strcmp(inv->user_journal, inv->journal) != 0) {
		invocation_user_scope(inv, &scope);
		r = read_one(f, inv->user_journal, inv->user.uid, &scope);
	}
	return r;
}

/* ---------------------------------------------------------------- the marks */

/* The mark and the reason: the sentence formatted, each marker of the format taken out and
 * recorded as an action at its place, the text between them cleaned. The format is formatted
 * twice, the second time with its markers changed: a marker byte that comes from an argument
 * is the same both times, so outside text can never suggest an action. */
void steps_set(struct step *s, enum step_mark mark, const char *fmt, ...)
{
	char t[2 * sizeof(s->reason)], other[sizeof(t)], fmt2[512];
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	vsnprintf(t, sizeof(t), fmt, ap);
	/* the marks the format put there, told from the same byte in an argument by formatting
	 * again with other marks; without the byte in the text there is nothing to tell apart */
	if (strchr(t, DO_MARK)) {
		str_copy(fmt2, fmt, sizeof(fmt2));
		for (char *p = fmt2; (p = strchr(p, DO_MARK)); p++)
			*p = DO_MARK - 1;
		vsnprintf(other, sizeof(other), fmt2, ap2);
	} else {
		other[0] = '\0';
	}
	va_end(ap2);
	va_end(ap);
	s->mark = mark;
	s->nactions = 0;
	size_t len = 0, from = 0, n = strlen(t);
	for (size_t i = 0; i <= n; i++) {
		bool marker = i + 1 < n && t[i] == DO_MARK && other[i] != DO_MARK;
		if (!marker && i < n)
			continue;
		text_clean(s->reason + len, sizeof(s->reason) - len, t + from, i - from, 0);
		len += strlen(s->reason + len);
		if (!marker)
			break;
		int a = t[i + 1] - '0';
		if (a >= 0 && a < STEP_DO_COUNT && s->nactions < STEP_MAX_ACTIONS)
			s->actions[s->nactions++] =
				(struct step_action_at){ .action = (enum step_action)a, .at = len };
		from = i + 2;
		i++;
	}
}

void step_render(const struct step *s, step_key_fn *key, void *arg, char *out, size_t size)
{
	if (!size)
		return;
	out[0] = '\0';
	size_t from = 0, len = strlen(s->reason);
	for (size_t i = 0; i <= s->nactions; i++) {
		size_t to = i < s->nactions && s->actions[i].at < len ? s->actions[i].at : len;
		/* snprintf's "%.*s%s" (a negative precision: all of it), made per frame */
		size_t used = strlen(out), n = to >= from ? to - from : len - from;
		if (n > size - 1 - used)
			n = size - 1 - used;
		memcpy(out + used, s->reason + from, n);
		used += n;
		str_join(out + used, size - used,
			 i < s->nactions ? key(s->actions[i].action, arg) : "", NULL);
		from = to;
	}
}

static bool carrier(const struct model *m, const char *ifname)
{
	const struct netdev *d = model_netdev(m, ifname);
	return d && d->carrier;
}

/* The peer's host name without ".local", for sentences. */
static void short_name(const struct peer *p, char *out, size_t size)
{
	str_copy(out, p->host, size);
	size_t n = strlen(out);
	if (n > 6 && strcmp(out + n - 6, ".local") == 0)
		out[n - 6] = '\0';
}

static bool peer_on_cable(const struct model *m, const struct peer *p)
{
	for (size_t k = 0; k < p->naddrs; k++)
		if (peer_addr_on_up_port(m, &p->addrs[k]))
			return true;
	return false;
}

/* The interfaces whose cable matters now (the plan's, those the peer was seen on) that have no
 * carrier: the first in out, the count returned; *peer_seen if the peer was seen on one. */
static size_t cable_out(const struct model *m, const struct peer *p, const struct plan *pl,
			char *out, size_t size, bool *peer_seen)
{
	const char *v[PLAN_MAX_IFS + 16];
	size_t n = 0, bad = 0;
	for (size_t i = 0; pl && i < pl->nifs; i++)
		v[n++] = pl->ifs[i].ifname;
	size_t first_peer = n;
	for (size_t k = 0; p && k < p->naddrs && n < ARRAY_LEN(v); k++)
		if (peers_ifname_port(m, p->addrs[k].ifname) >= 0)
			v[n++] = p->addrs[k].ifname;
	out[0] = '\0';
	*peer_seen = false;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup |= strcmp(v[k], v[i]) == 0;
		if (dup || carrier(m, v[i]))
			continue;
		if (!bad++)
			str_copy(out, v[i], size);
		*peer_seen |= i >= first_peer;
	}
	return bad;
}

static void step_cable(const struct model *m, const struct peer *p, const struct steps_facts *f,
		       struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA,
			  "No ConnectX port on this machine: the cable steps are for a DGX "
			  "Spark's ConnectX-7 ports.");
		return;
	}
	char name[256] = "", out[16];
	if (p)
		short_name(p, name, sizeof(name));
	bool peer_seen;
	size_t nout =
		cable_out(m, p, f->plan_applied ? &f->plan : NULL, out, sizeof(out), &peer_seen);
	if (nout) {
		char more[32] = "";
		if (nout > 1)
			snprintf(more, sizeof(more), " (and %zu more)", nout - 1);
		if (peer_seen && p)
			steps_set(s, STEP_FAILING,
				  "Cable out on %s%s, where %s was seen: plug the QSFP cable "
				  "back in at both ends; the port panel shows Up again.",
				  out, more, name);
		else
			steps_set(s, STEP_FAILING,
				  "Cable out on %s%s: plug the QSFP cable back in at both ends; "
				  "the port panel shows Up again.",
				  out, more);
		return;
	}
	char up[64] = "";
	int nup = 0;
	for (size_t k = 0; k < m->nports; k++) {
		if (!m->ports[k].cabled)
			continue;
		char one[16];
		snprintf(one, sizeof(one), "%s%d", nup ? " and " : "", m->ports[k].number);
		if (strlen(up) + strlen(one) < sizeof(up))
			strcat(up, one);
		nup++;
	}
	if (!nup) {
		steps_set(s, STEP_TODO,
			  "No cable seen: plug a QSFP cable into the same port (0 or 1) of this "
			  "Spark and of the other one.");
		return;
	}
	if (!p) {
		steps_set(s, STEP_TODO,
			  "Port %s is Up, but no other Spark is seen yet (mDNS): is the other "
			  "Spark on, with avahi-daemon running?",
			  up);
		return;
	}
	if (!peer_on_cable(m, p)) {
		steps_set(s, STEP_TODO,
			  "Port %s is Up, but %s is seen only on the LAN: is the cable between "
			  "this Spark and %s? (" DO_PEERS " chooses another peer)",
			  up, name, name);
		return;
	}
	const char *twin_down = NULL;
	for (size_t k = 0; k < m->nports; k++)
		for (size_t t = 0; t < m->ports[k].ntwins && m->ports[k].cabled; t++)
			if (!carrier(m, m->ports[k].twins[t].netdev_name))
				twin_down = m->ports[k].twins[t].netdev_name;
	if (twin_down)
		steps_set(s, STEP_DONE,
			  "Port %s is Up and %s is seen on it; but %s is Down (see Findings).", up,
			  name, twin_down);
	else
		steps_set(s, STEP_DONE, "Port %s is Up and %s is seen on it.", up, name);
}

/* The plan's address for this node on interface i present? (link-local: any 169.254/16) */
static bool planned_addr(const struct plan *pl, size_t i, const struct netdev *d, char *want,
			 size_t size)
{
	if (pl->kind == PLAN_LINK_LOCAL) {
		for (size_t k = 0; k < d->naddrs; k++)
			if (d->addrs[k].family == AF_INET && d->addrs[k].link_local) {
				snprintf(want, size, "%s/%u", d->addrs[k].text,
					 d->addrs[k].prefixlen);
				return true;
			}
		str_copy(want, "A 169.254 address", size);
		return false;
	}
	const char *a = pl->ifs[i].addr[pl->self_node - 1];
	str_copy(want, a, size);
	for (size_t k = 0; k < d->naddrs; k++) {
		char cidr[64];
		snprintf(cidr, sizeof(cidr), "%s/%u", d->addrs[k].text, d->addrs[k].prefixlen);
		if (d->addrs[k].family == AF_INET && strcmp(cidr, a) == 0)
			return true;
	}
	return false;
}

static void step_addr(const struct model *m, const struct steps_facts *f, struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA, "No ConnectX port on this machine to address.");
		return;
	}
	if (!f->plan_applied) {
		if (f->journal_error[0])
			steps_set(s, STEP_TODO,
				  "No plan applied (%s): choose link-local or static addresses "
				  "(" DO_ADDR ").",
				  f->journal_error);
		else
			steps_set(s, STEP_TODO,
				  "No addresses yet: choose link-local or static addresses for the "
				  "cabled ports (" DO_ADDR "); both nodes get the same plan.");
		return;
	}
	const struct plan *pl = &f->plan;
	char list[240] = "";
	for (size_t i = 0; i < pl->nifs; i++) {
		const char *ifn = pl->ifs[i].ifname;
		const struct netdev *d = model_netdev(m, ifn);
		if (!d) {
			steps_set(s, STEP_FAILING,
				  "%s, in the applied plan, is not on this machine: roll back "
				  "(" DO_ROLLBACK "), then address again (" DO_ADDR ").",
				  ifn);
			return;
		}
		char want[64];
		if (!planned_addr(pl, i, d, want, sizeof(want))) {
			steps_set(s, STEP_FAILING,
				  "%s is missing from %s%s: apply the plan again (" DO_ADDR
				  ") or roll it "
				  "back (" DO_ROLLBACK ").",
				  want, ifn, d->carrier ? "" : " (its cable is out)");
			return;
		}
		if (d->mtu != pl->mtu) {
			steps_set(s, STEP_FAILING,
				  "%s has MTU %u, the plan says %u: apply the plan again (" DO_ADDR
				  ") or "
				  "roll it back (" DO_ROLLBACK ").",
				  ifn, d->mtu, pl->mtu);
			return;
		}
		char one[96];
		snprintf(one, sizeof(one), "%s%s %s", i ? ", " : "", ifn, want);
		if (strlen(list) + strlen(one) < sizeof(list))
			strcat(list, one);
	}
	const char *other = pl->names[2 - pl->self_node];
	steps_set(s, STEP_DONE,
		  "The %s plan with %s is in place: %s, MTU %u (this node is node %d).",
		  plan_kind_name(pl->kind), other[0] ? other : "the peer", list, pl->mtu,
		  pl->self_node);
}

/* The newer of pairing and check. */
static const struct steps_pair_result *latest(const struct steps_peer_facts *pf)
{
	if (!pf)
		return NULL;
	const struct steps_pair_result *a = &pf->pairing, *b = &pf->check;
	if (a->known && (!b->known || a->seq > b->seq))
		return a;
	return b->known ? b : NULL;
}

bool steps_journal_names_peer(const struct steps_facts *f, const struct peer *p)
{
	for (size_t h = 0; h < f->nssh_hosts; h++) {
		const char *host = f->ssh_hosts[h];
		for (size_t k = 0; k < p->naddrs; k++) {
			size_t n = strlen(p->addrs[k].addr);
			if (strncmp(host, p->addrs[k].addr, n) == 0 &&
			    (host[n] == '\0' || host[n] == '%'))
				return true;
		}
	}
	return false;
}

static void step_user(const struct peer *p, const struct steps_facts *f, struct step *s)
{
	if (!p) {
		steps_set(s, STEP_TODO,
			  "Checked when you pair with another Spark: none is seen yet.");
		return;
	}
	char name[256];
	short_name(p, name, sizeof(name));
	const struct steps_peer_facts *pf = steps_peer(f, p->host);
	const struct steps_pair_result *pr = pf && pf->pairing.known ? &pf->pairing : NULL;
	const struct steps_pair_result *ck = pf && pf->check.known ? &pf->check : NULL;
	if (ck && ck->status == PAIR_OK && (!pr || ck->seq > pr->seq)) {
		steps_set(s, STEP_DONE, "You are %s here, and %s accepts your key as %s.", f->user,
			  name, ck->login[0] ? ck->login : f->user);
		return;
	}
	if (pr && pr->status == PAIR_OK) {
		steps_set(s, STEP_DONE, "You are %s here and on %s.", f->user, name);
		return;
	}
	if (pr && pr->status == PAIR_USER_MISMATCH) {
		if (pr->login[0] && strcmp(pr->login, f->user) != 0)
			steps_set(
				s, STEP_FAILING,
				"You are '%s' here but the login on %s is '%s': the playbook "
				"needs one user name on both nodes (MPI and NCCL launch as it). Enter: create "
				"'%s' on %s (" DO_USER "), with a user there who can use sudo.",
				f->user, name, pr->login, f->user, name);
		else
			steps_set(s, STEP_FAILING, "%s", pr->summary);
		return;
	}
	if (pr && pr->status == PAIR_AUTH_FAILED) {
		steps_set(s, STEP_FAILING,
			  "%s refused '%s': it may have no user '%s' (the playbook needs the "
			  "same user name on both nodes). Enter: create '%s' there (" DO_USER
			  "), with a user there "
			  "who can use sudo.",
			  name, pr->login[0] ? pr->login : f->user,
			  pr->login[0] ? pr->login : f->user, f->user);
		return;
	}
	steps_set(s, STEP_TODO,
		  "Checked when you pair (step 4): the login on %s must be %s, as here.", name,
		  f->user);
}

static void step_ssh(const struct peer *p, const struct steps_facts *f, struct step *s)
{
	if (!p) {
		steps_set(s, STEP_TODO,
			  "No peer yet: once another Spark is seen (peers panel), pair with it "
			  "(" DO_PAIR ").");
		return;
	}
	char name[256];
	short_name(p, name, sizeof(name));
	const struct steps_pair_result *r = latest(steps_peer(f, p->host));
	bool check = r && r == &steps_peer(f, p->host)->check;
	if (r) {
		switch (r->status) {
		case PAIR_OK:
			steps_set(s, STEP_DONE,
				  "Passwordless SSH both ways with %s, checked with keys only "
				  "(hostname).",
				  name);
			return;
		case PAIR_CANCELLED:
		case PAIR_HOSTKEY_REFUSED:
			steps_set(s, STEP_TODO, "%s with %s was %s: pair again (" DO_PAIR ").",
				  check ? "The check" : "Pairing", name,
				  r->status == PAIR_CANCELLED ? "cancelled"
							      : "stopped: its host key was "
								"not accepted");
			return;
		case PAIR_USER_MISMATCH:
		case PAIR_AUTH_FAILED:
			if (check)
				steps_set(s, STEP_FAILING,
					  "%s does not accept your key: pair again (" DO_PAIR ").",
					  name);
			else
				steps_set(s, STEP_FAILING,
					  "Could not log in to %s as %s: see step 1.", name,
					  r->login[0] ? r->login : f->user);
			return;
		case PAIR_HOSTKEY_CHANGED:
			steps_set(s, STEP_FAILING,
				  "%s If %s was reinstalled, remove its old key (ssh-keygen -R "
				  "ADDRESS) and pair again (" DO_PAIR ").",
				  r->summary, name);
			return;
		default:
			steps_set(s, STEP_FAILING, "%s: %s. Pair again (" DO_PAIR ").",
				  check ? "The check failed" : "Pairing failed",
				  r->summary[0] ? r->summary : pair_status_word(r->status));
			return;
		}
	}
	if (steps_journal_names_peer(f, p)) {
		steps_set(s, STEP_TODO,
			  "Paired earlier (the journal has its lines): " DO_CHECK
			  " checks it with keys "
			  "only, " DO_PAIR " pairs again.");
		return;
	}
	steps_set(s, STEP_TODO,
		  "Not paired with %s yet: " DO_PAIR " pairs (your public key goes there, its key "
		  "comes here; you accept its host key and type your password once).",
		  name);
}

static void step_verify(const struct model *m, const struct steps_facts *f, const struct step *addr,
			struct step *s)
{
	if (!m->nports) {
		steps_set(s, STEP_NA, "No ConnectX port on this machine to verify.");
		return;
	}
	if (!f->plan_applied) {
		steps_set(s, STEP_TODO, "Nothing to verify yet: address the ports first (step 3).");
		return;
	}
	const struct plan *pl = &f->plan;
	char out[16];
	bool peer_seen;
	size_t nout = cable_out(m, NULL, pl, out, sizeof(out), &peer_seen);
	if (nout) {
		steps_set(s, STEP_FAILING,
			  "Cable out on %s: its rail cannot answer. Plug the cable back in, "
			  "then verify again (" DO_VERIFY ").",
			  out);
		return;
	}
	if (addr->mark == STEP_FAILING) {
		steps_set(s, STEP_FAILING,
			  "The rails cannot answer while step 3 fails: apply the plan again "
			  "(" DO_ADDR "), then verify (" DO_VERIFY ").");
		return;
	}
	size_t ok = 0;
	const struct steps_rail *first_ok = NULL;
	for (size_t i = 0; i < pl->nifs; i++) {
		const struct steps_rail *r = NULL;
		for (size_t k = 0; k < f->nrails; k++)
			if (strcmp(f->rails[k].ifname, pl->ifs[i].ifname) == 0)
				r = &f->rails[k];
		if (!r) {
			steps_set(s, STEP_TODO,
				  "Ping every rail (" DO_VERIFY
				  "): a ping bound to each planned interface%s.",
				  pl->mtu == 9000
					  ? ", and 8972-byte frames unfragmented for MTU 9000"
					  : "");
			return;
		}
		if (!r->ok) {
			steps_set(s, STEP_FAILING,
				  "%s. Check the cable and the peer's addresses, then verify "
				  "again (" DO_VERIFY ").",
				  r->text);
			return;
		}
		if (!first_ok)
			first_ok = r;
		ok++;
	}
	if (f->bench_known)
		steps_set(s, STEP_DONE, "Verified: rails answer; %s.", f->bench);
	else
		steps_set(s, STEP_DONE, "Every rail answers (%zu): %s.", ok,
			  first_ok ? first_ok->text : "");
}

void steps_step_rollback(const struct steps_facts *f, struct step *s)
{
	if (f->journal_error[0]) {
		steps_set(s, STEP_FAILING, "Cannot read the journal: %s.", f->journal_error);
		return;
	}
	int total = f->pending_net + f->pending_ssh;
	if (f->refused) {
		steps_set(s, STEP_FAILING,
			  "%d journal record%s refused: not what sparklink writes, never "
			  "acted on (" DO_ROLLBACK
			  " lists them with the reason)%s%d change%s can be undone.",
			  f->refused, f->refused == 1 ? " is" : "s are", "; ", total,
			  total == 1 ? "" : "s");
		return;
	}
	if (f->rollback_failed && total > 0) {
		steps_set(s, STEP_FAILING,
			  "The last rollback did not finish (%s): " DO_ROLLBACK " tries again.",
			  f->rollback_summary[0] ? f->rollback_summary : "see the log");
		return;
	}
	if (total == 0) {
		steps_set(s, STEP_NA, "Nothing to undo.");
		return;
	}
	if (f->pending_net && f->pending_ssh)
		steps_set(s, STEP_NA,
			  "%d change%s can be undone (" DO_ROLLBACK
			  "): %d to the network, %d SSH pairing "
			  "line%s (" DO_UNDO_SSH " in the dialog).",
			  total, total == 1 ? "" : "s", f->pending_net, f->pending_ssh,
			  f->pending_ssh == 1 ? "" : "s");
	else if (f->pending_net)
		steps_set(s, STEP_NA, "%d change%s to the network can be undone (" DO_ROLLBACK ").",
			  total, total == 1 ? "" : "s");
	else
		steps_set(s, STEP_NA,
			  "%d SSH pairing change%s can be undone (" DO_ROLLBACK
			  ", then " DO_UNDO_SSH "); keys are kept.",
			  total, total == 1 ? "" : "s");
}

void steps_compute(const struct model *m, const struct peer *peer, const struct steps_facts *f,
		   struct step out[STEP_COUNT])
{
	memset(out, 0, sizeof(struct step) * STEP_COUNT);
	step_user(peer, f, &out[STEP_USER]);
	step_cable(m, peer, f, &out[STEP_CABLE]);
	step_addr(m, f, &out[STEP_ADDR]);
	step_ssh(peer, f, &out[STEP_SSH]);
	step_verify(m, f, &out[STEP_ADDR], &out[STEP_VERIFY]);
	steps_step_rollback(f, &out[STEP_ROLLBACK]);
}
