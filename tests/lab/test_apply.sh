#!/bin/bash
# lab_apply: `sparklink apply` and `sparklink rollback` on two lab nodes (real netlink, real
# netplan rendered by NetworkManager as on DGX OS, or by systemd-networkd: $SPARKLAB_RENDERER,
# registered once for each as lab_apply and lab_apply_networkd; real sshd and sudo on the peer),
# judged by ip(8), nmcli, sha256sum, stat and netplan itself. As a user would run it:
# `sudo sparklink ...` as nvidia on spark-1.
# On NetworkManager nodes also: NetworkManager's own state is part of "as before" (the list of
# connections, each port's managed state and active profile, disable_ipv6; the UUID of `lo` left
# out: NetworkManager makes it anew at each start, and `netplan apply` restarts it); the peer's
# `netplan apply` cuts its management address (the SSH work goes on: seen with ip monitor); the
# runtime static plan is NetworkManager's in-memory profile sparklink-IF (the preview says so,
# status --json names the renderer and each port's profile); every plan holds across an unplug
# and replug and past NetworkManager's DHCP timeout after it (checked every 0.1 s until the
# timeout + 5 s: the lab's timeout is 12 s, read from the nodes' NetworkManager.conf; DGX OS's is
# 45 s); one kill -9 point is on the static plan (its nm-profile record); sparklink's SSH session
# to spark-2 cut during spark-2's own blip (its netplan apply, persistent plan) and right after
# NetworkManager activated the in-memory profile (runtime plan): apply connects again, runs the
# script again, and spark-2's twins end up connected under the plan's profiles (nmcli device).
# - dry run: the preview names both nodes' files and commands; nothing changes (checksums);
# - each plan (link-local, static, static-persistent + MTU 9000): addresses where planned,
#   every rail answers (jumbo too), `netplan generate` accepts every file written; rollback:
#   both nodes exactly as before (addresses, MTU, link state, IPv6 link-local, files);
# - coexistence: a foreign 40-cx7.yaml on spark-2 (backed up, restored byte for byte by
#   rollback), NVIDIA Sync's 99-nvidia-sync-cluster.yaml and a file it renamed *.sync-disabled-*,
#   the vLLM helper's 98-spark-vllm-docker.yaml, another file naming the interface: each named in
#   the preview with the tool that wrote it and what it fights with, none touched;
# - an address already there is reused (not added twice, not removed by rollback);
# - kill -9 of sparklink at several points of an apply: rollback restores the state before;
# - the interface carrying the user's SSH session is refused unless explicitly allowed;
# - rollback twice: the second finds nothing; the journal is root's (0700).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
IFS_CX="enp1s0f0np0 enP2p1s0f0np0 enp1s0f1np1 enP2p1s0f1np1"
T1=enp1s0f1np1 T2=enP2p1s0f1np1 # the b2b cable is p1 <-> p1: these twins have carrier

