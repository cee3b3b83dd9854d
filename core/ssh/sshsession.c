/* sshsession.c: an SSH session to the peer for a worker job (libssh): connect, host key check
 * against known_hosts, key or password login, commands in exec channels, shell quoting. */
#include "core/ssh/sshsession.h"
#include "core/base/text.h"

#include <errno.h>
#include <libssh/libssh.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libssh's host key algorithms for the key types known_hosts records for names first, then
 * its defaults (without certificates, which known_hosts_check does not take): the host is
 * asked for the key that was recorded, as ssh(1) orders HostKeyAlgorithms. */
static void prefer_recorded_types(ssh_session ss, const char *kh, const struct sshsession_opts *o,
				  unsigned port)
{
	static const char defaults[] = "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
				       "ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
	char types[512];
	if (!o->nnames ||
	    known_hosts_types(kh, o->names, o->nnames, port, types, sizeof(types), NULL, 0) <= 0)
		return;
	struct buf algs;
	buf_init(&algs);
	char *save = NULL;
	for (char *t = strtok_r(types, ",", &save); t; t = strtok_r(NULL, ",", &save))
		buf_printf(&algs, "%s%s", algs.len ? "," : "",
			   strcmp(t, "ssh-rsa") == 0 ? "rsa-sha2-512,rsa-sha2-256" : t);
	char rest[sizeof(defaults)];
	str_copy(rest, defaults, sizeof(rest));
	for (char *t = strtok_r(rest, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(t);
		bool dup = false;
		for (const char *p = algs.data; p && (p = strstr(p, t)) && !dup; p += n)
			dup = (p == algs.data || p[-1] == ',') && (p[n] == ',' || !p[n]);
		if (!dup)
			buf_printf(&algs, ",%s", t);
	}
	ssh_options_set(ss, SSH_OPTIONS_HOSTKEYS, algs.data); /* refused: libssh's own order */
	buf_free(&algs);
}

struct sshsession *sshsession_new(const struct sshsession_opts *o)
{
	ssh_session ss = ssh_new();
	if (!ss)
		return NULL;
	struct sshsession *s = xcalloc(1, sizeof(*s));
	s->s = ss;
	s->w = o->w;
	s->timeout_s = o->timeout_s > 0 ? o->timeout_s : SSHSESSION_TIMEOUT_S;
	s->port = o->port ? o->port : 22;
	str_copy(s->address, o->address ? o->address : "", sizeof(s->address));
	str_copy(s->user, o->user ? o->user : "", sizeof(s->user));
	str_copy(s->home, o->home ? o->home : "", sizeof(s->home));

	long timeout = s->timeout_s;
	unsigned port = s->port;
	bool no = false;
	int verbosity = SSH_LOG_NOLOG;
	char sshdir[PATH_MAX + 64];
	snprintf(sshdir, sizeof(sshdir), "%s/.ssh", s->home);
	ssh_options_set(ss, SSH_OPTIONS_HOST, s->address);
	ssh_options_set(ss, SSH_OPTIONS_PORT, &port);
	ssh_options_set(ss, SSH_OPTIONS_USER, s->user);
	ssh_options_set(ss, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(ss, SSH_OPTIONS_PROCESS_CONFIG, &no); /* not root's ~/.ssh/config */
	ssh_options_set(ss, SSH_OPTIONS_SSH_DIR, sshdir);
	ssh_options_set(ss, SSH_OPTIONS_KNOWNHOSTS, "/dev/null"); /* we check host keys ourselves */
	ssh_options_set(ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	ssh_options_set(ss, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	char kh[PATH_MAX + 64];
	sshsession_known_hosts_path(s, kh, sizeof(kh));
	prefer_recorded_types(ss, kh, o, port);
	return s;
}

void sshsession_free(struct sshsession *s)
{
	if (!s)
		return;
	if (s->s) {
		ssh_disconnect(s->s);
		ssh_free(s->s);
	}
	free(s);
}

bool sshsession_connected(struct sshsession *s)
{
	return s && s->s && ssh_is_connected(s->s);
}

const char *sshsession_error(struct sshsession *s)
{
	const char *e = ssh_get_error(s->s);
	if (!e || !e[0])
		e = "unknown error";
	text_clean(s->errtext, sizeof(s->errtext), e, strlen(e), 0);
	return s->errtext;
}

int sshsession_connect(struct sshsession *s, char *err, size_t errsize)
{
	if (ssh_connect(s->s) != SSH_OK) {
		snprintf(err, errsize, "cannot connect to %s: %s", s->address, sshsession_error(s));
		return -EIO;
	}
	ssh_key key = NULL;
	if (ssh_get_server_publickey(s->s, &key) != SSH_OK) {
		snprintf(err, errsize, "the peer sent no host key: %s", sshsession_error(s));
		return -EIO;
	}
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *b64 = NULL;
	int rc = 0;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0 ||
	    ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		snprintf(err, errsize, "cannot read the peer's host key");
		rc = -EIO;
		goto out;
	}
	char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	str_copy(s->fingerprint, fp ? fp : "", sizeof(s->fingerprint));
	ssh_string_free_char(fp);
	str_copy(s->keytype, ssh_key_type_to_char(ssh_key_type(key)), sizeof(s->keytype));
	str_copy(s->keyb64, b64, sizeof(s->keyb64));
out:
	ssh_clean_pubkey_hash(&hash);
	ssh_string_free_char(b64);
	ssh_key_free(key);
	return rc;
}

void sshsession_known_hosts_path(const struct sshsession *s, char *path, size_t size)
{
	snprintf(path, size, "%s/.ssh/known_hosts", s->home);
}

enum kh_status sshsession_check_host_key(const struct sshsession *s, const char *const *names,
					 size_t nnames, char *where, size_t wheresize)
{
	char kh[PATH_MAX + 64];
	sshsession_known_hosts_path(s, kh, sizeof(kh));
	enum kh_status st = known_hosts_check(kh, names, nnames, s->port, s->keytype, s->keyb64,
					      where, wheresize);
	/* only keys of other types recorded: the host offered none of them */
	char types[256], w[512];
	if (st == KH_UNKNOWN &&
	    known_hosts_types(kh, names, nnames, s->port, types, sizeof(types), w, sizeof(w)) > 0) {
		str_copy(where, w, wheresize);
		st = KH_CHANGED;
	}
	return st;
}

enum kh_status sshsession_check_host_key_each(const struct sshsession *s, const char *const *names,
					      size_t nnames, size_t *at, bool *known_elsewhere,
					      char *where, size_t wheresize)
{
	char kh[PATH_MAX + 64];
	sshsession_known_hosts_path(s, kh, sizeof(kh));
	enum kh_status ks = KH_UNKNOWN; /* the worst of: error, revoked, changed, ok (names[0]) */
	*at = 0;
	*known_elsewhere = false;
	str_copy(where, "", wheresize);
	for (size_t i = 0; i < nnames && ks != KH_REVOKED && ks != KH_ERROR; i++) {
		char w[512];
		enum kh_status k = known_hosts_check(kh, &names[i], 1, s->port, s->keytype,
						     s->keyb64, w, sizeof(w));
		*known_elsewhere |= k == KH_OK && i > 0;
		if (k == KH_ERROR || k == KH_REVOKED || (k == KH_CHANGED && ks != KH_CHANGED) ||
		    (k == KH_OK && i == 0)) {
			ks = k;
			*at = i;
			str_copy(where, w, wheresize);
		}
	}
	/* no line of its type for any name, only lines of other types: the host offered none of
	 * the recorded keys (all names together: one may hold a type another lacks) */
	if (ks == KH_UNKNOWN && !*known_elsewhere &&
	    sshsession_check_host_key(s, names, nnames, where, wheresize) == KH_CHANGED) {
		ks = KH_CHANGED;
		for (*at = 0; *at + 1 < nnames; (*at)++)
			if (known_hosts_types(kh, &names[*at], 1, s->port, NULL, 0, NULL, 0) > 0)
				break;
	}
	return ks;
}

void sshsession_host_key_warning(const struct sshsession *s, enum kh_status ks, const char *where,
				 const char *name, char *out, size_t size)
{
	char kh[PATH_MAX + 64];
	sshsession_known_hosts_path(s, kh, sizeof(kh));
	snprintf(out, size,
		 "WARNING: the host key of %s is not the one recorded in %s (%s). Someone may be "
		 "intercepting the connection; nothing was written. If the peer was reinstalled "
		 "or its keys regenerated, remove the old key with: ssh-keygen -R %s -f %s",
		 s->address, where, ks == KH_REVOKED ? "it is revoked" : "it changed", name, kh);
}

int sshsession_user_key(const char *home, char *path, size_t pathsize, char *pub, size_t pubsize)
{
	static const char *const types[] = { "ed25519", "ecdsa", "rsa" };
	for (size_t i = 0; i < ARRAY_LEN(types); i++) {
		char priv[PATH_MAX + 64], pubpath[PATH_MAX + 64], line[4096];
		snprintf(priv, sizeof(priv), "%s/.ssh/id_%s", home, types[i]);
		snprintf(pubpath, sizeof(pubpath), "%s.pub", priv);
		if (access(priv, F_OK) == 0 && file_read_small(pubpath, line, sizeof(line)) > 0 &&
		    pubkey_line_valid(line)) {
			str_copy(path, priv, pathsize);
			if (pub)
				str_copy(pub, line, pubsize);
			return 0;
		}
	}
	return -ENOENT;
}

bool sshsession_login_key(struct sshsession *s, const char *keypath)
{
	if (!s->tried_none) { /* asks the server for its methods, as ssh(1) starts */
		s->tried_none = true;
		ssh_userauth_none(s->s, NULL);
	}
	ssh_key priv = NULL;
	if (!keypath || !keypath[0] ||
	    ssh_pki_import_privkey_file(keypath, NULL, NULL, NULL, &priv) != SSH_OK)
		return false;
	int r = ssh_userauth_publickey(s->s, NULL, priv);
	ssh_key_free(priv);
	return r == SSH_AUTH_SUCCESS;
}

int sshsession_login_password(struct sshsession *s, const char *password)
{
	if (!s->tried_none) {
		s->tried_none = true;
		ssh_userauth_none(s->s, NULL);
	}
	int r = ssh_userauth_password(s->s, NULL, password);
	if (r == SSH_AUTH_SUCCESS)
		return 0;
	return r == SSH_AUTH_ERROR ? -EIO : -EACCES;
}

static void keep(struct buf *b, const char *data, int n, size_t max, bool *cut)
{
	if (n <= 0 || !b)
		return;
	size_t room = b->len < max ? max - b->len : 0;
	size_t take = (size_t)n < room ? (size_t)n : room;
	if (take)
		buf_add(b, data, take);
	if (take < (size_t)n && cut)
		*cut = true;
}

int sshsession_exec(struct sshsession *s, const char *cmd, const void *input, size_t inlen,
		    int timeout_s, struct buf *out, struct buf *errout, size_t max, bool *cut,
		    char *err, size_t errsize)
{
	if (err && errsize)
		err[0] = '\0';
	if (cut)
		*cut = false;
	if (timeout_s <= 0)
		timeout_s = s->timeout_s;
	ssh_channel ch = ssh_channel_new(s->s);
	if (!ch) {
		snprintf(err, errsize, "%s", sshsession_error(s));
		return -EIO;
	}
	int rc = -EIO;
	if (ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		snprintf(err, errsize, "%s", sshsession_error(s));
		goto out;
	}
	/* a command that ends without reading its input closes the channel under our write: its
	 * exit status still tells what happened */
	bool write_failed = false;
	const char *p = input;
	for (size_t left = input ? inlen : 0; left;) {
		uint32_t chunk = left > 65536 ? 65536 : (uint32_t)left;
		int n = ssh_channel_write(ch, p, chunk);
		if (n <= 0) {
			snprintf(err, errsize, "%s", sshsession_error(s));
			write_failed = true;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (!write_failed)
		ssh_channel_send_eof(ch);
	int64_t deadline = clock_ms() + (int64_t)timeout_s * 1000;
	bool cancelled = false;
	while (!ssh_channel_is_eof(ch) && clock_ms() < deadline) {
		if (s->w && worker_cancelled(s->w)) {
			cancelled = true;
			break;
		}
		char tmp[4096];
		int n = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 0, 500);
		keep(out, tmp, n, max, cut);
		int m = ssh_channel_read_timeout(ch, tmp, sizeof(tmp), 1, 0);
		keep(errout, tmp, m, max, cut);
		if (n == SSH_ERROR || m == SSH_ERROR)
			break;
	}
	if (ssh_channel_is_eof(ch)) {
		rc = ssh_channel_get_exit_status(ch);
		if (rc < 0) {
			if (!write_failed)
				snprintf(err, errsize,
					 "the peer did not tell how the command "
					 "ended");
			rc = -EIO;
		} else if (err && errsize) {
			err[0] = '\0';
		}
	} else if (cancelled) {
		snprintf(err, errsize, "cancelled");
		rc = -ECANCELED;
	} else if (!write_failed) {
		snprintf(err, errsize, "no answer from the peer within %d s", timeout_s);
		rc = -ETIMEDOUT;
	}
out:
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	return rc;
}

int sshsession_run(struct sshsession *s, const char *cmd, const char *input, char *out,
		   size_t outsize, char *err, size_t errsize)
{
	if (out && outsize)
		out[0] = '\0';
	struct buf o, e;
	buf_init(&o);
	buf_init(&e);
	int st = sshsession_exec(s, cmd, input, input ? strlen(input) : 0, 0, &o, &e, 65536, NULL,
				 err, errsize);
	if (st == -ECANCELED) /* as a timeout: the command did not end */
		snprintf(err, errsize, "no answer from the peer within %d s", s->timeout_s);
	if (out && outsize)
		text_clean(out, outsize, o.data ? o.data : "", o.len, TEXT_LINES);
	if (err && errsize && e.len)
		text_clean(err, errsize, e.data, e.len, TEXT_LINES);
	buf_free(&o);
	buf_free(&e);
	return st < 0 ? -1 : st;
}

void sshsession_quote(struct buf *b, const char *s)
{
	buf_puts(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_add(b, s, 1);
	}
	buf_puts(b, "'");
}
