/* node_remote_user.c: the login user's side of the peer, without sudo: lines of their own files
 * (~/.ssh/authorized_keys, known_hosts) removed as rollback undoes pairing, a file of theirs
 * written (sparklink env --on-peers), a job's own script run (the bandwidth test's servers). */
#include "core/node/node_remote_user.h"
#include "core/node/node_remote_shared.h"
#include "core/node/node_remote_ops.h"
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

/* ---- the login user's own files ---- */

/* ~/REL of the login user: mode, size, group, then the content. */
static const char USER_READ[] = PRE
	"f=$HOME/$1; max=$2\n"
	"if [ -L \"$f\" ]; then exit 4; fi\n"
	"[ -e \"$f\" ] || exit 3\n"
	"[ -f \"$f\" ] || exit 5\n"
	"[ -O \"$f\" ] || exit 8\n"
	"s=$(stat -c '%a %s %h %g' -- \"$f\") || exit 1\n"
	"set -- $s; [ \"$3\" = 1 ] || exit 9; [ \"$2\" -le \"$max\" ] || exit 6\n"
	"printf '%s %s %s\\n' \"$1\" \"$2\" \"$4\"; base64 -w0 -- \"$f\" || exit 1\n";

/* Replace ~/REL with stdin (base64) if it still has the SHA-1 it had when read. */
static const char USER_WRITE[] = PRE
	"f=$HOME/$1; m=$2; n=$3; h=$4; g=$5\n"
	"if [ -L \"$f\" ] || [ ! -f \"$f\" ]; then exit 10; fi\n"
	"set -- $(sha1sum < \"$f\"); [ \"$1\" = \"$h\" ] || exit 10\n"
	"d=${f%/*}; b=${f##*/}\n"
	"t=$(mktemp \"$d/.$b.sparklink.XXXXXX\") || exit 1\n"
	"trap 'rm -f -- \"$t\"' EXIT\n"
	"base64 -d > \"$t\" || exit 1\n"
	"[ \"$(stat -c %s -- \"$t\")\" = \"$n\" ] ||\n"
	"  { echo 'the content arrived cut short' >&2; exit 1; }\n"
	"chgrp -- \"$g\" \"$t\" 2>/dev/null; chmod \"$m\" -- \"$t\" && sync -- \"$t\" || exit 1\n"
	"mv -fT -- \"$t\" \"$f\" || exit 1\n"
	"trap - EXIT; sync -- \"$d\" 2>/dev/null; exit 0\n";

/* A relative path under the home directory: parts of [A-Za-z0-9._:@+-], none "." or "..". */
static bool rel_ok(const char *rel)
{
	if (!rel[0] || rel[0] == '/' || strlen(rel) >= 1024 || strstr(rel, "//") ||
	    remote_ends_with(rel, "/"))
		return false;
	char copy[1024], clean[1024], *save = NULL;
	str_copy(copy, rel, sizeof(copy));
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save))
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0 ||
		    text_clean(clean, sizeof(clean), part, strlen(part), TEXT_NAME))
			return false;
	return true;
}

bool node_remote_line_cut(struct buf *data, const char *line)
{
	size_t ll = strlen(line);
	const char *d = data->data;
	size_t len = data->len;
	long found = -1;
	for (size_t start = 0; start < len;) {
		const char *e = memchr(d + start, '\n', len - start);
		size_t end = e ? (size_t)(e - d) : len;
		if (end - start == ll && memcmp(d + start, line, ll) == 0)
			found = (long)start;
		start = end + 1;
	}
	if (found < 0)
		return false;
	size_t from = (size_t)found, to = from + ll;
	if (to < len) /* its "\n" */
		to++;
	memmove(data->data + from, data->data + to, len - to);
	data->len -= to - from;
	return true;
}

