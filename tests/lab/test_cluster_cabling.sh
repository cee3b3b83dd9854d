#!/bin/bash
# lab_cluster_cabling: the lab's cluster cablings, checked with ip and ping as a user would.
# A ring of 4 (each node's p0 to the next node's p1), an explicit list cabling spark-1 p1 to
# spark-2 p0, and 8 nodes on a switch (p1 of every node; one L2 segment per twin): the right ports
# have carrier, each twin reaches the right nodes' same twin and nothing else, `sparklab status`
# draws the map, and pulling one node's cable from the switch leaves the others up.
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require
. "$(dirname -- "$0")/../lib/cables.sh"

map_line() { # NODE -> its line of the status map, squeezed
	"$SPARKLAB" status | sed -n '/^cabling map/,/^uncabled/p' | grep "^  $1 " | tr -s ' ' | sed 's/^ //'
}

step "ring of 4: up"
lab_up 4 --cabling ring
for n in 1 2 3 4; do expect_port "spark-$n" p0 up; expect_port "spark-$n" p1 up; done
for n in 1 2 3 4; do reach "spark-$n" p0 "spark-$((n % 4 + 1))" p1; done
no_reach spark-1 enp1s0f0np0 spark-3 enp1s0f1np1 # spark-3 is two hops away
[ "$(map_line spark-1)" = "spark-1 spark-2 p1 spark-4 p0" ] || fail "status map for spark-1: '$(map_line spark-1)'"
"$SPARKLAB" unplug spark-4 p0 >/dev/null || fail "sparklab unplug spark-4 p0 failed"
expect_port spark-1 p1 down
expect_port spark-1 p0 up
[ "$(map_line spark-4)" = "spark-4 spark-1 p1 (out) spark-3 p0" ] || fail "status map for spark-4 after unplug: '$(map_line spark-4)'"
lab_down

step "explicit list 1p1-2p0 (cross-cabled: spark-1 p1 to spark-2 p0)"
lab_up --cabling 1p1-2p0
"$SPARKLAB" status | grep -q 'lab up: 2 nodes' || fail "a list naming spark-2 did not make a 2-node lab"
expect_port spark-1 p1 up; expect_port spark-1 p0 down
expect_port spark-2 p0 up; expect_port spark-2 p1 down
reach spark-1 p1 spark-2 p0
[ "$(map_line spark-2)" = "spark-2 spark-1 p1 -" ] || fail "status map for spark-2: '$(map_line spark-2)'"
lab_down

step "switch of 8: up"
lab_up 8 --cabling switch
for n in 1 2 3 4 5 6 7 8; do expect_port "spark-$n" p1 up; expect_port "spark-$n" p0 down; done
reach spark-1 p1 spark-8 p1
reach spark-4 p1 spark-5 p1
no_reach spark-1 enp1s0f1np1 spark-8 enP2p1s0f1np1 # each twin is its own segment
[ "$(map_line spark-8)" = "spark-8 - switch p1" ] || fail "status map for spark-8: '$(map_line spark-8)'"
"$SPARKLAB" unplug spark-3 p1 >/dev/null || fail "sparklab unplug spark-3 p1 failed"
expect_port spark-3 p1 down
expect_port spark-4 p1 up
reach spark-2 p1 spark-4 p1
"$SPARKLAB" status | grep -q 'spark-3 p1 <-> switch p1  unplugged' || fail "status does not show spark-3's switch cable unplugged"
exit 0
