#!/bin/bash
# lab_apply_nm: the runtime static plan on NetworkManager nodes (sparklab up --renderer
# NetworkManager: NetworkManager 1.52 renders netplan, its automatic "Wired connection N" DHCP
# profiles on the ConnectX ports, a 12 s DHCP timeout). As a user would judge it:
# - status --json and the preview name the renderer of both nodes, whether NetworkManager
#   manages each planned port and with which profile;
# - apply --plan static: on both nodes NetworkManager itself holds the plan (nmcli shows the
#   in-memory profile sparklink-IF active on each port), the addresses are still there after
#   NetworkManager's DHCP timeout has passed (waited >= 20 s: the lab's timeout is 12 s; on
#   DGX OS it is 45 s) and after an unplug and replug of the cable; every rail answers, jumbo too;
# - rollback: NetworkManager's own state exactly as before on both nodes: the list of
#   connections (nmcli -t -f NAME,UUID,TYPE,DEVICE con show), each port's managed state and
#   active profile, IPv4 addresses, MTU, addr_gen_mode, disable_ipv6;
# - kill -9 of sparklink between a journal record and its change: rollback restores the same.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
IFS_CX="enp1s0f0np0 enP2p1s0f0np0 enp1s0f1np1 enP2p1s0f1np1"
T1=enp1s0f1np1 T2=enP2p1s0f1np1

snap() { # node: NetworkManager's state and the ports' (IPv6 link-local left out: NetworkManager
	# removes and adds it again with each DHCP attempt of an automatic profile)
	lx "$1" sh -c '
		nmcli -t -f NAME,UUID,TYPE,DEVICE con show | sort
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s gen=%s dis6=%s %s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/addr_gen_mode)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/disable_ipv6)" \
				"$(nmcli -g GENERAL.CONNECTION,GENERAL.NM-MANAGED dev show $i 2>/dev/null | tr "\n" " ")"
			ip -4 -o addr show dev $i | awk "{print \$2, \$3, \$4}"
		done' 2>&1
}
sl() {
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
is_before() { [ "$(snap spark-1)" = "$before1" ] && [ "$(snap spark-2)" = "$before2" ]; }
same_as_before() { # what (NetworkManager settles its automatic profiles in a few seconds)
	local i
	for ((i = 0; i < 40; i++)); do
		is_before && return 0
		sleep 1
	done
	fail "$1: not as before after 40 s ($(out)):
spark-1: $(diff <(printf '%s\n' "$before1") <(snap spark-1))
spark-2: $(diff <(printf '%s\n' "$before2") <(snap spark-2))"
}
has_addr() { lx "$1" ip -4 -o addr show dev "$2" | grep -qF " $3 "; }
profile_on() { lx "$1" nmcli -g GENERAL.CONNECTION dev show "$2"; }
all_addrs() {
	for n in 1 2; do
		has_addr spark-$n $T1 192.168.100.1$((n - 1))/24 || return 1
		has_addr spark-$n $T2 192.168.101.1$((n - 1))/24 || return 1
	done
}

step "up with NetworkManager nodes, pair spark-1 -> spark-2"
lab_up 2 --renderer NetworkManager
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" 10.77.0.2 \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
has_profile() { [ -n "$(profile_on spark-1 $T1)" ] && [ -n "$(profile_on spark-2 $T1)" ]; }
wait_until 30 "the cabled ports never got their automatic profile" has_profile
before1=$(snap spark-1) before2=$(snap spark-2)
note "spark-2 before: $before2"

step "status --json with no plan: this node's renderer"
sl status --json || fail "status --json: $(out)"
python3 - "$LAB_TMP/out" <<'PY' || fail "status --json lacks the renderer: $(out)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["this_node"]["renderer"] == "NetworkManager", s["this_node"]
assert s["this_node"]["networkmanager_version"].startswith("1."), s["this_node"]
PY

step "dry run: the preview names the renderer, the managed ports and their profiles"
sl apply --plan static --peer 10.77.0.2 --dry-run --password-stdin || fail "dry run: $(out)"
for want in "spark-1: renderer NetworkManager 1." "spark-2: renderer NetworkManager 1." \
	"$T1 on spark-2: managed by NetworkManager, profile \"" "in-memory profile sparklink-$T1"; do
	grep -qF -- "$want" "$LAB_TMP/out" || fail "the preview lacks '$want': $(out)"
done
same_as_before "dry run"

step "apply static --mtu 9000: NetworkManager holds the plan on both nodes"
sl apply --plan static --mtu 9000 --peer 10.77.0.2 --password-stdin || fail "apply static: exit $?: $(out)"
[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "not every rail answered: $(out)"
grep -q "8972-byte unfragmented" "$LAB_TMP/out" || fail "no jumbo check: $(out)"
for n in 1 2; do
	for i in $T1 $T2; do
		[ "$(profile_on spark-$n $i)" = "sparklink-$i" ] || fail "spark-$n $i: profile $(profile_on spark-$n $i), want sparklink-$i"
		[ "$(lx spark-$n cat /sys/class/net/$i/mtu)" = 9000 ] || fail "spark-$n $i MTU is not 9000"
	done
done
all_addrs || fail "an address is missing right after apply"

step "NetworkManager's DHCP timeout (12 s in the lab) passes: waited 20 s, the addresses stay"
sleep 20
all_addrs || fail "NetworkManager removed an address after its DHCP timeout: $(snap spark-2)"

step "unplug and replug the cable: NetworkManager brings the plan back; every rail answers"
"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "unplug"
sleep 3
"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "plug"
wait_until 30 "the addresses did not come back after the replug: $(snap spark-2)" all_addrs
sl status --json || fail "status --json: $(out)"
python3 - "$LAB_TMP/out" "$T1" <<'PY' || fail "status --json after the replug: $(out)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["plan"]["kind"] == "static", s["plan"]
assert len(s["rails"]) == 2 and all(r["ok"] for r in s["rails"]), s["rails"]
assert s["this_node"]["renderer"] == "NetworkManager" and s["peer_node"]["renderer"] == "NetworkManager"
for i in s["interfaces"]:
	for k in ("networkmanager", "peer_networkmanager"):
		assert i[k]["managed"] and i[k]["profile"] == "sparklink-" + i["name"], (k, i)
PY

step "rollback: NetworkManager's state on both nodes exactly as before"
sl rollback --password-stdin || fail "rollback: $(out)"
same_as_before "static on NetworkManager, rolled back"

step "kill -9 between a record and its change: rollback restores the state before"
for k in 2 5; do
	start=$(lx spark-1 sh -c 'wc -l < /var/lib/sparklink/journal.jsonl')
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 env SPARKLINK_TEST_STEP_DELAY_MS=300 \
		sudo -S -p '' --preserve-env=SPARKLINK_TEST_STEP_DELAY_MS "$SPARKLINK" apply \
		--plan static --mtu 9000 --peer 10.77.0.2 --password-stdin \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err" &
	bg=$!
	wait_until 60 "apply never recorded $k changes: $(out)" \
		lx spark-1 sh -c "[ \$(wc -l < /var/lib/sparklink/journal.jsonl) -ge $((start + k)) ]"
	pid=$(lx spark-1 tail -n 1 /var/lib/sparklink/journal.jsonl | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
	[ -n "$pid" ] || fail "no PID in the journal"
	lx spark-1 kill -9 "$pid" || fail "cannot kill sparklink ($pid) at record $k"
	wait "$bg" 2>/dev/null
	sl rollback --password-stdin || fail "rollback after kill -9 at record $k: $(out)"
	same_as_before "kill -9 at record $k, rolled back"
done
exit 0
