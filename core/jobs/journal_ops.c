/* journal_ops.c: the table of journal operations and the paths each one may touch. */
#include "core/jobs/journal_ops.h"
#include "core/jobs/journal_undo.h"
#include "core/jobs/apply.h"
#include "core/jobs/cluster_record.h"
#include "core/base/base64.h"
#include "core/net/nm.h"
#include "core/node/node.h"
#include "core/ssh/sshfiles.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op_kind {
	OP_MARKER, /* nothing to undo */
	OP_NET, /* a change to an interface or a netplan file (root's journal only) */
	OP_SSH, /* what pairing writes */
};

typedef bool op_rule_fn(const struct journal_record *v, size_t i, const struct journal_scope *s,
			char *why, size_t whysize);

typedef enum journal_undo op_undo_fn(const struct journal_record *r, const struct undo_ctx *u);

/* One row: the name written in the journal, what it is, what it may touch, how it is undone
 * (with u->dry: the sentence that describes it). The data each writes is documented in
 * journal_ops.h. */
struct op {
	const char *name;
	enum op_kind kind;
	op_rule_fn *rule;
	op_undo_fn *undo;
};

/* ---- small checks ---- */

/* A file name of plain characters (no '/', not hidden, not "." or ".."). */
static bool plain_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (!n || n > max || s[0] == '.' || s[0] == '-')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-' ||
		      *p == '+' || *p == '@'))
			return false;
	return true;
}

/* path is dir + "/" + a plain name (and, when suffix, ends with it). */
static bool file_in(const char *path, const char *dir, const char *suffix)
{
	size_t dl = strlen(dir);
	if (strncmp(path, dir, dl) != 0 || path[dl] != '/' || !plain_name(path + dl + 1, 200))
		return false;
	size_t pl = strlen(path), sl = suffix ? strlen(suffix) : 0;
	return !suffix || (pl > dl + 1 + sl && strcmp(path + pl - sl, suffix) == 0);
}

static bool is_local(const struct journal_record *r)
{
	return strcmp(r->host, "local") == 0;
}

/* The name pairing and apply record for a peer: an address or a plain host name. */
static bool host_ok(const char *host)
{
	return strcmp(host, "local") == 0 || ssh_name_valid(host);
}