snap() { # node: what rollback must restore, one line per fact
	[ "$NM" = 1 ] && { snap_nm "$1"; return; }
	lx "$1" sh -c '
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s flags=%s gen=%s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(ip -o link show dev $i | sed "s/.*<\([^>]*\)>.*/\1/")" \
				"$(cat /proc/sys/net/ipv6/conf/$i/addr_gen_mode)"
			ip -o addr show dev $i | awk "{print \$2, \$3, \$4}" | sort
		done
		ls -la /etc/netplan | awk "NR > 1 {print \$1, \$3, \$4, \$NF}"
		cd /etc/netplan && sha256sum -- * 2>/dev/null' 2>&1
}
snap_nm() { # NetworkManager's state, the ports' and /etc/netplan's (IPv6 link-local left out:
	# NetworkManager removes and adds it again with each DHCP attempt of an automatic profile)
	lx "$1" sh -c '
		nmcli -t -f NAME,UUID,TYPE,DEVICE con show | sed "s/^lo:[^:]*:/lo:(uuid):/" | sort
		for i in '"$IFS_CX"'; do
			printf "%s mtu=%s gen=%s dis6=%s %s %s\n" "$i" "$(cat /sys/class/net/$i/mtu)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/addr_gen_mode)" \
				"$(cat /proc/sys/net/ipv6/conf/$i/disable_ipv6)" \
				"$(ip -o link show dev $i | sed "s/.*<\([^>]*\)>.*/\1/")" \
				"$(nmcli -g GENERAL.CONNECTION,GENERAL.NM-MANAGED dev show $i 2>/dev/null | tr "\n" " ")"
			ip -4 -o addr show dev $i | awk "{print \$2, \$3, \$4}"
		done
		ls -la /etc/netplan | awk "NR > 1 {print \$1, \$3, \$4, \$NF}"
		cd /etc/netplan && sha256sum -- * 2>/dev/null' 2>&1
}
# sudo sparklink ARGS as nvidia on spark-1; stdin: sudo's password, then the peer's sudo password
sl() {
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
same_as_before() { # what
	local a b i
	# NetworkManager settles its automatic profiles some seconds after a restart (40 s at most)
	local t0=$SECONDS
	while [ $NM = 1 ] && [ $((SECONDS - t0)) -lt 40 ]; do
		[ "$(snap spark-1)" = "$before1" ] && [ "$(snap spark-2)" = "$before2" ] && return 0
		sleep 0.2
	done
	a=$(snap spark-1) b=$(snap spark-2)
	[ "$a" = "$before1" ] || fail "$1: spark-1 differs from before: $(diff <(printf '%s\n' "$before1") <(printf '%s\n' "$a"))"
	[ "$b" = "$before2" ] || fail "$1: spark-2 differs from before: $(diff <(printf '%s\n' "$before2") <(printf '%s\n' "$b"))"
}
has_addr() { lx "$1" ip -4 -o addr show dev "$2" | grep -qF " $3 "; }
mtu_of() { lx "$1" cat "/sys/class/net/$2/mtu"; }
rollback_ok() { # what
	sl rollback --password-stdin || fail "$1: rollback failed: $(out)"
	same_as_before "$1: after rollback"
	sl rollback --password-stdin || fail "$1: the second rollback failed: $(out)"
	grep -q "nothing to undo" "$LAB_TMP/out" || fail "$1: the second rollback still found work: $(out)"
}

step "up (renderer ${SPARKLAB_RENDERER:-NetworkManager, the default}), and pair spark-1 -> spark-2 as nvidia"
lab_up 2
NM=0
"$SPARKLAB" status | grep -q "^spark-1 .*renderer NetworkManager" && NM=1
note "renderer: $([ $NM = 1 ] && echo NetworkManager || echo networkd)"
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" 10.77.0.2 \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
profile_on() { lx "$1" nmcli -g GENERAL.CONNECTION dev show "$2"; }
if [ $NM = 1 ]; then
	# NetworkManager's DHCP and RA timeout on the nodes (the lab's NetworkManager.conf; 45 s on DGX OS)
	dhcp_timeout=$(lx spark-1 sed -n 's/^ipv4\.dhcp-timeout=//p' /run/sparklab-node/conf/NetworkManager.conf)
	case $dhcp_timeout in '' | *[!0-9]*) fail "cannot read the nodes' DHCP timeout: '$dhcp_timeout'" ;; esac
	note "NetworkManager's DHCP timeout on the nodes: $dhcp_timeout s"
	has_profile() { [ -n "$(profile_on spark-1 $T1)" ] && [ -n "$(profile_on spark-2 $T1)" ]; }
	wait_until 30 "the cabled ports never got their automatic profile" has_profile
fi
before1=$(snap spark-1) before2=$(snap spark-2)
[ $NM = 1 ] || grep -q "^$T1 .*gen=0" <<<"$before1" || fail "unexpected start state: $before1"

