/* node_ping.c: `ping -I` on a remote node, every target at once (node_ping.h). */
#include "core/node/node_ping.h"
#include "core/node/node_remote_shared.h"
#include "core/base/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Arguments: IF DST SIZE, once per target. Each ping writes to a file of its own in a private
 * directory; after all were started, each is waited for in order and one line printed for it:
 * "INDEX STATUS SUMMARY" ("INDEX -" for an interface that is not there). */
static const char PING_ALL[] = PRE
	"command -v ping >/dev/null 2>&1 || exit 11\n"
	"t=$(mktemp -d) || exit 22\n"
	"trap 'rm -rf \"$t\"' EXIT\n"
	"k=0\n"
	"while [ $# -ge 3 ]; do\n"
	"  if [ ! -e \"/sys/class/net/$1\" ]; then eval \"p$k=-\"\n"
	"  elif [ \"$3\" = 0 ]; then\n"
	"    ping -n -q -c 3 -i 0.2 -W 1 -I \"$1\" \"$2\" >\"$t/$k\" 2>&1 & eval \"p$k=\\$!\"\n"
	"  else\n"
	"    ping -n -q -c 3 -i 0.2 -W 1 -I \"$1\" -M do -s \"$3\" \"$2\" >\"$t/$k\" 2>&1 &"
	" eval \"p$k=\\$!\"\n"
	"  fi\n"
	"  shift 3; k=$((k + 1))\n"
	"done\n"
	"j=0\n"
	"while [ $j -lt $k ]; do\n"
	"  eval \"p=\\$p$j\"\n"
	"  if [ \"$p\" = - ]; then echo \"$j -\"; else\n"
	"    wait \"$p\"; r=$?\n"
	"    l=$(grep -m 1 'packets transmitted' \"$t/$j\" || head -n 1 \"$t/$j\")\n"
	"    printf '%s %s %.200s\\n' \"$j\" \"$r\" \"$l\"\n"
	"  fi\n"
	"  j=$((j + 1))\n"
	"done\n";

/* A decimal number of 1 to digits digits without a leading zero, at s (n bytes): its length,
 * 0 if there is none. */
static size_t number(const char *s, size_t n, size_t digits, unsigned long *v)
{
	size_t k = 0;
	*v = 0;
	while (k < n && k < digits + 1 && s[k] >= '0' && s[k] <= '9')
		*v = *v * 10 + (unsigned long)(s[k++] - '0');
	if (k == 0 || k > digits || (s[0] == '0' && k > 1))
		return 0;
	return k;
}

bool node_ping_parse(const char *data, size_t len, struct node_ping *t, size_t nt)
{
	size_t pos = 0;
	for (size_t i = 0; i < nt; i++) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		if (!nl)
			goto refused;
		size_t ll = (size_t)(nl - line), p;
		unsigned long v;
		/* the index, this target's */
		if (!(p = number(line, ll, 2, &v)) || v != i || p >= ll || line[p] != ' ')
			goto refused;
		p++;
		t[i].out[0] = '\0';
		if (p + 1 == ll && line[p] == '-') {
			t[i].rc = -ENODEV;
		} else {
			size_t d = number(line + p, ll - p, 3, &v);
			if (!d || v > 255 || (p + d < ll && line[p + d] != ' '))
				goto refused;
			p += d;
			if (p < ll)
				p++; /* the space before the text */
			text_clean(t[i].out, sizeof(t[i].out), line + p, ll - p, 0);
			t[i].rc = v == 0 ? 0 : v == 1 ? -EHOSTUNREACH : -EIO;
		}
		pos += ll + 1;
	}
	if (pos == len)
		return true;
refused:
	for (size_t i = 0; i < nt; i++)
		t[i].rc = -EIO, t[i].out[0] = '\0';
	return false;
}

int node_remote_ping_all(struct node *n, struct node_ping *t, size_t nt, char *err, size_t errsize)
{
	if (n->ops != &node_remote_ops) {
		snprintf(err, errsize, "not a remote node");
		return -ENOTSUP;
	}
	if (!nt || nt > NODE_PING_MAX) {
		snprintf(err, errsize, "1 to %d pings at once", NODE_PING_MAX);
		return -EINVAL;
	}
	char sz[NODE_PING_MAX][16];
	const char *args[3 * NODE_PING_MAX];
	for (size_t i = 0; i < nt; i++) {
		struct in_addr a;
		if (!remote_ifname_ok(t[i].ifname, err, errsize))
			return -EINVAL;
		if (inet_pton(AF_INET, t[i].dst, &a) != 1 || t[i].size > 65000) {
			snprintf(err, errsize, "not an IPv4 address to ping");
			return -EINVAL;
		}
		snprintf(sz[i], sizeof(sz[i]), "%u", t[i].size);
		args[3 * i] = t[i].ifname, args[3 * i + 1] = t[i].dst, args[3 * i + 2] = sz[i];
	}
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(R(n), AS_USER, PING_ALL, args, 3 * nt, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0) {
		if (rep.status == X_NOTOOL) {
			snprintf(err, errsize, "%s has no ping (install iputils-ping)", n->host);
			rc = -ENOENT;
		} else if (rep.status != 0) {
			rc = remote_failed(R(n), &rep, "run ping", err, errsize);
		} else if (!node_ping_parse(rep.out.data ? rep.out.data : "", rep.out.len, t, nt)) {
			snprintf(
				err, errsize,
				"%s answered the pings with something this version does not expect",
				n->host);
			rc = -EPROTO;
		}
	}
	remote_reply_free(&rep);
	return rc;
}
