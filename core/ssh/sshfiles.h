/* sshfiles.h: the user's OpenSSH files that pairing edits: ~/.ssh, authorized_keys, known_hosts
 * and config, read the way OpenSSH reads them and changed without losing a byte. One header for
 * sshdir.c (the user, ~/.ssh, the edit engine), authorized_keys.c, known_hosts.c, ssh_config.c,
 * sshkeys.c (validation) and sshlines.c.
 *
 * Every write replaces the file atomically (core/base/files.h) with the owner and mode it had (a new
 * file: the user's, 0600), never through a symbolic link or a hard link, never for a file larger
 * than SSHFILES_MAX_SIZE. Every line that is not the one being added or removed keeps its bytes
 * (comments, options, CRLF, a missing final newline); an edit that changes nothing writes
 * nothing. Key lines and names from outside are validated and rejected, never escaped. Errors
 * are -errno with a sentence naming the path. This module only reports host keys: accepting an
 * unknown one is the caller's question to the user. */
#ifndef SPARKLINK_SSHFILES_H
#define SPARKLINK_SSHFILES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SSHFILES_MAX_SIZE (4u << 20)

struct ssh_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[PATH_MAX];
};

/* The user whose ~/.ssh we edit: the invoking user under sudo (SUDO_UID/SUDO_USER, checked
 * against getpwnam, honoured only when we run as root), else the current user. home is the
 * password database's, as ssh(1) uses it (not $HOME). */
int ssh_user_current(struct ssh_user *u, char *err, size_t errsize);

/* ~/.ssh exists, is a real directory (not a symlink) owned by the user, mode 0700 (created so;
 * an existing one that is group/other-writable is fixed to 0700 and *fixed set true). */
int sshdir_ensure(const struct ssh_user *u, char *dir, size_t dirsize, bool *fixed, char *err,
		  size_t errsize);

/* Add one public key line ("ssh-ed25519 AAAA... comment", a trailing newline is allowed) to
 * ~/.ssh/authorized_keys unless a line with the same key type and blob exists (with any options
 * prefix or comment; a cert-authority line does not count): *added tells. The line is appended
 * after the existing bytes; a file without a final newline gets "\n" + line and still has no
 * final newline (so authkeys_remove can restore it byte for byte). New file: 0600, the user's. */
int authkeys_add(const struct ssh_user *u, const char *key_line, bool *added, char *err,
		 size_t errsize);
/* Remove exactly the lines whose type+blob equal key_line's (rollback; cert-authority lines
 * stay); every other byte stays. */
int authkeys_remove(const struct ssh_user *u, const char *key_line, bool *removed, char *err,
		    size_t errsize);

enum kh_status {
	KH_UNKNOWN,
	KH_OK,
	KH_CHANGED,
	KH_REVOKED,
	KH_ERROR, /* the file or the arguments could not be checked: `where` has the sentence */
};
const char *kh_status_word(enum kh_status s);

/* Look up a host key for any of names (host names or numeric addresses; port 22 (or 0) plain,
 * other ports as OpenSSH writes them: "[host]:port"). Understands plain and hashed
 * (|1|salt|hmac) entries, comma lists, wildcards (* ?) and negation (!) in patterns, @revoked
 * and @cert-authority markers (@cert-authority lines are ignored for plain keys), comments,
 * blank lines, CRLF. Names are compared in lower case, as ssh(1) does.
 * KH_OK: a line for one of the names has this exact key. KH_CHANGED: a line for one of the
 * names has a key of the same type that differs (and none matches). KH_REVOKED: the key is
 * marked @revoked for one of the names (wins over everything). KH_UNKNOWN: otherwise
 * (including: only keys of other types, no file). KH_ERROR: unreadable file, symlink, too large,
 * invalid names or key. `where` gets "path:line" of the conflicting (or revoked, or matching)
 * line, "" for KH_UNKNOWN, the error sentence for KH_ERROR. */
enum kh_status known_hosts_check(const char *path, const char *const *names, size_t nnames,
				 unsigned port, const char *keytype, const char *key_b64,
				 char *where, size_t wheresize);

/* The key types known_hosts records for any of names (lines without a marker whose blob is of
 * their type), comma-separated in file order without repeats, into types (cut to tsize). A
 * host that answers with a key of none of these types is not the one recorded: ssh(1) asks the
 * server for the recorded types first, and warns when it has none of them. Returns how many
 * types, 0 when there is no file or no line; -1 for an unreadable file or invalid names (the
 * sentence in where). where gets "path:line" of the first such line. */
