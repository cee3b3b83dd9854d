#!/bin/bash
# lab_mdns: avahi on each lab node publishes _ssh._tcp; spark-1 resolves spark-2.local over the
# QSFP cable (IPv6 link-local, the cable has no IPv4 yet) and over the management LAN (10.77.0.2),
# and every record carries the right host name (no node confuses itself with another).
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require

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
exit 0
