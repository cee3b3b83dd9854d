#!/bin/bash
# lab_bench: `sparklink bench` on the two-node lab after `apply --plan static` (both twins of p1
# cabled, each on its own /24), judged by what the user reads and by the numbers themselves:
# - RDMA mode: the lab has no RDMA device (libibverbs lists none): "no RDMA devices", exit 11;
# - --tcp as the user (no root), iperf3 servers on spark-2 over the pairing's SSH: both rails
#   carry traffic (a figure > 0 each), the per-rail figures add up to the sum printed, the
#   result is in `status --json` (bench) and the plan's peer is used under sudo without --peer;
# - a cable pulled during the run: the rail is reported (its carrier changed), exit 10;
# - no iperf3 (a PATH without it): the package to install, exit 12.
# The renderer: SPARKLAB_RENDERER (networkd or NetworkManager), else sparklab's default.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
T1=enp1s0f1np1 T2=enP2p1s0f1np1

sl() { # sudo sparklink ARGS as nvidia on spark-1; stdin: the sudo passwords
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
ul() { lxu spark-1 "$SPARKLINK" "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null; }
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
# the figures: "Twin ok   IF -> ADDR: N Gb/s" lines and "Sum: N Gb/s"
figures_add_up() { # what
	python3 - "$LAB_TMP/out" <<'EOF' || fail "$1: the figures are not what they should be: $(out)"
import re, sys
t = open(sys.argv[1]).read()
tw = {m.group(1): float(m.group(2)) for m in re.finditer(r"^Twin ok\s+(\S+) -> \S+: ([0-9.]+) Gb/s$", t, re.M)}
assert set(tw) == {"enp1s0f1np1", "enP2p1s0f1np1"}, tw
assert all(v > 0 for v in tw.values()), tw
s = float(re.search(r"^Sum: ([0-9.]+) Gb/s$", t, re.M).group(1))
assert abs(sum(tw.values()) - s) <= 0.011 * len(tw), (tw, s)
print("  note: %s = %.2f Gb/s" % (" + ".join("%s %.2f" % kv for kv in tw.items()), s))
EOF
}

step "up (renderer ${SPARKLAB_RENDERER:-default}), pair spark-1 -> spark-2, apply the static plan"
# shellcheck disable=SC2046
lab_up 2 $([ -n "${SPARKLAB_RENDERER:-}" ] && printf -- '--renderer %s' "$SPARKLAB_RENDERER")
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" 10.77.0.2 \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
sl apply --plan static --peer 10.77.0.2 --password-stdin || fail "apply static: exit $?: $(out)"
[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "apply: two rails should answer: $(out)"

step "RDMA mode: no RDMA devices in the lab, exit 11"
ul bench --peer 10.77.0.2
rc=$?
[ $rc -eq 11 ] || fail "bench (RDMA) in the lab: exit $rc, want 11: $(out)"
grep -q "no RDMA devices" "$LAB_TMP/err" || fail "bench (RDMA) does not say 'no RDMA devices': $(out)"
grep -q -- "--tcp" "$LAB_TMP/err" || fail "bench (RDMA) does not point to --tcp: $(out)"

step "--tcp as the user: iperf3 on both rails in parallel"
ul bench --tcp --peer 10.77.0.2 --seconds 3
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 10 ] || fail "bench --tcp: exit $rc: $(out)"
figures_add_up "bench --tcp"
grep -q "192.168.100.11" "$LAB_TMP/out" && grep -q "192.168.101.11" "$LAB_TMP/out" ||
	fail "bench --tcp did not use the peer's rail addresses: $(out)"
grep -q "TCP figures are not RDMA figures" "$LAB_TMP/out" || fail "no word that TCP is not RDMA: $(out)"
lx spark-2 sh -c 'pgrep -x iperf3' >/dev/null && fail "an iperf3 server is left running on spark-2"
cp "$LAB_TMP/out" "$LAB_TMP/bench.out"

step "--tcp under sudo: the plan's rails and peer, no --peer; status --json shows the bench"
sl bench --tcp --seconds 2
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 10 ] || fail "sudo bench --tcp: exit $rc: $(out)"
figures_add_up "sudo bench --tcp"
sl status --json || fail "status --json: exit $?: $(out)"
python3 - "$LAB_TMP/out" <<'EOF' || fail "status --json lacks the bench: $(out)"
import json, sys
b = json.load(open(sys.argv[1]))["bench"]
assert b["mode"] == "tcp" and b["sum_mbps"] > 0 and len(b["twins"]) == 2, b
assert all(t["ran"] and t["mbps"] > 0 for t in b["twins"]), b
assert b["text"].startswith("bandwidth "), b
EOF
[ "$(lx spark-1 stat -c '%U %a' /var/lib/sparklink/bench.json)" = "root 600" ] ||
	fail "bench.json under sudo is not root's 0600"
[ "$(lx spark-1 stat -c '%U %a' /home/nvidia/.local/state/sparklink/bench.json)" = "nvidia 600" ] ||
	fail "bench.json of the user's run is not the user's 0600"

step "a cable pulled during the run: reported, exit 10"
lxu spark-1 "$SPARKLINK" bench --tcp --peer 10.77.0.2 --seconds 4 >"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null &
pid=$!
lab_on_exit "kill $pid 2>/dev/null"
sleep 2.5
"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "sparklab unplug failed"
wait $pid
rc=$?
"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "sparklab plug failed"
[ $rc -eq 10 ] || fail "bench with a cable pulled: exit $rc, want 10: $(out)"
grep -Eq "$T1 (lost|changed) its carrier during the run" "$LAB_TMP/out" ||
	fail "the pulled rail $T1 is not reported: $(out)"
grep -q "^Twin FAIL" "$LAB_TMP/out" || fail "no rail failed with its cable pulled: $(out)"
cp "$LAB_TMP/out" "$LAB_TMP/pulled.out"
wait_until 20 "carrier back on $T1" sh -c "[ \"\$($SPARKLAB exec spark-1 -- cat /sys/class/net/$T1/carrier)\" = 1 ]"

step "iperf3 missing here: the package named, exit 12"
lxu spark-1 env PATH=/nonexistent "$SPARKLINK" bench --tcp --peer 10.77.0.2 --seconds 1 \
	>"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null
rc=$?
[ $rc -eq 12 ] || fail "bench without iperf3: exit $rc, want 12: $(out)"
grep -q "install the package iperf3" "$LAB_TMP/err" || fail "the package is not named: $(out)"

echo "---- bench --tcp (the user, spark-1 -> spark-2)"
cat "$LAB_TMP/bench.out"
echo "---- bench --tcp with p1 pulled after 2.5 s"
cat "$LAB_TMP/pulled.out"
step "ok"
