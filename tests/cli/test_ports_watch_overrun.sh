#!/bin/bash
# cli_ports_watch_overrun: a netlink socket overrun is recovered by a resync, not a crash and not
# a wrong state. `ports --watch` with a small receive buffer (SPARKLINK_NETLINK_RCVBUF) is
# stopped (as a loop busy elsewhere would be) while 150 veth pairs are created; when it runs
# again the kernel has dropped events: it must say so, re-read everything and still report all
# 300 new interfaces, then go on following changes.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154
. "$(dirname -- "$0")/cli-lib.sh"

if [ "${SL_OVR_IN_NETNS:-}" != 1 ]; then
	command -v unshare >/dev/null && unshare -n true 2>/dev/null ||
		{ echo "SKIP [cli_ports_watch_overrun]: cannot create a network namespace here" >&2; exit 77; }
	SL_OVR_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
cli_init cli_ports_watch_overrun
ip link set lo up || fail "lo"

SPARKLINK_NETLINK_RCVBUF=4096 "$SPARKLINK" ports --watch >"$tmp/out" 2>"$tmp/err" &
pid=$!
cli_pids="$cli_pids $pid"
sleep 0.5
kill -0 "$pid" 2>/dev/null || fail "ports --watch did not start: $(cat "$tmp/err")"
for i in $(seq 150); do echo "link add ov$i type veth peer name pv$i"; done >"$tmp/batch"
kill -STOP "$pid"
ip -batch "$tmp/batch" || { kill -CONT "$pid"; fail "ip -batch could not create the veth pairs"; }
kill -CONT "$pid"
for _ in $(seq 100); do
	[ "$(grep -c ' added ' "$tmp/out")" -ge 300 ] && break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "ports --watch died after the overrun: $(cat "$tmp/err")"
grep -q "socket overrun" "$tmp/err" ||
	fail "no overrun happened or it was not reported (stderr: $(cat "$tmp/err")); the test could not provoke one"
n=$(grep -c ' added ' "$tmp/out")
[ "$n" -eq 300 ] || fail "after the resync, $n interfaces were reported added, not 300"
for i in 1 75 150; do
	grep -qx "ov$i added link Down" "$tmp/out" || fail "ov$i is missing from the changes after the resync"
done
# and it still follows live changes afterwards
ip link set ov7 up && ip link set pv7 up || fail "ip link set up"
for _ in $(seq 50); do grep -qx "ov7 link Up" "$tmp/out" && break; sleep 0.1; done
grep -qx "ov7 link Up" "$tmp/out" || fail "after the resync, a live change (ov7 Up) was not reported"
kill -TERM "$pid"
wait "$pid"
rc=$?
[ $rc -eq 0 ] || fail "ports --watch exited $rc on SIGTERM after the overrun"
check_clean "$tmp/out" "$tmp/err"
pass