static bool ifname_ok(const char *s)
{
	return text_is_ifname(s) && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* The user's ~/.ssh/name, as pairing writes it (home as the password database has it). */
static bool is_user_file(const struct journal_scope *s, const char *path, const char *name)
{
	if (!s->home || s->home[0] != '/')
		return false;
	char want[PATH_MAX + 64];
	size_t hl = strlen(s->home);
	while (hl > 1 && s->home[hl - 1] == '/')
		hl--;
	snprintf(want, sizeof(want), "%.*s/.ssh/%s", (int)(hl == 1 ? 0 : hl), s->home, name);
	return strcmp(path, want) == 0;
}

static bool refuse(char *why, size_t whysize, const char *fmt, const char *arg)
{
	snprintf(why, whysize, fmt, arg);
	return false;
}

/* ---- the rules, one per operation ---- */

static bool rule_marker(const struct journal_record *v, size_t i, const struct journal_scope *s,
			char *why, size_t whysize)
{
	(void)s;
	const struct journal_record *r = &v[i];
	if (!is_local(r))
		return refuse(why, whysize, "a marker is always recorded for this node, not %s",
			      r->host);
	return true;
}

static bool rule_netplan_apply(const struct journal_record *v, size_t i,
			       const struct journal_scope *s, char *why, size_t whysize)
{
	(void)s;
	if (strcmp(v[i].path, "/etc/netplan") != 0)
		return refuse(why, whysize, "%s is not /etc/netplan", v[i].path);
	return true;
}

static bool rule_plan(const struct journal_record *v, size_t i, const struct journal_scope *s,
		      char *why, size_t whysize)
{
	struct plan p;
	if (!rule_marker(v, i, s, why, whysize))
		return false;
	if (plan_record_parse(v[i].data, &p, NULL, 0) < 0)
		return refuse(why, whysize, "%s", "the plan is not one apply writes");
	return true;
}

/* cluster-plan: the nodes, each with its host and its own interfaces (cluster_record.h) */
static bool rule_cluster_plan(const struct journal_record *v, size_t i,
			      const struct journal_scope *s, char *why, size_t whysize)
{
	struct cluster_record *cr = xcalloc(1, sizeof(*cr));
	bool ok = rule_marker(v, i, s, why, whysize);
	if (ok && cluster_record_parse(v[i].data, cr) < 0)
		ok = refuse(why, whysize, "%s", "the cluster plan is not one apply --peers writes");
	free(cr);
	return ok;
}

static bool rule_file_write(const struct journal_record *v, size_t i, const struct journal_scope *s,
			    char *why, size_t whysize)
{
	(void)s;
	const struct journal_record *r = &v[i];
	if (!file_in(r->path, "/etc/netplan", ".yaml") &&
	    !file_in(r->path, JOURNAL_BACKUP_DIR, NULL))
		return refuse(why, whysize,
			      "%s is not a netplan file (/etc/netplan/*.yaml) or one of "
			      "sparklink's backups",
			      r->path);
	if (!r->data || strcmp(r->data, "absent") == 0)
		return true;
	unsigned mode = 0;
	char *sp = strchr(r->data, ' ');
	if (!sp || sscanf(r->data, "%o", &mode) != 1 || (mode & ~0777u))
		return refuse(why, whysize, "%s", "the saved mode is not a plain file mode");
	for (const char *b = sp + 1; *b; b++)
		if (!base64_is_alpha(*b) && *b != '=')
			return refuse(why, whysize, "%s", "the saved content is not base64");
	return true;
}

static bool rule_backup(const struct journal_record *v, size_t i, const struct journal_scope *s,
			char *why, size_t whysize)
{
	(void)s;
	if (!file_in(v[i].path, JOURNAL_BACKUP_DIR, NULL))
		return refuse(why, whysize, "%s is not in sparklink's backup directory", v[i].path);
	return true;
}

/* Does a plan record before v[i] name its interface, on its host? */
static bool rule_interface(const struct journal_record *v, size_t i, const struct journal_scope *s,
			   char *why, size_t whysize)
{
	(void)s;
	const struct journal_record *r = &v[i];
	if (!ifname_ok(r->path))
		return refuse(why, whysize, "'%s' is not an interface name", r->path);
	for (size_t k = i; k-- > 0;) {
		if (strcmp(v[k].op, "cluster-plan") == 0 && is_local(&v[k])) {
			/* a cluster's: each node's own interfaces, under the host it was reached at */
			struct cluster_record *cr = xcalloc(1, sizeof(*cr));
			bool named = cluster_record_parse(v[k].data, cr) == 0 &&
				     cluster_record_names(cr, r->host, r->path);
			free(cr);
			if (named)
				return true;
			continue;
		}
		if (strcmp(v[k].op, "plan") != 0 || !is_local(&v[k]))
			continue;
		struct plan p;
		char peer[130] = "";
		if (plan_record_parse(v[k].data, &p, peer, sizeof(peer)) < 0)
			continue;
		if (!is_local(r) && strcmp(peer, r->host) != 0)
			continue;
		/* this node's interfaces for a record of this node, the peer's for the peer's */
		int node = is_local(r) ? p.self_node : 3 - p.self_node;
		for (size_t f = 0; f < p.nifs; f++)
			if (strcmp(plan_ifname(&p, f, node), r->path) == 0)
				return true;
	}
	return refuse(why, whysize, "no plan before it names %s for that node", r->path);
}

/* One address/prefix, as node_cidr_parse() takes it. */
static bool cidr_ok(const char *a)
{
	int fam, plen;
	unsigned char ip[16];
	char canon[64];
	return node_cidr_parse(a, &fam, ip, &plen, canon, sizeof(canon));
}

static bool rule_addr(const struct journal_record *v, size_t i, const struct journal_scope *s,
		      char *why, size_t whysize)
{
	if (!v[i].data || !cidr_ok(v[i].data))
		return refuse(why, whysize, "%s", "the address is not an address/prefix");
	return rule_interface(v, i, s, why, whysize);
}

static bool rule_mtu(const struct journal_record *v, size_t i, const struct journal_scope *s,
		     char *why, size_t whysize)
{
	unsigned old = 0, neu = 0;
	char end = 0;
	if (!v[i].data || sscanf(v[i].data, "%u %u%c", &old, &neu, &end) != 2 || old < 68 ||
	    old > 65535 || neu < 68 || neu > 65535)
		return refuse(why, whysize, "%s", "the MTUs are not two MTUs");
	return rule_interface(v, i, s, why, whysize);
}

/* ll4: the IPv4 link-local addresses before ("" or a/len,b/len); ll6: "MODE addr/len,...". */
static bool addr_list_ok(const char *list)
{
	char copy[700];
	if (str_copy(copy, list, sizeof(copy)) >= sizeof(copy))
		return false;
	char *save = NULL;
	for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save))
		if (!cidr_ok(a))
			return false;
	return true;
}

