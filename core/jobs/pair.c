/* pair.c: the pairing job: libssh in a worker thread. */
#include "core/jobs/pair.h"
#include "core/jobs/pair_steps.h"
#include "core/base/files.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <libssh/libssh.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *pair_status_word(enum pair_status s)
{
	switch (s) {
	case PAIR_OK: return "paired, verified both ways";
	case PAIR_FAILED: return "failed";
	case PAIR_HOSTKEY_REFUSED: return "host key not accepted";
	case PAIR_HOSTKEY_CHANGED: return "host key changed";
	case PAIR_AUTH_FAILED: return "authentication failed";
	case PAIR_USER_MISMATCH: return "user names differ";
	case PAIR_CANCELLED: return "cancelled";
	case PAIR_VERIFY_FAILED: return "verification failed";
	}
	return "?";
}

__attribute__((format(printf, 3, 4))) enum pair_status pair_fail(struct pair_ctx *c,
								 enum pair_status st,
								 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->out->summary, sizeof(c->out->summary), fmt, ap);
	va_end(ap);
	c->out->status = st;
	return st;
}

int pair_remote_run(struct pair_ctx *c, const char *cmd, char *out, size_t outsize, char *err,
		    size_t errsize)
{
	return sshsession_run(c->s, cmd, NULL, out, outsize, err, errsize);
}

struct sshsession *pair_open_session(struct pair_ctx *c)
{
	const char *names[PAIR_MAX_NAMES];
	struct sshsession_opts o = {
		.names = pair_names_of(c->req->peer_names, c->req->npeer_names, names),
		.nnames = c->req->npeer_names,
		.address = c->req->address,
		.port = c->req->port,
		.user = c->req->remote_user[0] ? c->req->remote_user : c->req->local.name,
		.home = c->req->local.home,
		.timeout_s = c->req->timeout_s,
		.w = c->w,
	};
	return sshsession_new(&o);
}

const char *const *pair_names_of(char (*v)[256], size_t n, const char **store)
{
	for (size_t i = 0; i < n; i++)
		store[i] = v[i];
	return store;
}

enum pair_status pair_connect(struct pair_ctx *c)
{
	job_progress(c->w, "Connecting to %s port %u", c->req->address,
		     c->req->port ? c->req->port : 22);
	sshsession_free(c->s);
	c->s = pair_open_session(c);
	if (!c->s)
		return pair_fail(c, PAIR_FAILED, "cannot create an SSH session");
	char err[512];
	if (sshsession_connect(c->s, err, sizeof(err)) < 0)
		return pair_fail(c, PAIR_FAILED, "%s", err);
	return PAIR_OK;
}

/* The accepted fingerprints: one given on the command line, or the mesh's list. */
static bool fingerprint_given(const struct pair_ctx *c, const char *fp)
{
	if (c->accept_list) {
		for (size_t i = 0; i < c->naccept_list; i++)
			if (strcmp(c->accept_list[i], fp) == 0)
				return true;
		return false;
	}
	return strcmp(c->req->accept_fingerprint, fp) == 0;
}

enum pair_status pair_check_host_key(struct pair_ctx *c)
{
	const char *keytype = c->s->keytype, *fingerprint = c->s->fingerprint;
	char where[300];
	const char *names[PAIR_MAX_NAMES];
	pair_names_of(c->req->peer_names, c->req->npeer_names, names);
	enum kh_status ks =
		sshsession_check_host_key(c->s, names, c->req->npeer_names, where, sizeof(where));
	if (ks == KH_ERROR)
		return pair_fail(c, PAIR_FAILED, "cannot check the host key: %s", where);
	if (ks == KH_CHANGED || ks == KH_REVOKED) {
		char warning[sizeof(c->out->summary)];
		sshsession_host_key_warning(c->s, ks, where, c->req->peer_names[0], warning,
					    sizeof(warning));
		return pair_fail(c, PAIR_HOSTKEY_CHANGED, "%s", warning);
	}
	if (ks == KH_OK) {
		job_progress(c->w, "Host key %s %s is known", keytype, fingerprint);
		return PAIR_OK;
	}
	if (c->req->verify_only)
		return pair_fail(c, PAIR_HOSTKEY_REFUSED,
				 "the host key of %s is not known yet: pair first",
				 c->req->address);
	if (c->req->accept_fingerprint[0] || c->naccept_list) {
		if (!fingerprint_given(c, fingerprint) && c->naccept_list)
			return pair_fail(
				c, PAIR_HOSTKEY_REFUSED,
				"the host key of %s is %s, none of the fingerprints given; "
				"nothing was written",
				c->req->address, fingerprint);
		if (!fingerprint_given(c, fingerprint))
			return pair_fail(
				c, PAIR_HOSTKEY_REFUSED,
				"the host key of %s is %s, not the fingerprint given (%s); nothing "
				"was written",
				c->req->address, fingerprint, c->req->accept_fingerprint);
		job_progress(c->w, "Host key %s %s matches the fingerprint given", keytype,
			     fingerprint);
		return PAIR_OK;
	}
	char key[300];
	snprintf(key, sizeof(key), "%s %s", keytype, fingerprint);
	int r = job_ask_yes(c->w, JOB_ASK_FINGERPRINT, 0, c->req->address, key);
	if (r == -ECANCELED)
		return pair_fail(c, PAIR_CANCELLED, "cancelled");
	if (r != 1)
		return pair_fail(c, PAIR_HOSTKEY_REFUSED,
				 "the host key of %s was not accepted; nothing was written",
				 c->req->address);
	job_progress(c->w, "Host key %s %s accepted", keytype, fingerprint);
	return PAIR_OK;
}

