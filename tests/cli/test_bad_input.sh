#!/bin/bash
# cli_bad_input: every option of every command refuses an empty, malformed or out-of-range value
# with exit 2 (bad usage), a message on stderr that names the option and the value it got, and
# nothing on stdout; a value holding escape sequences is quoted cleaned (no ESC, BEL or other
# control byte reaches stdout or stderr).
# `apply --interfaces ''` is an error, not "the default interfaces", and it is refused before
# anything else: as nobody (no root check first) and as root, with --peer naming a listener on
# 127.0.0.1:22 in a network namespace of its own that no connection may reach.
# As root it runs in a network namespace of its own: a command that wrongly went ahead would
# change only that namespace, never this machine's network.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
if [ "$(id -u)" = 0 ] && [ "${SL_BAD_IN_NETNS:-}" != 1 ]; then
	unshare -n true 2>/dev/null || skip "as root it runs in a network namespace: unshare -n failed"
	SL_BAD_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
cli_init cli_bad_input
[ "$(id -u)" != 0 ] || ip link set lo up || fail "cannot set lo up in the namespace"
fx_make "$tmp/sys" --up p1
export SPARKLINK_SYSFS=$tmp/sys
export SPARKLINK_STATE_DIR=$tmp/state # a journal, were one written, stays in $tmp

E=$'\e' B=$'\a'
n=0
# bad WANT ARGS...: exit 2, WANT (a fixed string) on stderr, stdout empty
bad() {
	local want=$1
	shift
	n=$((n + 1))
	"$SPARKLINK" "$@" >"$tmp/out.$n" 2>"$tmp/err.$n"
	rc=$?
	[ "$rc" -eq 2 ] || fail "sparklink $(printf '%q ' "$@"): exit $rc, want 2: $(cat -v "$tmp/err.$n")"
	[ -s "$tmp/out.$n" ] && fail "sparklink $(printf '%q ' "$@"): printed on stdout: $(cat -v "$tmp/out.$n")"
	grep -qF -- "$want" "$tmp/err.$n" ||
		fail "sparklink $(printf '%q ' "$@"): the message does not say \"$want\": $(cat -v "$tmp/err.$n")"
	return 0
}

# apply
bad "--interfaces is empty" apply --plan static --interfaces ''
bad "--interfaces is empty" apply --plan static --peer 127.0.0.1 --interfaces=
bad "--interfaces ',' has an empty name" apply --plan static --interfaces ,
bad "--interfaces 'lo,,lo' has an empty name" apply --plan static --interfaces lo,,lo
bad "--interfaces 'lo,' has an empty name" apply --plan static --interfaces lo,
bad "--interfaces 'lo,lo' names lo twice" apply --plan static --interfaces lo,lo
bad "'bad name' is not an interface name" apply --plan static --interfaces 'lo,bad name'
bad "'x?[2J' is not an interface name" apply --plan static --interfaces "x$E[2J"
bad "'abcdefghijklmnop' is not an interface name" apply --plan static --interfaces abcdefghijklmnop
bad "'--dry-run' is not an interface name" apply --plan static --interfaces --dry-run
bad "this node has no interface nosuchif0" apply --plan static --interfaces lo,nosuchif0
bad "--plan is link-local, static or static-persistent, not ''" apply --plan ''
bad "not 'x?]52;c;ZWNobyBvd25lZA==?'" apply --plan "x$E]52;c;ZWNobyBvd25lZA==$B"
bad "--plan needs a value" apply --plan
for v in 99999 abc '' 9000x -1500 1500.0; do
	bad "--mtu is 1500 (the playbook's) or 9000 (jumbo frames), not '$v'" apply --plan static --mtu "$v"
done
for v in 3 0 '' 1x -1; do
	bad "--node is 1 or 2, not '$v'" apply --plan static --node "$v"
