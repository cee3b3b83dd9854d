/* node_remote.c: the peer as a node (node.h) over the pairing's SSH (sshsession.h): the user's
 * key only, every change through `sudo -S` (the password, when sudo wants one, only on its
 * stdin) and stock tools (sh, ip, cat, base64, stat, mktemp, mv, chmod, sync, netplan). Each
 * operation is one exec channel running a fixed script with its values as arguments; whatever
 * comes back is parsed strictly and cleaned (the peer may be hostile). */
#include "core/node/node_remote_shared.h"
#include "core/base/base64.h"
#include "core/base/sha1.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- running scripts ---- */

void remote_reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->out);
}

void remote_reply_free(struct reply *r)
{
	buf_free(&r->out);
}

/* Run script on the peer: as the login user (`sh -c SCRIPT sh ARGS`) or as root (`sudo ... sh -c
 * SCRIPT sh ARGS`), payload on its stdin (after the sudo password line when sudo wants one).
 * Returns 0 when the script ran to its end (its status in rep->status), else a negative code with
 * a sentence in err. */
int remote_run(struct node_remote *r, enum as as, const char *script, const char *const *args,
	       size_t nargs, const char *payload, size_t plen, int timeout_s, struct reply *rep,
	       char *err, size_t errsize)
{
	if (as == AS_ROOT && r->read_only) {
		snprintf(err, errsize, "the connection to %s is read-only: it changes nothing",
			 r->base.host);
		return -EPERM;
	}
	struct buf cmd;
	buf_init(&cmd);
	buf_puts(&cmd, "env LC_ALL=C ");
	if (as == AS_ROOT)
		buf_puts(&cmd, r->sudo_password_needed ? "sudo -k -S -p '' " : "sudo -n ");
	buf_puts(&cmd, "sh -c ");
	sshsession_quote(&cmd, script);
	buf_puts(&cmd, " sh");
	for (size_t i = 0; i < nargs; i++) {
		buf_puts(&cmd, " ");
		sshsession_quote(&cmd, args[i]);
	}
	/* stdin: the password line first (sudo -S reads exactly one line), then the payload; one
	 * allocation, so that no copy of the password is left behind by a realloc */
	size_t pwlen = as == AS_ROOT && r->sudo_password_needed ? strlen(r->sudo_password) : 0;
	size_t inlen = (pwlen ? pwlen + 1 : 0) + plen;
	char *in = xcalloc(1, inlen + 1);
	if (pwlen) {
		memcpy(in, r->sudo_password, pwlen);
		in[pwlen] = '\n';
	}
	if (plen)
		memcpy(in + (pwlen ? pwlen + 1 : 0), payload, plen);
	struct buf e;
	buf_init(&e);
	char why[256];
	bool cut = false;
	int st = sshsession_exec(r->ss, cmd.data, in, inlen, timeout_s, &rep->out, &e,
				 REMOTE_OUT_MAX, &cut, why, sizeof(why));
	/* the connection broke under the script (the management LAN cut for a moment, e.g. by the
	 * peer's own `netplan apply`): connect again and run it once more. Every script is
	 * idempotent (node.h), and netplan runs in a session of its own, so it was not cut half way. */
	if ((st == -EIO || st == -ETIMEDOUT) && !sshsession_connected(r->ss)) {
		char rerr[512];
		if (remote_reopen(r, rerr, sizeof(rerr)) == 0) {
			buf_free(&rep->out);
			buf_init(&rep->out);
			buf_free(&e);
			buf_init(&e);
			st = sshsession_exec(r->ss, cmd.data, in, inlen, timeout_s, &rep->out, &e,
					     REMOTE_OUT_MAX, &cut, why, sizeof(why));
		} else {
			snprintf(why, sizeof(why),
				 "the connection broke and could not be made again (%s)", rerr);
		}
	}
	secret_wipe(in, inlen);
	free(in);
	buf_free(&cmd);
	text_clean(rep->said, sizeof(rep->said), e.data ? e.data : "", e.len, TEXT_LINES);
	str_rstrip(rep->said);
	buf_free(&e);
	rep->status = st;
	if (st < 0) {
		snprintf(err, errsize, "%s: %s", r->base.host, why);
		return st;
	}
	if (cut) {
		snprintf(err, errsize,
			 "%s answered with more than %u bytes: not an answer this "
			 "version expects",
			 r->base.host, REMOTE_OUT_MAX);
		return -EPROTO;
	}
	/* sudo itself refused (the password changed since we checked it, or sudo rules did) */
	if (as == AS_ROOT && st == 1 &&
	    (strstr(rep->said, "incorrect password") ||
	     strstr(rep->said, "a password is required") || strstr(rep->said, "Sorry, try again") ||
	     strstr(rep->said, "not in the sudoers") || strstr(rep->said, "is not allowed to"))) {
		snprintf(err, errsize, "sudo on %s refused: %s", r->base.host, rep->said);
		return -EACCES;
	}
	return 0;
}