static bool rule_ll(const struct journal_record *v, size_t i, const struct journal_scope *s,
		    char *why, size_t whysize)
{
	const char *d = v[i].data ? v[i].data : "";
	if (strcmp(v[i].op, "ll6") == 0) {
		int mode = -2;
		char list[600] = "";
		if (sscanf(d, "%d %599s", &mode, list) < 1 || mode < -1 || mode > 3 ||
		    !addr_list_ok(list))
			return refuse(why, whysize, "%s", "the IPv6 link-local state is malformed");
	} else if (!addr_list_ok(d)) {
		return refuse(why, whysize, "%s", "the address list is malformed");
	}
	return rule_interface(v, i, s, why, whysize);
}

/* nm-profile: "UUID PREVIOUS [ADDRESS]" (PREVIOUS a UUID or "-", ADDRESS one address/len) */
static bool rule_nm_profile(const struct journal_record *v, size_t i, const struct journal_scope *s,
			    char *why, size_t whysize)
{
	char uuid[40], prev[40], addr[64] = "", end;
	const char *d = v[i].data ? v[i].data : "";
	int n = sscanf(d, "%39s %39s %63s%c", uuid, prev, addr, &end);
	size_t len = 36 + 1 + strlen(prev) + (n == 3 ? 1 + strlen(addr) : 0);
	if ((n != 2 && n != 3) || !nm_uuid_valid(uuid) ||
	    (strcmp(prev, "-") != 0 && !nm_uuid_valid(prev)) || strlen(d) != len)
		return refuse(why, whysize, "%s", "the profile record is not two UUIDs");
	if (n == 3 && !cidr_ok(addr))
		return refuse(why, whysize, "%s", "the profile record's address is not an address");
	return rule_interface(v, i, s, why, whysize);
}

static bool rule_link_up(const struct journal_record *v, size_t i, const struct journal_scope *s,
			 char *why, size_t whysize)
{
	return rule_interface(v, i, s, why, whysize);
}

/* An SSH file: the user's own on this node, "~/.ssh/NAME" (the login user's) on a peer. */
static bool ssh_file_ok(const struct journal_record *r, const struct journal_scope *s,
			const char *name, char *why, size_t whysize)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "~/.ssh/%s", name);
	if (is_local(r) ? is_user_file(s, r->path, name) : strcmp(r->path, rel) == 0)
		return true;
	snprintf(why, whysize, "%s is not %s ~/.ssh/%s", r->path,
		 is_local(r) ? "your own" : "the login user's", name);
	return false;
}

static bool rule_authkeys(const struct journal_record *v, size_t i, const struct journal_scope *s,
			  char *why, size_t whysize)
{
	const struct journal_record *r = &v[i];
	if (!ssh_file_ok(r, s, "authorized_keys", why, whysize))
		return false;
	/* the peer's record holds our key line, ours the peer's (one line each) */
	if (!r->data || !pubkey_line_valid(r->data))
		return refuse(why, whysize, "%s", "the key line is not a public key line");
	return true;
}

/* A known_hosts name as pairing writes it: a host name or address, "[name]:port", or hashed
 * ("|1|salt|hash", base64). */
static bool kh_name_ok(const char *n)
{
	if (strncmp(n, "|1|", 3) == 0) {
		for (const char *p = n + 3; *p; p++)
			if (!base64_is_alpha(*p) && *p != '=' && *p != '|')
				return false;
		return n[3] != '\0';
	}
	if (n[0] != '[')
		return ssh_name_valid(n);
	char host[256];
	const char *close = strchr(n, ']');
	if (!close || close[1] != ':' || (size_t)(close - n - 1) >= sizeof(host))
		return false;
	snprintf(host, sizeof(host), "%.*s", (int)(close - n - 1), n + 1);
	char *end = NULL;
	long port = strtol(close + 2, &end, 10);
	return ssh_name_valid(host) && end && !*end && port > 0 && port < 65536;
}

/* The most lines a peer's known-hosts-add record holds: a name per line, as many as pairing
 * records a host by (PAIR_MAX_NAMES, and the address it was seen at). */
