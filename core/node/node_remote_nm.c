/* node_remote_nm.c: NetworkManager on the peer (node.h's nm_* operations), through its D-Bus API
 * with the stock `busctl --json=short` over the pairing's SSH: reads as the login user (the
 * bus lets anyone read NetworkManager's properties), changes as root through sudo
 * (NetworkManager's polkit rules on DGX OS). Every answer line is "TAG JSON", parsed strictly
 * (core/base/json_read.h); object paths are taken from busctl's answers only when they have
 * NetworkManager's exact shape. */
#include "core/node/node_remote_nm.h"
#include "core/node/node_remote_shared.h"
#include "core/base/json_read.h"
#include "core/base/text.h"
#include "core/net/nm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NM_STR_(x) #x
#define NM_STR(x) NM_STR_(x)

/* shared by the scripts: B is busctl; path KIND JSON prints the first NetworkManager object path
 * of that kind (Devices, ActiveConnection, Settings) in JSON */
#define NM_SH                                                             \
	PRE "command -v busctl >/dev/null 2>&1 || exit 11\n"              \
	    "B='busctl --json=short'; N=org.freedesktop.NetworkManager\n" \
	    "O=/org/freedesktop/NetworkManager\n"                         \
	    "path() { printf '%s' \"$2\" | sed -n "                       \
	    "\"s|^[^/]*\\\"\\($O/$1/[0-9][0-9]*\\)\\\".*|\\1|p\"; }\n"

static const char NM_PROBE[] = NM_SH
	"i=${1:-}\n"
	"o=$($B call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner "
	"s $N) || exit 12\n" /* X_NOBUS */
	"printf 'nm %s\\n' \"$o\"\n"
	"w=$($B call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner "
	"s org.freedesktop.network1) && printf 'networkd %s\\n' \"$w\"\n"
	"case $o in *true*) ;; *) exit 0 ;; esac\n"
	"v=$($B get-property $N $O $N Version) && printf 'version %s\\n' \"$v\"\n"
	"[ -n \"$i\" ] || exit 0\n"
	"d=$($B call $N $O $N GetDeviceByIpIface s \"$i\" 2>/dev/null) || { echo nodevice; exit 0; }\n"
	"p=$(path Devices \"$d\"); [ -n \"$p\" ] || exit 13\n"
	"s=$($B get-property $N \"$p\" $N.Device Managed State ActiveConnection) || exit 1\n"
	"printf '%s\\n' \"$s\" | sed -n '1s/^/managed /p;2s/^/state /p;3s/^/active /p'\n"
	"a=$(printf '%s\\n' \"$s\" | sed -n 3p); a=$(path ActiveConnection \"$a\")\n"
	"[ -n \"$a\" ] || exit 0\n"
	"c=$($B get-property $N \"$a\" $N.Connection.Active Id Uuid 2>/dev/null) || exit 0\n"
	"printf '%s\\n' \"$c\" | sed -n '1s/^/id /p;2s/^/uuid /p'\n";

static const struct jv *line_data(const char *json, struct jv *tree)
{
	if (jv_parse(json, strlen(json), tree) < 0)
		return NULL;
	return jv_busctl_data(tree);
}

bool node_remote_parse_nm_probe(char *text, struct nm_node *node, struct nm_port *port)
{
	bool nm = false, networkd = false, said_nm = false;
	char id[256] = "", uuid[64] = "";
	bool have_id = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (strcmp(line, "nodevice") == 0)
			continue;
		if (!sp)
			return false;
		*sp = '\0';
		const char *tag = line;
		struct jv tree;
		const struct jv *d = line_data(sp + 1, &tree);
		bool ok = d != NULL;
		bool is_bool = ok && d->type == JV_BOOL, is_str = ok && d->type == JV_STRING;
		if (!ok) {
			/* not JSON */
		} else if (strcmp(tag, "nm") == 0) {
			ok = is_bool;
			nm = is_bool && d->b;
			said_nm = true;
		} else if (strcmp(tag, "networkd") == 0) {
			ok = is_bool;
			networkd = is_bool && d->b;
		} else if (strcmp(tag, "managed") == 0) {
			ok = is_bool;
			port->known = true;
			port->managed = is_bool && d->b;
		} else if (strcmp(tag, "state") == 0) {
			ok = d->type == JV_NUMBER && d->num >= 0 && d->num <= 1000;
			port->state = ok ? (int)d->num : 0;
		} else if (strcmp(tag, "version") == 0) {
			ok = is_str;
			if (ok)
				text_clean(node->version, sizeof(node->version), d->str,
					   strlen(d->str), TEXT_NAME);
		} else if (strcmp(tag, "id") == 0) {
			ok = is_str;
			have_id = ok;
			if (ok)
				str_copy(id, d->str, sizeof(id));
		} else if (strcmp(tag, "uuid") == 0) {
			ok = is_str;
			if (ok)
				str_copy(uuid, d->str, sizeof(uuid));
		} else {
			ok = strcmp(tag, "active") == 0 && is_str;
		}
		jv_free(&tree);
		if (!ok)
			return false;
	}
	if (!said_nm)
		return false;
	node->renderer = nm ? NM_RENDERER_NM : networkd ? NM_RENDERER_NETWORKD : NM_RENDERER_NONE;
	if (have_id)
		nm_port_set(port, id, uuid);
	return true;
}