step "not root: apply refuses with a word about sudo, changes nothing"
lxu spark-1 "$SPARKLINK" apply --plan static --peer 10.77.0.2 >"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null
rc=$?
[ $rc -eq 9 ] || fail "apply as a user: exit $rc, want 9: $(out)"
grep -q "sudo" "$LAB_TMP/err" || fail "the refusal does not say to use sudo: $(out)"

step "dry run: the full preview for both nodes, nothing changed"
sl apply --plan static-persistent --mtu 9000 --peer 10.77.0.2 --dry-run --password-stdin ||
	fail "dry run failed: $(out)"
for want in "node 1: spark-1" "node 2: spark-2" "192.168.100.10/24" "192.168.100.11/24" \
	"192.168.101.11/24" "mtu: 9000" "/etc/netplan/40-cx7.yaml" "netplan apply" "dhcp4: no"; do
	grep -qF -- "$want" "$LAB_TMP/out" || fail "the preview lacks '$want': $(out)"
done
if [ $NM = 1 ]; then
	sl apply --plan static --peer 10.77.0.2 --dry-run --password-stdin || fail "dry run static: $(out)"
	for want in "spark-1: renderer NetworkManager 1." "spark-2: renderer NetworkManager 1." \
		"$T1 on spark-2: managed by NetworkManager, profile \"" "in-memory profile sparklink-$T1" \
		"nmcli con add save no type ethernet con-name sparklink-$T1 \\" \
		"  ifname $T1 ipv4.method manual ipv4.addresses 192.168.100.10/24 \\" \
		"nmcli con up sparklink-$T2"; do
		grep -qF -- "$want" "$LAB_TMP/out" || fail "the static preview lacks '$want': $(out)"
	done
	grep -q "^ip addr add .* dev $T1" "$LAB_TMP/out" &&
		fail "the static preview says ip addr add on a port NetworkManager manages: $(out)"
fi
same_as_before "dry run"
lx spark-1 test -s /var/lib/sparklink/journal.jsonl && fail "a dry run wrote the journal"

all_addrs() {
	for n in 1 2; do
		has_addr spark-$n $T1 192.168.100.1$((n - 1))/24 || return 1
		has_addr spark-$n $T2 192.168.101.1$((n - 1))/24 || return 1
	done
}
ll4s() { for n in 1 2; do lx spark-$n ip -4 -o addr show dev $T1 | grep -q " 169\.254\." || return 1; done; }

# on the static plan, before its rollback (on NetworkManager nodes while its addresses are
# watched past the DHCP timeout)
status_and_session() {
	step "status after apply: plan, addresses, rails and journal"
	sl status --json || fail "status --json: exit $?: $(out)"
	python3 - "$LAB_TMP/out" <<'EOF' || fail "status --json is not what was applied: $(out)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["plan"]["kind"] == "static" and s["plan"]["node"] == 1, s["plan"]
assert len(s["rails"]) == 2 and all(r["ok"] for r in s["rails"]), s["rails"]
assert s["journal"]["pending"] > 0, s["journal"]
EOF
	if [ $NM = 1 ]; then
		python3 - "$LAB_TMP/out" <<'EOF' || fail "status --json does not name NetworkManager and the profiles: $(out)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["this_node"]["renderer"] == "NetworkManager" and s["peer_node"]["renderer"] == "NetworkManager"
assert s["this_node"]["networkmanager_version"].startswith("1."), s["this_node"]
for i in s["interfaces"]:
	for k in ("networkmanager", "peer_networkmanager"):
		assert i[k]["managed"] and i[k]["profile"] == "sparklink-" + i["name"], (k, i)
EOF
	fi

	step "the user's SSH session on a planned interface: refused, then allowed explicitly"
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 env SSH_CONNECTION="192.168.100.11 50000 192.168.100.10 22" \
		sudo -S -p '' "$SPARKLINK" rollback --password-stdin >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	rc=$?
	# sudo drops SSH_CONNECTION; sparklink finds it in its parent's environment, as under a real sshd
	[ $rc -eq 9 ] || fail "rollback on the session's interface: exit $rc, want 9: $(out)"
	has_addr spark-1 $T1 192.168.100.10/24 || fail "a refused rollback changed $T1"
}