int known_hosts_types(const char *path, const char *const *names, size_t nnames, unsigned port,
		      char *types, size_t tsize, char *where, size_t wheresize);

/* Add the key for each of names that does not already have it (KH_OK per name): hashed -> one
 * "|1|salt|hash keytype key" line per name (salt from getrandom, 20 bytes, base64), else one
 * line "name1,name2 keytype key". Names are written in lower case. Refused (nothing written) if
 * any name has the key @revoked or has a different key of the same type (KH_CHANGED: the old
 * line must be removed knowingly, e.g. ssh-keygen -R). Same preservation/atomic/owner rules
 * (mode 0600 for a new file, the existing mode otherwise, minus group/other write). *added =
 * number of names added. If path is in the user's ~/.ssh, that directory is made as
 * sshdir_ensure does. */
int known_hosts_add(const struct ssh_user *u, const char *path, const char *const *names,
		    size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		    bool hashed, int *added, char *err, size_t errsize);
/* Rollback: remove the lines that known_hosts_add would have written for these names+key
 * (exactly "hosts keytype key", no marker, no comment; hashed lines are recognised by
 * recomputing the HMAC for each name, plain lines when every host in the list is one of the
 * names), nothing else. *removed = number of names removed (a plain line counts its hosts). */
int known_hosts_remove(const struct ssh_user *u, const char *path, const char *const *names,
		       size_t nnames, unsigned port, const char *keytype, const char *key_b64,
		       int *removed, char *err, size_t errsize);

/* HashKnownHosts as ssh(1) would apply it for a plain "ssh host": the first value found in
 * ~/.ssh/config, then the system file ($SPARKLINK_SSH_SYSTEM_CONFIG, default
 * /etc/ssh/ssh_config), following Include (globs; relative to ~/.ssh or the system file's
 * directory), counting lines before any Host/Match block, inside blocks whose Host patterns
 * include "*" and inside "Match all". Default no. */
bool ssh_hash_known_hosts(const struct ssh_user *u);
/* The same with explicit files (either may be NULL); home expands "~/" in Include. */
bool ssh_config_hash_known_hosts(const char *home, const char *user_config,
				 const char *system_config);

/* Optional ~/.ssh/config block naming only the peer:
 *     # sparklink: peer ALIAS (sparklink replaces or removes this block)
 *     Host ALIAS name2 addr...
 *     	HostName <first name without a %scope>
 *     	User <user>            (if user is not NULL or "")
 * never "Host *"; inserted before the first Host/Match line (so it wins over "Host *"), else
 * appended. Idempotent: an existing sparklink block for the same alias is replaced in place
 * (*changed false if it is already identical); a Host line of the user's naming the alias is left
 * alone and reported (-EEXIST). Names must be plain DNS names or numeric addresses, the user a
 * plain login name (anything else is rejected). */
int ssh_config_add_host(const struct ssh_user *u, const char *alias, const char *const *names,
			size_t nnames, const char *user, bool *changed, char *err, size_t errsize);
/* Remove the sparklink block for alias (rollback). Refused if the user has added option lines
 * to it (removing the Host line would hand them to the block above). */
int ssh_config_remove_host(const struct ssh_user *u, const char *alias, bool *removed, char *err,
			   size_t errsize);

/* A public key line is safe to put anywhere: "type base64 [comment]" with a known type
 * (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, sk-ssh-ed25519@openssh.com,
 * sk-ecdsa-sha2-nistp256@openssh.com), single spaces, canonical base64 whose blob names the same
 * type, comment of printable ASCII without quotes/backslashes/$/`. No newline. */
bool pubkey_line_valid(const char *line);
/* The hashed form of a host name as OpenSSH writes it (HashKnownHosts): "|1|base64(salt)|
 * base64(HMAC-SHA1(salt, name))" with a fresh random salt. Returns 0 or -errno. */
int known_hosts_hash_name(const char *name, char *out, size_t size);
/* keytype is one of those types and key_b64 its canonical base64 blob. */
bool ssh_key_valid(const char *keytype, const char *key_b64);
/* A plain DNS name (labels of [A-Za-z0-9_-], no leading/trailing '-', not all-numeric at the
 * end), an IPv4 address, or an IPv6 address with an optional %interface. */
bool ssh_name_valid(const char *name);

/* Tests only: if the program defines it, called after a file was read for an edit and before it
 * is replaced (to change the file in between). */
void sshfiles_test_hook(const char *path) __attribute__((weak));

#endif