/* "cannot WHAT: said" (or a word when the peer said nothing) */
int remote_failed(struct node_remote *r, const struct reply *rep, const char *what, char *err,
		  size_t errsize)
{
	if (rep->said[0])
		snprintf(err, errsize, "cannot %s on %s: %s", what, r->base.host, rep->said);
	else
		snprintf(err, errsize, "cannot %s on %s: the command failed (exit status %d)", what,
			 r->base.host, rep->status);
	return -EIO;
}

/* ---- checks on our own arguments ---- */

bool remote_ifname_ok(const char *ifname, char *err, size_t errsize)
{
	if (text_is_ifname(ifname) && strcmp(ifname, ".") != 0 && strcmp(ifname, "..") != 0)
		return true;
	char shown[64];
	text_clean(shown, sizeof(shown), ifname, strlen(ifname), 0);
	snprintf(err, errsize, "\"%s\" is not an interface name", shown);
	return false;
}

/* An absolute path of clean text (it appears in messages), not too long. */
bool remote_path_ok(const char *path, char *err, size_t errsize)
{
	char shown[256];
	bool dirty = text_clean(shown, sizeof(shown), path, strlen(path), 0);
	if (path[0] == '/' && strlen(path) < PATH_MAX && !dirty && !strstr(path, "/../") &&
	    !remote_ends_with(path, "/..") && path[strlen(path) - 1] != '/')
		return true;
	snprintf(err, errsize, "\"%s\" is not an absolute path to a file", shown);
	return false;
}

/* The messages node_local.c gives for the same refusals. */
int remote_file_refused(int code, const char *path, char *err, size_t errsize)
{
	switch (code) {
	case X_LINK:
		snprintf(err, errsize,
			 "%s is a symbolic link, and sparklink never replaces one: "
			 "make it a regular file (or remove it) by hand",
			 path);
		return -ELOOP;
	case X_NOTREG:
		snprintf(err, errsize,
			 "%s is not a regular file, and sparklink never replaces "
			 "anything else: move it away by hand",
			 path);
		return -EINVAL;
	case X_TOOBIG:
		snprintf(err, errsize, "%s is larger than 1 MiB: not a file sparklink writes",
			 path);
		return -EFBIG;
	case X_NODIR:
		snprintf(err, errsize, "cannot write %s: its directory does not exist", path);
		return -ENOENT;
	}
	return 0;
}

/* ---- lines of output ---- */

/* Split s (NUL-terminated, modified) into at most max white-space separated words. */
size_t remote_words(char *s, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t\r", &save); t && n < max;
	     t = strtok_r(NULL, " \t\r", &save))
		w[n++] = t;
	return n;
}

bool remote_ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);
	return l >= k && memcmp(s + l - k, suffix, k) == 0;
}

bool remote_parse_uint(const char *s, int base, unsigned long max, unsigned long *out)
{
	if (!s || !s[0] || strspn(s, base == 8 ? "01234567" : "0123456789") != strlen(s) ||
	    strlen(s) > 12)
		return false;
	*out = strtoul(s, NULL, base);
	return *out <= max;
}

/* ---- connecting ---- */