for plan in static link-local "static-persistent --mtu 9000"; do
	step "apply $plan on both nodes"
	# the peer's management address as the kernel reports it while apply runs (the blip of its
	# `netplan apply` on NetworkManager nodes)
	lx spark-2 ip -ts monitor address dev enP7s7 >"$LAB_TMP/mon" 2>&1 &
	mon=$!
	lab_on_exit "kill $mon 2>/dev/null"
	# shellcheck disable=SC2086
	sl apply --plan $plan --peer 10.77.0.2 --password-stdin || fail "apply $plan: exit $?: $(out)"
	kill $mon 2>/dev/null
	wait $mon 2>/dev/null
	if [ $NM = 1 ] && [ "$plan" != static ]; then
		grep -q "Deleted.* inet 10\.77\.0\.2/24" "$LAB_TMP/mon" ||
			fail "$plan: spark-2's management address did not blip during its netplan apply: $(cat "$LAB_TMP/mon")"
		note "spark-2 enP7s7 during apply: $(grep -c inet "$LAB_TMP/mon") address events; apply went on over SSH"
	fi
	nrails=$(grep -c "^Rail ok" "$LAB_TMP/out")
	case $plan in
	static*)
		for n in 1 2; do
			has_addr spark-$n $T1 192.168.100.1$((n - 1))/24 || fail "$plan: spark-$n $T1 lacks 192.168.100.1$((n - 1))/24"
			has_addr spark-$n $T2 192.168.101.1$((n - 1))/24 || fail "$plan: spark-$n $T2 lacks 192.168.101.1$((n - 1))/24"
		done
		[ "$nrails" -eq 2 ] || fail "$plan: $nrails rails answered, want 2: $(out)"
		;;
	link-local)
		for n in 1 2; do
			lx spark-$n ip -4 -o addr show dev $T1 | grep -q " 169\.254\." || fail "$plan: spark-$n $T1 has no 169.254 address"
		done
		[ "$nrails" -eq 1 ] || fail "$plan: $nrails rails answered, want 1 (the first twin, as the playbook): $(out)"
		;;
	esac
	if [[ $plan == *9000* ]]; then
		for n in 1 2; do
			[ "$(mtu_of spark-$n $T1)" = 9000 ] || fail "$plan: spark-$n MTU is $(mtu_of spark-$n $T1)"
		done
		grep -q "8972-byte unfragmented" "$LAB_TMP/out" || fail "$plan: no jumbo check: $(out)"
	fi
	if [ "$plan" != static ]; then
		for n in 1 2; do
			[ "$(lx spark-$n stat -c %a /etc/netplan/40-cx7.yaml)" = 600 ] || fail "$plan: spark-$n 40-cx7.yaml is not 0600"
			lx spark-$n netplan generate >"$LAB_TMP/gen" 2>&1 || fail "$plan: netplan generate rejects spark-$n's file: $(cat "$LAB_TMP/gen")"
		done
	fi
	if [ $NM = 1 ]; then
		case $plan in
		static) want=sparklink- ;; # NetworkManager's in-memory profile, made by sparklink
		*) want=netplan- ;;        # the profile netplan rendered from 40-cx7.yaml
		esac
		for n in 1 2; do
			[ "$(profile_on spark-$n $T1)" = "$want$T1" ] || fail "$plan: spark-$n $T1 is under $(profile_on spark-$n $T1), not $want$T1"
		done
		held() { if [ "$plan" = link-local ]; then ll4s; else all_addrs; fi; }
		held || fail "$plan: an address is missing right after apply: $(snap spark-2)"
		"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "unplug"
		sleep 3
		"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "plug"
		t_plug=$SECONDS
		wait_until 30 "$plan: the addresses did not come back after a replug: $(snap spark-2)" held
		# past NetworkManager's DHCP (and RA) timeout counted from the last change to the ports (the
		# replug re-activates them; apply was before): any DHCP attempt that was running then has
		# ended, and NetworkManager resets a port whose attempt failed, removing addresses it did
		# not put there. Checked all through the wait, every 0.1 s, by a watcher beside the checks
		# below (status, and on the static plan status --json and the refused rollback)
		rm -f "$LAB_TMP/held.fail"
		(
			while [ $((SECONDS - t_plug)) -lt $((dhcp_timeout + 5)) ]; do
				held || { echo "$((SECONDS - t_plug)) s after the replug: $(snap spark-2)" >"$LAB_TMP/held.fail"; exit 1; }
				sleep 0.1
			done
			held || echo "after the wait: $(snap spark-2)" >"$LAB_TMP/held.fail"
		) &
		watcher=$!
		lab_on_exit "kill $watcher 2>/dev/null"
		sl status || fail "$plan: status after the replug: $(out)"
		[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq "$nrails" ] || fail "$plan: not every rail answers after the replug: $(out)"
	fi
	[ "$plan" = static ] && status_and_session
	if [ $NM = 1 ]; then
		wait "$watcher"
		[ -s "$LAB_TMP/held.fail" ] &&
			fail "$plan: an address is gone (NetworkManager's DHCP timeout: $dhcp_timeout s): $(cat "$LAB_TMP/held.fail")"
	fi
	[ "$(lx spark-1 stat -c %a /var/lib/sparklink)" = 700 ] || fail "the journal directory is not 0700"
	rollback_ok "$plan"
