/* node_ping.c: `ping -I` on a remote node (node_ping.h). */
#include "core/node/node_ping.h"
#include "core/node/node_remote_shared.h"
#include "core/base/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char PING[] = PRE
	"command -v ping >/dev/null 2>&1 || exit 11\n"
	"i=$1; d=$2; s=$3; [ -e \"/sys/class/net/$i\" ] || exit 3\n"
	"if [ \"$s\" = 0 ]; then\n"
	"  ping -n -q -c 3 -i 0.2 -W 1 -I \"$i\" \"$d\" 2>&1\n"
	"else\n"
	"  ping -n -q -c 3 -i 0.2 -W 1 -I \"$i\" -M do -s \"$s\" \"$d\" 2>&1\n"
	"fi\n"
	/* iputils' ping: 1 no reply, 2 and others an error (e.g. no permission to open its socket) */
	"r=$?; [ $r = 0 ] || { [ $r = 1 ] && exit 20; exit 21; }\n";

int node_remote_ping(struct node *n, const char *ifname, const char *dst, unsigned size, char *out,
		     size_t outsize, char *err, size_t errsize)
{
	out[0] = '\0';
	if (n->ops != &node_remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -ENOTSUP;
	}
	struct in_addr a;
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	if (inet_pton(AF_INET, dst, &a) != 1 || size > 65000) {
		snprintf(err, errsize, "not an IPv4 address to ping");
		return -EINVAL;
	}
	char sz[16];
	snprintf(sz, sizeof(sz), "%u", size);
	const char *args[] = { ifname, dst, sz };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(R(n), AS_USER, PING, args, 3, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0) {
		/* the summary line: "3 packets transmitted, 3 received, 0% packet loss, ..." */
		const char *d = rep.out.data ? rep.out.data : "";
		const char *line = memmem(d, rep.out.len, "packets transmitted", 19);
		if (line) {
			while (line > d && line[-1] != '\n')
				line--;
			const char *end = memchr(line, '\n', rep.out.len - (size_t)(line - d));
			text_clean(out, outsize, line, end ? (size_t)(end - line) : strlen(line),
				   0);
		}
		if (rep.status == 20) {
			rc = -EHOSTUNREACH;
		} else if (rep.status == 21) {
			/* ping itself failed: its first line says why (cleaned: the peer may be hostile) */
			const char *t = rep.out.data ? rep.out.data : "";
			const char *nl = rep.out.len ? memchr(t, '\n', rep.out.len) : NULL;
			char why[160];
			text_clean(why, sizeof(why), t, nl ? (size_t)(nl - t) : rep.out.len, 0);
			snprintf(err, errsize, "ping on %s did not run: %s", n->host,
				 why[0] ? why : "no message");
			rc = -EIO;
		} else if (rep.status == X_NOTOOL) {
			snprintf(err, errsize, "%s has no ping (install iputils-ping)", n->host);
			rc = -ENOENT;
		} else if (rep.status == X_MISSING) {
			snprintf(err, errsize, "%s has no interface %s", n->host, ifname);
			rc = -ENODEV;
		} else if (rep.status != 0) {
			rc = remote_failed(R(n), &rep, "run ping", err, errsize);
		}
	}
	remote_reply_free(&rep);
	return rc;
}
