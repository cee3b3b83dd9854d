/* journal_undo.c: the undo of each journal operation, on this node or a peer (core/node/node.h). */
#include "core/jobs/journal_undo.h"
#include "core/base/base64.h"
#include "core/node/node_remote.h"
#include "core/node/node_remote_user.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_local(const struct journal_record *r)
{
	return strcmp(r->host, "local") == 0;
}

static const char *where(const struct journal_record *r)
{
	return is_local(r) ? "this node" : r->host;
}

enum journal_undo undo_nothing(const struct journal_record *r, const struct undo_ctx *u)
{
	(void)r;
	(void)u;
	return UNDO_NOTHING; /* markers: the file restore applies netplan */
}

enum journal_undo undo_backup(const struct journal_record *r, const struct undo_ctx *u)
{
	buf_printf(u->log, "%s: kept the backup %s of the old %s\n", where(r), r->path,
		   r->data ? r->data : "file");
	return u->dry ? UNDO_DESCRIBED : UNDO_KEPT;
}

enum journal_undo undo_file_write(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	struct node *n = u->node;
	const char *at = where(r);
	bool absent = !r->data || strcmp(r->data, "absent") == 0;
	unsigned mode = 0600;
	const char *b64 = "";
	if (!absent) {
		char *sp = strchr(r->data, ' ');
		if (!sp || sscanf(r->data, "%o", &mode) != 1) {
			buf_printf(u->log, "FAILED: %s: the journal record of %s is malformed\n",
				   at, r->path);
			return UNDO_FAILED;
		}
		b64 = sp + 1;
	}
	if (u->dry) {
		buf_printf(u->log, "%s: %s %s, then netplan apply\n", at,
			   absent ? "remove sparklink's" : "restore the previous", r->path);
		return UNDO_DESCRIBED;
	}
	size_t blen = strlen(b64);
	uint8_t *old = xcalloc(1, blen / 4 * 3 + 1);
	long olen = absent ? 0 : base64_decode(b64, blen, old, blen / 4 * 3 + 1);
	enum journal_undo res = UNDO_DONE;
	struct node_file cur;
	node_file_init(&cur);
	if (olen < 0) {
		buf_printf(u->log, "FAILED: %s: the saved content of %s is malformed\n", at,
			   r->path);
		res = UNDO_FAILED;
	} else if (n->ops->file_read(n, r->path, &cur, err, sizeof(err)) < 0) {
		buf_printf(u->log, "FAILED: %s: %s\n", at, err);
		res = UNDO_FAILED;
	} else if (absent ? !cur.exists
			  : cur.exists && cur.data.len == (size_t)olen &&
				    (olen == 0 || memcmp(cur.data.data, old, (size_t)olen) == 0) &&
				    (cur.mode & 07777) == mode) {
		buf_printf(u->log, "%s: %s is already as before\n", at, r->path);
		res = UNDO_ALREADY;
	} else if ((absent ? n->ops->file_remove(n, r->path, err, sizeof(err))
			   : n->ops->file_write(n, r->path, (const char *)old, (size_t)olen, mode,
						err, sizeof(err))) < 0) {
		buf_printf(u->log, "FAILED: %s: %s\n", at, err);
		res = UNDO_FAILED;
	} else {
		buf_printf(u->log, "%s: %s %s\n", at, absent ? "removed" : "restored", r->path);
	}
	node_file_free(&cur);
	free(old);
	if (res == UNDO_DONE) {
		if (n->ops->netplan(n, "apply", err, sizeof(err)) < 0) {
			buf_printf(u->log, "FAILED: %s: netplan apply: %s\n", at, err);
			return UNDO_FAILED;
		}
		buf_printf(u->log, "%s: netplan apply\n", at);
	}
	return res;
}

/* The interface a record changes, looked at first (every undo is idempotent): UNDO_NOTHING to go
 * on with f filled, else the result. */
static enum journal_undo undo_probe(const struct journal_record *r, const struct undo_ctx *u,
				    struct node_if *f)
{
	char err[1024];
	memset(f, 0, sizeof(*f));
	if (u->dry)
		return UNDO_NOTHING;
	if (u->node->ops->probe_if(u->node, r->path, f, err, sizeof(err)) < 0) {
		buf_printf(u->log, "FAILED: %s: %s\n", where(r), err);
		return UNDO_FAILED;
	}
	if (!f->exists) {
		buf_printf(u->log, "%s: %s is gone; nothing to undo on it\n", where(r), r->path);
		return UNDO_ALREADY;
	}
	return UNDO_NOTHING;
}

