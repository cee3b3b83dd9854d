#!/bin/bash
# lab_console_cluster: three lab nodes in a ring, from zero to a verified ring and back, from the
# console alone (inside spark-1, as root through sudo), driven through tmux as a person would:
# Space marks spark-2 and spark-3, step 2 (Cabling) shows the cable map as seen from here (the
# peers' ports known once paired), p pairs the three as a mesh (each host key accepted, the
# password typed once and said to be the same on the other), the map then names every far port
# and the ring matches, a applies the ring plan to all three (each peer's sudo password, the
# preview, y), every rail answers, v pings them all again; r with s rolls everything back.
# Judged from outside on every node: ip -4 addr, ping -I on every rail both ways, ssh -o
# BatchMode=yes in every direction, and after the rollback the twins' addresses, MTU and flags
# and /etc/netplan's sha256 as before.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test ccluster
PW=${SPARKLAB_PASSWORD:-spark-lab}
IFS_CX="enp1s0f0np0 enP2p1s0f0np0 enp1s0f1np1 enP2p1s0f1np1"

snap() { # node: the twins' addresses, MTU and flags; the netplan files' sha256
	lx "$1" sh -c '
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s flags=%s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(ip -o link show dev $i | sed "s/.*<\([^>]*\)>.*/\1/")"
			ip -j addr show dev $i
			echo
		done
		cd /etc/netplan && sha256sum -- * 2>/dev/null' 2>&1
}
snap_all() { for n in 1 2 3; do snap "spark-$n" >"$LAB_TMP/$1.$n"; done; }
san_env() { # the sanitizer options the test runs with (sudo drops the environment)
	[ -n "${ASAN_OPTIONS:-}" ] && printf 'ASAN_OPTIONS=%s\n' "$ASAN_OPTIONS"
	[ -n "${LSAN_OPTIONS:-}" ] && printf 'LSAN_OPTIONS=%s\n' "$LSAN_OPTIONS"
	return 0
}
answer_sudo() { # type the password while sudo on a peer asks for it, until pattern shows
	local i
	for ((i = 0; i < 8; i++)); do
		tmux_wait "$sess" "Password for sudo|$1" 60 || return 1
		tmux_screen "$sess" | grep -q 'Password for sudo' || return 0
		sleep 0.2
		tmux_type "$sess" "$PW"
		tmux_keys "$sess" Enter
		sleep 0.5
	done
	return 1
}

step "a ring of three; the console in spark-1 with sudo"
lab_up 3 --cabling ring
snap_all before
# shellcheck disable=SC2046 # one word per variable
TMUX_COLS=150 TMUX_ROWS=50 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- sudo -k \
	env SPARKLINK_SYSFS=/run/sparklab-sysfs $(san_env) "$SPARKLINK" ||
	fail "cannot start the console under sudo"
tmux_wait "$sess" 'password for nvidia' 10 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'spark-2\.local .*on a cable' 20 || fail "spark-2 is not listed on a cable"
tmux_wait "$sess" 'spark-3\.local .*on a cable' 20 || fail "spark-3 is not listed on a cable"

step "Space marks spark-2 and spark-3: the peers panel is the cluster, step 2 the cable map"
tmux_keys "$sess" Tab Space Down Space Tab
tmux_wait "$sess" '\[x\] spark-2\.local' 5 || fail "spark-2 is not marked"
tmux_wait "$sess" '\[x\] spark-3\.local' 5 || fail "spark-3 is not marked"
tmux_wait "$sess" 'Cluster: 3 nodes' 5 || fail "the peers panel is not the cluster"
tmux_wait "$sess" 'spark-[23]: not paired: which of its ports' 5 || fail "step 2 does not name the node not paired"
tmux_wait "$sess" 'Not paired yet: spark-[23], spark-[23]' 5 || fail "step 4 does not name the nodes not paired"
tmux_keys "$sess" 2 Enter
tmux_wait "$sess" 'Step 2 Cabling: 3 nodes' 5 || fail "Enter on step 2 does not open the cable map"
tmux_wait "$sess" 'spark-1 \(this node\)' 2 || fail "the map does not show this node"
tmux_wait "$sess" 'p0 +enp1s0f0np0 Up .*-> spark-2, its port known once paired' 5 ||
	fail "the map does not show spark-1 p0 to spark-2 (its port unknown before pairing)"
tmux_wait "$sess" 'p1 +enp1s0f1np1 Up .*-> spark-3, its port known once paired' 5 ||
	fail "the map does not show spark-1 p1 to spark-3"
tmux_screen "$sess" >"$LAB_TMP/map-before.txt"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Step 2 Cabling: 3 nodes' 5 || fail "Esc did not close the map"

step "p pairs the three as a mesh: host keys accepted, the password once"
tmux_keys "$sess" p
tmux_wait "$sess" 'Pair a mesh of 3 nodes' 5 || fail "p did not open the mesh dialog"
tmux_keys "$sess" Enter
for i in 1 2; do
	tmux_wait "$sess" 'Host key of 10\.77\.0\.[23]: ssh-ed25519 SHA256:' 20 || fail "host key $i is not shown"
	tmux_keys "$sess" y
	sleep 0.3
done
tmux_wait "$sess" 'Password for nvidia@10\.77\.0\.[23] \(try 1 of 3\)' 15 || fail "no password field"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_screen "$sess" | grep -qF "$PW" && fail "the password is visible"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Is the password you gave for 10\.77\.0\.[23] the same' 15 || fail "no same-password question"
tmux_keys "$sess" y
tmux_wait "$sess" 'Enter or Esc: close' 60 || fail "the mesh did not finish"
tmux_screen "$sess" >"$LAB_TMP/mesh.txt"
grep -q 'verified all 6 directions between 3 nodes' "$LAB_TMP/mesh.txt" ||
	fail "not every direction verified: $(cat "$LAB_TMP/mesh.txt")"