int remote_nm_probe(struct node *n, const char *ifname, struct nm_node *node, struct nm_port *port,
		    char *err, size_t errsize)
{
	struct node_remote *r = R(n);
	memset(node, 0, sizeof(*node));
	memset(port, 0, sizeof(*port));
	if (ifname && !remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	const char *args[] = { ifname ? ifname : "" };
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_USER, NM_PROBE, args, 1, NULL, 0, 0, &rep, err, errsize);
	if (rc < 0)
		goto out;
	if (rep.status == X_NOTOOL || rep.status == X_NOBUS) {
		node->renderer = NM_RENDERER_UNKNOWN; /* no busctl or no bus: cannot tell */
		goto out;
	}
	if (rep.status != 0) {
		rc = remote_failed(r, &rep, "ask NetworkManager", err, errsize);
		goto out;
	}
	buf_add(&rep.out, "", 0);
	if (!node_remote_parse_nm_probe(rep.out.data, node, port)) {
		memset(node, 0, sizeof(*node));
		memset(port, 0, sizeof(*port));
		snprintf(err, errsize,
			 "cannot read NetworkManager's state on %s: busctl's answer is not "
			 "one this version understands",
			 r->base.host);
		rc = -EPROTO;
	}
out:
	remote_reply_free(&rep);
	return rc;
}

/* Idempotent, as node.h wants every script: run again after the connection broke under it (the
 * first run may have added the profile already, and NetworkManager refuses a second profile with
 * the same UUID), it activates the profile it finds, when it is sparklink's (named so). */
static const char NM_ACTIVATE[] = NM_SH
	"i=$1; u=$2; n=$3; a=$4; l=$5; m=$6\n"
	"d=$($B call $N $O $N GetDeviceByIpIface s \"$i\") || exit 3\n"
	"p=$(path Devices \"$d\"); [ -n \"$p\" ] || exit 3\n"
	"if c=$($B call $N $O/Settings $N.Settings GetConnectionByUuid s \"$u\" 2>/dev/null); then\n"
	"  q=$(path Settings \"$c\"); [ -n \"$q\" ] || exit 13\n"
	"  g=$($B call $N \"$q\" $N.Settings.Connection GetSettings) || exit 1\n"
	"  case $g in *'\"id\":{\"type\":\"s\",\"data\":\"'\"$n\"'\"}'*) ;; *) exit 14 ;; esac\n"
	"  exec $B call $N $O $N ActivateConnection ooo \"$q\" \"$p\" / >/dev/null\n"
	"fi\n"
	"$B call $N $O $N AddAndActivateConnection2 'a{sa{sv}}ooa{sv}' 4 "
	"connection 6 id s \"$n\" uuid s \"$u\" type s 802-3-ethernet interface-name s \"$i\" "
	"autoconnect b true autoconnect-priority i " NM_STR(
		NM_AUTOCONNECT_PRIORITY) " "
					 "802-3-ethernet 1 mtu u \"$m\" "
					 "ipv4 2 method s manual address-data aa{sv} 1 2 address s \"$a\" prefix u \"$l\" "
					 "ipv6 1 method s link-local "
					 "\"$p\" / 1 persist s memory >/dev/null\n";

