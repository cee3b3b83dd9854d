#!/bin/bash
# lab_pair_mesh: `sparklink pair HOST HOST...`, a mesh of nodes on a switch, judged by OpenSSH.
# One lab of 8 nodes on a switch: first a cluster of 4 of them (spark-1..4; spark-5..8 stand by
# on the same switch, untouched), then all 8.
# - 4 nodes on a switch (each also with an IPv4 address on its cable port, and an /etc/hosts
#   naming the others as mDNS would: the lab's nodes have no nss-mdns): refused with nothing
#   written for unknown host keys without a terminal (exit 5), a node's fingerprint missing
#   (exit 5), three wrong passwords (exit 6), spark-1 itself among the HOSTs (exit 1); then
#   paired from spark-1 in
#   one command, the password given once (--same-password), each host key by its fingerprint;
#   then `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes` works on every node to every other
#   node by each of its names (spark-N, spark-N.local, its LAN address, its cable address);
# - no node holds another node's private key anywhere;
# - `rollback --include-ssh` on spark-1 leaves every file in every node's ~/.ssh as it was
#   (sha256sum before and after): exactly the added lines removed, on every node;
# - spark-3's sshd stopped in the middle (each node's password given on its own this time):
#   the directions between the others verified, the journal exact (after sshd is back, a
#   rollback leaves every ~/.ssh as it was);
# - 4 nodes: `apply --peers` (the switch plan: 192.168.100.N/24 and 192.168.101.N/24 on port 1's
#   twins, the default MTU), every address checked with ip and every rail pinged with ping -I on
#   every node to every other; `status` (text and --json) describes every node and pings every
#   rail from both ends; rollback leaves all four nodes byte-identical (ip addr, /etc/netplan
#   sha256, ~/.ssh listing);
# - spark-3 killed in the middle of a cluster apply (its sshd and every session): apply ends
#   naming spark-3; rollback --local-only touches no peer; rollback undoes the rest and says
#   spark-3's changes stay (exit 1); with spark-3 back, rollback leaves every node as before;
# - 8 nodes on a switch (spark-1..4 as the 4-node part left them, with ~/.ssh files of their own;
#   spark-5..8 fresh): pair, every direction verified by sparklink and by OpenSSH; apply,
#   every rail checked on every node, status (a twin's address deleted: the 14 rails named,
#   exit 8), rollback byte-identical.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
U=nvidia

