#!/bin/bash
# lab_cable: pulling and plugging a QSFP cable. Unplugging spark-1 p1 drops carrier on both twins
# on both nodes (still admin UP: NO-CARRIER) and marks the RDMA fixture ports DOWN; plugging
# brings all four back (ACTIVE). Then b2b-both and ring cabling: the right ports have carrier and
# each twin reaches the right neighbour's same twin (IPv6 link-local ping, scoped to the netdev).
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require

# port -> "netdev:rdma-device", one line per twin (domain 0000 first)
twins_of() {
	case $1 in
	p0) printf '%s\n' enp1s0f0np0:rocep1s0f0 enP2p1s0f0np0:roceP2p1s0f0 ;;
	p1) printf '%s\n' enp1s0f1np1:rocep1s0f1 enP2p1s0f1np1:roceP2p1s0f1 ;;
	esac
}

# expect_port NODE PORT up|down: carrier, ip -br link flags, fixture state of both twins
expect_port() {
	local node=$1 port=$2 want=$3 t ifn dev c br st fc
	for t in $(twins_of "$port"); do
		ifn=${t%%:*} dev=${t##*:}
		c=$(carrier_of "$node" "$ifn")
		br=$(lx "$node" ip -br link show dev "$ifn")
		st=$(lx "$node" sh -c "cat \"\$SPARKLINK_SYSFS/class/infiniband/$dev/ports/1/state\"")
		fc=$(lx "$node" sh -c "cat \"\$SPARKLINK_SYSFS/class/net/$ifn/carrier\"")
		case $br in *'<'*UP*'>'*) ;; *) fail "$node $ifn is not admin UP: $br" ;; esac
		if [ "$want" = up ]; then
			[ "$c" = 1 ] || fail "$node $ifn ($port) has no carrier with the cable plugged: $br"
			case $br in *LOWER_UP*) ;; *) fail "$node $ifn: ip -br link does not show LOWER_UP: $br" ;; esac
			[ "$st" = "4: ACTIVE" ] || fail "$node fixture $dev port state is '$st', expected '4: ACTIVE'"
		else
			[ "$c" = 0 ] || fail "$node $ifn ($port) still has carrier with the cable pulled: $br"
			case $br in *NO-CARRIER*) ;; *) fail "$node $ifn: ip -br link does not show NO-CARRIER: $br" ;; esac
			[ "$st" = "1: DOWN" ] || fail "$node fixture $dev port state is '$st', expected '1: DOWN'"
		fi
		[ "$fc" = "$c" ] || fail "$node fixture class/net/$ifn/carrier ($fc) does not follow the real netdev ($c)"
	done
}

# reach NODE PORT PEER PEERPORT: each twin of NODE PORT pings PEER's same twin over IPv6 link-local
reach() {
	local node=$1 port=$2 peer=$3 pport=$4 i t ifn pif ll out
	local -a mine theirs
	mine=(); for t in $(twins_of "$port"); do mine+=("${t%%:*}"); done
	theirs=(); for t in $(twins_of "$pport"); do theirs+=("${t%%:*}"); done
	for i in 0 1; do
		ifn=${mine[$i]} pif=${theirs[$i]}
		wait_ll6 "$node" "$ifn" >/dev/null
		ll=$(wait_ll6 "$peer" "$pif")
		out=$(lx "$node" ping -c1 -W2 "$ll%$ifn" 2>&1) ||
			fail "$node $ifn cannot reach $peer $pif ($ll) over the cable: $out"
	done
	note "$node $port <-> $peer $pport: both twins reach each other"
}

step "b2b: up"
lab_up 2 --cabling b2b
wait_until 5 "spark-1 p1 has no carrier right after up" test "$(carrier_of spark-1 enp1s0f1np1)" = 1
for n in spark-1 spark-2; do expect_port "$n" p1 up; expect_port "$n" p0 down; done
reach spark-1 p1 spark-2 p1

step "unplug spark-1 p1"
out=$("$SPARKLAB" unplug spark-1 p1 2>&1) || fail "sparklab unplug spark-1 p1 failed: $out"
for n in spark-1 spark-2; do expect_port "$n" p1 down; done
"$SPARKLAB" status | grep -q 'spark-1 p1 <-> spark-2 p1  unplugged' || fail "sparklab status does not show the cable unplugged"
lx spark-1 ping -c1 -W1 10.77.0.2 >/dev/null || fail "the management LAN broke when a QSFP cable was pulled"

step "plug it back (by the other end, port number form)"
out=$("$SPARKLAB" plug spark-2 1 2>&1) || fail "sparklab plug spark-2 1 failed: $out"
for n in spark-1 spark-2; do expect_port "$n" p1 up; done
reach spark-1 p1 spark-2 p1
lab_down

step "b2b-both: up"
lab_up 2 --cabling b2b-both
for n in spark-1 spark-2; do expect_port "$n" p0 up; expect_port "$n" p1 up; done
reach spark-1 p0 spark-2 p0
reach spark-1 p1 spark-2 p1
lab_down

step "ring: up (spark-1 p0-spark-2 p1, spark-2 p0-spark-3 p1, spark-3 p0-spark-1 p1)"
lab_up 3 --cabling ring
for n in spark-1 spark-2 spark-3; do expect_port "$n" p0 up; expect_port "$n" p1 up; done
reach spark-1 p0 spark-2 p1
reach spark-2 p0 spark-3 p1
reach spark-3 p0 spark-1 p1
# no shortcut: spark-1 p0 must not reach spark-3 (spark-3 sits on spark-1 p1)
ll=$(ll6_of spark-3 enp1s0f1np1)
lx spark-1 ping -c1 -W1 "$ll%enp1s0f0np0" >/dev/null 2>&1 && fail "spark-1 p0 reaches spark-3's p1: the ring is miswired"

step "ring: unplug spark-2 p0 (the spark-2 <-> spark-3 cable) touches only that cable"
"$SPARKLAB" unplug spark-2 p0 >/dev/null || fail "sparklab unplug spark-2 p0 failed"
expect_port spark-2 p0 down
expect_port spark-3 p1 down
expect_port spark-2 p1 up
expect_port spark-3 p0 up
expect_port spark-1 p0 up
expect_port spark-1 p1 up
exit 0