static enum journal_undo failed(const struct journal_record *r, const struct undo_ctx *u,
				const char *err)
{
	buf_printf(u->log, "FAILED: %s: %s\n", where(r), err);
	return UNDO_FAILED;
}

enum journal_undo undo_addr_add(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	const char *at = where(r);
	struct node_if f;
	enum journal_undo res = undo_probe(r, u, &f);
	if (res != UNDO_NOTHING || !r->data)
		return res;
	if (u->dry) {
		buf_printf(u->log, "%s: delete %s from %s\n", at, r->data, r->path);
		return UNDO_DESCRIBED;
	}
	bool present = false;
	for (size_t i = 0; i < f.naddrs; i++)
		present |= strcmp(f.addrs[i], r->data) == 0;
	if (!present) {
		buf_printf(u->log, "%s: %s is not on %s (already gone)\n", at, r->data, r->path);
		return UNDO_ALREADY;
	}
	if (u->node->ops->addr_set(u->node, r->path, r->data, false, err, sizeof(err)) < 0)
		return failed(r, u, err);
	buf_printf(u->log, "%s: deleted %s from %s\n", at, r->data, r->path);
	return UNDO_DONE;
}

enum journal_undo undo_mtu_set(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	const char *at = where(r);
	struct node_if f;
	enum journal_undo res = undo_probe(r, u, &f);
	if (res != UNDO_NOTHING || !r->data)
		return res;
	unsigned old = 0, neu = 0;
	if (sscanf(r->data, "%u %u", &old, &neu) != 2 || old < 68) {
		buf_printf(u->log, "FAILED: %s: the MTU record of %s is malformed\n", at, r->path);
		return UNDO_FAILED;
	}
	if (u->dry) {
		buf_printf(u->log, "%s: MTU of %s back to %u\n", at, r->path, old);
		return UNDO_DESCRIBED;
	}
	if (f.mtu == old) {
		buf_printf(u->log, "%s: MTU of %s is already %u\n", at, r->path, old);
		return UNDO_ALREADY;
	}
	if (u->node->ops->mtu_set(u->node, r->path, old, err, sizeof(err)) < 0)
		return failed(r, u, err);
	buf_printf(u->log, "%s: MTU of %s back to %u\n", at, r->path, old);
	return UNDO_DONE;
}

enum journal_undo undo_link_up(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	const char *at = where(r);
	struct node_if f;
	enum journal_undo res = undo_probe(r, u, &f);
	if (res != UNDO_NOTHING)
		return res;
	if (u->dry) {
		buf_printf(u->log, "%s: %s down again (it was down)\n", at, r->path);
		return UNDO_DESCRIBED;
	}
	if (!f.up) {
		buf_printf(u->log, "%s: %s is already down\n", at, r->path);
		return UNDO_ALREADY;
	}
	if (u->node->ops->link_set(u->node, r->path, false, err, sizeof(err)) < 0)
		return failed(r, u, err);
	buf_printf(u->log, "%s: %s down again (it was down)\n", at, r->path);
	return UNDO_DONE;
}

static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

enum journal_undo undo_ll4(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	const char *at = where(r);
	struct node_if f;
	enum journal_undo res = undo_probe(r, u, &f);
	if (res != UNDO_NOTHING)
		return res;
	if (u->dry) {
		buf_printf(u->log, "%s: delete link-local IPv4 addresses sparklink caused on %s\n",
			   at, r->path);
		return UNDO_DESCRIBED;
	}
	res = UNDO_ALREADY;
	for (size_t i = 0; i < f.naddrs; i++) {
		if (!str_starts(f.addrs[i], "169.254.") || in_list(r->data, f.addrs[i]))
			continue;
		if (u->node->ops->addr_set(u->node, r->path, f.addrs[i], false, err, sizeof(err)) <
		    0)
			return failed(r, u, err);
		buf_printf(u->log, "%s: deleted %s from %s\n", at, f.addrs[i], r->path);
		res = UNDO_DONE;
	}
	return res;
}