done
bad "--peer is empty" apply --plan static --peer ''
bad "--peers goes without --peer, --node and --interfaces" apply --peers a,b --peer c
bad "--peers goes without --peer, --node and --interfaces" apply --peers a,b --node 1
bad "--topology goes with --peers" apply --topology ring
bad "--peers gives NVIDIA's static addresses" apply --plan link-local --peers a,b
bad "--topology is auto, direct, ring or switch, not 'mesh'" apply --peers a,b --topology mesh
bad "--peers names a twice" apply --peers a,a
bad "--peers: an empty or too long host in 'a,,b'" apply --peers a,,b
bad "--peer 'h?]0;t?' is not a host name or an address" apply --plan static --peer "h$E]0;t$B"
bad "--peer 'a b' is not a host name or an address" apply --plan static --peer 'a b'
bad "--peer '--dry-run' is not a host name or an address (it looks like an option" \
	apply --plan static --peer --dry-run
bad "--peer '10.0.0.300' is not" apply --plan static --peer 10.0.0.300
for v in -5 0 601 5x '' ' 5' 0x10 99999999999; do
	bad "--timeout takes whole seconds from 1 to 600, not '$v'" apply --plan static --timeout "$v"
done
bad "--dry-run takes no value, not 'yes'" apply --plan static --dry-run=yes
bad "unexpected 'spark-2?[2J' (the peer is given with --peer HOST)" apply --plan static "spark-2$E[2J"
bad "unknown option '--bogus?[2J'" apply --plan static "--bogus$E[2J"
bad "unknown option '-x'" apply -x

# pair and verify
bad "HOST 'h?]0;t?' is not a host name or an address" pair "h$E]0;t$B"
bad "HOST is empty" pair ''
bad "HOST '-' is not a host name" pair -- -
bad "one HOST only, not also 'h2?[2J'" verify h1 "h2$E[2J"
bad "HOST 'h2?[2J' is not a host name or an address" pair h1 "h2$E[2J"
bad "HOST 'h1' is named twice" pair h1 h2 h1
bad "a mesh has at most 7 HOSTs besides this node, not 8" pair h1 h2 h3 h4 h5 h6 h7 h8
bad "--create-user works with one HOST only" pair --user admin --create-user h1 h2
bad "one HOST takes one --accept-fingerprint, not 2" pair h1 \
	--accept-fingerprint SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU \
	--accept-fingerprint SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFA
bad "--same-password is an option of pair, not of verify" verify --same-password h1
bad "name one HOST" verify
bad "--accept-fingerprint takes SHA256: and 43 characters of base64, as ssh-keygen -l prints it, not 'SHA256:nope'" \
	pair --accept-fingerprint SHA256:nope spark-2
bad "not 'SHA256:?[2J'" pair --accept-fingerprint "SHA256:$E[2J" spark-2
bad "not 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF='" \
	pair --accept-fingerprint SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF= spark-2
bad "--user '' is not a user name" pair --user '' spark-2
bad "--user '?[2J' is not a user name" pair --user "$E[2J" spark-2
bad "--user '-root' is not a user name" pair --user=-root spark-2
bad "--timeout takes whole seconds from 1 to 600, not '0'" pair --timeout 0 spark-2
bad "--timeout takes whole seconds from 1 to 600, not 'abc'" verify --timeout abc spark-2
bad "--password-stdin is an option of pair, not of verify" verify --password-stdin spark-2
bad "--accept-fingerprint is an option of pair, not of verify" \
	verify --accept-fingerprint=SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU spark-2

# discover
bad "--hostfile is empty" discover --hostfile ''
bad "--hostfile '$tmp/no-such-dir/hosts': the directory $tmp/no-such-dir does not exist" \
	discover --hostfile "$tmp/no-such-dir/hosts"
bad "--hostfile '$tmp' is a directory" discover --hostfile "$tmp"
bad "--hostfile '-x' looks like an option" discover --hostfile -x
bad "--hostfile '$tmp/x?]0;t?/h': the directory $tmp/x?]0;t? does not exist" \
	discover --hostfile "$tmp/x$E]0;t$B/h"
for v in 0 abc -1 1e3 '' 3601 0x10 ' 5' 0.01; do
	bad "--timeout takes seconds, from 0.1 to 3600, not '$v'" discover --timeout "$v"
done
bad "unexpected argument '?[2J'" discover "$E[2J"

# rollback, status, ports, the command and the global options
bad "--timeout takes whole seconds from 1 to 600, not '-5'" rollback --timeout -5
bad "unexpected '?]0;t?'" rollback "$E]0;t$B"
bad "--json takes no value, not '1'" status --json=1
bad "unexpected 'now?[2J'" status "now$E[2J"
for v in 0 abc -1 1e3 '' 3601 0x10 ' 5' 0.01 1.2345 .5 1.; do
	bad "--interval takes seconds, from 0.1 to 3600, not '$v'" monitor --interval "$v"
