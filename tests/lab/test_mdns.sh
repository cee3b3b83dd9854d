#!/bin/bash
# lab_mdns: avahi on each lab node publishes _ssh._tcp; spark-1 resolves spark-2.local over the
# QSFP cable (IPv6 link-local, the cable has no IPv4 yet) and over the management LAN (10.77.0.2),
# and every record carries the right host name (no node confuses itself with another).
# Then avahi 0.8's stall, made on purpose: spark-1's avahi-daemon restarted and spark-1's LAN IPv4
# taken away while the records of its LAN link-local address are being probed (as NetworkManager's
# automatic profiles and `netplan apply` take addresses away on a Spark): avahi never finishes
# announcing spark-1, spark-2 no longer finds it (avahi-browse), and sparklink on spark-1 says so
# (`discover`: a note and "this_node": "registering"; the console's peer panel after 10 s, with
# what to do); restarting avahi-daemon ends it, and the console's warning goes.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test mdns

step "up (b2b: spark-1 p1 <-> spark-2 p1)"
lab_up 2

# browse_ok NODE PEER: records of PEER on the cable twin enp1s0f1np1 (IPv6) and on enP7s7 (IPv4)
BROWSE=""
browse_ok() {
	local node=$1 peer=$2 n
	BROWSE=$(lx "$node" timeout 10 avahi-browse -p -r -t _ssh._tcp 2>&1) || return 1
	n=${peer#spark-}
	grep -q "^=;enp1s0f1np1;IPv6;$peer;SSH Remote Terminal;local;$peer\.local;fe80:" <<<"$BROWSE" &&
		grep -q "^=;enP7s7;IPv4;$peer;SSH Remote Terminal;local;$peer\.local;10\.77\.0\.$n;22;" <<<"$BROWSE"
}

check_records() { # node: every resolved record's host name matches its service name and address
	local node=$1 iface proto name host addr owner want
	while IFS=';' read -r kind iface proto name _ _ host addr _ _; do
		[ "$kind" = "=" ] || continue
		[ "$host" = "$name.local" ] ||
			fail "on $node, avahi-browse shows service '$name' on $iface/$proto served by host '$host' (expected $name.local): mDNS names are confused"
		case $name in spark-[0-9]) ;; *) fail "on $node, unexpected service name '$name' (a host name conflict renamed it?)" ;; esac
		# the address must belong to that node
		owner=$name
		case $addr in
		10.77.0.*) want=10.77.0.${owner#spark-}; [ "$addr" = "$want" ] || fail "on $node, $name.local resolved to $addr on $iface (expected $want)" ;;
		fe80:*)
			want=$(ll6_of "$owner" "$iface")
			[ "$addr" = "$want" ] || fail "on $node, $name.local resolved to $addr on $iface but $owner's $iface link-local is '$want'"
			;;
		127.0.0.1 | ::1) [ "$name" = "$node" ] || fail "on $node, $name.local resolved to loopback $addr" ;;
		*) fail "on $node, $name.local resolved to unexpected address $addr on $iface" ;;
		esac
	done <<<"$BROWSE"
}

step "spark-1 browses _ssh._tcp and resolves spark-2.local on the cable and on the LAN"
for _ in $(seq 20); do browse_ok spark-1 spark-2 && break; sleep 0.5; done
if ! browse_ok spark-1 spark-2; then
	printf '%s\n' "$BROWSE" | sed 's/^/  | /' >&2
	fail "spark-1 does not resolve spark-2.local both on enp1s0f1np1 (fe80::) and on enP7s7 (10.77.0.2) with avahi-browse -p -r -t _ssh._tcp"
fi
addr=$(grep "^=;enp1s0f1np1;IPv6;spark-2;" <<<"$BROWSE" | head -1 | cut -d';' -f8)
want=$(ll6_of spark-2 enp1s0f1np1)
[ "$addr" = "$want" ] || fail "spark-2.local on the cable resolved to $addr, but spark-2's enp1s0f1np1 has $want"
note "spark-2.local on enp1s0f1np1 = $addr, on enP7s7 = 10.77.0.2"
lx spark-1 ip -4 -o addr show dev enp1s0f1np1 | grep -q inet &&
	fail "spark-1's cable netdev enp1s0f1np1 has an IPv4 address on a fresh lab (a fresh Spark has none)"
check_records spark-1
grep -q "^=;enP7s7;IPv4;spark-1;.*;spark-1\.local;10\.77\.0\.1;22;" <<<"$BROWSE" ||
	fail "spark-1 does not see its own _ssh._tcp service as spark-1.local at 10.77.0.1"