done

step "an address already there is reused, and kept by rollback"
# (networkd nodes only: on a NetworkManager node an address added by hand behind its back is gone
# at the DHCP timeout, see lab_lab_nm)
[ $NM = 1 ] && note "skipped on NetworkManager nodes"
[ $NM = 1 ] || {
lx spark-2 ip addr add 192.168.100.11/24 dev $T1 || fail "cannot add an address by hand"
mid2=$(snap spark-2)
sl apply --plan static --peer 10.77.0.2 --password-stdin || fail "apply with an existing address: $(out)"
grep -q "already has 192.168.100.11/24 (reused)" "$LAB_TMP/out" || fail "no word about reusing: $(out)"
[ "$(lx spark-2 ip -4 -o addr show dev $T1 | grep -c 192.168.100.11/24)" -eq 1 ] || fail "the address is there twice"
sl rollback --password-stdin || fail "rollback: $(out)"
[ "$(snap spark-2)" = "$mid2" ] || fail "rollback removed an address sparklink did not add"
lx spark-2 ip addr del 192.168.100.11/24 dev $T1
same_as_before "reuse"
}

step "coexistence on spark-2: a foreign 40-cx7.yaml, NVIDIA Sync's and the vLLM helper's files"
# what other tools leave in /etc/netplan (field notes): a hand-made 40-cx7.yaml (the playbook, the
# cluster helper, sparkrun), NVIDIA Sync's 99-nvidia-sync-cluster.yaml and a file it renamed aside,
# the vLLM docker helper's 98-spark-vllm-docker.yaml. Each is named in the preview with its tool;
# only 40-cx7.yaml is replaced (backed up byte for byte); rollback restores everything as it was.
lx spark-2 sh -c "printf 'network:\n  version: 2\n  ethernets:\n    $T2:\n      dhcp4: no   # hand-made, no final newline' > /etc/netplan/40-cx7.yaml && chmod 640 /etc/netplan/40-cx7.yaml &&
	printf 'network:\n  version: 2\n  ethernets:\n    $T1:\n      optional: true\n' > /etc/netplan/10-other.yaml && chmod 600 /etc/netplan/10-other.yaml &&
	printf 'network:\n  version: 2\n  ethernets:\n    $T1:\n      optional: true\n' > /etc/netplan/99-nvidia-sync-cluster.yaml && chmod 600 /etc/netplan/99-nvidia-sync-cluster.yaml &&
	printf 'network:\n  version: 2\n  ethernets:\n    $T2:\n      dhcp4: no\n      addresses: [192.168.101.22/24]\n' > /etc/netplan/98-spark-vllm-docker.yaml && chmod 600 /etc/netplan/98-spark-vllm-docker.yaml &&
	printf 'network:\n  version: 2\n' > /etc/netplan/60-old.yaml.sync-disabled-20261101 && chmod 600 /etc/netplan/60-old.yaml.sync-disabled-20261101" ||
	fail "cannot write the foreign files"