/* Connect and check the host key against the user's known_hosts; ask when unknown. */
static enum pair_status connect_and_check(struct pair_ctx *c)
{
	enum pair_status st = pair_connect(c);
	return st != PAIR_OK ? st : pair_check_host_key(c);
}

/* The user's key pair: an existing one (ed25519, ecdsa, rsa), else a new ed25519 one. */
enum pair_status pair_ensure_my_key(struct pair_ctx *c, bool create)
{
	if (sshsession_user_key(c->req->local.home, c->mykey_path, sizeof(c->mykey_path), c->mypub,
				sizeof(c->mypub)) == 0)
		return PAIR_OK;
	c->mykey_path[0] = c->mypub[0] = '\0';
	if (!create)
		return pair_fail(c, PAIR_AUTH_FAILED, "you have no SSH key yet: pair first");
	char dir[PATH_MAX + 64], err[512];
	bool fixed = false;
	if (sshdir_ensure(&c->req->local, dir, sizeof(dir), &fixed, err, sizeof(err)) < 0)
		return pair_fail(c, PAIR_FAILED, "%s", err);
	snprintf(c->mykey_path, sizeof(c->mykey_path), "%s/id_ed25519", dir);
	job_progress(c->w, "Creating your key %s", c->mykey_path);
	ssh_key key = NULL;
	/* ssh_pki_generate_key: libssh 0.12 on; 0.11 (Debian 13) has ssh_pki_generate only */
#if LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 12, 0)
	if (ssh_pki_generate_key(SSH_KEYTYPE_ED25519, NULL, &key) != SSH_OK)
#else
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
#endif
		return pair_fail(c, PAIR_FAILED, "cannot generate an ed25519 key");
	if (journal_write(c->journal, JOP_KEY_CREATE, "local", c->mykey_path, NULL) < 0) {
		ssh_key_free(key);
		return pair_fail(c, PAIR_FAILED, "cannot write the journal; nothing was changed");
	}
	/* the private key file exists with mode 0600 before a byte of the key is written */
	int fd = open(c->mykey_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchown(fd, c->req->local.uid, c->req->local.gid) < 0) {
		if (fd >= 0)
			close(fd);
		ssh_key_free(key);
		return pair_fail(c, PAIR_FAILED, "cannot create %s: %s", c->mykey_path,
				 strerror(errno));
	}
	close(fd);
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, c->mykey_path) != SSH_OK) {
		unlink(c->mykey_path);
		ssh_key_free(key);
		return pair_fail(c, PAIR_FAILED, "cannot write %s", c->mykey_path);
	}
	char *b64 = NULL;
	ssh_pki_export_pubkey_base64(key, &b64);
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	text_clean_inplace(host, TEXT_NAME);
	snprintf(c->mypub, sizeof(c->mypub), "ssh-ed25519 %s %s@%s", b64 ? b64 : "",
		 c->req->local.name, host);
	ssh_string_free_char(b64);
	ssh_key_free(key);
	char pubpath[PATH_MAX + 64];
	snprintf(pubpath, sizeof(pubpath), "%s.pub", c->mykey_path);
	struct buf line;
	buf_init(&line);
	buf_printf(&line, "%s\n", c->mypub);
	int r = file_replace(pubpath, line.data, line.len, 0644, c->req->local.uid,
			     c->req->local.gid, err, sizeof(err));
	buf_free(&line);
	if (r < 0)
		return pair_fail(c, PAIR_FAILED, "%s", err);
	c->out->files_changed += 2;
	return PAIR_OK;
}

