#!/bin/bash
# lab_console_guide_jumbo: the guided console in a 100x30 terminal (the one-column layout, the
# steps in three columns) with persistent static addresses and MTU 9000: F2 pairs, Enter on step
# 3 chooses static-persistent and m (9000), y applies on both nodes; every rail answers with
# 8972-byte frames unfragmented; steps 1-5 done; ip addr, the netplan file and jumbo pings confirm
# it from outside. A planned address taken away by hand, or the MTU set back by hand, turns step 3
# to failing at once with the reason (and back). Step 6 opened, y: the network back to the state
# before, steps 3 and 5 to do, step 4 still done (the SSH lines were not asked for). Mouse clicks
# on the F-key bar and on a step act as the key and choose (then open) the step.
# Under both renderers ($SPARKLAB_RENDERER: lab_console_guide_jumbo on NetworkManager nodes,
# lab_console_guide_jumbo_networkd); on NetworkManager nodes nmcli also shows both twins under
# netplan's profiles after apply, and the list of profiles as before after the rollback.
# Screens are kept in $GUIDE_CAPTURES (default /tmp/sparklink-captures/guide-jumbo).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
. "$here/test_console_guide.inc"
lab_console_test cjumbo
PW=${SPARKLAB_PASSWORD:-spark-lab}
CAP=${GUIDE_CAPTURES:-/tmp/sparklink-captures/guide-jumbo}
mkdir -p "$CAP" && rm -f "$CAP"/*.txt
IFS2="enp1s0f1np1 enP2p1s0f1np1"

detail() { # REGEX: the chosen step's reason (under the three columns) matches
	tmux_wait "$sess" "$1" "${2:-10}" || fail "the chosen step's reason does not say /$1/"
}

step "up; the console in spark-1 with sudo, 100x30"
lab_up 2
renderer_of
state_of spark-1 net >"$LAB_TMP/before-1" || fail "cannot read spark-1's state"
state_of spark-2 net >"$LAB_TMP/before-2" || fail "cannot read spark-2's state"
start_console 100 30 nvidia
step_is 2 done
tmux_wait "$sess" 'PROBLEM|NOTE|WARNING|OK: nothing' 5 || fail "the findings are not in view at 100x30"
shot 01-start

step "F2 pairs (fingerprint, password): steps 1 and 4 done"
tmux_keys "$sess" F2
tmux_wait "$sess" 'Pair with spark-2\.local' 5 || fail "F2 did not open the pairing dialog"
pair_dialog
type_password 'Password for nvidia@10\.77\.0\.2 \(try 1 of 3\)'
tmux_wait "$sess" 'paired and verified both ways' 30 || fail "pairing did not succeed"
tmux_keys "$sess" Enter
step_is 1 done
step_is 4 done

step "Enter on step 3: static-persistent, MTU 9000, applied on both nodes, jumbo frames answer"
tmux_wait "$sess" '>3 Addressing' 5 || fail "the guide did not move on to step 3"
detail 'No addresses yet'
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Enter: preview' 5 || fail "Enter on step 3 did not open the addressing dialog"
tmux_keys "$sess" 3 m
tmux_wait "$sess" '\(\*\) 3 static-persistent' 2 || fail "3 did not choose static-persistent"
tmux_wait "$sess" '\(\*\) 9000' 2 || fail "m did not choose MTU 9000"
tmux_keys "$sess" Enter
sudo_password 20
tmux_wait "$sess" 'y: apply' 20 || fail "no preview"
tmux_wait "$sess" 'Plan: static-persistent, MTU 9000' 2 || fail "the preview does not name the plan"
shot 02-preview
tmux_keys "$sess" y
sudo_password 5
tmux_wait "$sess" 'Rail ok +enp1s0f1np1: 192\.168\.100\.10 -> 192\.168\.100\.11 answers, 8972-byte unfragmented' 60 ||
	fail "the rail enp1s0f1np1 does not answer jumbo frames"
tmux_wait "$sess" 'Rail ok +enP2p1s0f1np1: 192\.168\.101\.10 -> 192\.168\.101\.11 answers, 8972-byte' 10 ||
	fail "the rail enP2p1s0f1np1 does not answer jumbo frames"
shot 03-applied
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Addressing: this node' 5 || fail "Enter did not close the result"
for n in 1 2 3 4 5; do step_is $n done 15; done
tmux_keys "$sess" 3
detail 'The static-persistent plan with spark-2 is in place'
tmux_keys "$sess" 5
detail 'Every rail answers \(2\)'
shot 04-all-done

step "from outside: addresses, MTU 9000, the netplan file, jumbo pings both ways"
for n in 1 2; do
	for i in $IFS2; do
		lx spark-$n ip addr show dev "$i" | grep -q ' mtu 9000 ' || fail "spark-$n $i: MTU is not 9000"
		profile_is spark-$n "$i" "netplan-$i"
	done
	lx spark-$n grep -q 'mtu: 9000' /etc/netplan/40-cx7.yaml || fail "spark-$n's netplan file has no mtu: 9000"
done
lx spark-1 ip addr show dev enp1s0f1np1 | grep -q 'inet 192\.168\.100\.10/24 ' || fail "spark-1 lacks 192.168.100.10/24"
lx spark-2 ip addr show dev enP2p1s0f1np1 | grep -q 'inet 192\.168\.101\.11/24 ' || fail "spark-2 lacks 192.168.101.11/24"
lx spark-1 ping -c 1 -W 3 -M "do" -s 8972 -I enp1s0f1np1 192.168.100.11 >/dev/null ||
	fail "a jumbo ping spark-1 -> spark-2 on enp1s0f1np1 gets no answer"
lx spark-2 ping -c 1 -W 3 -M "do" -s 8972 -I enP2p1s0f1np1 192.168.101.10 >/dev/null ||
	fail "a jumbo ping spark-2 -> spark-1 on enP2p1s0f1np1 gets no answer"

step "a planned address or the MTU changed by hand: step 3 fails at once, with the reason"
tmux_keys "$sess" 3
lx spark-1 ip addr del 192.168.100.10/24 dev enp1s0f1np1 || fail "ip addr del"
step_is 3 FAILING 5
detail '192\.168\.100\.10/24 is missing from enp1s0f1np1'
shot 05-address-missing
lx spark-1 ip addr add 192.168.100.10/24 dev enp1s0f1np1 || fail "ip addr add"
step_is 3 done 5
lx spark-1 ip link set enP2p1s0f1np1 mtu 1500 || fail "ip link set mtu"
step_is 3 FAILING 5
detail 'enP2p1s0f1np1 has MTU 1500, the plan says 9000'
lx spark-1 ip link set enP2p1s0f1np1 mtu 9000 || fail "ip link set mtu 9000"
step_is 3 done 5

step "the mouse: a click on F8 in the bar shows the log; on step 6 chooses it, again opens it"
click 'F8 Log'
tmux_wait "$sess" 'Log /var/lib/sparklink/console\.log' 5 || fail "a click on F8 did not show the log"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Log /var/lib' 5 || fail "Esc did not close the log"
click '6 Rollback'
detail '6 Rollback: .*can be undone'
shot 06-step6-clicked
click '6 Rollback'
tmux_wait "$sess" 'Would undo, newest first' 15 || fail "a click on the chosen step 6 did not open the rollback"

step "y: the network back to the state before; steps 3 and 5 to do"
tmux_keys "$sess" y
sudo_password 10
tmux_wait "$sess" 'Done:|FAILED:' 90 || fail "the rollback did not finish"
shot 07-rolled-back
tmux_screen "$sess" | grep -q 'FAILED:' && fail "the rollback failed"
tmux_keys "$sess" Enter
step_is 3 "to do"
step_is 5 "to do"
step_is 4 done
for ((i = 0; i < 50; i++)); do
	state_of spark-1 net >"$LAB_TMP/after-1"
	state_of spark-2 net >"$LAB_TMP/after-2"
	cmp -s "$LAB_TMP/before-1" "$LAB_TMP/after-1" && cmp -s "$LAB_TMP/before-2" "$LAB_TMP/after-2" && break
	sleep 0.2
done
for n in 1 2; do
	diff -u "$LAB_TMP/before-$n" "$LAB_TMP/after-$n" >&2 || fail "spark-$n's network is not back to its state before"
done
[ "$(lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname)" = spark-2 ] ||
	fail "the rollback without s undid the SSH pairing"
shot 08-after-rollback
tmux_keys "$sess" q
console_gone || fail "q did not quit the console"
