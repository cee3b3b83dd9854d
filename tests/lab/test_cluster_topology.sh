#!/bin/bash
# lab_cluster_topology: the cable map as `sparklink topology` learns it (mDNS on the cable's
# link-local addresses, completed over SSH), and the two-node apply on each node's own cabled
# twins, judged with ip, ping -I and a before/after snapshot:
# - a ring of 3 (spark-i p0 to spark-(i+1) p1): every cable and both ends right, topology ring,
#   exit 0, --json says the same;
# - a ring cabled wrong (1p0-2p0, 2p1-3p0, 3p1-1p1): the map shows it, `--topology ring` says
#   which cables are p0-p0 and p1-p1, exit 1;
# - two nodes cabled spark-1 p1 to spark-2 p0: the map shows it; apply (static) addresses
#   spark-2's p0 twins, never its uncabled p1 twins; every rail answers both ways (ping -I);
#   rollback leaves both nodes as before.
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
		cd /etc/netplan && sha256sum -- * 2>/dev/null' 2>&1
}
has_v4() { lx "$1" ip -4 -o addr show dev "$2" | grep -q ' inet '; }

step "ring of 3: the map, the topology, exit 0"
lab_up 3 --cabling ring
pair_all 3
topo --peers 10.77.0.2,10.77.0.3
[ $rc -eq 0 ] || fail "topology of the ring: exit $rc: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/ring.txt"
grep -q '^topology: ring$' "$LAB_TMP/out" || fail "not seen as a ring: $(out)"
line_of spark-1 | grep -q 'p0 -> spark-2 p1 .*p1 -> spark-3 p0' || fail "spark-1's line: $(out)"
line_of spark-2 | grep -q 'p0 -> spark-3 p1 .*p1 -> spark-1 p0' || fail "spark-2's line: $(out)"
line_of spark-3 | grep -q 'p0 -> spark-1 p1 .*p1 -> spark-2 p0' || fail "spark-3's line: $(out)"
grep -q 'Down' "$LAB_TMP/out" && fail "a twin shown Down in a ring with every cable in: $(out)"
grep -q 'match the ring' "$LAB_TMP/out" || fail "no word that the cables match: $(out)"
topo --json # the peers from mDNS this time
[ $rc -eq 0 ] || fail "topology --json (peers from mDNS): exit $rc: $(out)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["topology"] == "ring", d["topology"]
assert len(d["nodes"]) == 3 and len(d["links"]) == 3, d
assert all(l["b_port"] is not None for l in d["links"]), d["links"]
assert d["problems"] == [], d["problems"]' "$LAB_TMP/out" || fail "topology --json: $(out)"
lab_down

step "a ring cabled wrong: the map says what is wrong, exit 1"
lab_up 3 --cabling 1p0-2p0,2p1-3p0,3p1-1p1
pair_all 3
topo --peers 10.77.0.2,10.77.0.3 --topology ring
[ $rc -eq 1 ] || fail "a wrong ring: exit $rc, want 1: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/wrong.txt"
grep -q 'spark-1 p0 is cabled to spark-2 p0: in a ring' "$LAB_TMP/out" || fail "p0-p0 not named: $(out)"
grep -q 'spark-1 p1 is cabled to spark-3 p1: in a ring' "$LAB_TMP/out" || fail "p1-p1 not named: $(out)"
lab_down

step "two nodes cabled spark-1 p1 to spark-2 p0: the map, then apply on spark-2's p0 twins"
lab_up 2 --cabling 1p1-2p0
pair_all 2
topo --peers 10.77.0.2
cp "$LAB_TMP/out" "$LAB_TMP/p1p0.txt"
line_of spark-1 | grep -q 'p0 -> no cable .*p1 -> spark-2 p0' || fail "spark-1's line: $(out)"
line_of spark-2 | grep -q 'p0 -> spark-1 p1 .*p1 -> no cable' || fail "spark-2's line: $(out)"
grep -q 'spark-1 p1 is cabled to spark-2 p0' "$LAB_TMP/out" || fail "the cross-cabling is not noted: $(out)"
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
done
lx spark-1 ip -4 -o addr show dev enp1s0f1np1 | grep -q ' 192\.168\.100\.10/24 ' ||
	fail "spark-1 enp1s0f1np1 has no 192.168.100.10"
for r in "spark-1 enp1s0f1np1 192.168.100.11" "spark-1 enP2p1s0f1np1 192.168.101.11" \
	"spark-2 enp1s0f0np0 192.168.100.10" "spark-2 enP2p1s0f0np0 192.168.101.10"; do
	set -- $r
	lx "$1" ping -c 1 -W 2 -I "$2" "$3" >/dev/null || fail "no answer on the rail $r"
done
printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" rollback --password-stdin \
	>"$LAB_TMP/out" 2>"$LAB_TMP/err" || fail "rollback failed: $(out)"
[ "$(snap spark-1)" = "$before1" ] || fail "spark-1 differs after rollback: $(diff <(echo "$before1") <(snap spark-1))"
[ "$(snap spark-2)" = "$before2" ] || fail "spark-2 differs after rollback: $(diff <(echo "$before2") <(snap spark-2))"
lab_down

for f in ring wrong p1p0; do
	echo "---- sparklink topology ($f)"
	cat "$LAB_TMP/$f.txt"
done
exit 0