/* The playbook's step 1, checked before anything is contacted. */
enum pair_status pair_same_user(struct pair_ctx *c)
{
	const char *user = c->req->remote_user[0] ? c->req->remote_user : c->req->local.name;
	if (strcmp(user, c->req->local.name) == 0 || c->req->allow_user_mismatch ||
	    c->req->create_user)
		return PAIR_OK;
	return pair_fail(
		c, PAIR_USER_MISMATCH,
		"you are '%s' here but would log in as '%s' on the peer. The playbook needs the "
		"same user name on every node (MPI and NCCL launch as the same user, with the same "
		"home layout). Create '%s' on the peer (useradd -m, sudo group, a password) or log "
		"in here as '%s', then pair again.",
		c->req->local.name, user, c->req->local.name, user);
}

enum pair_status pair_login(struct pair_ctx *c)
{
	const char *user = c->req->remote_user[0] ? c->req->remote_user : c->req->local.name;
	if (!c->skip_key_login && sshsession_login_key(c->s, c->mykey_path)) {
		job_progress(c->w, "Logged in as %s with your key", user);
		return PAIR_OK;
	}
	if (c->req->verify_only)
		return pair_fail(c, PAIR_AUTH_FAILED, "%s does not accept your key for %s",
				 c->req->address, user);
	if (c->password[0]) { /* set by create_user: the new user's password */
		if (sshsession_login_password(c->s, c->password) == 0) {
			job_progress(c->w, "Logged in as %s with the new password", user);
			return PAIR_OK;
		}
		secret_wipe(c->password, sizeof(c->password));
		return pair_fail(c, PAIR_AUTH_FAILED, "the new user %s cannot log in on %s", user,
				 c->req->address);
	}
	for (int attempt = 1; attempt <= 3; attempt++) {
		char prompt[300];
		snprintf(prompt, sizeof(prompt), "Password for %s@%s", user, c->req->address);
		int r = job_ask_password(c->w, attempt, c->req->address, prompt, c->password,
					 sizeof(c->password));
		if (r < 0 || !c->password[0]) {
			secret_wipe(c->password, sizeof(c->password));
			return pair_fail(c, PAIR_CANCELLED, "cancelled at the password prompt");
		}
		r = sshsession_login_password(c->s, c->password);
		if (r == 0) {
			job_progress(c->w, "Logged in as %s with a password", user);
			return PAIR_OK; /* the password stays only for sudo, wiped at the end */
		}
		secret_wipe(c->password, sizeof(c->password));
		if (r == -EIO)
			return pair_fail(c, PAIR_FAILED, "the login failed: %s",
					 sshsession_error(c->s));
		job_warn(c->w, JOB_WARN_WRONG_PASSWORD, "Wrong password (try %d of 3)", attempt);
	}
	return pair_fail(
		c, PAIR_AUTH_FAILED,
		"three wrong passwords for %s@%s; nothing was written. (Does the peer have a user "
		"'%s'? The playbook needs the same user name on both nodes.)",
		user, c->req->address, user);
}

/* Facts about the peer, from one command: our address as it sees us, its name, its user, and
 * whether its ssh hashes known_hosts. */
enum pair_status pair_peer_facts(struct pair_ctx *c)
{
	char out[1024], err[512];
	int st = pair_remote_run(
		c,
		"printf 'conn=%s\\nhost=%s\\nuser=%s\\nhash=%s\\n' \"$SSH_CONNECTION\" "
		"\"$(hostname)\" \"$(id -un)\" "
		"\"$(ssh -G sparklink-probe 2>/dev/null | awk '$1==\"hashknownhosts\"{print $2}')\"",
		out, sizeof(out), err, sizeof(err));
	if (st != 0)
		return pair_fail(c, PAIR_FAILED, "a command on the peer failed: %s",
				 err[0] ? err : "no answer");
	for (char *save, *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (str_starts(line, "conn=")) {
			char a[128] = "";
			sscanf(line + 5, "%127s", a);
			str_copy(c->peer_conn_addr, a, sizeof(c->peer_conn_addr));
		} else if (str_starts(line, "host=")) {
			text_clean(c->peer_hostname, sizeof(c->peer_hostname), line + 5,
				   strlen(line + 5), TEXT_NAME);
		} else if (str_starts(line, "user=")) {
			text_clean(c->peer_user, sizeof(c->peer_user), line + 5, strlen(line + 5),
				   TEXT_NAME);
		} else if (str_starts(line, "hash=")) {
			c->peer_hashes = strcmp(line + 5, "yes") == 0;
		}
	}
	struct in6_addr tmp;
	char plain[128];
	str_copy(plain, c->peer_conn_addr, sizeof(plain));
	char *pct = strchr(plain, '%');
	if (pct)
		*pct = '\0';
	if (inet_pton(AF_INET, plain, &tmp) != 1 && inet_pton(AF_INET6, plain, &tmp) != 1)
		c->peer_conn_addr[0] = '\0';
	return PAIR_OK;
}