# the user's files are in force before sparklink comes
lx spark-2 netplan apply >/dev/null 2>&1 || fail "netplan apply of the foreign files"
# in force: the vLLM helper's address on, no IPv6 address in DAD, and on NetworkManager nodes both
# twins connected (under the profiles netplan rendered from these files): 1-3 s after the apply
foreign_on() {
	[ -z "$(lx spark-2 ip -6 addr show tentative)" ] && has_addr spark-2 $T2 192.168.101.22/24 || return 1
	[ $NM = 0 ] && return 0
	local d
	d=$(lx spark-2 nmcli -t -f DEVICE,STATE device) && grep -qx "$T1:connected" <<<"$d" && grep -qx "$T2:connected" <<<"$d"
}
wait_until 30 "the foreign files are not in force on spark-2: $(snap spark-2)" foreign_on
before2=$(snap spark-2)
sums=$(lx spark-2 sh -c 'cd /etc/netplan && sha256sum -- *')
foreign=$(lx spark-2 sha256sum /etc/netplan/40-cx7.yaml | awk '{print $1}')
sl apply --plan link-local --peer 10.77.0.2 --password-stdin || fail "apply over a foreign file: $(out)"
for want in "40-cx7.yaml on spark-2 was not written by sparklink" \
	"10-other.yaml on spark-2 also names $T1 (written by another tool, or by hand)" \
	"99-nvidia-sync-cluster.yaml on spark-2 also names $T1 (written by NVIDIA Sync)" \
	"reads it after, so where both set the same key on $T1, its value wins" \
	"60-old.yaml.sync-disabled-20261101 on spark-2: NVIDIA Sync renamed /etc/netplan/60-old.yaml aside"; do
	grep -qF -- "$want" "$LAB_TMP/out" || fail "the preview lacks '$want': $(out)"
done
# the vLLM helper's file names only $T2, which the link-local plan (first twin) leaves alone: still
# a ConnectX port, still named (on NetworkManager nodes netplan gives a port without addresses
# IPv4 link-local, which beside a link-local plan makes a rail fail; this one has an address)
grep -qF "98-spark-vllm-docker.yaml on spark-2 names $T2 (written by the vLLM docker helper (spark-vllm-docker)), a ConnectX port this plan leaves alone" "$LAB_TMP/out" ||
	fail "the vLLM helper's file on the other twin is not named: $(out)"
lx spark-2 sh -c 'sha256sum /var/lib/sparklink/backup/40-cx7.yaml.*' | grep -q "$foreign" || fail "no byte-exact backup on spark-2"
for f in 10-other.yaml 99-nvidia-sync-cluster.yaml 98-spark-vllm-docker.yaml 60-old.yaml.sync-disabled-20261101; do
	grep -F " $f" <<<"$sums" | lx spark-2 sh -c 'cd /etc/netplan && sha256sum -c --quiet' ||
		fail "sparklink changed another tool's $f"
done
rollback_ok "foreign file"
[ "$(lx spark-2 stat -c %a /etc/netplan/40-cx7.yaml)" = 640 ] || fail "the foreign file's mode was not restored"