/* sudo without a password? Else the password: given, or asked (up to three tries). */
static int sudo_ready(struct node_remote *r, const struct remote_opts *o, char *err, size_t errsize)
{
	struct buf out, e;
	char why[256];
	buf_init(&out);
	buf_init(&e);
	int st = sshsession_exec(r->ss, "env LC_ALL=C sudo -n -k true", NULL, 0, 0, &out, &e,
				 REMOTE_SAID_MAX, NULL, why, sizeof(why));
	char said[REMOTE_SAID_MAX];
	text_clean(said, sizeof(said), e.data ? e.data : "", e.len, TEXT_LINES);
	str_rstrip(said);
	buf_free(&out);
	buf_free(&e);
	if (st < 0) {
		snprintf(err, errsize, "%s: %s", r->base.host, why);
		return st;
	}
	if (st == 0)
		return 0;
	if (!strstr(said, "password is required")) {
		snprintf(err, errsize, "%s cannot use sudo on %s: %s", r->base.user, r->base.host,
			 said[0] ? said : "sudo -n true failed");
		return -EACCES;
	}
	r->sudo_password_needed = true;
	int tries = o->sudo_password ? 1 : REMOTE_PASSWORD_TRIES;
	for (int attempt = 1; attempt <= tries; attempt++) {
		if (o->sudo_password) {
			str_copy(r->sudo_password, o->sudo_password, sizeof(r->sudo_password));
		} else if (!o->w) {
			snprintf(err, errsize,
				 "sudo on %s wants the password of %s, and there is "
				 "no way to ask for it",
				 r->base.host, r->base.user);
			return -EACCES;
		} else {
			struct worker_msg q = { .kind = o->password_kind, .code = attempt };
			snprintf(q.text, sizeof(q.text), "Password for sudo as %s on %s",
				 r->base.user, r->base.host);
			str_copy(q.extra, r->base.host, sizeof(q.extra));
			int a = worker_ask(o->w, &q, r->sudo_password, sizeof(r->sudo_password),
					   -1);
			if (a < 0 || !r->sudo_password[0]) {
				secret_wipe(r->sudo_password, sizeof(r->sudo_password));
				snprintf(err, errsize, "cancelled at the sudo password for %s",
					 r->base.host);
				return -ECANCELED;
			}
		}
		if (strchr(r->sudo_password, '\n')) {
			secret_wipe(r->sudo_password, sizeof(r->sudo_password));
			snprintf(err, errsize,
				 "a password with a line break cannot be given to "
				 "sudo");
			return -EINVAL;
		}
		struct reply rep;
		remote_reply_init(&rep);
		int rc = remote_run(r, AS_ROOT, "exit 0", NULL, 0, NULL, 0, 0, &rep, err, errsize);
		remote_reply_free(&rep);
		if (rc == 0 && rep.status == 0)
			return 0;
		secret_wipe(r->sudo_password, sizeof(r->sudo_password));
		if (rc != -EACCES && rc < 0)
			return rc;
		if (!strstr(rep.said, "incorrect password") &&
		    !strstr(rep.said, "Sorry, try again") &&
		    !strstr(rep.said, "no password was provided")) {
			snprintf(err, errsize, "%s cannot use sudo on %s: %s", r->base.user,
				 r->base.host, rep.said[0] ? rep.said : "sudo failed");
			return -EACCES;
		}
	}
	if (o->sudo_password)
		snprintf(err, errsize,
			 "sudo on %s did not accept the password given for %s; "
			 "nothing was changed",
			 r->base.host, r->base.user);
	else
		snprintf(err, errsize,
			 "sudo on %s did not accept the password of %s (%d tries); "
			 "nothing was changed",
			 r->base.host, r->base.user, REMOTE_PASSWORD_TRIES);
	return -EACCES;
}

/* Connect (again): a new session to r's address, the host key checked against known_hosts for the
 * address and every name, the user's key to log in. */