fp_of() { lx "$1" ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}'; }
ssh_sums() { # node: checksums of every file in the user's ~/.ssh (and the listing)
	lx "$1" sh -c "cd /home/$U 2>/dev/null && find .ssh -type f 2>/dev/null | sort | xargs -r sha256sum; ls -la .ssh 2>/dev/null | awk '{print \$1, \$3, \$9}'" 2>/dev/null
}
all_sums() { for n in $(seq 1 "$N"); do echo "== spark-$n"; ssh_sums "spark-$n"; done; }
hosts_of() { seq 2 "$N" | sed 's/^/10.77.0./'; }
fps() { for n in $(seq 2 "$N"); do printf -- '--accept-fingerprint %s ' "$(fp_of "spark-$n")"; done; }
pair() { # args...: sparklink pair from spark-1 as the user, the one password on stdin
	# (PAIR_STDIN: other lines; SAME=: each node's password asked, a line each)
	printf '%s\n' "${PAIR_STDIN-$PW}" |
		lxu spark-1 "$SPARKLINK" pair --password-stdin ${SAME---same-password} "$@" \
			>"$LAB_TMP/pair.out" 2>"$LAB_TMP/pair.err"
}
out() { cat "$LAB_TMP/pair.out" "$LAB_TMP/pair.err"; }
rollback() {
	lxu spark-1 "$SPARKLINK" rollback --include-ssh >"$LAB_TMP/rb.out" 2>&1 ||
		fail "rollback --include-ssh failed (exit $?): $(cat "$LAB_TMP/rb.out")"
}
prepare() { # every node: a key of its own, an authorized_keys and a known_hosts of its own
	local n
	for n in $(seq 1 "$N"); do
		lxu "spark-$n" sh -c "mkdir -p -m 700 ~/.ssh && ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_ed25519 &&
			printf '# spark-$n keeps this\n' > ~/.ssh/authorized_keys &&
			printf 'old.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBd3ZWJzZXJ2ZXJrZXlub3RyZWFsbHl1c2VkYXRhbGw=\n' > ~/.ssh/known_hosts &&
			chmod 600 ~/.ssh/authorized_keys ~/.ssh/known_hosts" || fail "cannot prepare spark-$n's ~/.ssh"
		# names as mDNS would give them; a cable address on the switch
		lx "spark-$n" sh -c "for k in \$(seq 1 $N); do echo \"10.77.0.\$k spark-\$k.local spark-\$k\"; done >> /etc/hosts &&
			ip addr add 10.99.1.$n/24 dev enp1s0f1np1" || fail "cannot name the nodes on spark-$n"
	done
}
# judge FROM NAMES...: on FROM, OpenSSH with keys and known hosts only, to each NAME -> "NAME=host"
# (the logins at once, one ssh each, their answers printed in the order of the NAMEs)
judge() {
	local from=$1
	shift
	lxu "$from" sh -c 'd=$(mktemp -d) || exit 1
		i=0
		for h; do
			i=$((i + 1))
			ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 "$h" hostname >"$d/$i" 2>&1 &
		done
		wait
		i=0
		for h; do i=$((i + 1)); printf "%s=%s\n" "$h" "$(tr "\n" " " <"$d/$i" | sed "s/ *$//")"; done
		rm -rf "$d"' sh "$@"
}
judge_mesh() { # NAMEFN: every node to every other by the names NAMEFN K prints
	local i j want got bad=""
	for i in $(seq 1 "$N"); do
		local names=() wants=()
		for j in $(seq 1 "$N"); do
			[ "$i" = "$j" ] && continue
			for h in $($1 "$j"); do names+=("$h"); done
		done
		got=$(judge "spark-$i" "${names[@]}")
		[ "$(grep -c = <<<"$got")" = "${#names[@]}" ] || fail "spark-$i: not one answer per name: $got"
		while IFS='=' read -r h res; do
			j=$(printf '%s\n' "$h" | sed -E 's/^spark-([0-9]+).*/\1/; s/^10\.[0-9]+\.[0-9]+\.([0-9]+)$/\1/')
			[ "$res" = "spark-$j" ] || bad="$bad spark-$i->$h ($res);"
		done <<<"$got"
	done
	[ -z "$bad" ] || fail "OpenSSH with BatchMode does not work for:$bad"
}
every_name() { echo "spark-$1 spark-$1.local 10.77.0.$1 10.99.1.$1"; }
lan_name() { echo "10.77.0.$1"; }
row() { grep -E "^  spark-$1 " "$LAB_TMP/pair.out" | tr -s ' ' | sed 's/^ //; s/ $//'; }
# ---- the switch plan (apply --peers), judged on every node
apply() { # ARGS: sudo sparklink apply on spark-1 (sudo's and the peers' password on stdin)
	yes "$PW" | head -n 12 | lxu spark-1 sudo -S -p '' "$SPARKLINK" apply --password-stdin \
		--peers "$(hosts_of | paste -sd, -)" "$@" >"$LAB_TMP/apply.out" 2>"$LAB_TMP/apply.err"
}
aout() { cat "$LAB_TMP/apply.out" "$LAB_TMP/apply.err"; }
status_of() { # ARGS: sudo sparklink status on spark-1 into $LAB_TMP/status.out; exit code in st
	printf '%s\n' "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" status "$@" >"$LAB_TMP/status.out" 2>&1
	st=$?
}
# status --json: every node described, every rail of the plan pinged from both of its ends
# (ARGS: how many rails, how many of them must fail)
status_json_rails() {
	status_of --json
	python3 - "$LAB_TMP/status.out" "$N" "$1" "$2" <<'PY' || fail "status --json: $(cat "$LAB_TMP/status.out")"
import itertools, json, sys
c = json.load(open(sys.argv[1]))["cluster"]
n, want, bad = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert c["topology"] == "switch" and c["mtu"] == 1500, c["topology"]
assert [x["name"] for x in c["nodes"]] == [f"spark-{i}" for i in range(1, n + 1)], c["nodes"]
assert all(len(x["interfaces"]) == 2 for x in c["nodes"]), c["nodes"]
r = c["rails"]
assert len(r) == want, len(r)
pairs = {(x["from"], x["to"], x["interface"]) for x in r}
for a, b in itertools.permutations(range(1, n + 1), 2):
    for i in ("enp1s0f1np1", "enP2p1s0f1np1"):
        assert (f"spark-{a}", f"spark-{b}", i) in pairs, (a, b, i)
assert sum(not x["ok"] for x in r) == bad, [x["text"] for x in r if not x["ok"]]
assert c["rails_ok"] == (bad == 0)
PY
}
rollback_net() { # ARGS: sudo sparklink rollback on spark-1 (the peers' sudo too)
	yes "$PW" | head -n 12 | lxu spark-1 sudo -S -p '' "$SPARKLINK" rollback --password-stdin "$@" \
		>"$LAB_TMP/rbn.out" 2>&1
}
net_snap() { # node: every address (ip addr), the netplan files' sha256, the user's ~/.ssh listed
	lx "$1" sh -c "ip addr show; cd /etc/netplan && sha256sum -- * 2>/dev/null;
		ls -la /home/$U/.ssh | awk '{print \$1, \$3, \$5, \$9}'" 2>&1
}
net_all() { for n in $(seq 1 "$N"); do echo "== spark-$n"; net_snap "spark-$n"; done; }
# every node pings every other node's address in each switch subnet, bound to its own twin
# (192.168.100.K on enp1s0f1np1, 192.168.101.K on enP2p1s0f1np1, K the node's number)
judge_switch() {
	local n bad
	for n in $(seq 1 "$N"); do
		lx "spark-$n" ip -4 -o addr show dev enp1s0f1np1 | grep -q " 192\.168\.100\.$n/24 " ||
			fail "spark-$n enp1s0f1np1 has not 192.168.100.$n/24: $(lx "spark-$n" ip -4 -o addr)"
		lx "spark-$n" ip -4 -o addr show dev enP2p1s0f1np1 | grep -q " 192\.168\.101\.$n/24 " ||
			fail "spark-$n enP2p1s0f1np1 has not 192.168.101.$n/24: $(lx "spark-$n" ip -4 -o addr)"
		[ "$(lx "spark-$n" cat /sys/class/net/enp1s0f1np1/mtu)" = 1500 ] ||
			fail "spark-$n: not the default MTU on the switch"
		[ -z "$(lx "spark-$n" ip -4 -o addr show dev enp1s0f0np0)" ] || fail "spark-$n p0 (not cabled) got an address"
	done
	for n in $(seq 1 "$N"); do
		bad=$(lx "spark-$n" sh -c 'for k in $(seq 1 '"$N"'); do [ $k = '"$n"' ] && continue
			ping -c 1 -W 2 -I enp1s0f1np1 192.168.100.$k >/dev/null 2>&1 || echo "p1 to .100.$k"
			ping -c 1 -W 2 -I enP2p1s0f1np1 192.168.101.$k >/dev/null 2>&1 || echo "p1 twin to .101.$k"; done')
		[ -z "$bad" ] || fail "spark-$n: no answer: $bad"
	done
}

N=4
step "8 nodes on a switch: up; spark-1..4 each with its own ~/.ssh"
t_fresh=$(($(date +%s) - 1)) # every key of the nodes is made after this second
lab_up 8 --cabling switch
prepare
before=$(all_sums)

step "refused before any change: unknown host keys, a wrong fingerprint, wrong passwords"
# shellcheck disable=SC2046
pair $(hosts_of)
rc=$?
[ $rc -eq 5 ] || fail "unknown host keys, no terminal: exit $rc, want 5: $(out)"
grep -q -- "--accept-fingerprint" "$LAB_TMP/pair.err" || fail "the refusal does not say how to accept: $(out)"
# shellcheck disable=SC2046
pair $(fps | sed 's/--accept-fingerprint [^ ]* $//') --accept-fingerprint "$(fp_of spark-2)" $(hosts_of)
rc=$?
[ $rc -eq 5 ] || fail "spark-4's fingerprint not given: exit $rc, want 5: $(out)"
grep -q "10.77.0.4 is SHA256:.*none of the fingerprints given; nothing was written" "$LAB_TMP/pair.err" ||
	fail "the refusal does not name spark-4's key: $(out)"
# shellcheck disable=SC2046
PAIR_STDIN=$'wrong1\nwrong2\nwrong3' SAME='' pair $(fps) $(hosts_of)
rc=$?
[ $rc -eq 6 ] || fail "three wrong passwords: exit $rc, want 6: $(out)"
# shellcheck disable=SC2046
pair $(fps) 10.77.0.2 10.77.0.1
rc=$?
[ $rc -eq 1 ] && grep -q "10.77.0.1 is this node" "$LAB_TMP/pair.err" || fail "a HOST that is spark-1 itself: exit $rc: $(out)"
[ "$(all_sums)" = "$before" ] || fail "a refused mesh changed a ~/.ssh: $(diff <(echo "$before") <(all_sums))"

step "pair spark-1 with spark-2, spark-3, spark-4 in one command"
t0=$SECONDS
# shellcheck disable=SC2046
pair $(fps) $(hosts_of) || fail "pair of 4 failed (exit $?): $(out)"
note "pairing 4 nodes took $((SECONDS - t0)) s"
grep -q "^12 of 12 directions verified" "$LAB_TMP/pair.out" || fail "no 12 of 12: $(out)"
[ "$(row 3)" = "spark-3 ok ok - ok" ] || fail "the table's row of spark-3 is '$(row 3)': $(out)"
[ "$(grep -c '^Verified: ' "$LAB_TMP/pair.out")" = 12 ] || fail "not 12 Verified lines: $(out)"
grep -qF "$PW" "$LAB_TMP/pair.out" "$LAB_TMP/pair.err" && fail "the password appears in sparklink's output"

step "OpenSSH, keys only, every node to every other by each of its names"
judge_mesh every_name

step "modes and owners on every node; no private key crossed"
keybody() { tr -d '\n\r' | sed -e 's/-----[A-Z ]*-----//g'; }
# every file on a node holding a private key block (any wrapping), as "FILE BODY": the regular
# files under /home /root /etc/ssh /var/lib written since the lab came up (the nodes' keys were
# made after that: a copy of one can be in no older file); each node's own key must be among them
for j in $(seq 1 $N); do
	for f in $(lx "spark-$j" find /home /root /etc/ssh /var/lib -type f -newerct "@$t_fresh" \
		-exec grep -lsF -- "PRIVATE KEY" {} + 2>/dev/null); do
		printf '%s %s\n' "$f" "$(lx "spark-$j" cat "$f" | keybody)"
	done >"$LAB_TMP/keys.$j"
	grep -q "^/home/$U/.ssh/id_ed25519 " "$LAB_TMP/keys.$j" ||
		fail "the search on spark-$j does not find its own key: $(cut -d' ' -f1 "$LAB_TMP/keys.$j")"
done
for i in $(seq 1 $N); do
	lx "spark-$i" sh -c "stat -c '%a %U %n' /home/$U/.ssh /home/$U/.ssh/*" >"$LAB_TMP/modes" || fail "stat on spark-$i"
	awk -v u=$U '$2 != u { print "owner " $0; bad=1 } $3 ~ /\.ssh$/ && $1 != "700" { print "dir " $0; bad=1 }
		$3 ~ /(authorized_keys|known_hosts|id_ed25519)$/ && $1 != "600" { print "mode " $0; bad=1 } END { exit bad }' "$LAB_TMP/modes" ||
		fail "on spark-$i, ~/.ssh has wrong owners or modes: $(cat "$LAB_TMP/modes")"
	mine=$(lx "spark-$i" cat /home/$U/.ssh/id_ed25519 | keybody)
	[ ${#mine} -gt 100 ] || fail "cannot read spark-$i's private key"
	for j in $(seq 1 $N); do
		[ "$i" = "$j" ] && continue
		f=$(awk -v k="$mine" '$2 == k { print $1 }' "$LAB_TMP/keys.$j")
		[ -z "$f" ] || fail "spark-$i's private key was found on spark-$j as $f"
	done
done

step "4 nodes on a switch: apply the switch plan on every node, every rail both ends"
# the cable address given by hand above goes first: networkd drops a runtime address it did not
# make when netplan hands it the interface (on a real node too)
for n in $(seq 1 $N); do lx "spark-$n" ip addr del 10.99.1.$n/24 dev enp1s0f1np1 || fail "spark-$n: ip addr del"; done
netb=$(net_all)
t0=$SECONDS
apply || fail "apply --peers on a switch of 4: exit $?: $(aout)"
note "applying the switch plan on 4 nodes took $((SECONDS - t0)) s"
[ "$(grep -c '^Rail ok:' "$LAB_TMP/apply.out")" -eq 24 ] ||
	fail "not 24 rails (4 nodes, 2 twins, every other node) answered: $(aout)"
judge_switch
step "status with the switch plan: every node, every rail pinged from both ends"
status_of
[ $st = 0 ] || fail "status: exit $st: $(cat "$LAB_TMP/status.out")"
[ "$(grep -c '^Cluster rail ok: ' "$LAB_TMP/status.out")" = 24 ] || fail "status does not show 24 rails ok: $(cat "$LAB_TMP/status.out")"
for n in 1 2 3 4; do
	grep -q "^  spark-$n (.*enp1s0f1np1 192.168.100.$n/24 enP2p1s0f1np1 192.168.101.$n/24" "$LAB_TMP/status.out" ||
		fail "status does not describe spark-$n: $(cat "$LAB_TMP/status.out")"
done
status_json_rails 24 0
step "rollback: all four nodes byte-identical to before"
rollback_net || fail "rollback after the switch plan: exit $?: $(cat "$LAB_TMP/rbn.out")"
[ "$(net_all)" = "$netb" ] || fail "rollback did not restore every node: $(diff <(echo "$netb") <(net_all))"

step "spark-3 goes away in the middle of a cluster apply (every sshd of it killed)"
ns3=$(stat -L -c %i /run/netns/spark-3)
kill_sshd3() { # every sshd in spark-3's namespace, the sessions too; prints how many
	local k=0 p
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$ns3" ] || continue
		[ "$(cat "$p/comm" 2>/dev/null)" = sshd ] || continue
		kill -KILL "${p#/proc/}" 2>/dev/null && k=$((k + 1))
	done
	echo $k
}
rm -f "$LAB_TMP/apply.out" "$LAB_TMP/apply.rc"
(apply; echo $? >"$LAB_TMP/apply.rc") &
bg=$!
lab_on_exit "kill $bg 2>/dev/null"
# the moment: spark-3's netplan file written (journaled first), its netplan apply under way
wait_until 60 "apply never wrote spark-3's netplan file" grep -q "spark-3.*40-cx7.yaml written" "$LAB_TMP/apply.out"
"$SPARKLAB" daemon spark-3 sshd stop >/dev/null || fail "cannot stop spark-3's sshd"
for _ in 1 2 3 4 5; do [ "$(kill_sshd3)" -eq 0 ] && break; sleep 0.2; done
for _ in $(seq 1200); do kill -0 $bg 2>/dev/null || break; sleep 0.1; done
kill -0 $bg 2>/dev/null && fail "apply hung after spark-3 went away: $(aout)"
wait $bg
rc=$(cat "$LAB_TMP/apply.rc")
note "apply with spark-3 gone: exit $rc: $(tail -n 1 "$LAB_TMP/apply.err")"
[ "$rc" != 0 ] || fail "apply succeeded although spark-3 went away: $(aout)"
grep -q "spark-3" "$LAB_TMP/apply.err" || fail "the failure does not name spark-3: $(aout)"
for n in 1 2 4; do net_snap "spark-$n" >"$LAB_TMP/mid.$n"; done
rollback_net --local-only || fail "rollback --local-only with spark-3 gone: exit $?: $(cat "$LAB_TMP/rbn.out")"
[ "$(net_snap spark-2)" = "$(cat "$LAB_TMP/mid.2")" ] || fail "rollback --local-only changed spark-2"
[ "$(net_snap spark-4)" = "$(cat "$LAB_TMP/mid.4")" ] || fail "rollback --local-only changed spark-4"
rollback_net
rc=$?
[ $rc = 1 ] || fail "rollback with spark-3 gone: exit $rc, want 1 (the rest done): $(cat "$LAB_TMP/rbn.out")"
grep -q "spark-3 (10.77.0.3) is not reachable: its [0-9]* changes\? stays\? recorded" "$LAB_TMP/rbn.out" ||
	fail "rollback does not say spark-3's changes stay: $(cat "$LAB_TMP/rbn.out")"
for n in 1 2 4; do
	[ "$(net_snap "spark-$n")" = "$(echo "$netb" | sed -n "/^== spark-$n\$/,/^== /p" | sed '1d;/^== /d')" ] ||
		fail "spark-$n is not as before after rolling back the rest: $(cat "$LAB_TMP/rbn.out")"
done
"$SPARKLAB" daemon spark-3 sshd start >/dev/null || fail "cannot start spark-3's sshd again"
rollback_net || fail "rollback with spark-3 back: exit $?: $(cat "$LAB_TMP/rbn.out")"
[ "$(net_all)" = "$netb" ] || fail "spark-3's journal records were not exact: $(diff <(echo "$netb") <(net_all)); $(cat "$LAB_TMP/rbn.out")"

step "rollback --include-ssh: every node's ~/.ssh as before"
rollback
[ "$(all_sums)" = "$before" ] || fail "rollback did not restore every ~/.ssh: $(diff <(echo "$before") <(all_sums)); $(cat "$LAB_TMP/rb.out")"

step "spark-3's sshd stopped in the middle: the others done, the journal exact"
rm -f "$LAB_TMP/pair.out" "$LAB_TMP/pair.rc"
# each node's password asked on its own this time (a line each)
# shellcheck disable=SC2046
(PAIR_STDIN="$PW"$'\n'"$PW"$'\n'"$PW" SAME='' pair $(fps) $(hosts_of); echo $? >"$LAB_TMP/pair.rc") &
bg=$!
lab_on_exit "kill $bg 2>/dev/null"
for ((t = 0; t < 600; t++)); do
	grep -q "spark-3's key added to your authorized_keys" "$LAB_TMP/pair.out" 2>/dev/null && break
	[ -s "$LAB_TMP/pair.rc" ] && break
	sleep 0.05
done
"$SPARKLAB" daemon spark-3 sshd stop >/dev/null || fail "cannot stop spark-3's sshd"
wait $bg
rc=$(cat "$LAB_TMP/pair.rc")
note "with spark-3's sshd stopped: exit $rc, $(grep 'directions verified' "$LAB_TMP/pair.out")"
[ "$rc" != 0 ] || fail "pair succeeded although spark-3's sshd was stopped: $(out)"
for k in 1 2 4; do
	r=$(row $k)
	[ -z "$r" ] && fail "no table row for spark-$k: $(out)"
	# columns spark-1 spark-2 spark-4 (fields 2 3 5) must be ok or -
	echo "$r" | awk '{ for (i = 2; i <= 5; i++) if (i != 4 && $i != "ok" && $i != "-") exit 1 }' ||
		fail "a direction between the other nodes failed: '$r': $(out)"
done
grep -q "FAILED:.*spark-3\|spark-3.*FAILED" "$LAB_TMP/pair.out" || fail "no failed direction to spark-3: $(out)"
"$SPARKLAB" daemon spark-3 sshd start >/dev/null || fail "cannot start spark-3's sshd again"
rollback
[ "$(all_sums)" = "$before" ] || fail "after the interrupted mesh, rollback did not restore every ~/.ssh: $(diff <(echo "$before") <(all_sums)); $(cat "$LAB_TMP/rb.out")"

N=8
step "8 nodes on a switch: pair, then OpenSSH every direction"
t0=$SECONDS
# shellcheck disable=SC2046
pair $(fps) $(hosts_of) || fail "pair of 8 failed (exit $?): $(out)"
note "pairing 8 nodes took $((SECONDS - t0)) s"
grep -q "^56 of 56 directions verified" "$LAB_TMP/pair.out" || fail "no 56 of 56: $(out)"
judge_mesh lan_name
step "8 nodes: apply the switch plan, every rail both ends, rollback"
netb=$(net_all)
t0=$SECONDS
apply || fail "apply --peers on a switch of 8: exit $?: $(aout)"
note "applying the switch plan on 8 nodes took $((SECONDS - t0)) s"
[ "$(grep -c '^Rail ok:' "$LAB_TMP/apply.out")" -eq 112 ] ||
	fail "not 112 rails (8 nodes, 2 twins, every other node) answered: $(aout)"
judge_switch
status_json_rails 112 0
# a twin's address gone on spark-8: status says which rails fail (both ends) and exits 8
lx spark-8 ip addr del 192.168.101.8/24 dev enP2p1s0f1np1 || fail "cannot delete spark-8's address"
status_json_rails 112 14
status_of
[ $st = 8 ] || fail "status with a rail down: exit $st, want 8: $(cat "$LAB_TMP/status.out")"
grep -q "^Cluster rail FAILED: spark-8 -> spark-1: enP2p1s0f1np1" "$LAB_TMP/status.out" ||
	fail "status does not name the failing rail: $(cat "$LAB_TMP/status.out")"
rollback_net || fail "rollback after the switch plan of 8: exit $?: $(cat "$LAB_TMP/rbn.out")"
[ "$(net_all)" = "$netb" ] || fail "rollback did not restore every node: $(diff <(echo "$netb") <(net_all))"
exit 0
