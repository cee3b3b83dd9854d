#!/bin/bash
# lab_apply_nm_netplan: the netplan plans (static-persistent, link-local) on NetworkManager nodes
# (sparklab up --renderer NetworkManager: netplan renders 40-cx7.yaml into NetworkManager keyfiles;
# `netplan apply` stops and starts NetworkManager, which cuts each node's management address for a
# moment: the SSH work to the peer must survive that). As a user would judge it:
# - apply --plan static-persistent --mtu 9000: on both nodes the port is under netplan's profile
#   (nmcli), the addresses are still there after NetworkManager's DHCP timeout (waited 30 s: the
#   lab's is 12 s) and after an unplug and replug; every rail answers, jumbo too;
# - apply --plan link-local: a 169.254 address on the first twin of both nodes, still there after
#   the DHCP timeout; the rail answers;
# - rollback: NetworkManager's own state exactly as before on both nodes: the list of connections
#   (nmcli -t -f NAME,UUID,TYPE,DEVICE con show; the UUID of `lo` left out: NetworkManager makes it
#   anew at every start, and netplan apply restarts it), each port's managed state and active
#   profile, IPv4 addresses, MTU, addr_gen_mode, disable_ipv6, the files in /etc/netplan;
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

snap() { # node: NetworkManager's state, the ports' and /etc/netplan's (IPv6 link-local left out:
	# NetworkManager removes and adds it again with each DHCP attempt of an automatic profile)
	lx "$1" sh -c '
		nmcli -t -f NAME,UUID,TYPE,DEVICE con show | sed "s/^lo:[^:]*:/lo:(uuid):/" | sort
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s gen=%s dis6=%s %s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/addr_gen_mode)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/disable_ipv6)" \
				"$(nmcli -g GENERAL.CONNECTION,GENERAL.NM-MANAGED dev show $i 2>/dev/null | tr "\n" " ")"
			ip -4 -o addr show dev $i | awk "{print \$2, \$3, \$4}"
		done
		ls -la /etc/netplan | awk "NR > 1 {print \$1, \$3, \$4, \$NF}"
		cd /etc/netplan && sha256sum -- * 2>/dev/null' 2>&1
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
ll4s() { for n in 1 2; do lx spark-$n ip -4 -o addr show dev $T1 | grep -q " 169\.254\." || return 1; done; }

step "up with NetworkManager nodes, pair spark-1 -> spark-2"
lab_up 2 --renderer NetworkManager
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" 10.77.0.2 \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
has_profile() { [ -n "$(profile_on spark-1 $T1)" ] && [ -n "$(profile_on spark-2 $T1)" ]; }
wait_until 30 "the cabled ports never got their automatic profile" has_profile
before1=$(snap spark-1) before2=$(snap spark-2)
note "spark-2 before: $before2"

step "apply static-persistent --mtu 9000: netplan's profiles hold the plan on both nodes"
sl apply --plan static-persistent --mtu 9000 --peer 10.77.0.2 --password-stdin ||
	fail "apply static-persistent: exit $?: $(out)"
[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "not every rail answered: $(out)"
grep -q "8972-byte unfragmented" "$LAB_TMP/out" || fail "no jumbo check: $(out)"
for n in 1 2; do
	for i in $T1 $T2; do
		[ "$(profile_on spark-$n $i)" = "netplan-$i" ] || fail "spark-$n $i: profile $(profile_on spark-$n $i), want netplan-$i"
		[ "$(lx spark-$n cat /sys/class/net/$i/mtu)" = 9000 ] || fail "spark-$n $i MTU is not 9000"
	done
done
all_addrs || fail "an address is missing right after apply"

step "NetworkManager's DHCP timeout (12 s in the lab) passes: waited 30 s, the addresses stay"
sleep 30
all_addrs || fail "an address is gone after NetworkManager's DHCP timeout: $(snap spark-2)"

step "unplug and replug the cable: the plan comes back; every rail answers"
"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "unplug"
sleep 3
"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "plug"
wait_until 30 "the addresses did not come back after the replug: $(snap spark-2)" all_addrs
sl status || fail "status after the replug: $(out)"
[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "not every rail answers after the replug: $(out)"

step "rollback: NetworkManager's state and /etc/netplan on both nodes exactly as before"
sl rollback --password-stdin || fail "rollback: $(out)"
same_as_before "static-persistent on NetworkManager, rolled back"

step "apply link-local: a 169.254 address on the first twin of both nodes, kept past the DHCP timeout"
sl apply --plan link-local --peer 10.77.0.2 --password-stdin || fail "apply link-local: exit $?: $(out)"
[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 1 ] || fail "the rail did not answer: $(out)"
ll4s || fail "no 169.254 address after apply"
sleep 30
ll4s || fail "a 169.254 address is gone after NetworkManager's DHCP timeout: $(snap spark-2)"
sl rollback --password-stdin || fail "rollback link-local: $(out)"
same_as_before "link-local on NetworkManager, rolled back"

step "kill -9 between a record and its change: rollback restores the state before"
for k in 3 6 9 12; do
	start=$(lx spark-1 sh -c 'wc -l < /var/lib/sparklink/journal.jsonl')
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 env SPARKLINK_TEST_STEP_DELAY_MS=300 \
		sudo -S -p '' --preserve-env=SPARKLINK_TEST_STEP_DELAY_MS "$SPARKLINK" apply \
		--plan static-persistent --mtu 9000 --peer 10.77.0.2 --password-stdin \
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
