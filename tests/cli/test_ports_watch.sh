#!/bin/bash
# cli_ports_watch: `sparklink ports --watch` for real, in a private network namespace with a
# veth pair: link up/down, an address and an MTU change each appear as a line; SIGTERM ends it
# promptly with exit 0; piped into `head -n1` it ends by itself once the reader has gone; with the
# Spark's netdev in a fixture tree, its RDMA port's state line follows a carrier change.
# Skipped (77) where no network namespace can be made.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $wait_rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"

if [ "${SL_WATCH_IN_NETNS:-}" != 1 ]; then
	if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
		echo "SKIP [cli_ports_watch]: needs unshare and ip" >&2
		exit 77
	fi
	unshare -n true 2>/dev/null ||
		{ echo "SKIP [cli_ports_watch]: cannot create a network namespace here" >&2; exit 77; }
	# the namespace lives as long as this script's processes: nothing to remove afterwards
	SL_WATCH_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi

cli_init cli_ports_watch
a=slw$$a b=slw$$b
a=${a:0:15} b=${b:0:15}
ip link set lo up || fail "lo"
ip link add "$a" type veth peer name "$b" || skip "cannot create a veth pair"
ip link set "$b" up || fail "peer up"

# wait_line FILE REGEX SECONDS
wait_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -Eq "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# Ready once a change made after the start is reported: nudge the peer's MTU until it shows.
wait_ready() {
	local out=$1 pid=$2 k i
	for ((k = 0; k < 50; k++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		ip link set "$b" mtu $((1400 + k))
		for ((i = 0; i < 4; i++)); do
			grep -Eq "^$b mtu " "$out" && return 0
			sleep 0.05
		done
	done
	return 1
}

"$SPARKLINK" ports --watch >"$tmp/out" 2>"$tmp/err" &
pid=$!
cli_pids="$cli_pids $pid"
wait_ready "$tmp/out" "$pid" || fail "--watch never reported a change (stderr: $(cat "$tmp/err"))"

ip link set "$a" up
wait_line "$tmp/out" "^$a link Up\$" 5 || fail "link up not reported: $(cat "$tmp/out")"
wait_line "$tmp/out" "^$a admin up\$" 5 || fail "admin up not reported: $(cat "$tmp/out")"
sleep 0.3 # IPv6 wakes up with the link: let its events arrive too
n=$(grep -c "^$a admin up\$" "$tmp/out")
[ "$n" -eq 1 ] || fail "'$a admin up' reported $n times: the model holds $a more than once
(libnl keeps a link object per address family, e.g. AF_INET6, beside the AF_UNSPEC one;
core/net/netmon.c add_link must skip links whose rtnl_link_get_family() is not AF_UNSPEC):
$(cat "$tmp/out")"
ip link set "$a" down
wait_line "$tmp/out" "^$a link Down\$" 5 || fail "link down not reported: $(cat "$tmp/out")"
ip addr add 192.0.2.1/24 dev "$a"
wait_line "$tmp/out" "^$a addr \\+192\\.0\\.2\\.1/24\$" 5 || fail "address not reported: $(cat "$tmp/out")"
ip link set "$a" mtu 9000
wait_line "$tmp/out" "^$a mtu 9000\$" 5 || fail "MTU not reported: $(cat "$tmp/out")"
ip addr del 192.0.2.1/24 dev "$a"
wait_line "$tmp/out" "^$a addr -192\\.0\\.2\\.1/24\$" 5 || fail "address removal not reported: $(cat "$tmp/out")"
ip link add slw-new type veth peer name slw-new-peer
wait_line "$tmp/out" "^slw-new added link Down\$" 5 || fail "new interface not reported: $(cat "$tmp/out")"
ip link del slw-new
wait_line "$tmp/out" "^slw-new removed\$" 5 || fail "removed interface not reported: $(cat "$tmp/out")"
wait_line "$tmp/out" "^slw-new-peer removed\$" 5 || fail "removed peer not reported: $(cat "$tmp/out")"
# each change once: no line repeated back to back
if uniq -d "$tmp/out" | grep -q .; then
	fail "lines repeated: $(uniq -d "$tmp/out")"
fi

kill -TERM "$pid"
wait_for "$pid" 3 || fail "SIGTERM did not end --watch within 3 s"
[ "$wait_rc" -eq 0 ] || fail "--watch exited $wait_rc after SIGTERM (stderr: $(cat "$tmp/err"))"
check_clean "$tmp/out" "$tmp/err"

# An RDMA port's state at a carrier change, as the kernel changes it with the cable: the Spark's
# enp1s0f1np1 is a veth whose far end is the cable, in a live fixture tree; its RDMA port's state
# file is what the cable sets, and --watch says it (netmon reads it only when the line is due).
ip link add enp1s0f1np1 type veth peer name slw-c1 || fail "veth enp1s0f1np1"
ip link set enp1s0f1np1 up || fail "enp1s0f1np1 up"
ip link set slw-c1 up || fail "slw-c1 up"
fx_make "$tmp/fx" --live --up p1
state=$tmp/fx/class/infiniband/rocep1s0f1/ports/1/state
SPARKLINK_SYSFS=$tmp/fx "$SPARKLINK" ports --watch >"$tmp/rdma.out" 2>"$tmp/rdma.err" &
rpid=$!
cli_pids="$cli_pids $rpid"
wait_ready "$tmp/rdma.out" "$rpid" || fail "--watch (fixture) never reported a change: $(cat "$tmp/rdma.err")"
echo "1: DOWN" >"$state"
ip link set slw-c1 down
wait_line "$tmp/rdma.out" "^enp1s0f1np1 link Down\$" 5 || fail "twin down not reported: $(cat "$tmp/rdma.out")"
wait_line "$tmp/rdma.out" "^rocep1s0f1 port 1 state DOWN\$" 5 ||
	fail "RDMA state DOWN not reported with the carrier: $(cat "$tmp/rdma.out")"
echo "4: ACTIVE" >"$state"
ip link set slw-c1 up
wait_line "$tmp/rdma.out" "^rocep1s0f1 port 1 state ACTIVE\$" 5 ||
	fail "RDMA state ACTIVE not reported with the carrier: $(cat "$tmp/rdma.out")"
[ "$(grep -c "^rocep1s0f1 port 1 state" "$tmp/rdma.out")" -eq 2 ] ||
	fail "RDMA state lines: $(grep "^rocep" "$tmp/rdma.out")"
kill -TERM "$rpid"
wait_for "$rpid" 3 || fail "SIGTERM did not end --watch (fixture) within 3 s"
check_clean "$tmp/rdma.out" "$tmp/rdma.err"

# changes_until_gone PID MTU: change the peer's MTU (MTU, MTU+1, ...) until PID has ended;
# false if it is still running after 40 changes
changes_until_gone() {
	local k i
	for ((k = 0; k < 40; k++)); do
		ip link set "$b" mtu $(($2 + k))
		for ((i = 0; i < 5; i++)); do
			kill -0 "$1" 2>/dev/null || return 0
			sleep 0.05
		done
	done
	return 1
}

# piped into head -n1: ends by itself after the first change, once head has gone
mkfifo "$tmp/fifo"
head -n1 <"$tmp/fifo" >"$tmp/head.out" &
hpid=$!
"$SPARKLINK" ports --watch >"$tmp/fifo" 2>"$tmp/err2" &
spid=$!
cli_pids="$cli_pids $hpid $spid"
changes_until_gone "$spid" 2000 || fail "--watch | head -n1 did not end by itself"
wait "$spid"
src=$?
[ "$src" -eq 0 ] || fail "--watch exited $src when its reader went away (stderr: $(cat "$tmp/err2"))"
wait "$hpid" 2>/dev/null
[ "$(wc -l <"$tmp/head.out")" -eq 1 ] || fail "head got: $(cat "$tmp/head.out")"
grep -Eq "^$b mtu [0-9]+\$" "$tmp/head.out" || fail "head got: $(cat "$tmp/head.out")"
check_clean "$tmp/err2"

# standard output closed (>&-): an error at once, not a watch that runs forever (nor one whose
# lines go to whatever file the number is reused for)
timeout 20 "$SPARKLINK" ports --watch >&- 2>"$tmp/err3"
rc=$?
[ "$rc" -ne 124 ] || fail "ports --watch >&- was still running after 20 s"
[ "$rc" -eq 1 ] || fail "ports --watch >&-: exit $rc, want 1 (stderr: $(cat "$tmp/err3"))"
grep -q "^sparklink: standard output is closed" "$tmp/err3" ||
	fail "ports --watch >&- does not say why: $(cat "$tmp/err3")"
check_clean "$tmp/err3"

# standard output that cannot be written (/dev/full): the first change ends it, exit 1, the reason
"$SPARKLINK" ports --watch >/dev/full 2>"$tmp/err4" &
fpid=$!
cli_pids="$cli_pids $fpid"
changes_until_gone "$fpid" 3000 || fail "ports --watch >/dev/full did not end when a write failed"
wait "$fpid"
frc=$?
[ "$frc" -eq 1 ] || fail "ports --watch >/dev/full: exit $frc, want 1 (stderr: $(cat "$tmp/err4"))"
grep -q "cannot write to standard output: No space left on device" "$tmp/err4" ||
	fail "ports --watch >/dev/full does not say why: $(cat "$tmp/err4")"
check_clean "$tmp/err4"
pass
