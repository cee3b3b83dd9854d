#!/bin/bash
# lab_discovery: sparklink finds spark-2 from spark-1 over mDNS, live.
# - on the cable before any IPv4 exists (IPv6 link-local on enp1s0f1np1) and on the LAN;
# - discover-sparks' line format; --all; --json; --hostfile (this node first, cable preferred);
# - the cable entry goes when the cable is unplugged and comes back when plugged;
# - stopping spark-2's avahi-daemon removes it; restarting spark-1's avahi-daemon is survived
#   by a running console, which rebuilds its list without a key press.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test disc

step "up (b2b: spark-1 p1 <-> spark-2 p1)"
lab_up 2
ll2=$(ll6_of spark-2 enp1s0f1np1)
[ -n "$ll2" ] || fail "spark-2 has no IPv6 link-local address on its cable netdev"

step "discover on spark-1: spark-2 on the cable by its IPv6 link-local address, before any IPv4"
out=""
for _ in $(seq 20); do
	out=$(lxu spark-1 "$SPARKLINK" discover --timeout 3 2>&1) && grep -q "spark-2.local" <<<"$out" && break
	sleep 0.5
done
grep -qxF "Found: $ll2%enp1s0f1np1 (spark-2.local)" <<<"$out" ||
	fail "discover on spark-1 did not print 'Found: $ll2%enp1s0f1np1 (spark-2.local)'; it printed: $out"
grep -q "spark-1.local" <<<"$out" && fail "discover offers this node itself as a peer: $out"
grep -q "10.77.0.2" <<<"$out" && fail "discover without --all listed the LAN address: $out"

step "--all adds the LAN; --json tells cable from LAN"
out=$(lxu spark-1 "$SPARKLINK" discover --all --timeout 3 2>&1) || fail "discover --all failed: $out"
grep -qxF "Found: 10.77.0.2 (spark-2.local)" <<<"$out" || fail "discover --all does not list spark-2 on the LAN: $out"
json=$(lxu spark-1 "$SPARKLINK" discover --json --timeout 3) || fail "discover --json failed"
python3 -c '
import json, sys
d = json.load(sys.stdin)
ll2 = sys.argv[1]
peers = {p["host"]: p for p in d["peers"]}
p = peers["spark-2.local"]
assert not p["self"] and p["host_is_plain_dns_name"]
cab = [a for a in p["addresses"] if a["seen_on"] == "cable"]
lan = [a for a in p["addresses"] if a["seen_on"] == "lan"]
assert any(a["interface"] == "enp1s0f1np1" and a["port"] == 1 and a["address"] == ll2 for a in cab), cab
assert any(a["interface"] == "enP7s7" and a["address"] == "10.77.0.2" for a in lan), lan
assert peers["spark-1.local"]["self"], "this node must be marked self"
' "$ll2" <<<"$json" || fail "discover --json does not describe spark-2 on port 1 and on the LAN: $json"

step "with IPv4 on the cable: discover-sparks' line, and a hostfile of this node then its peer"
lx spark-1 ip addr add 192.168.100.10/24 dev enp1s0f1np1 || fail "ip addr add on spark-1"
lx spark-2 ip addr add 192.168.100.11/24 dev enp1s0f1np1 || fail "ip addr add on spark-2"
for _ in $(seq 30); do
	out=$(lxu spark-1 "$SPARKLINK" discover --timeout 3 --hostfile /tmp/hosts.$$ 2>&1) &&
		grep -qxF "Found: 192.168.100.11 (spark-2.local)" <<<"$out" && break
	sleep 0.5
done
grep -qxF "Found: 192.168.100.11 (spark-2.local)" <<<"$out" ||
	fail "after adding 192.168.100.11 on spark-2's cable, discover did not print it: $out"