static const char NM_RESTORE[] = NM_SH
	"i=$1; u=$2; v=$3; n=$4; S=$O/Settings\n"
	"if c=$($B call $N $S $N.Settings GetConnectionByUuid s \"$u\" 2>/dev/null); then\n"
	"  p=$(path Settings \"$c\"); [ -n \"$p\" ] || exit 13\n"
	"  g=$($B call $N \"$p\" $N.Settings.Connection GetSettings) || exit 1\n"
	"  case $g in *'\"id\":{\"type\":\"s\",\"data\":\"'\"$n\"'\"}'*) ;; *) exit 14 ;; esac\n"
	"  $B call $N \"$p\" $N.Settings.Connection Delete || exit 1\n"
	"fi\n"
	"[ \"$v\" = - ] && exit 0\n"
	"c=$($B call $N $S $N.Settings GetConnectionByUuid s \"$v\" 2>/dev/null) || exit 0\n"
	"p=$(path Settings \"$c\"); [ -n \"$p\" ] || exit 13\n"
	"d=$($B call $N $O $N GetDeviceByIpIface s \"$i\" 2>/dev/null) || exit 0\n"
	"q=$(path Devices \"$d\"); [ -n \"$q\" ] || exit 13\n"
	"$B call $N $O $N ActivateConnection ooo \"$p\" \"$q\" / >/dev/null\n";

/* Run script as root with args (args[0] the interface, args[1] the profile's uuid); what says
 * what it does. A profile not named name is left alone and said: -EPERM. */
static int nm_change(struct node_remote *r, const char *script, const char *const *args,
		     size_t nargs, const char *what, const char *name, char *err, size_t errsize)
{
	const char *ifname = args[0];
	struct reply rep;
	remote_reply_init(&rep);
	int rc = remote_run(r, AS_ROOT, script, args, nargs, NULL, 0, 0, &rep, err, errsize);
	if (rc == 0 && rep.status == X_NOTOOL) {
		snprintf(err, errsize,
			 "cannot %s on %s: busctl is not installed there (the systemd package)",
			 what, r->base.host);
		rc = -ENOENT;
	} else if (rc == 0 && rep.status == X_MISSING) {
		snprintf(err, errsize, "cannot %s on %s: NetworkManager has no device %s", what,
			 r->base.host, ifname);
		rc = -ENODEV;
	} else if (rc == 0 && rep.status == X_NOTOURS) {
		snprintf(err, errsize,
			 "NetworkManager's profile %s on %s is not sparklink's (not named %s): "
			 "left alone",
			 args[1], r->base.host, name);
		rc = -EPERM;
	} else if (rc == 0 && rep.status != 0) {
		rc = remote_failed(r, &rep, what, err, errsize);
	}
	remote_reply_free(&rep);
	return rc;
}

int remote_nm_activate(struct node *n, const char *ifname, const char *uuid, const char *cidr,
		       unsigned mtu, char *err, size_t errsize)
{
	char ip[INET_ADDRSTRLEN + 1], plen[8], m[16], name[64];
	const char *slash = strchr(cidr, '/');
	struct in_addr a;
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	if (!nm_uuid_valid(uuid) || !slash || (size_t)(slash - cidr) >= sizeof(ip) ||
	    strlen(slash + 1) < 1 || strlen(slash + 1) > 2 ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) || atoi(slash + 1) < 1 ||
	    atoi(slash + 1) > 32 || mtu < 68 || mtu > 65535) {
		snprintf(err, errsize, "NetworkManager: not a profile sparklink makes");
		return -EINVAL;
	}
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - cidr), cidr);
	if (inet_pton(AF_INET, ip, &a) != 1) {
		snprintf(err, errsize, "NetworkManager: not a profile sparklink makes");
		return -EINVAL;
	}
	snprintf(plen, sizeof(plen), "%d", atoi(slash + 1));
	snprintf(m, sizeof(m), "%u", mtu);
	nm_profile_name(ifname, name, sizeof(name));
	const char *args[] = { ifname, uuid, name, ip, plen, m };
	char what[96];
	snprintf(what, sizeof(what), "activate the profile %s", name);
	return nm_change(R(n), NM_ACTIVATE, args, 6, what, name, err, errsize);
}

int remote_nm_restore(struct node *n, const char *ifname, const char *uuid, const char *prev,
		      char *err, size_t errsize)
{
	if (!remote_ifname_ok(ifname, err, errsize))
		return -EINVAL;
	if (!prev || !prev[0])
		prev = "-";
	if (!nm_uuid_valid(uuid) || (strcmp(prev, "-") != 0 && !nm_uuid_valid(prev))) {
		snprintf(err, errsize, "NetworkManager: not a profile sparklink makes");
		return -EINVAL;
	}
	char name[64];
	nm_profile_name(ifname, name, sizeof(name));
	const char *args[] = { ifname, uuid, prev, name };
	char what[96];
	snprintf(what, sizeof(what), "restore NetworkManager's profile on %s", ifname);
	return nm_change(R(n), NM_RESTORE, args, 4, what, name, err, errsize);
}