# The SSH connection to the peer breaks during apply: sparklink connects again and goes on.
# The sshd processes serving sparklink's session on spark-2 (found by the node's network
# namespace: this machine's other uid-1000 processes are not ours) are killed while apply changes
# spark-2; apply must connect again (the same host key), finish, and rollback undo it all.
# Here between two of its scripts (a pause after each journal record), on networkd nodes; on
# NetworkManager nodes the next step cuts in the middle of the scripts that matter there (the
# connection code is the same: core/node/node_remote.c)
# in spark-1, until its journal holds N records (checked there every 0.02 s, for 60 s at most),
# then (with a second argument) kill -9 the apply that wrote the last one: its PID is in its own
# records. Done inside the node, so that it lands within the apply's pause after record N
journal_at() { # N [kill]
	lx spark-1 sh -c 'j=/var/lib/sparklink/journal.jsonl i=0
		while [ "$(wc -l <$j)" -lt "$1" ]; do
			i=$((i + 1))
			[ $i -lt 3000 ] || { echo "the journal never held $1 records" >&2; exit 1; }
			sleep 0.02
		done
		[ -z "$2" ] && exit 0
		pid=$(tail -n 1 $j | sed -n "s/.*\"pid\":\([0-9]*\).*/\1/p")
		[ -n "$pid" ] || { echo "no PID in the journal" >&2; exit 1; }
		kill -9 "$pid" || { echo "cannot kill sparklink ($pid)" >&2; exit 1; }' sh "$@"
}
cut_sessions() {
	local p killed=0
	for p in $(pgrep -f '^sshd(-session)?: nvidia'); do
		[ "$(ip netns identify "$p" 2>/dev/null)" = spark-2 ] || continue
		kill "$p" 2>/dev/null && killed=1
	done
	[ $killed = 1 ]
}
if [ $NM = 0 ]; then
	step "the SSH connection to the peer breaks during apply: sparklink connects again and goes on"
	start=$(lx spark-1 sh -c 'wc -l < /var/lib/sparklink/journal.jsonl')
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 env SPARKLINK_TEST_STEP_DELAY_MS=350 \
		sudo -S -p '' --preserve-env=SPARKLINK_TEST_STEP_DELAY_MS "$SPARKLINK" apply \
		--plan static-persistent --mtu 9000 --peer 10.77.0.2 --password-stdin \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err" &
	bg=$!
	journal_at $((start + 3)) || fail "apply never recorded 3 changes: $(out)"
	cut_sessions || fail "no sshd session of sparklink's on spark-2 to cut"
	wait "$bg" || fail "apply did not survive its SSH connection breaking: exit $?: $(out)"
	grep -q "spark-2: the SSH connection broke 1 time and was made again" "$LAB_TMP/out" ||
		fail "apply does not say that the connection broke and was made again: $(out)"
	[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "not every rail answered after the connection broke: $(out)"
	all_addrs || fail "an address is missing after the connection broke: $(snap spark-2)"
	rollback_ok "static-persistent, SSH connection cut during apply"
fi

if [ $NM = 1 ]; then
	step "the SSH connection breaks in spark-2's blip and while NetworkManager activates: the profiles end up active"
	# a real blip: sparklink's session to spark-2 is cut while spark-2's own `netplan apply`
	# (persistent plan) has its management address down; node_remote connects again and runs the
	# script again. Then the runtime plan, cut after NetworkManager activated the in-memory
	# profile and before busctl's answer came back (a busctl on spark-2's sudo PATH that waits 3 s
	# after AddAndActivateConnection2 gives the cut its moment); the script runs again.
	# Judged by what a user reads on spark-2: nmcli -t -f DEVICE,STATE,CONNECTION device.
	devices2() { lx spark-2 nmcli -t -f DEVICE,STATE,CONNECTION device; }
	active2() { # PREFIX: both twins connected under PREFIX-IF on spark-2
		local d
		d=$(devices2) || return 1
		grep -qx "$T1:connected:$1$T1" <<<"$d" && grep -qx "$T2:connected:$1$T2" <<<"$d"
	}
	netplan_on2() { # a `netplan apply` runs in spark-2 (netplan's Python, as the lab starts it)
		local p
		for p in $(pgrep -f 'Netplan\(\)\.main\(\)'); do
			[ "$(ip netns identify "$p" 2>/dev/null)" = spark-2 ] || continue
			[ "$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | tail -n 1)" = apply ] && return 0
		done
		return 1
	}
	reconnected() { # PLAN PREFIX what-to-wait-for...: apply PLAN in the background, cut spark-2's
		# session when the condition holds, then judge
		local plan=$1 prefix=$2
		shift 2
		printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" apply --plan "$plan" \
			--peer 10.77.0.2 --password-stdin >"$LAB_TMP/out" 2>"$LAB_TMP/err" &
		bg=$!
		wait_until 60 "$plan: never saw the moment to cut: $(out)" "$@"
		cut_sessions || fail "$plan: no sshd session of sparklink's on spark-2 to cut"
		wait "$bg" || fail "$plan: apply did not survive the cut: exit $?: $(out)"
		grep -q "spark-2: the SSH connection broke 1 time and was made again" "$LAB_TMP/out" ||
			fail "$plan: apply does not say that the connection broke and was made again: $(out)"
		[ "$(grep -c "^Rail ok" "$LAB_TMP/out")" -eq 2 ] || fail "$plan: not every rail answered after the cut: $(out)"
		wait_until 10 "$plan: on spark-2 the twins are not connected under $prefix-IF after apply: $(devices2 | tr '\n' ' ')" \
			active2 "$prefix"
		note "$plan, cut and connected again: spark-2 $(devices2 | grep -E "^($T1|$T2):" | tr '\n' ' ')"
		rollback_ok "$plan, SSH connection cut"
	}
	reconnected static-persistent netplan- netplan_on2
	lx spark-2 sh -c 'printf "%s\n" "#!/bin/sh" "/usr/bin/busctl \"\$@\"; s=\$?" \
		"case \"\$*\" in *AddAndActivateConnection2*) sleep 3 ;; esac" "exit \$s" >/usr/local/bin/busctl &&
		chmod 755 /usr/local/bin/busctl' || fail "cannot put the slow busctl on spark-2"
	lab_on_exit "lx spark-2 rm -f /usr/local/bin/busctl"
	on_sparklink2() { [ "$(profile_on spark-2 $T1)" = "sparklink-$T1" ]; }
	reconnected static sparklink- on_sparklink2
	lx spark-2 rm -f /usr/local/bin/busctl
fi

step "kill -9 during apply at several points: rollback restores the state before"
for k in 1 3 6 9 12; do
	kplan=static-persistent
	# on NetworkManager nodes one point is in the static plan, after its nm-profile record
	[ $NM = 1 ] && [ $k = 3 ] && kplan=static
	start=$(lx spark-1 sh -c 'wc -l < /var/lib/sparklink/journal.jsonl')
	# a pause after each journal record (a test knob) lets the kill land between two changes
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 env SPARKLINK_TEST_STEP_DELAY_MS=150 \
		sudo -S -p '' --preserve-env=SPARKLINK_TEST_STEP_DELAY_MS "$SPARKLINK" apply \
		--plan $kplan --mtu 9000 --peer 10.77.0.2 --password-stdin \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err" &
	bg=$!
	journal_at $((start + k)) kill || fail "kill -9 at record $k: $(out)"
	wait "$bg" 2>/dev/null
	sl rollback --password-stdin || fail "rollback after kill -9 at record $k: $(out)"
	same_as_before "kill -9 at record $k, rolled back"
done
exit 0