hosts=$(lx spark-1 cat /tmp/hosts.$$) || fail "no hostfile written"
[ "$hosts" = $'192.168.100.10\n192.168.100.11' ] ||
	fail "hostfile should be this node's then spark-2's cable address; it is: $hosts"

step "console on spark-1 lists spark-2 on port 1 and on the LAN, live"
tmux_start "$sess" "$SPARKLAB" exec spark-1 -- "$SPARKLINK" || fail "cannot start the console"
tmux_wait "$sess" 'spark-2\.local' 15 || fail "the console's peers panel never showed spark-2.local"
tmux_wait "$sess" 'port 1 +enp1s0f1np1' 10 || fail "the console does not show spark-2 seen on port 1"
tmux_wait "$sess" 'LAN +enP7s7 +10\.77\.0\.2' 10 || fail "the console does not show spark-2 on the LAN"

step "unplug: the cable entry goes (console and discover); plug: it comes back"
"$SPARKLAB" unplug spark-1 p1 || fail "sparklab unplug"
tmux_wait_gone "$sess" 'port 1 +enp1s0f1np1' 15 || fail "after unplugging, the console still shows spark-2 on port 1"
tmux_wait "$sess" 'LAN +enP7s7 +10\.77\.0\.2' 5 || fail "after unplugging, spark-2 vanished from the LAN too"
out=$(lxu spark-1 "$SPARKLINK" discover --timeout 2 2>&1); rc=$?
[ $rc -eq 3 ] || fail "discover with the cable unplugged exited $rc (want 3, none found): $out"
"$SPARKLAB" plug spark-1 p1 || fail "sparklab plug"
tmux_wait "$sess" 'port 1 +enp1s0f1np1' 30 || fail "after plugging back, spark-2 did not return on port 1"

step "spark-2's avahi-daemon stops: spark-2 leaves the list"
"$SPARKLAB" daemon spark-2 avahi stop || fail "cannot stop spark-2's avahi-daemon"
tmux_wait_gone "$sess" 'spark-2\.local' 30 || fail "spark-2 is still listed after its avahi-daemon stopped"
"$SPARKLAB" daemon spark-2 avahi start || fail "cannot start spark-2's avahi-daemon"
tmux_wait "$sess" 'spark-2\.local' 30 || fail "spark-2 did not come back after its avahi-daemon restarted"

step "spark-1's own avahi-daemon restarts: the console reconnects and rebuilds the list"
"$SPARKLAB" daemon spark-1 avahi stop || fail "cannot stop spark-1's avahi-daemon"
tmux_wait "$sess" 'mDNS unavailable' 15 || fail "the console does not say mDNS is unavailable while avahi is down"
"$SPARKLAB" daemon spark-1 avahi start || fail "cannot start spark-1's avahi-daemon"
tmux_wait "$sess" 'port 1 +enp1s0f1np1' 30 || fail "after avahi came back, the console did not rebuild spark-2 on port 1"

step "spark-1's system D-Bus goes away and comes back: the console follows without a key press"
"$SPARKLAB" daemon spark-1 avahi stop || fail "cannot stop spark-1's avahi-daemon"
"$SPARKLAB" daemon spark-1 dbus stop || fail "cannot stop spark-1's dbus-daemon"
tmux_wait "$sess" 'mDNS unavailable' 15 || fail "the console does not say mDNS is unavailable without D-Bus"
"$SPARKLAB" daemon spark-1 dbus start || fail "cannot start spark-1's dbus-daemon"
tmux_wait "$sess" 'waiting for avahi-daemon' 15 || fail "with D-Bus back but no avahi, the console does not say it waits for avahi-daemon"
"$SPARKLAB" daemon spark-1 avahi start || fail "cannot start spark-1's avahi-daemon"
tmux_wait "$sess" 'port 1 +enp1s0f1np1' 30 || fail "after D-Bus and avahi came back, spark-2 did not return"
tmux_alive "$sess" || fail "the console died while D-Bus restarted"
tmux_keys "$sess" q