step "spark-2 resolves spark-1.local the same way"
for _ in $(seq 20); do browse_ok spark-2 spark-1 && break; sleep 0.5; done
browse_ok spark-2 spark-1 || fail "spark-2 does not resolve spark-1.local on enp1s0f1np1 and on enP7s7"
check_records spark-2

step "the uncabled port p0 carries no mDNS"
grep -qE '^=;(enp1s0f0np0|enP2p1s0f0np0);' <<<"$BROWSE" && fail "records were resolved on the uncabled port p0"

step "avahi 0.8 stalled on spark-1: spark-2 loses it; sparklink says so; a restart ends it"
tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" || fail "cannot start the console"
tmux_wait "$sess" 'spark-2' 15 || fail "the console on spark-1 does not list spark-2"
AVLOG=${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-1/log/avahi.log
stall_avahi() { # restart spark-1's avahi-daemon and take 10.77.0.1 away while it probes; 0 if stalled
	local n0 ll i
	ll=$(ll6_of spark-1 enP7s7)
	"$SPARKLAB" daemon spark-1 avahi stop >/dev/null || return 1
	n0=$(wc -l <"$AVLOG")
	(
		for i in $(seq 500); do
			tail -n +$((n0 + 1)) "$AVLOG" | grep -q "Registering new address record for $ll on enP7s7" &&
				exec ip -n spark-1 -4 addr del 10.77.0.1/24 dev enP7s7
			sleep 0.01
		done
	) &
	"$SPARKLAB" daemon spark-1 avahi start >/dev/null
	wait $!
	ip -n spark-1 -4 addr show dev enP7s7 | grep -q ' 10\.77\.0\.1/' ||
		ip -n spark-1 addr add 10.77.0.1/24 dev enP7s7 || fail "cannot put 10.77.0.1 back on spark-1"
	sleep 3 # avahi finishes starting within a second or two when it does
	! tail -n +$((n0 + 1)) "$AVLOG" | grep -q 'Server startup complete'
}
stalled=0
for try in 1 2 3; do
	stall_avahi && { stalled=1; break; }
	note "try $try: avahi started normally (the address went away after its probing); again"
done
[ "$stalled" = 1 ] || fail "avahi-daemon on spark-1 did not stall in 3 tries: $(tail -n 5 "$AVLOG" | paste -sd' ' -)"
note "avahi-daemon on spark-1 stays registering: $(tail -n 1 "$AVLOG")"
BROWSE=$(lx spark-2 timeout 10 avahi-browse -p -r -t _ssh._tcp 2>&1)
grep -q ';spark-1;' <<<"$BROWSE" && fail "spark-2 still finds spark-1 while its avahi-daemon is stalled: $BROWSE"
lxu spark-1 "$SPARKLINK" discover --json --timeout 3 >"$LAB_TMP/d.json" 2>"$LAB_TMP/d.err"
grep -q '"this_node": *"registering"' "$LAB_TMP/d.json" ||
	fail "discover --json on spark-1 does not say this_node registering: $(cat "$LAB_TMP/d.json")"
grep -q 'has not announced this node yet' "$LAB_TMP/d.err" ||
	fail "discover on spark-1 does not say avahi-daemon has not announced it: $(cat "$LAB_TMP/d.err")"
grep -q 'systemctl restart avahi-daemon' "$LAB_TMP/d.err" || fail "discover's note says no fix: $(cat "$LAB_TMP/d.err")"
tmux_wait "$sess" 'Peers cannot find this node' 20 || fail "the console on spark-1 does not warn that avahi has not announced it"
tmux_wait "$sess" 'systemctl restart' 2 || fail "the console's warning gives no fix"

"$SPARKLAB" daemon spark-1 avahi restart >/dev/null || fail "sparklab daemon spark-1 avahi restart"
tmux_wait_gone "$sess" 'Peers cannot find this node' 15 || fail "the console's warning stays after avahi-daemon restarted"
for _ in $(seq 20); do browse_ok spark-2 spark-1 && break; sleep 0.5; done
browse_ok spark-2 spark-1 || fail "spark-2 does not find spark-1 again after its avahi-daemon restarted"
lxu spark-1 "$SPARKLINK" discover --json --timeout 3 >"$LAB_TMP/d.json" 2>"$LAB_TMP/d.err"
grep -q '"this_node": *"announced"' "$LAB_TMP/d.json" ||
	fail "discover --json on spark-1 does not say this_node announced after the restart: $(cat "$LAB_TMP/d.json")"
grep -q 'has not announced' "$LAB_TMP/d.err" && fail "discover still notes avahi has not announced: $(cat "$LAB_TMP/d.err")"
exit 0