int node_remote_user_line_remove(struct node *n, const char *rel, const char *line, bool *removed,
				 char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	*removed = false;
	if (!n || n->ops != &node_remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -EINVAL;
	}
	if (!rel_ok(rel)) {
		char shown[128];
		text_clean(shown, sizeof(shown), rel, strlen(rel), 0);
		snprintf(err, errsize, "\"%s\" is not a path inside the home directory", shown);
		return -EINVAL;
	}
	if (!line[0] || strchr(line, '\n')) {
		snprintf(err, errsize, "the line to remove from ~/%s is empty or not one line",
			 rel);
		return -EINVAL;
	}
	char shown[1100];
	snprintf(shown, sizeof(shown), "~/%s", rel);
	char max[24];
	snprintf(max, sizeof(max), "%d", REMOTE_FILE_MAX);
	for (int attempt = 0; attempt < 3; attempt++) {
		struct reply rep;
		remote_reply_init(&rep);
		const char *rargs[] = { rel, max };
		int rc =
			remote_run(r, AS_USER, USER_READ, rargs, 2, NULL, 0, 0, &rep, err, errsize);
		if (rc < 0 || rep.status == X_MISSING) {
			remote_reply_free(&rep);
			return rc;
		}
		if (rep.status == X_NOTMINE || rep.status == X_LINKS) {
			snprintf(err, errsize, "%s on %s %s: left as it is", shown, r->base.host,
				 rep.status == X_NOTMINE ? "does not belong to its user"
							 : "has other hard links");
			remote_reply_free(&rep);
			return -EPERM;
		}
		rc = remote_file_refused(rep.status, shown, err, errsize);
		if (rc == 0 && rep.status != 0)
			rc = remote_failed(r, &rep, "read the file", err, errsize);
		if (rc < 0) {
			remote_reply_free(&rep);
			return rc;
		}
		struct node_file f;
		node_file_init(&f);
		bool changed = false;
		unsigned long gid = 0;
		bool ok = node_remote_parse_file(&rep.out, &f, &changed, &gid);
		remote_reply_free(&rep);
		if (!ok) {
			node_file_free(&f);
			if (changed)
				continue;
			snprintf(err, errsize,
				 "cannot read %s on %s: its answer is not a file as "
				 "this version sends it",
				 shown, r->base.host);
			return -EPROTO;
		}
		uint8_t h[SHA1_LEN];
		sha1(f.data.data, f.data.len, h);
		char hex[2 * SHA1_LEN + 1];
		for (size_t i = 0; i < SHA1_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (!node_remote_line_cut(&f.data, line)) {
			node_file_free(&f);
			return 0;
		}
		char m[16], size[24], g[24];
		snprintf(m, sizeof(m), "%04o", f.mode & 07777);
		snprintf(size, sizeof(size), "%zu", f.data.len);
		snprintf(g, sizeof(g), "%lu", gid);
		char *b64 = xcalloc(1, base64_encoded_len(f.data.len) + 2);
		base64_encode(f.data.data, f.data.len, b64);
		strcat(b64, "\n");
		node_file_free(&f);
		const char *wargs[] = { rel, m, size, hex, g };
		remote_reply_init(&rep);
		rc = remote_run(r, AS_USER, USER_WRITE, wargs, 5, b64, strlen(b64), 0, &rep, err,
				errsize);
		free(b64);
		if (rc == 0 && rep.status == X_CHANGED) {
			remote_reply_free(&rep);
			continue; /* someone else wrote it in between: read it again */
		}
		if (rc == 0 && rep.status != 0) {
			char what[1200];
			snprintf(what, sizeof(what), "write %s", shown);
			rc = remote_failed(r, &rep, what, err, errsize);
		}
		remote_reply_free(&rep);
		if (rc == 0)
			*removed = true;
		return rc;
	}
	snprintf(err, errsize, "cannot change %s on %s: it keeps changing while it is edited",
		 shown, r->base.host);
	return -EAGAIN;
}

/* ---- a file of the login user's, written ---- */

/* ~/REL from stdin (base64): the directories made, a temporary file beside it, renamed over. */
static const char USER_PUT[] = PRE
	"f=$HOME/$1; m=$2; n=$3\n"
	"d=${f%/*}; b=${f##*/}\n"
	"mkdir -p -m 0755 -- \"$d\" || exit 7\n"
	"if [ -L \"$f\" ]; then exit 4; fi\n"
	"if [ -e \"$f\" ]; then [ -f \"$f\" ] || exit 5; [ -O \"$f\" ] || exit 8; fi\n"
	"t=$(mktemp \"$d/.$b.sparklink.XXXXXX\") || exit 1\n"
	"trap 'rm -f -- \"$t\"' EXIT\n"
	"base64 -d > \"$t\" || exit 1\n"
	"[ \"$(stat -c %s -- \"$t\")\" = \"$n\" ] ||\n"
	"  { echo 'the content arrived cut short' >&2; exit 1; }\n"
	"chmod \"$m\" -- \"$t\" && sync -- \"$t\" || exit 1\n"
	"mv -fT -- \"$t\" \"$f\" || exit 1\n"
	"trap - EXIT; sync -- \"$d\" 2>/dev/null; exit 0\n";

int node_remote_user_file_put(struct node *n, const char *rel, const char *data, size_t len,
			      unsigned mode, char *err, size_t errsize)
{
	if (!n || n->ops != &node_remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -EINVAL;
	}
	struct node_remote *r = R(n);
	if (!rel_ok(rel)) {
		char shown[128];
		text_clean(shown, sizeof(shown), rel, strlen(rel), 0);
		snprintf(err, errsize, "\"%s\" is not a path inside the home directory", shown);
		return -EINVAL;
	}
	if (len > REMOTE_FILE_MAX) {
		snprintf(err, errsize, "~/%s: too large to send", rel);
		return -EFBIG;
	}
	char m[16], size[24];
	snprintf(m, sizeof(m), "%04o", mode & 07777);
	snprintf(size, sizeof(size), "%zu", len);
	char *b64 = xcalloc(1, base64_encoded_len(len) + 2);
	base64_encode(data, len, b64);
	strcat(b64, "\n");
	const char *args[] = { rel, m, size };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_USER, USER_PUT, args, 3, b64, strlen(b64), 0, &rep, err, errsize);
	free(b64);
	char shown[1100];
	snprintf(shown, sizeof(shown), "~/%s", rel);
	if (rc == 0 && rep.status == X_NOTMINE) {
		snprintf(err, errsize, "%s on %s does not belong to its user: left as it is", shown,
			 r->base.host);
		rc = -EPERM;
	} else if (rc == 0 && rep.status != 0) {
		rc = remote_file_refused(rep.status, shown, err, errsize);
		if (rc == 0) {
			char what[1200];
			snprintf(what, sizeof(what), "write %s", shown);
			rc = remote_failed(r, &rep, what, err, errsize);
		}
	}
	remote_reply_free(&rep);
	return rc;
}

/* ---- a job's own script ---- */

int node_remote_user_run(struct node *n, const char *script, const char *const *args, size_t nargs,
			 int timeout_s, struct buf *out, char *said, size_t saidsize, char *err,
			 size_t errsize)
{
	if (!n || n->ops != &node_remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -EINVAL;
	}
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(R(n), AS_USER, script, args, nargs, NULL, 0, timeout_s, &rep, err,
			    errsize);
	if (rc == 0) {
		rc = rep.status;
		if (out && rep.out.len)
			buf_add(out, rep.out.data, rep.out.len);
	}
	if (said)
		str_copy(said, rep.said, saidsize);
	remote_reply_free(&rep);
	return rc;
}
