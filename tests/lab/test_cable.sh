#!/bin/bash
# lab_cable: pulling and plugging a QSFP cable. Unplugging spark-1 p1 drops carrier on both twins
# on both nodes (still admin UP: NO-CARRIER) and marks the RDMA fixture ports DOWN; plugging
# brings all four back (ACTIVE). Then b2b-both and ring cabling: the right ports have carrier and
# each twin reaches the right neighbour's same twin (IPv6 link-local ping, scoped to the netdev).
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require

. "$(dirname -- "$0")/../lib/cables.sh"

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