enum journal_undo undo_ll6(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024];
	const char *at = where(r);
	struct node_if f;
	enum journal_undo res = undo_probe(r, u, &f);
	if (res != UNDO_NOTHING || !r->data)
		return res;
	int mode = -1;
	char list[600] = "";
	if (sscanf(r->data, "%d %599s", &mode, list) < 1) {
		buf_printf(u->log, "FAILED: %s: the IPv6 record of %s is malformed\n", at, r->path);
		return UNDO_FAILED;
	}
	if (u->dry) {
		buf_printf(u->log, "%s: IPv6 link-local of %s as before%s%s%s\n", at, r->path,
			   list[0] ? " (" : "", list, list[0] ? ")" : "");
		return UNDO_DESCRIBED;
	}
	res = UNDO_ALREADY;
	if (mode >= 0 && f.addr_gen_mode >= 0 && f.addr_gen_mode != mode) {
		if (u->node->ops->addrgenmode_set(u->node, r->path, mode, err, sizeof(err)) < 0)
			return failed(r, u, err);
		res = UNDO_DONE;
	}
	for (char *save, *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		bool present = false;
		for (size_t i = 0; i < f.naddrs6; i++)
			present |= strcmp(f.addrs6[i], a) == 0;
		if (present)
			continue;
		if (u->node->ops->addr_set(u->node, r->path, a, true, err, sizeof(err)) < 0)
			return failed(r, u, err);
		res = UNDO_DONE;
	}
	buf_printf(u->log, "%s: IPv6 link-local of %s %s\n", at, r->path,
		   res == UNDO_DONE ? "restored" : "is as before");
	return res;
}

/* The lines pairing added to the login user's ~/REL on a peer (as that user, no sudo). */
static enum journal_undo undo_remote_lines(const struct journal_record *r, const struct undo_ctx *u,
					   const char *rel)
{
	char err[1024];
	if (!r->data)
		return UNDO_NOTHING;
	if (u->dry) {
		buf_printf(u->log, "%s: remove the line%s sparklink added to ~/%s\n", r->host,
			   strchr(r->data, '\n') ? "s" : "", rel);
		return UNDO_DESCRIBED;
	}
	char *copy = xstrdup(r->data);
	int removed = 0;
	enum journal_undo res = UNDO_ALREADY;
	for (char *save, *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool was = false;
		if (node_remote_user_line_remove(u->node, rel, line, &was, err, sizeof(err)) < 0) {
			buf_printf(u->log, "FAILED: %s: %s\n", r->host, err);
			res = UNDO_FAILED;
			break;
		}
		removed += was;
	}
	free(copy);
	if (res != UNDO_FAILED) {
		res = removed ? UNDO_DONE : UNDO_ALREADY;
		buf_printf(u->log, "%s: %s %d line%s from ~/%s\n", r->host,
			   removed ? "removed" : "already gone:", removed, removed == 1 ? "" : "s",
			   rel);
	}
	return res;
}

enum journal_undo undo_authkeys(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[512];
	if (!is_local(r))
		return undo_remote_lines(r, u, ".ssh/authorized_keys");
	if (!r->data)
		return UNDO_NOTHING;
	if (u->dry) {
		buf_printf(u->log, "this node: remove the key line added to %s\n", r->path);
		return UNDO_DESCRIBED;
	}
	bool removed = false;
	if (authkeys_remove(u->user, r->data, &removed, err, sizeof(err)) < 0) {
		buf_printf(u->log, "FAILED: %s\n", err);
		return UNDO_FAILED;
	}
	buf_printf(u->log, "this node: %s the key line in %s\n",
		   removed ? "removed" : "already gone:", r->path);
	return removed ? UNDO_DONE : UNDO_ALREADY;
}

/* "n1,n2 type key" -> names (pointers into a copy), type, key */
static size_t split_known_hosts(char *data, const char **names, size_t max, char **type, char **key)
{
	char *sp = strchr(data, ' ');
	if (!sp)
		return 0;
	*sp = '\0';
	*type = sp + 1;
	char *sp2 = strchr(*type, ' ');
	if (!sp2)
		return 0;
	*sp2 = '\0';
	*key = sp2 + 1;
	size_t n = 0;
	for (char *save, *tok = strtok_r(data, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save))
		names[n++] = tok;
	return n;
}

