#!/bin/bash
# lab_env: `sparklink env --write --on-peers` on the two-node lab after `apply --plan static`,
# judged on each node by its own tools:
# - the four files (hostfile, env.sh, env.list, env.json) in ~/sparklink-env on both nodes, owned
#   by the user (written under sudo), byte-identical on both (sha256sum);
# - env.sh sourced on each node: every interface named is up with an IPv4 address (ip -j addr),
#   VLLM_HOST_IP is that node's own address on NCCL_SOCKET_IFNAME, MASTER_ADDR is spark-1's, every
#   NCCL_IB_HCA device is in the node's RDMA tree (the fixture) and backs a cabled interface;
# - every hostfile address pings from every node;
# - a rail down: an error naming it (exit 1), nothing rewritten;
# - the console under sudo: e shows the hostfile and env.sh, w writes them as the user, p writes
#   them on the peer too (the job over the pairing's SSH; the log says so).
# The renderer: SPARKLAB_RENDERER (networkd or NetworkManager), else sparklab's default.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
D=/home/nvidia/sparklink-env

sl() { # sudo sparklink ARGS as nvidia on spark-1; stdin: the sudo passwords
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }

step "up (renderer ${SPARKLAB_RENDERER:-default}), pair spark-1 -> spark-2, apply the static plan"
# shellcheck disable=SC2046
lab_up 2 $([ -n "${SPARKLAB_RENDERER:-}" ] && printf -- '--renderer %s' "$SPARKLAB_RENDERER")
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" 10.77.0.2 \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
sl apply --plan static --peer 10.77.0.2 --password-stdin || fail "apply static: exit $?: $(out)"

step "env (printed), then env --write --on-peers under sudo"
sl env || fail "env: exit $?: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/env.out"
sl env --write --on-peers || fail "env --write --on-peers: exit $?: $(out)"
grep -q "^Peer ok .*spark-2" "$LAB_TMP/out" || fail "the peer did not get the files: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/write.out"
sums=()
for n in 1 2; do
	for f in hostfile env.sh env.list env.json; do
		[ "$(lx spark-$n stat -c '%U %a' "$D/$f")" = "nvidia 644" ] ||
			fail "spark-$n: $D/$f is not nvidia's 0644: $(lx spark-$n ls -la "$D")"
	done
	sums[n]=$(lx spark-$n sh -c "cd $D && sha256sum hostfile env.sh env.list env.json")
done
[ "${sums[1]}" = "${sums[2]}" ] || fail "the files differ between the nodes: ${sums[1]} / ${sums[2]}"
lx spark-1 python3 -c "import json; json.load(open('$D/env.json'))" || fail "env.json is not JSON"

step "every value, on each node, against ip -j addr and the node's RDMA tree"
for n in 1 2; do
	lxu spark-$n bash -c ". $D/env.sh && env" | grep -E '^(NCCL|GLOO|TP|UCX|OMPI|MASTER|VLLM)' \
		>"$LAB_TMP/env$n" || fail "spark-$n: env.sh cannot be sourced"
	lx spark-$n ip -j addr >"$LAB_TMP/ip$n"
	lx spark-$n python3 - "$LAB_TMP/env$n" "$LAB_TMP/ip$n" "$n" <<'PY' || fail "spark-$n: a value does not hold: $(cat "$LAB_TMP/env$n")"
import json, os, sys
env = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]))
ip = {i["ifname"]: i for i in json.load(open(sys.argv[2]))}
node = sys.argv[3]
v4 = lambda i: [a["local"] for a in ip[i]["addr_info"] if a["family"] == "inet"]
for i in env["UCX_NET_DEVICES"].split(","):
    assert i in ip and "LOWER_UP" in ip[i]["flags"] and v4(i), ("rail", i)
assert env["OMPI_MCA_btl_tcp_if_include"] == env["UCX_NET_DEVICES"]
boot = env["NCCL_SOCKET_IFNAME"]
assert env["GLOO_SOCKET_IFNAME"] == boot == env["TP_SOCKET_IFNAME"]
assert env["VLLM_HOST_IP"] in v4(boot), ("VLLM_HOST_IP", env["VLLM_HOST_IP"], v4(boot))
assert env["MASTER_ADDR"] == "10.77.0.1", env["MASTER_ADDR"]
root = "/run/sparklab-sysfs/class/infiniband"
cabled = set(env["UCX_NET_DEVICES"].split(","))
for d in env["NCCL_IB_HCA"].split(","):
    nets = os.listdir(os.path.join(root, d, "device", "net"))
    assert nets and set(nets) & cabled, ("hca", d, nets)
