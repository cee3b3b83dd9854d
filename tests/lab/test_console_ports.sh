#!/bin/bash
# lab_console_ports: the console inside spark-1, driven through tmux, follows the cable live.
# Unplug: both twins of port 1 show Down, with the no-link finding; plug: both Up again.
# An address added with `ip addr` appears without a key press. Resizing redraws correctly.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test ports

twin_re() { # netdev state -> a regex for its row in a port panel
	printf '%s +%s +%s' "$1" "$2" "$3"
}

step "up; console in spark-1"
lab_up 2
tmux_start "$sess" "$SPARKLAB" exec spark-1 -- "$SPARKLINK" || fail "cannot start the console"
tmux_wait "$sess" 'Port 1: cable seen' 15 || fail "the console does not show port 1 cabled"
tmux_wait "$sess" "$(twin_re rocep1s0f1 enp1s0f1np1 Up)" 5 || fail "enp1s0f1np1 is not shown Up"
tmux_wait "$sess" "$(twin_re roceP2p1s0f1 enP2p1s0f1np1 Up)" 5 || fail "enP2p1s0f1np1 is not shown Up"
tmux_wait "$sess" 'Port 0: no cable' 5 || fail "port 0 is not shown without cable"
tmux_wait "$sess" 'enP7s7' 5 || fail "the management interface is not listed among other interfaces"

step "unplug spark-1 p1: both twins Down, no-link finding"
"$SPARKLAB" unplug spark-1 p1 || fail "sparklab unplug"
tmux_wait "$sess" "$(twin_re rocep1s0f1 enp1s0f1np1 Down)" 10 || fail "after unplug, enp1s0f1np1 is not shown Down"
tmux_wait "$sess" "$(twin_re roceP2p1s0f1 enP2p1s0f1np1 Down)" 10 || fail "after unplug, enP2p1s0f1np1 is not shown Down"
tmux_wait "$sess" 'Port 1: no cable' 5 || fail "after unplug, port 1 still says it sees a cable"
tmux_wait "$sess" 'PROBLEM: No ConnectX port is Up' 5 || fail "after unplug, the no-link finding is missing"
tmux_wait "$sess" 'reseat' 5 || fail "the no-link finding gives no fix"

step "plug: both Up again, finding gone"
"$SPARKLAB" plug spark-1 p1 || fail "sparklab plug"
tmux_wait "$sess" "$(twin_re rocep1s0f1 enp1s0f1np1 Up)" 10 || fail "after plug, enp1s0f1np1 is not shown Up"
tmux_wait "$sess" "$(twin_re roceP2p1s0f1 enP2p1s0f1np1 Up)" 10 || fail "after plug, enP2p1s0f1np1 is not shown Up"
tmux_wait_gone "$sess" 'No ConnectX port is Up' 5 || fail "after plug, the no-link finding stays"

step "ip addr add: the address appears with no key press"
lx spark-1 ip addr add 192.168.100.10/24 dev enp1s0f1np1 || fail "ip addr add"
tmux_wait "$sess" "enp1s0f1np1 +Up .*192\.168\.100\.10/24" 10 || fail "the new address did not appear on enp1s0f1np1"
lx spark-1 ip addr add 192.168.100.20/24 dev enP2p1s0f1np1 || fail "ip addr add (twin)"
tmux_wait "$sess" 'WARNING: One IPv4 subnet on two interfaces' 10 || fail "two twins in one /24 are not warned about"
lx spark-1 ip addr del 192.168.100.20/24 dev enP2p1s0f1np1
tmux_wait_gone "$sess" 'One IPv4 subnet' 10 || fail "the same-subnet warning stays after the address was removed"

step "resize: too small, then large again"
tmux_resize "$sess" 70 20
tmux_wait "$sess" 'Terminal too small: 70x20' 5 || fail "no 'terminal too small' message at 70x20"
tmux_resize "$sess" 150 40
tmux_wait "$sess" 'Port 1: cable seen' 5 || fail "the ports did not come back after enlarging"
tmux_wait "$sess" 'Peers' 5 || fail "the peers panel is missing at 150x40"
tmux_resize "$sess" 100 30
tmux_wait "$sess" 'F10 Quit' 5 || fail "the F-key bar is missing after resizing back"
tmux_keys "$sess" q