[ "$(grep -c 'OK  .*hostname' "$LAB_TMP/mesh.txt")" -eq 6 ] ||
	fail "not six directions listed OK: $(cat "$LAB_TMP/mesh.txt")"
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Pair a mesh' 5 || fail "Enter did not close the mesh dialog"
tmux_wait "$sess" '4 SSH +\[done\]' 10 || fail "step 4 is not done after the mesh"

step "the map reads the peers' cables over SSH: every far port, the ring matches"
tmux_wait "$sess" 'The cables make the ring of 3 nodes' 30 || fail "step 2 does not say the ring matches"
tmux_keys "$sess" 2 Enter
tmux_wait "$sess" 'p0 +enp1s0f0np0 Up .*-> spark-2 p1' 10 || fail "the map does not show spark-1 p0 -> spark-2 p1"
tmux_wait "$sess" 'The cables match the ring topology' 5 || fail "the map does not say the ring matches"
sleep 1
tmux_screen "$sess" >"$LAB_TMP/map-after.txt"
tmux_keys "$sess" Escape

step "a: the ring plan on all three nodes (static-persistent, MTU 9000), every rail"
tmux_keys "$sess" a
tmux_wait "$sess" 'Addressing the cluster' 5 || fail "a did not open the cluster's addressing dialog"
tmux_wait "$sess" 'Enter: preview' 20 || fail "the dialog did not read the cables"
tmux_keys "$sess" m
tmux_wait "$sess" '\(\*\) 9000' 2 || fail "m did not choose MTU 9000"
tmux_keys "$sess" Enter
answer_sudo 'y: apply on every node' || fail "no preview: $(tmux_screen "$sess")"
tmux_wait "$sess" '== node 1: spark-1' 5 || fail "the preview does not show node 1"
tmux_keys "$sess" y
answer_sudo 'Enter or Esc: close' || fail "the apply did not finish: $(tmux_screen "$sess")"
tmux_wait "$sess" 'every rail answers both ways \(12\)' 5 || fail "not every rail answered: $(tmux_screen "$sess")"
tmux_keys "$sess" Enter
tmux_wait "$sess" '5 Verify +\[done\]' 10 || fail "step 5 is not done"

step "every node, from outside: six /24s, every rail both ways, ssh every direction"
addrs=$(for n in 1 2 3; do lx "spark-$n" sh -c 'for i in '"$IFS_CX"'; do
	ip -4 -o addr show dev $i | awk -v n='"$n"' "{print n, \$2, \$4}"; done'; done)
nets=$(echo "$addrs" | awk '{print $3}' | cut -d. -f3 | sort -n | uniq -c | awk '{print $1":"$2}' | tr '\n' ' ')
[ "$nets" = "2:0 2:1 2:2 2:3 2:4 2:5 " ] || fail "not six /24s with two ends each: $nets ($addrs)"
while read -r n ifn cidr; do
	ip=${cidr%/*} net=${ip%.*} me=${ip##*.}
	lx "spark-$n" ping -c 1 -W 2 -M do -s 8972 -I "$ifn" "$net.$((3 - me))" >/dev/null ||
		fail "spark-$n $ifn: no jumbo answer from $net.$((3 - me))"
done <<<"$addrs"
for a in 1 2 3; do for b in 1 2 3; do
	[ $a = $b ] && continue
	[ "$(lxu "spark-$a" ssh -o BatchMode=yes -o StrictHostKeyChecking=yes "10.77.0.$b" hostname)" = "spark-$b" ] ||
		fail "ssh -o BatchMode=yes spark-$a -> spark-$b does not work"
done; done

step "v verifies every rail again from both ends, keys only"
tmux_keys "$sess" v
tmux_wait "$sess" "Verify the cluster's rails" 5 || fail "v did not open the cluster's verify"
tmux_wait "$sess" 'every rail of the ring plan answers both ways \(12\)' 60 ||
	fail "the verify did not find every rail: $(tmux_screen "$sess")"
tmux_keys "$sess" Enter
tmux_wait "$sess" '5 Verify +\[done\]' 10 || fail "step 5 is not done after the verify"

step "r, s, y: everything rolled back on every node"
tmux_keys "$sess" r
tmux_wait "$sess" 'Would undo, newest first' 10 || fail "no list of what would be undone"
tmux_keys "$sess" s
tmux_wait "$sess" '\[x\] also undo SSH pairing lines' 5 || fail "s did not turn the SSH lines on"
tmux_wait "$sess" 'y: undo all of this' 10 || fail "the list did not come back"
tmux_keys "$sess" y
answer_sudo 'Done:|FAILED:' || fail "the rollback did not finish"
tmux_screen "$sess" | grep -q 'FAILED:' && fail "the rollback failed: $(tmux_screen "$sess")"
snap_all after
for n in 1 2 3; do
	cmp -s "$LAB_TMP/before.$n" "$LAB_TMP/after.$n" ||
		fail "spark-$n differs after the rollback: $(diff "$LAB_TMP/before.$n" "$LAB_TMP/after.$n")"
done
lxu spark-2 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=5 10.77.0.3 true 2>/dev/null &&
	fail "spark-2 -> spark-3 still works with keys after rolling back the SSH lines"
tmux_keys "$sess" Enter q
echo "---- the Cabling step before pairing"
cat "$LAB_TMP/map-before.txt"
echo "---- after the mesh"
cat "$LAB_TMP/map-after.txt"
exit 0