/* $@ = key lines: each appended unless its blob is a field of a line there already; one copy of
 * the file for all of them, replaced once (the mesh gives a peer every other peer's key at once) */
static const char AUTHKEYS_ADD[] =
	"set -eu; umask 077; d=\"$HOME/.ssh\"; f=\"$d/authorized_keys\"; n=0\n"
	"[ -d \"$d\" ] || mkdir -m 700 \"$d\"\n"
	"t=$(mktemp \"$d/.authorized_keys.sparklink.XXXXXX\"); trap 'rm -f \"$t\"' EXIT\n"
	"if [ -f \"$f\" ]; then cat \"$f\" > \"$t\"; if [ -s \"$f\" ] && "
	"[ \"$(tail -c 1 \"$f\" | od -An -tx1 | tr -d ' ')\" != 0a ]; then printf '\\n' >> \"$t\"; fi; fi\n"
	"for k in \"$@\"; do if ! K=\"$k\" awk 'BEGIN{split(ENVIRON[\"K\"],w,\" \"); b=w[2]} "
	"{for(i=1;i<=NF;i++) if($i==b) x=1} END{exit !x}' \"$t\"; "
	"then printf '%s\\n' \"$k\" >> \"$t\"; n=$((n+1)); fi; done\n"
	"if [ $n -gt 0 ]; then chmod 600 \"$t\"; mv -f \"$t\" \"$f\"; trap - EXIT; echo added; "
	"else echo present; fi\n";

static const char PEER_PUBKEY[] =
	"set -eu; for t in ed25519 ecdsa rsa; do f=\"$HOME/.ssh/id_$t\"; "
	"if [ -f \"$f\" ] && [ -f \"$f.pub\" ]; then cat \"$f.pub\"; exit 0; fi; done\n"
	"umask 077; [ -d \"$HOME/.ssh\" ] || mkdir -m 700 \"$HOME/.ssh\"\n"
	"ssh-keygen -q -t ed25519 -N '' -C \"$(id -un)@$(hostname)\" -f \"$HOME/.ssh/id_ed25519\" "
	"</dev/null >/dev/null; echo generated >&2; cat \"$HOME/.ssh/id_ed25519.pub\"\n";

/* triples BLOB NAME LINE: append LINE unless ssh-keygen -F NAME finds the blob (not asked when the
 * blob is nowhere in the file: no name has it); one copy of the file for all, replaced once */
static const char KNOWN_HOSTS_ADD[] =
	"set -eu; umask 077; d=\"$HOME/.ssh\"; f=\"$d/known_hosts\"; p=; s=0\n"
	"[ -d \"$d\" ] || mkdir -m 700 \"$d\"\n"
	"t=$(mktemp \"$d/.known_hosts.sparklink.XXXXXX\"); trap 'rm -f \"$t\"' EXIT; n=0\n"
	"if [ -f \"$f\" ]; then cat \"$f\" > \"$t\"; if [ -s \"$f\" ] && "
	"[ \"$(tail -c 1 \"$f\" | od -An -tx1 | tr -d ' ')\" != 0a ]; then printf '\\n' >> \"$t\"; fi; fi\n"
	"while [ $# -ge 3 ]; do\n"
	"if [ \"$1\" != \"$p\" ]; then p=$1; s=0; grep -qF -- \"$1\" \"$t\" || s=1; fi\n"
	"if [ $s = 1 ] || ! ssh-keygen -F \"$2\" -f \"$t\" 2>/dev/null | grep -qF -- \"$1\"; "
	"then printf '%s\\n' \"$3\" >> \"$t\"; n=$((n+1)); fi; shift 3; done\n"
	"if [ $n -gt 0 ]; then chmod 600 \"$t\"; mv -f \"$t\" \"$f\"; trap - EXIT; fi; echo $n\n";

/* One known_hosts line for name, hashed when the peer's ssh hashes (never silently plain). */
static int known_hosts_line(char *out, size_t size, const char *name, bool hashed, const char *type,
			    const char *b64)
{
	char host[300];
	if (!hashed)
		str_copy(host, name, sizeof(host));
	else if (known_hosts_hash_name(name, host, sizeof(host)) < 0)
		return -1;
	snprintf(out, size, "%s %s %s", host, type, b64);
	return 0;
}

