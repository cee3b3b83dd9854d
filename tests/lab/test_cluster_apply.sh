#!/bin/bash
# lab_cluster_apply: the cable map of a ring (`sparklink topology`) and `sparklink apply --peers`
# on it, judged with ip, ping -I, nmcli and a before/after snapshot of every node:
# - a ring of 3 (spark-i p0 to spark-(i+1) p1): `topology` sees every cable and both ends right,
#   topology ring, exit 0, --json says the same with the peers from mDNS; the dry run previews
#   every node and changes nothing; the static plan with MTU 9000 gives the six /24s of the
#   connect-three-sparks playbook (192.168.0.x to 192.168.5.x, every twin of every cable its own),
#   every rail of all three cables answers `ping -I` both ways (jumbo too); `status --json`
#   describes every node; `env --write --on-peers` writes the same bytes on all three
#   (sha256sum), each node's values hold against its own `ip -j addr` and RDMA fixture tree, each
#   node's hostfile pings from it; `bench --tcp --peers` runs each of spark-1's twins against the
#   node at its far end, in parallel, with per-twin, per-link and summed figures; rollback from
#   spark-1 reaches both peers and leaves all three nodes byte-identical to before (ip -j addr and
#   MTU of the twins, the sha256 of /etc/netplan); the same with static-persistent (each node's
#   own 40-cx7.yaml);
# - a ring cabled wrong (1p0-2p0, 2p1-3p0, 3p1-1p1): `topology --topology ring` says which cables
#   are p0-p0 and p1-p1, exit 1; apply --peers --topology ring says what is wrong and refuses
#   (exit 9) before changing anything on any node.
# (The maps were lab_cluster_topology's first two labs, the same cablings: one lab each now.)
# Under both renderers ($SPARKLAB_RENDERER: lab_cluster_apply on NetworkManager nodes,
# lab_cluster_apply_networkd). On NetworkManager nodes also: every twin of every node under the
# plan's profile (sparklink-IF for the runtime plan, netplan-IF for the persistent one), and
# NetworkManager's own state part of "as before" (the list of profiles, each twin's profile).
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
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
snap() { # node: the twins' addresses (ip -j), MTU and flags, the netplan files' sha256
	lx "$1" sh -c '
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s flags=%s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(ip -o link show dev $i | sed "s/.*<\([^>]*\)>.*/\1/")"
			ip -j addr show dev $i
			echo
		done
		cd /etc/netplan && sha256sum -- * 2>/dev/null
		[ '"$NM"' = 0 ] && exit 0
		# NetworkManager: its profiles (lo'"'"'s UUID is new at each start) and each twin'"'"'s
		nmcli -t -f NAME,UUID,TYPE con show | sed "s/^lo:[^:]*:/lo:(uuid):/" | sort
		for i in '"$IFS_CX"'; do printf "%s %s\n" $i "$(nmcli -g GENERAL.CONNECTION dev show $i)"; done' 2>&1
}
snap_all() { for n in 1 2 3; do snap "spark-$n" > "$LAB_TMP/$1.$n"; done; }
same_all() { # before-name after-name what
	local i
	# NetworkManager settles its automatic profiles some seconds after `netplan apply` restarts it
	for ((i = 0; NM && i < 40; i++)); do
		cmp -s "$LAB_TMP/$1.1" "$LAB_TMP/$2.1" && cmp -s "$LAB_TMP/$1.2" "$LAB_TMP/$2.2" &&
			cmp -s "$LAB_TMP/$1.3" "$LAB_TMP/$2.3" && break
		sleep 1
		snap_all "$2"
	done
	for n in 1 2 3; do
		cmp -s "$LAB_TMP/$1.$n" "$LAB_TMP/$2.$n" ||
			fail "spark-$n differs $3: $(diff "$LAB_TMP/$1.$n" "$LAB_TMP/$2.$n")"
	done
}
renderer_of() { # sets NM; on NetworkManager nodes waits for every cabled twin's automatic profile
	NM=0
	"$SPARKLAB" status | grep -q "^spark-1 .*renderer NetworkManager" && NM=1
	[ $NM = 1 ] || return 0
	auto_profiles() {
		local n i
		for n in 1 2 3; do
			for i in $IFS_CX; do
				lx spark-$n nmcli -g GENERAL.CONNECTION dev show $i | grep -qE '^Wired connection [0-9]+$' || return 1
			done
		done
	}
	wait_until 30 "the twins never got their automatic profiles" auto_profiles
}
profiles_are() { # PREFIX: on NetworkManager nodes, every twin of every node under PREFIX-IF
	[ $NM = 1 ] || return 0
	local n i p
	for n in 1 2 3; do
		for i in $IFS_CX; do
			p=$(lx spark-$n nmcli -g GENERAL.CONNECTION dev show $i)
			[ "$p" = "$1$i" ] || fail "spark-$n $i is under NetworkManager's profile '$p', not $1$i"
		done
	done
}
topo() { # ARGS: sparklink topology as nvidia on spark-1; rc in $rc
	lxu spark-1 "$SPARKLINK" topology "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	rc=$?
}
line_of() { grep "^$1 " "$LAB_TMP/out" | tr -s ' '; }
apply() { # ARGS: sudo sparklink apply on spark-1 (sudo's and each peer's password on stdin)
	printf '%s\n%s\n%s\n%s\n' "$PW" "$PW" "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" \
		apply --password-stdin "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	rc=$?
}
has() { # node ifname cidr
	lx "$1" ip -4 -o addr show dev "$2" | grep -q " ${3//./\\.} " ||
		fail "$1 $2 has no $3: $(lx "$1" ip -4 -o addr show)"
}

