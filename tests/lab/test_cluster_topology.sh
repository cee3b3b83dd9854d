#!/bin/bash
# lab_cluster_topology: the cable map as `sparklink topology` learns it (mDNS on the cable's
# link-local addresses, completed over SSH) for two nodes cabled spark-1 p1 to spark-2 p0, and
# the two-node apply on each node's own cabled twins, judged with ip, ping -I, nmcli and a
# before/after snapshot: the map shows the cross-cabling; apply (static) addresses spark-2's p0
# twins, never its uncabled p1 twins; every rail answers both ways (ping -I); rollback leaves both
# nodes as before. (The ring of 3 and the wrong ring are mapped in lab_cluster_apply's labs of the
# same cabling, before its apply --peers: one lab each instead of two.)
# Under both renderers ($SPARKLAB_RENDERER: lab_cluster_topology on NetworkManager nodes,
# lab_cluster_topology_networkd); on NetworkManager nodes also: the cabled twins under sparklink's
# in-memory profiles (nmcli), the uncabled ones not, and NetworkManager's list of profiles and each
# twin's profile as before after the rollback. And a map read while the cable's ends are silent
# on mDNS (spark-2's avahi stopped): the ports said Up with no answer, read again, refused (topology
# and apply's dry run); avahi started while it reads again: the cable found. On NetworkManager
# nodes: spark-2's p0 twins disconnected (no IPv6 link-local): the map says so and gives the
# command; after it, the map is right again.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
IFS_CX="enp1s0f0np0 enP2p1s0f0np0 enp1s0f1np1 enP2p1s0f1np1"