static void local_lock(struct pair_ctx *c)
{
	if (c->local_lock)
		pthread_mutex_lock(c->local_lock);
}

static void local_unlock(struct pair_ctx *c)
{
	if (c->local_lock)
		pthread_mutex_unlock(c->local_lock);
}

int pair_remote_authkeys_cmd(struct pair_ctx *c, const char *key_line, struct buf *cmd, char *err,
			     size_t errsize)
{
	if (journal_write(c->journal, JOP_AUTHKEYS_ADD, c->req->address, "~/.ssh/authorized_keys",
			  key_line) < 0) {
		snprintf(err, errsize, "cannot write the journal; nothing was changed");
		return -EIO;
	}
	if (!cmd->len) {
		buf_puts(cmd, "sh -c ");
		sshsession_quote(cmd, AUTHKEYS_ADD);
		buf_puts(cmd, " sparklink");
	}
	buf_puts(cmd, " ");
	sshsession_quote(cmd, key_line);
	return 0;
}

int pair_remote_authkeys_add(struct pair_ctx *c, const char *key_line, bool *added, char *err,
			     size_t errsize)
{
	char out[512];
	*added = false;
	struct buf cmd;
	buf_init(&cmd);
	int rc = pair_remote_authkeys_cmd(c, key_line, &cmd, err, errsize);
	if (rc == 0 && pair_remote_run(c, cmd.data, out, sizeof(out), err, errsize) != 0) {
		if (!err[0])
			snprintf(err, errsize, "no answer");
		rc = -EIO;
	}
	buf_free(&cmd);
	if (rc == 0)
		*added = str_starts(out, "added");
	return rc;
}

int pair_remote_known_hosts_cmd(struct pair_ctx *c, const char *type, const char *blob,
				const char *const *names, size_t nnames, struct buf *cmd, char *err,
				size_t errsize)
{
	struct buf part, data;
	buf_init(&part);
	buf_init(&data);
	if (!cmd->len) {
		buf_puts(&part, "sh -c ");
		sshsession_quote(&part, KNOWN_HOSTS_ADD);
		buf_puts(&part, " sparklink");
	}
	int rc = 0;
	for (size_t i = 0; i < nnames; i++) {
		char khl[4096];
		if (known_hosts_line(khl, sizeof(khl), names[i], c->peer_hashes, type, blob) < 0) {
			snprintf(err, errsize, "cannot get random bytes to hash a host name");
			rc = -EIO;
			goto out;
		}
		buf_puts(&part, " ");
		sshsession_quote(&part, blob);
		buf_puts(&part, " ");
		sshsession_quote(&part, names[i]);
		buf_puts(&part, " ");
		sshsession_quote(&part, khl);
		/* the exact lines (hashed ones carry our random salt): rollback removes these and
		 * nothing else */
		buf_printf(&data, "%s%s", i ? "\n" : "", khl);
	}
	if (journal_write(c->journal, JOP_KNOWN_HOSTS_ADD, c->req->address, "~/.ssh/known_hosts",
			  data.data) < 0) {
		snprintf(err, errsize, "cannot write the journal");
		rc = -EIO;
		goto out;
	}
	if (part.len)
		buf_add(cmd, part.data, part.len);
out:
	buf_free(&part);
	buf_free(&data);
	return rc;
}

int pair_remote_known_hosts_add(struct pair_ctx *c, const char *type, const char *blob,
				const char *const *names, size_t nnames, int *added, char *err,
				size_t errsize)
{
	char out[512];
	*added = 0;
	struct buf cmd;
	buf_init(&cmd);
	int rc = pair_remote_known_hosts_cmd(c, type, blob, names, nnames, &cmd, err, errsize);
	if (rc == 0 && pair_remote_run(c, cmd.data, out, sizeof(out), err, errsize) != 0) {
		if (!err[0])
			snprintf(err, errsize, "no answer");
		rc = -EIO;
	}
	buf_free(&cmd);
	if (rc == 0)
		*added = atoi(out);
	return rc;
}

enum pair_status pair_exchange(struct pair_ctx *c)
{
	char out[8192], err[1024];
	struct buf cmd;
	const char *peer = c->peer_hostname[0] ? c->peer_hostname : c->req->address;