print("  note: spark-%s: %d variables hold" % (node, len(env)))
PY
done

step "every hostfile address pings from every node"
for n in 1 2; do
	while read -r a _; do
		lx spark-$n ping -c 1 -W 3 "$a" >/dev/null || fail "spark-$n cannot ping $a (hostfile)"
	done < <(lx spark-1 cat "$D/hostfile")
done

step "a rail down: env says which, exit 1, the files are left as they were"
"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "sparklab unplug failed"
sl env --write
rc=$?
"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "sparklab plug failed"
[ $rc -eq 1 ] || fail "env with p1 out: exit $rc, want 1: $(out)"
grep -q "enp1s0f1np1 is down" "$LAB_TMP/err" || fail "env does not name the rail that is down: $(out)"
[ "$(lx spark-1 sh -c "cd $D && sha256sum hostfile env.sh env.list env.json")" = "${sums[1]}" ] ||
	fail "a failed env changed the files"

step "the console under sudo: e shows the environment, w writes it as the user"
wait_until 20 "carrier back on enp1s0f1np1" sh -c "[ \"\$($SPARKLAB exec spark-1 -- cat /sys/class/net/enp1s0f1np1/carrier)\" = 1 ]"
lx spark-1 rm -rf "$D"
sess=sparkenv$$
trap 'tmux_stop "$sess"; lab_exit_trap' EXIT
san=()
[ -n "${ASAN_OPTIONS:-}" ] && san+=("ASAN_OPTIONS=$ASAN_OPTIONS")
[ -n "${LSAN_OPTIONS:-}" ] && san+=("LSAN_OPTIONS=$LSAN_OPTIONS")
TMUX_COLS=120 TMUX_ROWS=40 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- sudo -k \
	env SPARKLINK_SYSFS=/run/sparklab-sysfs "${san[@]}" "$SPARKLINK" ||
	fail "cannot start the console under sudo"
tmux_wait "$sess" 'password for nvidia' 10 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" '3 Addressing +\[done\]' 20 || fail "the console does not see the plan"
tmux_keys "$sess" e
tmux_wait "$sess" "NCCL_IB_HCA=rocep1s0f1,roceP2p1s0f1" 5 || fail "e does not show the variables"
tmux_wait "$sess" 'hostfile: 192\.168\.100\.10  192\.168\.100\.11' 2 || fail "e does not show the hostfile"
tmux_keys "$sess" w
wait_until 10 "the console's w to write ~/sparklink-env" lx spark-1 test -s "$D/env.json"
[ "$(lx spark-1 sh -c "cd $D && sha256sum hostfile env.sh env.list env.json")" = "${sums[1]}" ] ||
	fail "the console wrote other bytes than env --write"
[ "$(lx spark-1 stat -c '%U' "$D/env.sh")" = nvidia ] || fail "the console wrote as root"
lx spark-2 rm -rf "$D"
tmux_keys "$sess" e
tmux_wait "$sess" "p: here and on the peers" 5 || fail "e does not offer p (the peers too)"
tmux_keys "$sess" p
wait_until 15 "the console's p to write ~/sparklink-env on spark-2" lx spark-2 test -s "$D/env.json"
[ "$(lx spark-2 sh -c "cd $D && sha256sum hostfile env.sh env.list env.json")" = "${sums[1]}" ] ||
	fail "the console's p wrote other bytes on spark-2 than env --write --on-peers"
[ "$(lx spark-2 stat -c '%U %a' "$D/env.sh")" = "nvidia 644" ] || fail "p wrote on spark-2 not as nvidia's 0644"
tmux_keys "$sess" F8
tmux_wait "$sess" "Environment on spark-2: ~/sparklink-env/" 5 || fail "the log does not say the peer got the files"
tmux_keys "$sess" Escape
tmux_keys "$sess" Escape q
tmux_stop "$sess"

echo "---- sudo sparklink env (spark-1)"
cat "$LAB_TMP/env.out"
echo "---- sudo sparklink env --write --on-peers (spark-1)"
cat "$LAB_TMP/write.out"
echo "---- ~/sparklink-env/env.sh (both nodes)"
lx spark-1 cat "$D/env.sh"
step "ok"