#define KH_RECORD_MAX_LINES 16

static bool rule_known_hosts(const struct journal_record *v, size_t i,
			     const struct journal_scope *s, char *why, size_t whysize)
{
	const struct journal_record *r = &v[i];
	if (!ssh_file_ok(r, s, "known_hosts", why, whysize))
		return false;
	/* this node's: one line "name,name type key"; a peer's: one line per name ("name type
	 * key"), every line with the same key (one host key per record: this node's, or a peer's
	 * that the user confirmed) */
	char *copy = xstrdup(r->data ? r->data : "");
	bool ok = copy[0] != '\0';
	const char *reason = "the host key line is not names, a type and a key";
	const char *first_type = NULL, *first_key = NULL;
	size_t nlines = 0;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
		if (!sp || !sp2) {
			ok = false;
			break;
		}
		*sp = *sp2 = '\0';
		const char *type = sp + 1, *key = sp2 + 1;
		if (++nlines > (is_local(r) ? 1 : KH_RECORD_MAX_LINES)) {
			ok = false;
			reason = is_local(r) ? "this node's host key record is more than one line"
					     : "the record has more lines than pairing writes";
			break;
		}
		if (!(ok = ssh_key_valid(type, key)))
			break;
		if (!first_type) {
			first_type = type;
			first_key = key;
		} else if (strcmp(type, first_type) != 0 || strcmp(key, first_key) != 0) {
			ok = false;
			reason = "the record's lines carry more than one host key";
			break;
		}
		if (!is_local(r) && strchr(line, ',')) {
			ok = false;
			reason = "a peer's host key line names more than one host";
			break;
		}
		char *nsave = NULL;
		for (char *n = strtok_r(line, ",", &nsave); ok && n;
		     n = strtok_r(NULL, ",", &nsave))
			ok = kh_name_ok(n);
	}
	free(copy);
	if (!ok)
		return refuse(why, whysize, "%s", reason);
	return true;
}

static bool rule_ssh_config(const struct journal_record *v, size_t i, const struct journal_scope *s,
			    char *why, size_t whysize)
{
	const struct journal_record *r = &v[i];
	if (!is_local(r))
		return refuse(why, whysize, "pairing writes no ssh config on %s", r->host);
	if (!ssh_file_ok(r, s, "config", why, whysize))
		return false;
	if (!r->data || !ssh_name_valid(r->data))
		return refuse(why, whysize, "%s", "the Host alias is not a host name");
	return true;
}

static bool rule_key_create(const struct journal_record *v, size_t i, const struct journal_scope *s,
			    char *why, size_t whysize)
{
	const struct journal_record *r = &v[i];
	char dir[PATH_MAX + 64];
	size_t hl = s->home ? strlen(s->home) : 0;
	while (hl > 1 && s->home[hl - 1] == '/')
		hl--;
	snprintf(dir, sizeof(dir), "%.*s/.ssh", (int)(hl == 1 ? 0 : hl), s->home ? s->home : "");
	if (!is_local(r) || !s->home || !file_in(r->path, dir, NULL))
		return refuse(why, whysize, "%s is not a key in your own ~/.ssh", r->path);
	return true;
}

static bool rule_user_create(const struct journal_record *v, size_t i,
			     const struct journal_scope *s, char *why, size_t whysize)
{
	(void)s;
	const struct journal_record *r = &v[i];
	if (is_local(r))
		return refuse(why, whysize, "%s", "sparklink creates users only on a peer");
	if (!plain_name(r->path, 32))
		return refuse(why, whysize, "'%s' is not a user name", r->path);
	return true;
}

/* ---- the table ------------------------------------------------------------------------------ */