step "ring of 3: the map, the topology, exit 0 (renderer ${SPARKLAB_RENDERER:-NetworkManager, the default})"
lab_up 3 --cabling ring
renderer_of
note "renderer: $([ $NM = 1 ] && echo NetworkManager || echo networkd)"
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

step "ring of 3: dry run, apply static MTU 9000 on every node, every rail both ways"
snap_all before
apply --plan static --mtu 9000 --peers 10.77.0.2,10.77.0.3 --dry-run
[ $rc -eq 0 ] || fail "dry run: exit $rc: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/dry.txt"
for n in 1 2 3; do
	grep -q "^== node $n: spark-$n" "$LAB_TMP/out" || fail "no preview for spark-$n: $(out)"
done
grep -q 'subnet of its own' "$LAB_TMP/out" || fail "the preview does not say why: $(out)"
snap_all dry
same_all before dry "after a dry run"
apply --plan static --mtu 9000 --peers 10.77.0.2,10.77.0.3
[ $rc -eq 0 ] || fail "apply --peers on the ring: exit $rc: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/apply.txt"
[ "$(grep -c '^Rail ok:' "$LAB_TMP/out")" -eq 12 ] ||
	fail "not 12 rails (6 links, both ways) answered: $(out)"
profiles_are sparklink-
# connect-three-sparks: N1 0.1 1.1 2.1 3.1, N2 4.1 5.1 0.2 1.2, N3 2.2 3.2 4.2 5.2
# (spark-1 p0 -> spark-2 p1, spark-2 p0 -> spark-3 p1, spark-3 p0 -> spark-1 p1)
addrs=$(for n in 1 2 3; do lx "spark-$n" sh -c 'for i in '"$IFS_CX"'; do
	ip -4 -o addr show dev $i | awk -v n='"$n"' "{print n, \$2, \$4}"; done'; done)
echo "$addrs"
for n in 1 2 3; do
	for i in $IFS_CX; do
		[ "$(lx "spark-$n" cat /sys/class/net/$i/mtu)" = 9000 ] || fail "spark-$n $i MTU is not 9000"
	done
done
nets=$(echo "$addrs" | awk '{print $3}' | cut -d. -f3 | sort -n | uniq -c | awk '{print $1":"$2}' | tr '\n' ' ')
[ "$nets" = "2:0 2:1 2:2 2:3 2:4 2:5 " ] || fail "not six /24s with two ends each: $nets"
for n in 1 2 3; do # never two interfaces of one node in one subnet
	d=$(echo "$addrs" | awk -v n=$n '$1==n {print $3}' | cut -d. -f3 | sort | uniq -d)
	[ -z "$d" ] || fail "spark-$n has two interfaces in 192.168.$d.0/24"
done
while read -r n ifn cidr; do # every twin pings its far end, jumbo and bound to the interface
	ip=${cidr%/*} net=${ip%.*} me=${ip##*.}
	peer="$net.$((3 - me))"
	lx "spark-$n" ping -c 1 -W 2 -M do -s 8972 -I "$ifn" "$peer" >/dev/null ||
		fail "spark-$n $ifn: no jumbo answer from $peer"
done <<<"$addrs"
echo "$addrs" | grep -q '^1 enp1s0f0np0 192.168.0.1/24$' || fail "spark-1 p0 is not 192.168.0.1: $addrs"
echo "$addrs" | grep -q '^2 enp1s0f1np1 192.168.0.2/24$' || fail "spark-2 p1 is not 192.168.0.2: $addrs"
status_json() { # status --json as root on spark-1 into $LAB_TMP/status.json
	printf '%s\n' "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" status --json \
		>"$LAB_TMP/status.json" 2>"$LAB_TMP/err" || fail "status --json: $(cat "$LAB_TMP/err")"
}
status_json
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cluster"]
assert c["topology"] == "ring" and c["mtu"] == 9000 and c["kind"] == "static", c
assert [n["name"] for n in c["nodes"]] == ["spark-1", "spark-2", "spark-3"], c
assert [n["host"] for n in c["nodes"]] == ["local", "10.77.0.2", "10.77.0.3"], c
assert all(len(n["interfaces"]) == 4 for n in c["nodes"]), c' "$LAB_TMP/status.json" ||
	fail "status --json does not describe every node: $(cat "$LAB_TMP/status.json")"

step "env on the ring: every value against each node's ip and RDMA tree, the files the same on all"
D=/home/nvidia/sparklink-env
sl1() { # sudo sparklink ARGS as nvidia on spark-1
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
sl1 env || fail "env on the ring: exit $?: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/env.txt"
sl1 env --bootstrap cable
[ $? -eq 1 ] && grep -q "a ring has no cable subnet every node shares" "$LAB_TMP/err" ||
	fail "env --bootstrap cable on a ring is not refused with the reason: $(out)"
sl1 env --write --on-peers || fail "env --write --on-peers on the ring: exit $?: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/envwrite.txt"
cat "$LAB_TMP/err" >>"$LAB_TMP/envwrite.txt"
[ "$(grep -c '^Peer ok' "$LAB_TMP/out")" -eq 2 ] || fail "not both peers got the files: $(out)"
FILES="hostfile hostfile.spark-1 hostfile.spark-2 hostfile.spark-3 env.sh env.list env.json"
for n in 1 2 3; do
	for f in $FILES; do
		[ "$(lx spark-$n stat -c '%U %a' "$D/$f")" = "nvidia 644" ] ||
			fail "spark-$n: $D/$f is not nvidia's 0644: $(lx spark-$n ls -la "$D")"
	done
	lx spark-$n sh -c "cd $D && sha256sum $FILES" >"$LAB_TMP/sums$n"
done
cmp -s "$LAB_TMP/sums1" "$LAB_TMP/sums2" && cmp -s "$LAB_TMP/sums1" "$LAB_TMP/sums3" ||
	fail "the files differ between the nodes: $(cat "$LAB_TMP/sums1" "$LAB_TMP/sums2" "$LAB_TMP/sums3")"
lx spark-1 cmp -s "$D/hostfile" "$D/hostfile.spark-1" || fail "hostfile is not spark-1's own view"
# the three nodes are cabled alike: what each peer said of itself (read over SSH) agrees with
# spark-1's own, so the devices are written once and only VLLM_HOST_IP is per node
lx spark-1 grep -qx "export NCCL_IB_HCA='rocep1s0f0,roceP2p1s0f0,rocep1s0f1,roceP2p1s0f1'" "$D/env.sh" ||
	fail "NCCL_IB_HCA is not the same on every node: $(lx spark-1 cat "$D/env.sh")"
[ "$(lx spark-1 grep -c "^spark-[123]) export VLLM_HOST_IP='10\.77\.0\.[123]' ;;$" "$D/env.sh")" -eq 3 ] ||
	fail "env.sh does not set VLLM_HOST_IP per node, and only it: $(lx spark-1 cat "$D/env.sh")"
for n in 1 2 3; do
	lxu spark-$n bash -c ". $D/env.sh && env" | grep -E '^(NCCL|GLOO|TP|UCX|OMPI|MASTER|VLLM)' \
		>"$LAB_TMP/env$n" || fail "spark-$n: env.sh cannot be sourced"
	lx spark-$n ip -j addr >"$LAB_TMP/ip$n"
	lx spark-$n cat "$D/hostfile.spark-$n" >"$LAB_TMP/hosts$n"
	for m in 1 2 3; do lx spark-$m ip -j addr >"$LAB_TMP/ip$n.$m"; done
	lx spark-$n python3 - "$LAB_TMP" "$n" <<'PY' || fail "spark-$n: a value does not hold: $(cat "$LAB_TMP/env$n")"
import json, os, sys
tmp, node = sys.argv[1], sys.argv[2]
env = dict(l.rstrip("\n").split("=", 1) for l in open("%s/env%s" % (tmp, node)))
ip = {i["ifname"]: i for i in json.load(open("%s/ip%s" % (tmp, node)))}
v4 = lambda i: [a["local"] for a in ip[i]["addr_info"] if a["family"] == "inet"]
cabled = {i for i in ip if any(a.startswith("192.168.") for a in v4(i))}
rails = env["UCX_NET_DEVICES"].split(",")
assert set(rails) == cabled and len(rails) == 4, ("rails", rails, cabled)
for i in rails:
    assert "LOWER_UP" in ip[i]["flags"], ("down", i)
assert env["OMPI_MCA_btl_tcp_if_include"] == env["UCX_NET_DEVICES"]
boot = env["NCCL_SOCKET_IFNAME"]
assert env["GLOO_SOCKET_IFNAME"] == boot == env["TP_SOCKET_IFNAME"] == "enP7s7", boot
assert env["VLLM_HOST_IP"] in v4(boot) and env["VLLM_HOST_IP"] == "10.77.0." + node, env["VLLM_HOST_IP"]
assert env["MASTER_ADDR"] == "10.77.0.1", env["MASTER_ADDR"]
assert env["NCCL_IB_SUBNET_AWARE_ROUTING"] == "1"
# both twins of every cabled port: exactly the RDMA devices whose netdev is cabled
root = "/run/sparklab-sysfs/class/infiniband"
want = {d for d in os.listdir(root) if set(os.listdir(os.path.join(root, d, "device", "net"))) & cabled}
hca = env["NCCL_IB_HCA"].split(",")
assert set(hca) == want and len(hca) == len(want) == 4, ("hca", hca, want)
# the node's own hostfile: one line per node, each that node's address, its own first
hosts = [l.split()[0] for l in open("%s/hosts%s" % (tmp, node))]
assert len(hosts) == 3, hosts
for m, a in enumerate(hosts, 1):
    theirs = {x["local"] for i in json.load(open("%s/ip%s.%d" % (tmp, node, m))) for x in i.get("addr_info", [])}
    assert a in theirs, ("hostfile line", m, a)
print("  note: spark-%s: %d variables hold, hostfile %s" % (node, len(env), " ".join(hosts)))
PY
	while read -r a _; do
		lx spark-$n ping -c 1 -W 2 "$a" >/dev/null || fail "spark-$n cannot ping $a (its hostfile)"
	done <"$LAB_TMP/hosts$n"
done

step "bench --tcp on the ring: each twin of spark-1 against the node at its far end, in parallel"
lxu spark-1 "$SPARKLINK" bench --tcp --peers 10.77.0.2,10.77.0.3 --seconds 3 \
	>"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 10 ] || fail "bench --tcp --peers: exit $rc: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/bench.txt"
python3 - "$LAB_TMP/out" "$addrs" <<'PY' || fail "bench on the ring: the figures are not what they should be: $(out)"
import re, sys
t, addrs = open(sys.argv[1]).read(), sys.argv[2]
# spark-1's twins and the far end of each: the other node's address in the twin's /24
mine = {l.split()[1]: l.split()[2].split("/")[0] for l in addrs.splitlines() if l.startswith("1 ")}
far = {}
for l in addrs.splitlines():
    n, ifn, cidr = l.split()
    if n != "1":
        for i, a in mine.items():
            if a.rsplit(".", 1)[0] == cidr.split("/")[0].rsplit(".", 1)[0]:
                far[i] = (cidr.split("/")[0], "10.77.0." + n)
tw = {m.group(1): (m.group(2), m.group(3), float(m.group(4))) for m in re.finditer(
    r"^Twin ok\s+(\S+) -> (\S+) on (\S+): ([0-9.]+) Gb/s$", t, re.M)}
assert len(tw) == 4 and set(tw) == set(far), (tw, far)
for i, (a, host, g) in tw.items():
    assert (a, host) == far[i] and g > 0, (i, a, host, g, far[i])
links = {m.group(1): float(m.group(2)) for m in re.finditer(r"^Link to (\S+): .* = ([0-9.]+) Gb/s$", t, re.M)}
for host in ("10.77.0.2", "10.77.0.3"):
    s = sum(g for a, h, g in tw.values() if h == host)
    assert abs(links[host] - s) <= 0.011 * 2, (host, links, s)
total = float(re.search(r"^Sum: ([0-9.]+) Gb/s$", t, re.M).group(1))
assert abs(sum(g for _, _, g in tw.values()) - total) <= 0.011 * 4, (tw, total)
print("  note: " + ", ".join("%s->%s %.2f" % (i, v[0], v[2]) for i, v in sorted(tw.items())) + "; sum %.2f" % total)
PY
for n in 2 3; do
	lx spark-$n sh -c 'pgrep -x iperf3' >/dev/null && fail "an iperf3 server is left running on spark-$n"
done
sl1 bench --tcp --seconds 1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 10 ] || fail "sudo bench --tcp with the cluster plan: exit $rc: $(out)"
[ "$(grep -c '^Twin ok.* on spark-[23]: ' "$LAB_TMP/out")" -eq 4 ] ||
	fail "sudo bench --tcp did not take the plan's peers: $(out)"
printf '%s\n%s\n%s\n' "$PW" "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" rollback \
	--password-stdin >"$LAB_TMP/out" 2>"$LAB_TMP/err" || fail "rollback failed: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/rollback.txt"
grep -q refused "$LAB_TMP/out" && fail "rollback refused a record: $(out)"
snap_all after
same_all before after "after rollback"
status_json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["cluster"] is None' \
	"$LAB_TMP/status.json" || fail "status --json after rollback: $(cat "$LAB_TMP/status.json")"
apply --peers 10.77.0.2,10.77.0.3 # static-persistent: each node's own 40-cx7.yaml
[ $rc -eq 0 ] || fail "apply --peers static-persistent: exit $rc: $(out)"
[ "$(grep -c '^Rail ok:' "$LAB_TMP/out")" -eq 12 ] || fail "static-persistent: not 12 rails: $(out)"
profiles_are netplan-
for n in 1 2 3; do
	y=$(lx "spark-$n" cat /etc/netplan/40-cx7.yaml)
	echo "$y" | grep -q "spark-$n's part of the cluster" || fail "spark-$n's 40-cx7.yaml: $y"
	[ "$(echo "$y" | grep -c 'addresses: \[192\.168\.[0-5]\.[12]/24\]')" -eq 4 ] ||
		fail "spark-$n's 40-cx7.yaml has not its four addresses: $y"
done
printf '%s\n%s\n%s\n' "$PW" "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" rollback \
	--password-stdin >"$LAB_TMP/out" 2>"$LAB_TMP/err" || fail "rollback (persistent) failed: $(out)"
snap_all after2
same_all before after2 "after the persistent plan's rollback"
lab_down

step "a ring cabled wrong: the map says what is wrong (exit 1); apply --peers --topology ring refuses before any change"
lab_up 3 --cabling 1p0-2p0,2p1-3p0,3p1-1p1
renderer_of
pair_all 3
topo --peers 10.77.0.2,10.77.0.3 --topology ring
[ $rc -eq 1 ] || fail "topology of a wrong ring: exit $rc, want 1: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/wrongmap.txt"
grep -q 'spark-1 p0 is cabled to spark-2 p0: in a ring' "$LAB_TMP/out" || fail "p0-p0 not named: $(out)"
grep -q 'spark-1 p1 is cabled to spark-3 p1: in a ring' "$LAB_TMP/out" || fail "p1-p1 not named: $(out)"
snap_all before
apply --plan static --peers 10.77.0.2,10.77.0.3 --topology ring
[ $rc -eq 9 ] || fail "a wrong ring: exit $rc, want 9: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/wrong.txt"
cat "$LAB_TMP/err" >>"$LAB_TMP/wrong.txt"
grep -q 'spark-1 p0 is cabled to spark-2 p0: in a ring' "$LAB_TMP/out" || fail "p0-p0 not named: $(out)"
grep -q 'nothing was changed' "$LAB_TMP/err" || fail "no word that nothing changed: $(out)"
snap_all after
same_all before after "after a refused apply"
lab_down

for f in ring wrongmap dry apply env envwrite bench rollback wrong; do
	echo "---- $f"
	cat "$LAB_TMP/$f.txt"
done
exit 0