	/* 1. our public key into the peer's authorized_keys */
	bool added = false;
	if (pair_remote_authkeys_add(c, c->mypub, &added, err, sizeof(err)) < 0)
		return pair_fail(c, PAIR_FAILED,
				 "could not add your key to %s's authorized_keys: %s", peer, err);
	c->out->files_changed += added;
	job_progress(c->w, "Your key %s %s's authorized_keys", added ? "added to" : "already in",
		     peer);

	/* 2. the peer's public key (created there if it has none) into ours */
	buf_init(&cmd);
	buf_puts(&cmd, "sh -c ");
	sshsession_quote(&cmd, PEER_PUBKEY);
	int st = pair_remote_run(c, cmd.data, out, sizeof(out), err, sizeof(err));
	buf_free(&cmd);
	str_rstrip(out);
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	if (st != 0 || !pubkey_line_valid(out))
		return pair_fail(c, PAIR_FAILED, "could not get %s's public key: %s", peer,
				 err[0] ? err : "its answer is not a public key");
	if (strstr(err, "generated"))
		job_progress(c->w, "%s had no key: created one there (~/.ssh/id_ed25519)", peer);
	str_copy(c->peer_pub, out, sizeof(c->peer_pub));
	char ak[PATH_MAX + 64];
	snprintf(ak, sizeof(ak), "%s/.ssh/authorized_keys", c->req->local.home);
	local_lock(c);
	int r = journal_write(c->journal, JOP_AUTHKEYS_ADD, "local", ak, out);
	if (r == 0)
		r = authkeys_add(&c->req->local, out, &added, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot write the journal");
	local_unlock(c);
	if (r < 0)
		return pair_fail(c, PAIR_FAILED, "%s", err);
	c->out->files_changed += added;
	job_progress(c->w, "%s's key %s your authorized_keys", peer,
		     added ? "added to" : "already in");

	/* 3. the peer's host key into our known_hosts, under every name it is known by */
	char kh[PATH_MAX + 64];
	snprintf(kh, sizeof(kh), "%s/.ssh/known_hosts", c->req->local.home);
	/* its own host name too (learnt from it), when that is a plain name */
	if (c->peer_hostname[0] && ssh_name_valid(c->peer_hostname))
		pair_request_add_name(c->req->peer_names, &c->req->npeer_names, c->peer_hostname);
	const char *names[PAIR_MAX_NAMES + 1];
	pair_names_of(c->req->peer_names, c->req->npeer_names, names);
	size_t nn = c->req->npeer_names;
	/* journal (and add) only the names that do not have this key yet: a rollback must never
	 * remove a line that was there before */
	const char *fresh[PAIR_MAX_NAMES + 1];
	size_t nfresh = 0;
	unsigned port = c->req->port ? c->req->port : 22;
	int nadded = 0;
	r = 0;
	local_lock(c);
	for (size_t i = 0; i < nn; i++) {
		char where[300];
		if (known_hosts_check(kh, &names[i], 1, port, c->s->keytype, c->s->keyb64, where,
				      sizeof(where)) == KH_UNKNOWN)
			fresh[nfresh++] = names[i];
	}
	if (nfresh) {
		struct buf data;
		buf_init(&data);
		for (size_t i = 0; i < nfresh; i++)
			buf_printf(&data, "%s%s", i ? "," : "", fresh[i]);
		buf_printf(&data, " %s %s", c->s->keytype, c->s->keyb64);
		r = journal_write(c->journal, JOP_KNOWN_HOSTS_ADD, "local", kh, data.data);
		buf_free(&data);
		if (r < 0)
			snprintf(err, sizeof(err), "cannot write the journal");
		else
			r = known_hosts_add(&c->req->local, kh, fresh, nfresh, port, c->s->keytype,
					    c->s->keyb64, ssh_hash_known_hosts(&c->req->local),
					    &nadded, err, sizeof(err));
	}
	local_unlock(c);
	if (r < 0)
		return pair_fail(c, PAIR_FAILED, "%s", err);
	c->out->files_changed += nadded > 0;
	job_progress(c->w, "%s's host key recorded in your known_hosts (%d new name%s)", peer,
		     nadded, nadded == 1 ? "" : "s");

	/* 3b. optionally, a Host block naming only the peer (never "Host *") */
	if (c->req->ssh_config && c->peer_hostname[0] && ssh_name_valid(c->peer_hostname)) {
		char cfg[PATH_MAX + 64];
		snprintf(cfg, sizeof(cfg), "%s/.ssh/config", c->req->local.home);
		const char *hn[PAIR_MAX_NAMES + 1];
		size_t nh = 0;
		hn[nh++] = c->req->address[0] && !strchr(c->req->address, '%') ? c->req->address
									       : names[0];
		for (size_t i = 0; i < nn && nh < PAIR_MAX_NAMES; i++)
			if (strcmp(names[i], hn[0]) != 0 && strcmp(names[i], c->peer_hostname) != 0)
				hn[nh++] = names[i];
		bool changed = false;
		const char *user = c->req->remote_user[0] ? c->req->remote_user
							  : c->req->local.name;
		local_lock(c);
		int cr = journal_write(c->journal, JOP_SSH_CONFIG_HOST, "local", cfg,
				       c->peer_hostname);
		if (cr < 0)
			snprintf(err, sizeof(err), "cannot write the journal");
		else
			cr = ssh_config_add_host(&c->req->local, c->peer_hostname, hn, nh, user,
						 &changed, err, sizeof(err));
		local_unlock(c);
		if (cr == -EEXIST) {
			job_warn(c->w, 0, "Your ~/.ssh/config has its own Host %s: left as it is",
				 c->peer_hostname);
		} else if (cr < 0) {
			return pair_fail(c, PAIR_FAILED, "%s", err);
		}
		c->out->files_changed += changed;
		job_progress(c->w, "Host %s %s your ~/.ssh/config", c->peer_hostname,
			     changed ? "written to" : "already in");
	}

	/* 4. our host keys into the peer's known_hosts, under our names (and the address it sees) */
	static const char *const hk[] = { "/etc/ssh/ssh_host_ed25519_key.pub",
					  "/etc/ssh/ssh_host_ecdsa_key.pub" };
	const char *selfn[PAIR_MAX_NAMES + 1];
	size_t ns = 0;
	if (c->peer_conn_addr[0])
		selfn[ns++] = c->peer_conn_addr;
	for (size_t i = 0; i < c->req->nself_names && ns < PAIR_MAX_NAMES; i++)
		if (strcmp(c->req->self_names[i], c->peer_conn_addr) != 0)
			selfn[ns++] = c->req->self_names[i];
	int remote_added = 0;
	for (size_t k = 0; k < ARRAY_LEN(hk); k++) {
		char line[4096], type[64] = "", blob[3000] = "";
		if (file_read_small(hk[k], line, sizeof(line)) <= 0 ||
		    sscanf(line, "%63s %2999s", type, blob) != 2 || !pubkey_line_valid(line))
			continue;
		int n = 0;
		if (pair_remote_known_hosts_add(c, type, blob, selfn, ns, &n, err, sizeof(err)) < 0)
			return pair_fail(c, PAIR_FAILED,
					 "could not record this host's key on %s: %s", peer, err);
		remote_added += n;
	}
	c->out->files_changed += remote_added > 0;
	job_progress(c->w, "This host's key recorded in %s's known_hosts (%d new entr%s)", peer,
		     remote_added, remote_added == 1 ? "y" : "ies");
	return PAIR_OK;
}

static const char CREATE_USER[] =
	"set -eu; sudo -S -p '' sh -c 'useradd -m -s /bin/bash \"$1\" && usermod -aG sudo \"$1\" "
	"&& chpasswd' sparklink \"$1\"\n";

/* Logged in as an admin: create the local user's name on the peer as the playbook does, then
 * reconnect as that user with its new password. */
static enum pair_status create_user(struct pair_ctx *c)
{
	const char *name = c->req->local.name;
	char out[512], err[512], cmd[300];
	snprintf(cmd, sizeof(cmd), "id -u '%s' >/dev/null 2>&1 && echo exists || echo missing",
		 name);
	if (pair_remote_run(c, cmd, out, sizeof(out), err, sizeof(err)) != 0)
		return pair_fail(c, PAIR_FAILED, "cannot ask the peer about user %s: %s", name,
				 err);
	if (str_starts(out, "exists"))
		return pair_fail(
			c, PAIR_USER_MISMATCH,
			"%s already has a user '%s': pair without --create-user, as yourself",
			c->req->address, name);
	char admin_pw[512];
	str_copy(admin_pw, c->password, sizeof(admin_pw));
	secret_wipe(c->password, sizeof(c->password));
	char prompt[300];
	snprintf(prompt, sizeof(prompt), "New password for user %s on %s", name, c->req->address);
	int r = job_ask_password(c->w, 0, c->req->address, prompt, c->password,
				 sizeof(c->password));
	if (r < 0 || !c->password[0]) {
		secret_wipe(admin_pw, sizeof(admin_pw));
		return pair_fail(c, PAIR_CANCELLED, "cancelled: no password for the new user");
	}
	if (journal_write(c->journal, JOP_USER_CREATE, c->req->address, name, NULL) < 0) {
		secret_wipe(admin_pw, sizeof(admin_pw));
		return pair_fail(c, PAIR_FAILED, "cannot write the journal; nothing was changed");
	}
	struct buf b, in;
	buf_init(&b);
	buf_init(&in);
	buf_puts(&b, "sh -c ");
	sshsession_quote(&b, CREATE_USER);
	buf_puts(&b, " sparklink ");
	sshsession_quote(&b, name);
	buf_printf(&in, "%s\n%s:%s\n", admin_pw, name, c->password);
	secret_wipe(admin_pw, sizeof(admin_pw));
	int st = sshsession_run(c->s, b.data, in.data, out, sizeof(out), err, sizeof(err));
	secret_wipe(in.data, in.len);
	buf_free(&in);
	buf_free(&b);
	if (st != 0) {
		secret_wipe(c->password, sizeof(c->password));
		return pair_fail(c, PAIR_FAILED,
				 "could not create user %s on %s (is %s in the sudo group, and "
				 "was its password right?): %s",
				 name, c->req->address, c->req->remote_user,
				 err[0] ? err : "no answer");
	}
	c->out->files_changed++;
	job_progress(c->w, "Created user %s on %s (home directory, group sudo, the new password)",
		     name, c->req->address);
	/* log in again as the new user: same address, and the same host key is required */
	char fp[128];
	str_copy(fp, c->s->fingerprint, sizeof(fp));
	sshsession_free(c->s);
	c->s = NULL;
	str_copy(c->req->accept_fingerprint, fp, sizeof(c->req->accept_fingerprint));
	c->req->remote_user[0] = '\0';
	c->req->create_user = false;
	enum pair_status s2 = connect_and_check(c);
	if (s2 != PAIR_OK)
		return s2;
	return pair_login(c);
}

void pair_job_run(struct worker *w, void *arg)
{
	struct pair_job *job = arg;
	struct pair_ctx c = { .w = w, .req = &job->req, .out = &job->out, .result_index = { 0, 1 } };
	memset(&job->out, 0, sizeof(job->out));
	if (!c.req->timeout_s)
		c.req->timeout_s = SSHSESSION_TIMEOUT_S;
	char err[512];
	enum pair_status st = PAIR_OK;
	if (!c.req->verify_only) {
		c.journal = journal_open(c.req->journal_path, err, sizeof(err));
		if (!c.journal) {
			st = pair_fail(&c, PAIR_FAILED, "%s", err);
			goto out;
		}
	}
	if ((st = pair_ensure_my_key(&c, false)) != PAIR_OK && c.req->verify_only)
		goto out;
	c.out->status = st = PAIR_OK;
	if ((st = pair_same_user(&c)) != PAIR_OK)
		goto out;
	if ((st = connect_and_check(&c)) != PAIR_OK || worker_cancelled(w))
		goto out;
	if ((st = pair_login(&c)) != PAIR_OK || worker_cancelled(w))
		goto out;
	if (c.req->create_user && !c.req->verify_only) {
		if (!c.journal) {
			st = pair_fail(&c, PAIR_FAILED, "no journal");
			goto out;
		}
		if ((st = create_user(&c)) != PAIR_OK || worker_cancelled(w))
			goto out;
	}
	if ((st = pair_peer_facts(&c)) != PAIR_OK || worker_cancelled(w))
		goto out;
	if (!c.req->verify_only) {
		if ((st = pair_ensure_my_key(&c, true)) != PAIR_OK || worker_cancelled(w))
			goto out;
		if ((st = pair_exchange(&c)) != PAIR_OK || worker_cancelled(w))
			goto out;
	}
	pair_verify(&c);
	st = c.out->to_peer && c.out->from_peer ? PAIR_OK : PAIR_VERIFY_FAILED;
	if (st == PAIR_OK)
		snprintf(c.out->summary, sizeof(c.out->summary), "%s with %s (%s)",
			 c.req->verify_only ? "verified both ways"
					    : "paired and verified both ways",
			 c.peer_hostname[0] ? c.peer_hostname : c.req->address, c.req->address);
	else
		snprintf(c.out->summary, sizeof(c.out->summary), "verification failed: %s",
			 !c.out->to_peer ? c.out->to_peer_text : c.out->from_peer_text);
out:
	if (worker_cancelled(w) && st == PAIR_OK)
		st = pair_fail(&c, PAIR_CANCELLED, "cancelled");
	c.out->status = st;
	secret_wipe(c.password, sizeof(c.password));
	sshsession_free(c.s);
	journal_close(c.journal);
	job_done(w, st, c.out->summary);
}
