/* pair_verify.c: the last step of pairing: each direction tried with keys only (this node -> the
 * peer over the session's key login, the peer -> this node with `ssh -o BatchMode=yes` run there),
 * each a JOB_RESULT (pair_steps.h). */
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

static void result(struct pair_ctx *c, int dir, bool ok, const char *text)
{
	job_result(c->w, c->result_index[dir], ok, text);
	if (dir == 0) {
		c->out->to_peer = ok;
		str_copy(c->out->to_peer_text, text, sizeof(c->out->to_peer_text));
	} else {
		c->out->from_peer = ok;
		str_copy(c->out->from_peer_text, text, sizeof(c->out->from_peer_text));
	}
}

static const char SSH_CHECK[] =
	"k=; ssh -G -o KexAlgorithms=^curve25519-sha256 sparklink-probe >/dev/null 2>&1 && "
	"k=-oKexAlgorithms=^curve25519-sha256\n"
	"u=; [ \"$3\" = 1 ] && u=-oUpdateHostKeys=no\n"
	"exec ssh $k $u -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=8 "
	"-l \"$1\" \"$2\" hostname\n";

void pair_ssh_check_cmd(struct buf *cmd, const char *user, const char *host, bool no_update)
{
	buf_puts(cmd, "sh -c ");
	sshsession_quote(cmd, SSH_CHECK);
	buf_puts(cmd, " sparklink ");
	sshsession_quote(cmd, user);
	buf_puts(cmd, " ");
	sshsession_quote(cmd, host);
	buf_puts(cmd, no_update ? " 1" : " 0");
}

/* Both directions with keys only: a new libssh session here -> peer; `ssh -o BatchMode=yes`
 * there -> here. */
void pair_verify(struct pair_ctx *c)
{
	char text[160], out[512], err[512];
	job_progress(c->w, "Verifying: this node -> peer with your key only");
	struct sshsession *v = pair_open_session(c);
	bool ok = false;
	bool connected = v && sshsession_connect(v, err, sizeof(err)) == 0;
	if (connected && strcmp(v->fingerprint, c->s->fingerprint) != 0) {
		/* the same host key as the session the user checked, or nothing is trusted */
		snprintf(text, sizeof(text), "%s answered with another host key (%s): not verified",
			 c->req->address, v->fingerprint);
		text_clean_inplace(text, 0);
	} else if (connected && sshsession_login_key(v, c->mykey_path)) {
		int st = sshsession_run(v, "hostname", NULL, out, sizeof(out), err, sizeof(err));
		str_rstrip(out);
		ok = st == 0 && out[0];
		snprintf(text, sizeof(text), ok ? "ssh %s hostname: %s" : "ssh %s: %s",
			 c->req->address,
			 ok	  ? out
			 : err[0] ? err
				  : "no answer");
	} else {
		snprintf(text, sizeof(text), "key login to %s failed: %s", c->req->address,
			 !v	      ? "no session"
			 : !connected ? err
				      : sshsession_error(v));
		text_clean_inplace(text, 0);
	}
	sshsession_free(v);
	result(c, 0, ok, text);

	job_progress(c->w, "Verifying: peer -> this node with its key only (ssh -o BatchMode=yes)");
	if (!c->peer_conn_addr[0]) {
		result(c, 1, false, "the peer did not tell which address it sees this node at");
		return;
	}
	struct buf cmd;
	buf_init(&cmd);
	pair_ssh_check_cmd(&cmd, c->req->local.name, c->peer_conn_addr, false);
	int st = pair_remote_run(c, cmd.data, out, sizeof(out), err, sizeof(err));
	buf_free(&cmd);
	str_rstrip(out);
	str_rstrip(err);
	ok = st == 0 && out[0];
	snprintf(text, sizeof(text),
		 ok ? "ssh %s hostname (from the peer): %s" : "from the peer, ssh %s: %s",
		 c->peer_conn_addr,
		 ok	  ? out
		 : err[0] ? err
			  : "failed");
	result(c, 1, ok, text);
}