enum journal_undo undo_known_hosts(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[512];
	if (!is_local(r))
		return undo_remote_lines(r, u, ".ssh/known_hosts");
	if (!r->data)
		return UNDO_NOTHING;
	char *copy = xstrdup(r->data), *type, *key;
	const char *names[16];
	size_t nn = split_known_hosts(copy, names, 16, &type, &key);
	enum journal_undo res;
	if (!nn) {
		buf_printf(u->log, "FAILED: a known_hosts record of %s is malformed\n", r->path);
		res = UNDO_FAILED;
	} else if (u->dry) {
		buf_printf(u->log, "this node: remove the host key lines for %s from %s\n",
			   names[0], r->path);
		res = UNDO_DESCRIBED;
	} else {
		int removed = 0;
		if (known_hosts_remove(u->user, r->path, names, nn, 22, type, key, &removed, err,
				       sizeof(err)) < 0) {
			buf_printf(u->log, "FAILED: %s\n", err);
			res = UNDO_FAILED;
		} else {
			buf_printf(u->log, "this node: %s %d host key line%s for %s in %s\n",
				   removed ? "removed" : "already gone:", removed,
				   removed == 1 ? "" : "s", names[0], r->path);
			res = removed ? UNDO_DONE : UNDO_ALREADY;
		}
	}
	free(copy);
	return res;
}

enum journal_undo undo_ssh_config(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[512];
	if (!r->data || !is_local(r))
		return UNDO_NOTHING;
	if (u->dry) {
		buf_printf(u->log, "this node: remove the Host %s block from %s\n", r->data,
			   r->path);
		return UNDO_DESCRIBED;
	}
	bool removed = false;
	if (ssh_config_remove_host(u->user, r->data, &removed, err, sizeof(err)) < 0) {
		buf_printf(u->log, "FAILED: %s\n", err);
		return UNDO_FAILED;
	}
	buf_printf(u->log, "this node: %s the Host %s block in %s\n",
		   removed ? "removed" : "already gone:", r->data, r->path);
	return removed ? UNDO_DONE : UNDO_ALREADY;
}

enum journal_undo undo_key_create(const struct journal_record *r, const struct undo_ctx *u)
{
	buf_printf(u->log, "this node: kept your key %s (it may be in use elsewhere)\n", r->path);
	return UNDO_KEPT;
}

enum journal_undo undo_user_create(const struct journal_record *r, const struct undo_ctx *u)
{
	buf_printf(u->log,
		   "%s: kept the user %s sparklink created (remove it with: sudo userdel "
		   "-r %s)\n",
		   r->host, r->path, r->path);
	return u->dry ? UNDO_DESCRIBED : UNDO_KEPT;
}

/* nm-profile: delete sparklink's in-memory profile, activate the one before it again */
enum journal_undo undo_nm_profile(const struct journal_record *r, const struct undo_ctx *u)
{
	char err[1024], uuid[40] = "", prev[40] = "-", addr[64] = "", with[80] = "";
	const char *at = where(r);
	if (!r->data || sscanf(r->data, "%39s %39s %63s", uuid, prev, addr) < 2) {
		buf_printf(u->log, "FAILED: %s: the profile record of %s is malformed\n", at,
			   r->path);
		return UNDO_FAILED;
	}
	if (addr[0]) /* what the profile set (journals before December 2026 do not say) */
		snprintf(with, sizeof(with), " (%s)", addr);
	if (u->dry) {
		if (strcmp(prev, "-") == 0)
			buf_printf(u->log, "%s: delete NetworkManager's profile sparklink-%s%s\n",
				   at, r->path, with);
		else
			buf_printf(u->log,
				   "%s: delete NetworkManager's profile sparklink-%s%s, activate "
				   "the profile %s on it again\n",
				   at, r->path, with, prev);
		return UNDO_DESCRIBED;
	}
	struct nm_node nn;
	struct nm_port np;
	if (u->node->ops->nm_probe(u->node, NULL, &nn, &np, err, sizeof(err)) < 0)
		return failed(r, u, err);
	if (nn.renderer != NM_RENDERER_NM) {
		buf_printf(u->log,
			   "%s: NetworkManager does not run: its in-memory profile on %s is gone "
			   "with it\n",
			   at, r->path);
		return UNDO_ALREADY;
	}
	if (u->node->ops->nm_restore(u->node, r->path, uuid, prev, err, sizeof(err)) < 0)
		return failed(r, u, err);
	buf_printf(u->log, "%s: NetworkManager's profile on %s is back as before (%s)\n", at,
		   r->path, strcmp(prev, "-") == 0 ? "none" : prev);
	return UNDO_DONE;
}