static const struct op ops[JOP_COUNT] = {
	[JOP_PLAN] = { "plan", OP_MARKER, rule_plan, undo_nothing },
	[JOP_NETPLAN_APPLY] = { "netplan-apply", OP_MARKER, rule_netplan_apply, undo_nothing },
	[JOP_UNDONE] = { "undone", OP_MARKER, rule_marker, undo_nothing },
	[JOP_BACKUP] = { "backup", OP_NET, rule_backup, undo_backup },
	[JOP_FILE_WRITE] = { "file-write", OP_NET, rule_file_write, undo_file_write },
	[JOP_ADDR_ADD] = { "addr-add", OP_NET, rule_addr, undo_addr_add },
	[JOP_MTU_SET] = { "mtu-set", OP_NET, rule_mtu, undo_mtu_set },
	[JOP_LINK_UP] = { "link-up", OP_NET, rule_link_up, undo_link_up },
	[JOP_LL4] = { "ll4", OP_NET, rule_ll, undo_ll4 },
	[JOP_LL6] = { "ll6", OP_NET, rule_ll, undo_ll6 },
	[JOP_AUTHKEYS_ADD] = { "authkeys-add", OP_SSH, rule_authkeys, undo_authkeys },
	[JOP_KNOWN_HOSTS_ADD] = { "known-hosts-add", OP_SSH, rule_known_hosts, undo_known_hosts },
	[JOP_SSH_CONFIG_HOST] = { "ssh-config-host", OP_SSH, rule_ssh_config, undo_ssh_config },
	[JOP_KEY_CREATE] = { "key-create", OP_SSH, rule_key_create, undo_key_create },
	[JOP_USER_CREATE] = { "user-create", OP_SSH, rule_user_create, undo_user_create },
	[JOP_NM_PROFILE] = { "nm-profile", OP_NET, rule_nm_profile, undo_nm_profile },
	[JOP_CLUSTER_PLAN] = { "cluster-plan", OP_MARKER, rule_cluster_plan, undo_nothing },
};

static const struct op *op_find(const char *name)
{
	for (size_t i = 0; i < JOP_COUNT; i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

bool journal_op_is_ssh(const char *op)
{
	const struct op *o = op_find(op);
	return o && o->kind == OP_SSH;
}

bool journal_record_pending(const struct journal_record *r)
{
	const struct op *o = op_find(r->op);
	return !r->undone && (!o || o->kind != OP_MARKER);
}

enum journal_verdict journal_judge(const struct journal_record *v, size_t n, size_t i,
				   const struct journal_scope *s, char *why, size_t whysize)
{
	why[0] = '\0';
	if (i >= n)
		return JOURNAL_REFUSED;
	const struct journal_record *r = &v[i];
	const struct op *o = op_find(r->op);
	if (s->user_journal && (!o || (o->kind != OP_SSH && strcmp(r->op, "undone") != 0))) {
		snprintf(why, whysize, "not something pairing writes");
		return JOURNAL_IGNORED;
	}
	if (!o) {
		snprintf(why, whysize, "not an operation sparklink records");
		return JOURNAL_REFUSED;
	}
	if (!host_ok(r->host)) {
		snprintf(why, whysize, "'%s' is not a host name or address", r->host);
		return JOURNAL_REFUSED;
	}
	return o->rule(v, i, s, why, whysize) ? JOURNAL_OK : JOURNAL_REFUSED;
}

const char *journal_verdict_word(enum journal_verdict v)
{
	return v == JOURNAL_IGNORED ? "ignored" : v == JOURNAL_REFUSED ? "refused" : "ok";
}

void journal_count(const struct journal_record *v, size_t n, const struct journal_scope *s,
		   struct journal_counts *c)
{
	memset(c, 0, sizeof(*c));
	char why[256];
	for (size_t i = 0; i < n; i++) {
		if (!journal_record_pending(&v[i]))
			continue;
		if (journal_judge(v, n, i, s, why, sizeof(why)) != JOURNAL_OK)
			c->refused++;
		else if (journal_op_is_ssh(v[i].op))
			c->pending_ssh++;
		else
			c->pending_net++;
	}
}

int journal_count_path(const char *path, uid_t owner, const struct journal_scope *s,
		       struct journal_counts *c, char *err, size_t errsize)
{
	struct journal_record *v = NULL;
	err[0] = '\0';
	memset(c, 0, sizeof(*c));
	int n = journal_read(path, owner, &v, err, errsize);
	if (n < 0)
		return n;
	err[0] = '\0'; /* a skipped line is not an error here */
	journal_count(v, (size_t)n, s, c);
	journal_records_free(v, (size_t)n);
	return 0;
}

const char *journal_op_name(enum journal_op id)
{
	return id < JOP_COUNT ? ops[id].name : "?";
}

int journal_write(struct journal *j, enum journal_op id, const char *host, const char *path,
		  const char *data)
{
	return journal_record(j, journal_op_name(id), host, path, data);
}

enum journal_undo journal_undo(const struct journal_record *r, const struct undo_ctx *u)
{
	const struct op *o = op_find(r->op);
	return o ? o->undo(r, u) : UNDO_NOTHING;
}