done
for v in 0 -1 abc '' 1.5 100000001 1e3; do
	bad "--count takes a whole number from 1 to 100000000, not '$v'" monitor --count "$v"
done
bad "--json takes no value, not 'x?[2J'" monitor --json="x$E[2J"
bad "unexpected argument 'x?[2J'" monitor "x$E[2J"
bad "unknown option '--?]0;x?'" ports "--$E]0;x$B"
bad "unexpected argument 'x?[2J'" ports -v "x$E[2J"
bad "unknown command '?[2Jcmd'" "$E[2Jcmd"
bad "--sysfs needs a directory" --sysfs '' ports
bad "--sysfs needs a value" --sysfs
bad "unknown option '--bogus?[2J'" "--bogus$E[2J"

# a --sysfs root holding escapes is not a usage error (no RDMA there), but it is quoted cleaned
"$SPARKLINK" --sysfs "$tmp/$E]0;t$B" ports >"$tmp/out.sysfs" 2>"$tmp/err.sysfs"
rc=$?
[ "$rc" -eq 3 ] || fail "--sysfs with escapes: exit $rc, want 3: $(cat -v "$tmp/err.sysfs")"
grep -qF "no RDMA devices under $tmp/?]0;t?/class/infiniband" "$tmp/err.sysfs" ||
	fail "--sysfs with escapes: $(cat -v "$tmp/err.sysfs")"

# no escape byte, BEL or other control byte anywhere (one pass over every output)
check_clean "$tmp"/out.* "$tmp"/err.*
[ ! -e "$tmp/state" ] || fail "a refused command wrote state: $(ls -R "$tmp/state")"
echo "$n bad command lines refused"


# --- apply --interfaces '' fails before the root check and before any connection -------------
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP [cli_bad_input]: the no-connection part needs root (a listener on port 22) and setpriv"
	pass
fi
# a listener on 127.0.0.1:22 of this namespace: a line in $tmp/conns for every connection
python3 -S -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 22))
s.listen(8)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    with open(sys.argv[1], "a") as f:
        f.write("connection\n")
    c.close()
' "$tmp/conns" "$tmp/listening" &
lpid=$!
cli_pids="$cli_pids $lpid"
for _ in $(seq 100); do [ -e "$tmp/listening" ] && break; sleep 0.05; done
[ -e "$tmp/listening" ] || fail "the listener on 127.0.0.1:22 did not start"
setpriv --reuid=65534 --regid=65534 --clear-groups "$SPARKLINK" apply --plan static \
	--peer 127.0.0.1 --interfaces '' >"$tmp/nobody.out" 2>"$tmp/nobody.err"
echo $? >"$tmp/nobody.rc"
"$SPARKLINK" apply --plan static --peer 127.0.0.1 --interfaces '' >"$tmp/root.out" 2>"$tmp/root.err"
echo $? >"$tmp/root.rc"
for who in nobody root; do
	[ "$(cat "$tmp/$who.rc")" = 2 ] ||
		fail "as $who, apply --interfaces '': exit $(cat "$tmp/$who.rc"), want 2: $(cat -v "$tmp/$who.err")"
	grep -qF -- "--interfaces is empty" "$tmp/$who.err" ||
		fail "as $who, apply --interfaces '': $(cat -v "$tmp/$who.err")"
	[ -s "$tmp/$who.out" ] && fail "as $who, apply --interfaces '' printed: $(cat "$tmp/$who.out")"
done
check_clean "$tmp/nobody.err" "$tmp/root.err"
sleep 0.2 # a connection, had there been one, is written down by now
[ -s "$tmp/conns" ] && fail "apply --interfaces '' connected to the peer before refusing"
# the listener does see a connection: the check above can fail
(exec 3<>/dev/tcp/127.0.0.1/22) 2>/dev/null
for _ in $(seq 100); do [ -s "$tmp/conns" ] && break; sleep 0.05; done
[ -s "$tmp/conns" ] || fail "the listener on 127.0.0.1:22 never saw the test's own connection"
pass