static int remote_open(struct node_remote *r, char *err, size_t errsize)
{
	const char *names[ARRAY_LEN(r->names)];
	for (size_t i = 0; i < r->nnames; i++)
		names[i] = r->names[i];
	struct sshsession_opts so = {
		.address = r->base.host,
		.port = r->port,
		.user = r->local.name,
		.home = r->local.home,
		.timeout_s = r->timeout_s,
		.w = r->w,
		.names = names,
		.nnames = r->nnames,
	};
	sshsession_free(r->ss);
	r->ss = sshsession_new(&so);
	if (!r->ss) {
		snprintf(err, errsize, "cannot create an SSH session");
		return -ENOMEM;
	}
	if (sshsession_connect(r->ss, err, errsize) < 0)
		return -EIO;
	char where[512];
	size_t at = 0;
	bool known_as_other = false;
	enum kh_status ks = sshsession_check_host_key_each(r->ss, names, r->nnames, &at,
							   &known_as_other, where, sizeof(where));
	switch (ks) {
	case KH_OK: break;
	case KH_UNKNOWN:
		if (known_as_other)
			snprintf(err, errsize,
				 "the host key of %s is the one you paired with, but not "
				 "yet for this address: pair with %s again to record it",
				 r->base.host, r->base.host);
		else
			snprintf(err, errsize,
				 "the host key of %s is not in your known_hosts: pair "
				 "with it first",
				 r->base.host);
		return -EPERM;
	case KH_CHANGED:
	case KH_REVOKED:
		sshsession_host_key_warning(r->ss, ks, where, names[at], err, errsize);
		return -EPERM;
	case KH_ERROR:
		snprintf(err, errsize, "cannot check the host key of %s: %s", r->base.host, where);
		return -EPERM;
	}

	/* the user's key, nothing else */
	char key[PATH_MAX + 64];
	if (sshsession_user_key(r->local.home, key, sizeof(key), NULL, 0) < 0) {
		snprintf(err, errsize, "you have no SSH key in %s/.ssh: pair with %s first",
			 r->local.home, r->base.host);
		return -EPERM;
	}
	if (!sshsession_login_key(r->ss, key)) {
		snprintf(err, errsize, "%s does not accept your key for %s: pair with it first",
			 r->base.host, r->local.name);
		return -EPERM;
	}
	return 0;
}

int remote_reopen(struct node_remote *r, char *err, size_t errsize)
{
	int64_t deadline = clock_ms() + REMOTE_RECONNECT_MS;
	int rc;
	for (;;) {
		rc = remote_open(r, err, errsize);
		/* a host key or a login refused is no blip: stop at once */
		if (rc == 0 || rc == -EPERM || clock_ms() >= deadline ||
		    (r->w && worker_cancelled(r->w)))
			break;
		usleep(500 * 1000); /* a bounded retry: the peer's address comes back in a second */
	}
	if (rc == 0)
		r->reconnects++;
	return rc;
}

unsigned node_remote_reconnects(const struct node *n)
{
	return n && n->ops == &node_remote_ops ? ((const struct node_remote *)n)->reconnects : 0;
}

struct node *node_remote_new(const struct remote_opts *o, char *err, size_t errsize)
{
	if (!o->address[0] || !o->local.name[0] || !o->local.home[0]) {
		snprintf(err, errsize, "no peer address or no local user to log in as");
		return NULL;
	}
	struct node_remote *r = xcalloc(1, sizeof(*r));
	r->base.ops = &node_remote_ops;
	r->w = o->w;
	r->port = o->port;
	r->timeout_s = o->timeout_s;
	r->local = o->local;
	str_copy(r->base.host, o->address, sizeof(r->base.host));
	str_copy(r->base.user, o->local.name, sizeof(r->base.user));
	/* the host key must be the one pairing recorded: for the address, and for no name the peer
	 * is known by may another key be recorded (a name that now answers with another key, on
	 * any address, is what pairing refuses too) */
	for (size_t i = 0; i <= o->nnames && i <= ARRAY_LEN(o->names); i++) {
		const char *n = i == 0 ? o->address : o->names[i - 1];
		if (!n || !n[0] || r->nnames >= ARRAY_LEN(r->names))
			continue;
		char *plain = r->names[r->nnames];
		str_copy(plain, n, sizeof(r->names[0]));
		plain[strcspn(plain, "%")] = '\0'; /* recorded without the scope */
		bool dup = false;
		for (size_t k = 0; k < r->nnames; k++)
			dup |= strcmp(r->names[k], plain) == 0;
		if (!dup)
			r->nnames++;
	}
	if (remote_open(r, err, errsize) < 0)
		goto fail;
	if (o->w && worker_cancelled(o->w)) {
		snprintf(err, errsize, "cancelled");
		goto fail;
	}
	r->read_only = o->read_only;
	if (!r->read_only && sudo_ready(r, o, err, errsize) < 0)
		goto fail;
	return &r->base;
fail:
	remote_free(&r->base);
	return NULL;
}