pair_all() { # N: pair spark-1 with spark-2..N over the LAN
	local i fp
	for i in $(seq 2 "$1"); do
		fp=$(lx "spark-$i" ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
		printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin \
			--accept-fingerprint "$fp" "10.77.0.$i" >"$LAB_TMP/pair.out" 2>&1 ||
			fail "pairing spark-1 with spark-$i failed: $(cat "$LAB_TMP/pair.out")"
	done
}
topo() { # ARGS: sparklink topology as nvidia on spark-1; rc in $rc
	lxu spark-1 "$SPARKLINK" topology "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	rc=$?
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
line_of() { grep "^$1 " "$LAB_TMP/out" | tr -s ' '; }
snap() { # node: addresses, MTU, flags of the four twins, netplan files
	lx "$1" sh -c '
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s flags=%s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(ip -o link show dev $i | sed "s/.*<\([^>]*\)>.*/\1/")"
			ip -o addr show dev $i | awk "{print \$2, \$3, \$4}" | sort
		done
		cd /etc/netplan && sha256sum -- * 2>/dev/null
		[ '"$NM"' = 0 ] && exit 0
		nmcli -t -f NAME,UUID,TYPE con show | sed "s/^lo:[^:]*:/lo:(uuid):/" | sort
		for i in '"$IFS_CX"'; do printf "%s %s\n" $i "$(nmcli -g GENERAL.CONNECTION dev show $i)"; done' 2>&1
}
same_as() { # node before: the snapshot equals before (NetworkManager nodes: within 40 s, as it
	# settles its automatic profiles)
	local i
	for ((i = 0; NM && i < 40; i++)); do
		[ "$(snap "$1")" = "$2" ] && return 0
		sleep 1
	done
	[ "$(snap "$1")" = "$2" ] || fail "$1 differs after rollback: $(diff <(echo "$2") <(snap "$1"))"
}
profile_of() { lx "$1" nmcli -g GENERAL.CONNECTION dev show "$2"; }
has_v4() { lx "$1" ip -4 -o addr show dev "$2" | grep -q ' inet '; }

step "two nodes cabled spark-1 p1 to spark-2 p0: the map, then apply on spark-2's p0 twins"
lab_up 2 --cabling 1p1-2p0
NM=0
"$SPARKLAB" status | grep -q "^spark-1 .*renderer NetworkManager" && NM=1
note "renderer: $([ $NM = 1 ] && echo NetworkManager || echo networkd)"
if [ $NM = 1 ]; then # the state before: the cabled twins under their automatic profiles
	auto_profiles() {
		local r
		for r in "spark-1 enp1s0f1np1" "spark-1 enP2p1s0f1np1" "spark-2 enp1s0f0np0" "spark-2 enP2p1s0f0np0"; do
			set -- $r
			profile_of "$1" "$2" | grep -qE '^Wired connection [0-9]+$' || return 1
		done
	}
	wait_until 30 "the cabled twins never got their automatic profiles" auto_profiles
fi
pair_all 2
topo --peers 10.77.0.2
cp "$LAB_TMP/out" "$LAB_TMP/p1p0.txt"
line_of spark-1 | grep -q 'p0 -> no cable .*p1 -> spark-2 p0' || fail "spark-1's line: $(out)"
line_of spark-2 | grep -q 'p0 -> spark-1 p1 .*p1 -> no cable' || fail "spark-2's line: $(out)"
grep -q 'spark-1 p1 is cabled to spark-2 p0' "$LAB_TMP/out" || fail "the cross-cabling is not noted: $(out)"

step "the cable's ends silent on mDNS (spark-2's avahi stopped): 'no mDNS answer', read again, refused"
# What a map read while nobody answers on a cable says: not "no cable" (the ports are Up), and
# apply refuses before changing anything. The same silence on both ends comes for a moment when
# NetworkManager's automatic profiles replace a port's address; here it lasts (avahi stopped).
"$SPARKLAB" daemon spark-2 avahi stop >/dev/null || fail "cannot stop spark-2's avahi-daemon"
topo --peers 10.77.0.2
[ $rc -eq 1 ] || fail "topology with spark-2 silent: exit $rc, not 1: $(out)"
line_of spark-1 | grep -q 'p1 -> ? (no mDNS answer)' || fail "spark-1's line: $(out)"
line_of spark-2 | grep -q 'p0 -> ? (no mDNS answer)' || fail "spark-2's line: $(out)"
grep -q 'spark-1 p1 (enp1s0f1np1) is Up but no node answered on it' "$LAB_TMP/out" ||
	fail "the silent port is not said: $(out)"
[ "$(grep -c 'reading .* again in' "$LAB_TMP/err")" = 2 ] || fail "not read again twice: $(out)"
lxu spark-1 "$SPARKLINK" apply --plan static --peers 10.77.0.2 --dry-run >"$LAB_TMP/out" 2>"$LAB_TMP/err"
rc=$?
[ $rc -eq 9 ] && grep -q 'refused: the cables do not match' "$LAB_TMP/err" &&
	grep -q 'spark-2 p0 (enp1s0f0np0) is Up but no node answered on it' "$LAB_TMP/out" ||
	fail "the dry run with spark-2 silent: exit $rc: $(out)"

step "spark-2's avahi back while the map is read again: the cable found, both readings kept"
lxu spark-1 "$SPARKLINK" topology --peers 10.77.0.2 >"$LAB_TMP/out" 2>"$LAB_TMP/err" &
topo_pid=$!
lab_on_exit '[ -n "$topo_pid" ] && kill "$topo_pid" 2>/dev/null'
wait_until 30 "topology never said it reads a node again" grep -q 'reading .* again in' "$LAB_TMP/err"
"$SPARKLAB" daemon spark-2 avahi start >/dev/null || fail "cannot start spark-2's avahi-daemon"
wait $topo_pid
rc=$? topo_pid=
[ $rc -eq 0 ] || fail "topology with spark-2's avahi back: exit $rc: $(out)"
line_of spark-1 | grep -q 'p0 -> no cable .*p1 -> spark-2 p0' || fail "spark-1's line: $(out)"
line_of spark-2 | grep -q 'p0 -> spark-1 p1 ' || fail "spark-2's line: $(out)"

if [ $NM = 1 ]; then
	step "spark-2's p0 twins disconnected (as NetworkManager leaves a port whose automatic profile gave up)"
	ll_of() { lx "$1" ip -6 -o addr show dev "$2" scope link | grep -v tentative; }
	for i in enp1s0f0np0 enP2p1s0f0np0; do
		lx spark-2 nmcli device disconnect "$i" >/dev/null || fail "nmcli device disconnect $i failed"
	done
	wait_until 20 "spark-2 enp1s0f0np0 kept its IPv6 link-local address" \
		sh -c "! $SPARKLAB exec spark-2 -- ip -6 -o addr show dev enp1s0f0np0 | grep -q fe80"
	topo --peers 10.77.0.2
	[ $rc -eq 1 ] || fail "topology with spark-2's p0 disconnected: exit $rc, not 1: $(out)"
	line_of spark-2 | grep -q 'p0 -> ? (no address)' || fail "spark-2's line: $(out)"
	grep -q 'spark-2 p0 (enp1s0f0np0) is Up but has no address at all' "$LAB_TMP/out" &&
		grep -q 'on spark-2 run: sudo nmcli device connect enp1s0f0np0' "$LAB_TMP/out" ||
		fail "the port without an address is not said with its fix: $(out)"
	for i in enp1s0f0np0 enP2p1s0f0np0; do # the fix the map gives (not waiting for DHCP)
		lx spark-2 nmcli -w 0 device connect "$i" >/dev/null || fail "nmcli device connect $i failed"
	done
	for i in enp1s0f0np0 enP2p1s0f0np0; do
		wait_until 30 "spark-2 $i has no IPv6 link-local address after nmcli device connect" ll_of spark-2 "$i"
	done
	topo --peers 10.77.0.2
	[ $rc -eq 0 ] && line_of spark-1 | grep -q 'p1 -> spark-2 p0' ||
		fail "topology after nmcli device connect: exit $rc: $(out)"
fi
before1=$(snap spark-1) before2=$(snap spark-2)
printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" apply --plan static \
	--peer 10.77.0.2 --password-stdin >"$LAB_TMP/out" 2>"$LAB_TMP/err"
rc=$?
[ $rc -eq 0 ] || fail "apply on 1p1-2p0: exit $rc: $(out)"
grep -q 'spark-1 p1 is cabled to spark-2 p0' "$LAB_TMP/out" || fail "the preview does not say it: $(out)"
lx spark-2 ip -4 -o addr show dev enp1s0f0np0 | grep -q ' 192\.168\.100\.11/24 ' ||
	fail "spark-2 enp1s0f0np0 has no 192.168.100.11: $(lx spark-2 ip -o addr)"
lx spark-2 ip -4 -o addr show dev enP2p1s0f0np0 | grep -q ' 192\.168\.101\.11/24 ' ||
	fail "spark-2 enP2p1s0f0np0 has no 192.168.101.11: $(lx spark-2 ip -o addr)"
for i in enp1s0f1np1 enP2p1s0f1np1; do
	has_v4 spark-2 "$i" && fail "spark-2's uncabled $i was addressed: $(lx spark-2 ip -o addr)"
	[ $NM = 0 ] || [ "$(profile_of spark-2 "$i")" != "sparklink-$i" ] ||
		fail "spark-2's uncabled $i is under sparklink's profile"
done
if [ $NM = 1 ]; then
	for r in "spark-1 enp1s0f1np1" "spark-1 enP2p1s0f1np1" "spark-2 enp1s0f0np0" "spark-2 enP2p1s0f0np0"; do
		set -- $r
		[ "$(profile_of "$1" "$2")" = "sparklink-$2" ] ||
			fail "$1 $2 is under NetworkManager's profile '$(profile_of "$1" "$2")', not sparklink-$2"
	done
fi
lx spark-1 ip -4 -o addr show dev enp1s0f1np1 | grep -q ' 192\.168\.100\.10/24 ' ||
	fail "spark-1 enp1s0f1np1 has no 192.168.100.10"
for r in "spark-1 enp1s0f1np1 192.168.100.11" "spark-1 enP2p1s0f1np1 192.168.101.11" \
	"spark-2 enp1s0f0np0 192.168.100.10" "spark-2 enP2p1s0f0np0 192.168.101.10"; do
	set -- $r
	lx "$1" ping -c 1 -W 2 -I "$2" "$3" >/dev/null || fail "no answer on the rail $r"
done
printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" rollback --password-stdin \
	>"$LAB_TMP/out" 2>"$LAB_TMP/err" || fail "rollback failed: $(out)"
same_as spark-1 "$before1"
same_as spark-2 "$before2"
if [ $NM = 1 ]; then
	step "spark-1's own p1 disconnected: discover finds nobody and says why, with the fix"
	for i in enp1s0f1np1 enP2p1s0f1np1; do
		lx spark-1 nmcli device disconnect "$i" >/dev/null || fail "nmcli device disconnect $i failed"
	done
	wait_until 20 "spark-1 enp1s0f1np1 kept its IPv6 link-local address" \
		sh -c "! $SPARKLAB exec spark-1 -- ip -6 -o addr show dev enp1s0f1np1 | grep -q fe80"
	lxu spark-1 "$SPARKLINK" discover --timeout 3 >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	rc=$?
	[ $rc -eq 3 ] && grep -q 'enp1s0f1np1 is Up but has no address at all' "$LAB_TMP/err" &&
		grep -q 'sudo nmcli device connect enp1s0f1np1' "$LAB_TMP/err" ||
		fail "discover with spark-1's p1 disconnected: exit $rc: $(out)"
fi
lab_down

for f in p1p0; do
	echo "---- sparklink topology ($f)"
	cat "$LAB_TMP/$f.txt"
done
exit 0
