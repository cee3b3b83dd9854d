#!/bin/bash
# lab_console_apply: addressing and rollback from the console, as a person would do them on a
# Spark: pair with the command line first, start the console with sudo (typing the sudo password
# into the terminal), press a on the peer, choose static with MTU 9000, read the preview (both
# nodes' commands, scrolled), type the peer's sudo password (not shown), apply, read the rails.
# Judged from outside with ip and ping on both nodes. Then r lists what would be undone (s adds the
# SSH lines and takes them away again), y undoes it, and both nodes are as before. Esc cancels a
# preview without changing anything; a resize during the preview redraws it; without root the
# dialogs say so (checked with NO_COLOR in an ASCII terminal). The title names the renderer; on
# NetworkManager nodes each twin's row has the profile nmcli shows under it (the automatic "Wired
# connection", then sparklink's runtime profile after apply, with no key pressed), and another
# tool's profile (nmcli con add) and netplan file (99-nvidia-sync-cluster.yaml) become findings in
# the console and in `status --json`, whose renderer and twins' profiles are what nmcli says.
# Run on NetworkManager nodes (lab_console_apply) and on networkd nodes
# (lab_console_apply_networkd): $SPARKLAB_RENDERER.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test capply
PW=${SPARKLAB_PASSWORD:-spark-lab}
IFS2="enp1s0f1np1 enP2p1s0f1np1" # the twins of port 1 (the lab's cable), named alike on both

# the link line (mtu) and the addresses of an interface, as the system shows them (ip -4 would
# show nothing at all for an interface without IPv4)
ifshow() { lx "$1" ip addr show dev "$2"; }
net_is() { # node if addr|- mtu: the interface has exactly that 192.168 address (or none) and MTU
	local out
	out=$(ifshow "$1" "$2") || fail "cannot read $2 on $1"
	printf '%s\n' "$out" | grep -q " mtu $4 " || fail "$1 $2: MTU is not $4: $out"
	if [ "$3" = - ]; then
		printf '%s\n' "$out" | grep -q 'inet 192\.168\.' && fail "$1 $2 still has a 192.168 address: $out"
	else
		printf '%s\n' "$out" | grep -q "inet ${3//./\\.} " || fail "$1 $2 does not have $3: $out"
	fi
	return 0
}
RENDERER=${SPARKLAB_RENDERER:-NetworkManager}
nm_con_of() { # node if: the profile nmcli shows on it ("" for none)
	lx "$1" nmcli -t -f DEVICE,CONNECTION device | awk -F: -v d="$2" '$1 == d { print ($2 == "--" ? "" : $2) }'
}
nm_row() { # if: the console's row under that twin's row in the ports panel (NetworkManager's)
	tmux_screen "$sess" | awk -v d="$1" 'hit { print; exit } $0 ~ "^(│|\\|) +[^ ]+ +" d " +(Up|Down)" { hit = 1 }'
}
panel_shows_nm() { # if: the panel's NetworkManager row under it names the profile nmcli shows
	local con row
	con=$(nm_con_of spark-1 "$1")
	row=$(nm_row "$1")
	if [ -z "$con" ]; then [[ $row == *"NM: no profile ("* ]]; else [[ $row == *"NM: $con ("* ]]; fi
}
status_json() { # status --json as root on spark-1 into $LAB_TMP/status.json, nmcli's view beside it
	lx spark-1 env SPARKLINK_SYSFS=/run/sparklab-sysfs "$SPARKLINK" status --json >"$LAB_TMP/status.json" ||
		fail "status --json on spark-1: $(cat "$LAB_TMP/status.json")"
	[ "$RENDERER" != NetworkManager ] ||
		lx spark-1 nmcli -t -f DEVICE,STATE,CONNECTION device >"$LAB_TMP/nmdev" || fail "nmcli device on spark-1"
}
status_agrees() { # status --json's renderer and twins are what nmcli says (states may move: twice)
	local i
	for i in 1 2 3; do
		status_json
		python3 - "$LAB_TMP/status.json" "$LAB_TMP/nmdev" "$(lx spark-1 nmcli -g VERSION general)" <<'PY' && return 0
import json, sys
s = json.load(open(sys.argv[1]))
dev = dict((l.split(":", 2)[0], l.rstrip("\n").split(":", 2)[1:]) for l in open(sys.argv[2]) if l.strip())
assert s["this_node"] == {"renderer": "NetworkManager", "networkmanager_version": sys.argv[3]}, s["this_node"]
assert sorted(t["name"] for t in s["twins"]) == sorted(["enp1s0f0np0", "enP2p1s0f0np0", "enp1s0f1np1", "enP2p1s0f1np1"]), s["twins"]
for t in s["twins"]:
    st, con = dev[t["name"]]
    nm = t["networkmanager"]
    assert nm["managed"] == (st != "unmanaged"), (t, st)
    assert nm["profile"] == (None if con in ("", "--") else con), (t, con)
PY
		sleep 0.5
	done
	fail "status --json does not say what nmcli says: $(cat "$LAB_TMP/status.json") nmcli: $(cat "$LAB_TMP/nmdev")"
}
console_gone() { # the console's process has exited (a zombie counts: tmux may reap it late)
	local pid i st
	pid=$(tmux_pid "$sess") || return 0
	for ((i = 0; i < 100; i++)); do
		st=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
		st=${st##*) }
		[ "${st%% *}" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
san_env() { # the sanitizer options the test runs with (sudo drops the environment)
	[ -n "${ASAN_OPTIONS:-}" ] && printf 'ASAN_OPTIONS=%s\n' "$ASAN_OPTIONS"
	[ -n "${LSAN_OPTIONS:-}" ] && printf 'LSAN_OPTIONS=%s\n' "$LSAN_OPTIONS"
	return 0
}

step "up; pair spark-1 -> spark-2 with the command line"
lab_up 2
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
printf '%s\n' "$PW" | "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" pair --password-stdin \
	--accept-fingerprint "$fp2" 10.77.0.2 >"$LAB_TMP/pair.out" 2>&1 ||
	fail "pairing with the command line failed: $(cat "$LAB_TMP/pair.out")"
for n in spark-1 spark-2; do for i in $IFS2; do net_is $n "$i" - 1500; done; done
netplan2=$(lx spark-2 ls /etc/netplan)

step "without root (NO_COLOR, LANG=C): the dialogs say how to get root and change nothing"
TMUX_COLS=100 TMUX_ROWS=30 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- \
	env NO_COLOR=1 LANG=C LC_ALL=C "$SPARKLINK" || fail "cannot start the console as the user"
tmux_wait "$sess" 'spark-2\.local' 20 || fail "spark-2 is not listed"
tmux_keys "$sess" a
tmux_wait "$sess" 'Changing the network needs root: quit \(q\) and start sudo' 5 ||
	fail "the addressing dialog does not say that it needs root"
tmux_screen "$sess" | grep -q '^ *+-' || fail "no ASCII frame with LANG=C"
tmux -L "$sess" capture-pane -p -e -t "$sess" | LC_ALL=C grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[;m]' &&
	fail "colour escape sequences with NO_COLOR=1"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Changing the network needs root' 2 || fail "Enter without root left the sentence"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Addressing: this node' 5 || fail "Esc did not close the addressing dialog"
tmux_keys "$sess" F6
tmux_wait "$sess" 'Changing the network needs root: quit \(q\)' 5 ||
	fail "the rollback dialog does not say that it needs root"
tmux_keys "$sess" q
console_gone || fail "q in the rollback dialog did not quit the console"
tmux_stop "$sess"

step "the console as root through sudo, sudo's password typed into the terminal"
# shellcheck disable=SC2046 # one word per variable
TMUX_COLS=140 TMUX_ROWS=40 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- sudo -k \
	env SPARKLINK_SYSFS=/run/sparklab-sysfs $(san_env) "$SPARKLINK" ||
	fail "cannot start the console under sudo"
tmux_wait "$sess" 'password for nvidia' 10 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'spark-2\.local .*\(on a cable' 20 || fail "spark-2 is not listed on the cable"

step "the title names the renderer; each twin has NetworkManager's profile under it, as nmcli says"
if [ "$RENDERER" = NetworkManager ]; then
	ver=$(lx spark-1 nmcli -g VERSION general)
	tmux_wait "$sess" "live \\(netlink\\) +\\| +NetworkManager ${ver//./\\.}" 10 ||
		fail "the title does not name NetworkManager $ver: $(tmux_screen "$sess" | head -1)"
	for i in enp1s0f0np0 $IFS2; do
		wait_until 10 "the console's row under $i is not what nmcli says ($(nm_con_of spark-1 "$i")): $(nm_row "$i")" \
			panel_shows_nm "$i"
	done
	nm_row enp1s0f1np1 | grep -q 'NM: Wired connection [0-9]* (' ||
		fail "enp1s0f1np1 is not under NetworkManager's automatic profile in the console: $(nm_row enp1s0f1np1)"
	status_agrees
else
	tmux_wait "$sess" 'live \(netlink\) +\| +networkd' 10 || fail "the title does not name networkd: $(tmux_screen "$sess" | head -1)"
	tmux_screen "$sess" | grep -q 'NM: ' && fail "NetworkManager rows on a networkd node"
	status_json
	python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert s["this_node"]["renderer"] == "networkd" and all(t["networkmanager"] is None for t in s["twins"]) and len(s["twins"]) == 4, s' \
		"$LAB_TMP/status.json" || fail "status --json on a networkd node: $(cat "$LAB_TMP/status.json")"
fi

step "paired earlier (with the command line): the console checks it by itself, keys only"
tmux_wait "$sess" 'verified both ways' 20 || fail "the peer paired earlier is not checked without a key press"
tmux_wait "$sess" '4 SSH +\[done\]' 5 || fail "step 4 is not done after the check"

step "a: the addressing dialog; Esc at the preview changes nothing"
tmux_keys "$sess" a
tmux_wait "$sess" 'Addressing: this node and spark-2\.local' 5 || fail "a did not open the addressing dialog"
tmux_wait "$sess" 'Peer spark-2 at 10\.77\.0\.2 \(management LAN\)' 2 ||
	fail "the dialog does not use spark-2's management address"
tmux_wait "$sess" 'node 1 = spark-1 \(this node\) \.10, node 2 = spark-2 \.11' 2 || fail "the node numbers are not shown"
tmux_keys "$sess" s
tmux_wait "$sess" 'node 1 = spark-2 \.10, node 2 = spark-1 \(this node\) \.11' 2 || fail "s did not swap the nodes"
tmux_keys "$sess" s Enter
tmux_wait "$sess" 'Password for sudo as nvidia on 10\.77\.0\.2 \(try 1 of 3\)' 20 ||
	fail "no field for the peer's sudo password"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_screen "$sess" | grep -qF "$PW" && fail "the sudo password is visible"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'y: apply' 20 || fail "no preview"
tmux_keys "$sess" Escape
tmux_wait "$sess" 'cancelled|not applied' 20 || fail "Esc at the preview did not cancel"
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Addressing: this node' 5 || fail "the dialog did not close"
for n in spark-1 spark-2; do for i in $IFS2; do net_is $n "$i" - 1500; done; done
# (NetworkManager nodes have their own files there, as DGX OS: 01-network-manager-all.yaml, 90-NM-*)
[ "$(lx spark-2 ls /etc/netplan)" = "$netplan2" ] || fail "a cancelled preview changed /etc/netplan on spark-2: $(lx spark-2 ls /etc/netplan)"

step "static, MTU 9000: the preview shows both nodes' commands; a resize redraws it"
tmux_keys "$sess" F4
tmux_wait "$sess" 'Enter: preview' 5 || fail "F4 did not open the addressing dialog"
tmux_keys "$sess" 2 m
tmux_wait "$sess" '\(\*\) 2 static +192' 2 || fail "2 did not choose static"
tmux_wait "$sess" '\(\*\) 9000' 2 || fail "m did not choose MTU 9000"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Password for sudo as nvidia on 10\.77\.0\.2 \(try 1 of 3\)' 20 || fail "no sudo password field"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'y: apply' 20 || fail "no preview"
tmux_wait "$sess" 'Plan: static, MTU 9000\. spark-1 is node 1, spark-2 is node 2' 2 || fail "the preview's first line"
# the commands as apply carries them out: on a port NetworkManager manages an in-memory profile
# (a bare `ip addr add` there would be removed at NetworkManager's DHCP timeout)
if [ "$RENDERER" = NetworkManager ]; then
	add1='ifname enp1s0f1np1 ipv4\.method manual ipv4\.addresses 192\.168\.100\.10/24'
	add2='ipv4\.addresses 192\.168\.100\.11/24'
	last='nmcli con up sparklink-enP2p1s0f1np1'
else
	add1='ip addr add 192\.168\.100\.10/24 dev enp1s0f1np1'
	add2='ip addr add 192\.168\.100\.11/24 dev enp1s0f1np1'
	last='ip link set enP2p1s0f1np1 mtu 9000'
fi
tmux_wait "$sess" "$add1" 2 || fail "node 1's commands are not in the preview"
tmux_screen "$sess" | grep -q 'ip addr add 192\.168\.100\.10/24' && [ "$RENDERER" = NetworkManager ] &&
	fail "the preview says ip addr add where apply makes a NetworkManager profile"
tmux_resize "$sess" 100 30
tmux_wait "$sess" 'y: apply +Up/Down' 5 || fail "after a resize the preview's keys are gone"
tmux_wait "$sess" 'Addressing: this node and spark-2' 2 || fail "after a resize the dialog's frame is gone"
[ "$(tmux_screen "$sess" | grep -c 'Addressing: this node')" = 1 ] || fail "the old frame stays after the resize"
tmux_screen "$sess" | grep -q "$add2" &&
	fail "node 2's commands fit in 30 rows: the scrolling below is not tested"
tmux_keys "$sess" NPage
tmux_wait "$sess" "$add2" 5 || fail "PgDn does not show node 2's commands"
# (not End/Home: tmux sends them as \e[4~ and \e[1~, which xterm's terminfo does not know)
# long lines wrap: how many pages the preview has depends on the width; at most 8 more
for ((pg = 0; pg < 8; pg++)); do
	tmux_screen "$sess" | grep -q -- "$last" && break
	tmux_keys "$sess" NPage
	sleep 0.2
done
tmux_wait "$sess" "$last" 2 || fail "PgDn does not show the last commands"
for ((; pg < 16; pg++)); do
	tmux_screen "$sess" | grep -q 'rollback. undoes it' && break
	tmux_keys "$sess" NPage
	sleep 0.2
done
tmux_wait "$sess" 'rollback. undoes it' 2 || fail "the end of the preview is not reachable"
for ((; pg >= 0; pg--)); do tmux_keys "$sess" PPage; done
tmux_wait "$sess" 'Plan: static, MTU 9000' 5 || fail "PgUp does not go back to the top"
tmux_resize "$sess" 140 40
tmux_wait "$sess" 'y: apply' 5 || fail "after growing the window the preview is gone"

step "y applies; every rail answers"
tmux_keys "$sess" y
tmux_wait "$sess" 'Password for sudo|Rail ok' 30 || fail "nothing happened after y"
if tmux_screen "$sess" | grep -q 'Password for sudo'; then
	tmux_type "$sess" "$PW"
	tmux_keys "$sess" Enter
fi
tmux_wait "$sess" 'Rail ok +enp1s0f1np1: ' 60 || fail "the rail enp1s0f1np1 is not ok"
tmux_wait "$sess" 'Rail ok +enP2p1s0f1np1: ' 10 || fail "the rail enP2p1s0f1np1 is not ok"
tmux_wait "$sess" 'every rail answers' 5 || fail "no summary"

step "ip and ping on both nodes agree"
net_is spark-1 enp1s0f1np1 192.168.100.10/24 9000
net_is spark-1 enP2p1s0f1np1 192.168.101.10/24 9000
net_is spark-2 enp1s0f1np1 192.168.100.11/24 9000
net_is spark-2 enP2p1s0f1np1 192.168.101.11/24 9000
lx spark-1 ping -c 1 -W 3 -M "do" -s 8972 -I enp1s0f1np1 192.168.100.11 >/dev/null ||
	fail "a jumbo ping spark-1 -> spark-2 on enp1s0f1np1 gets no answer"
lx spark-2 ping -c 1 -W 3 -M "do" -s 8972 -I enP2p1s0f1np1 192.168.101.10 >/dev/null ||
	fail "a jumbo ping spark-2 -> spark-1 on enP2p1s0f1np1 gets no answer"
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Addressing: this node' 5 || fail "Enter did not close the result"
tmux_wait "$sess" 'enp1s0f1np1 .*9000 +192\.168\.100\.10/24' 5 || fail "the ports panel does not show the new address and MTU"
if [ "$RENDERER" = NetworkManager ]; then # NetworkManager's signals reach the console: no key pressed
	for i in $IFS2; do
		[ "$(nm_con_of spark-1 "$i")" = "sparklink-$i" ] || fail "nmcli does not show sparklink-$i on $i: $(nm_con_of spark-1 "$i")"
		wait_until 10 "the console's row under $i does not show sparklink-$i: $(nm_row "$i")" panel_shows_nm "$i"
	done
fi

step "r: what would be undone; s adds the SSH lines and takes them away"
tmux_keys "$sess" r
tmux_wait "$sess" 'Rollback: undo what sparklink changed' 5 || fail "r did not open the rollback dialog"
tmux_wait "$sess" 'Would undo, newest first' 10 || fail "no list of what would be undone"
# spark-2's changes under the address the console reached it at, its rail's address among them
# (on NetworkManager nodes with the profile that set it); the peer panel behind the dialog names
# 192.168.100.11 too, so the line is matched whole
tmux_wait "$sess" '10\.77\.0\.2: delete (NetworkManager.s profile sparklink-enp1s0f1np1 \()?192\.168\.100\.11/24' 2 ||
	fail "the list does not name spark-2's address"
tmux_wait "$sess" '10\.77\.0\.2: MTU of enp1s0f1np1 back to 1500' 2 ||
	fail "the list does not name spark-2's MTU change"
if [ "$RENDERER" = NetworkManager ]; then # a line wider than the dialog wraps, whole
	tmux_wait "$sess" '[│|] {3,}[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12} on it again' 2 ||
		fail "the profile to activate again is not shown whole: $(tmux_screen "$sess" | grep -A1 'activate')"
fi
tmux_screen "$sess" | grep -qE 'remove the (key line|host key lines)' && fail "SSH lines listed without s"
tmux_keys "$sess" s
tmux_wait "$sess" '\[x\] also undo SSH pairing lines' 5 || fail "s did not turn the SSH lines on"
tmux_keys "$sess" NPage NPage NPage
tmux_wait "$sess" 'remove the (key line|host key lines)' 10 || fail "s does not list the SSH pairing lines"
tmux_keys "$sess" s
tmux_wait "$sess" '\[ \] also undo SSH pairing lines' 5 || fail "s did not turn the SSH lines off"
tmux_wait "$sess" 'y: undo all of this' 10 || fail "the list did not come back"
net_is spark-1 enp1s0f1np1 192.168.100.10/24 9000 # the listing changed nothing
net_is spark-2 enp1s0f1np1 192.168.100.11/24 9000

step "y undoes it on both nodes"
tmux_keys "$sess" y
tmux_wait "$sess" 'Password for sudo|Done:|FAILED:' 30 || fail "nothing happened after y"
if tmux_screen "$sess" | grep -q 'Password for sudo'; then
	sleep 0.2
	tmux_type "$sess" "$PW"
	tmux_keys "$sess" Enter
fi
tmux_wait "$sess" 'Done:|FAILED:' 60 || fail "the rollback did not finish"
tmux_screen "$sess" | grep -q 'FAILED:' && fail "the rollback failed: $(tmux_screen "$sess")"
for n in spark-1 spark-2; do for i in $IFS2; do net_is $n "$i" - 1500; done; done
[ "$(lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname)" = spark-2 ] ||
	fail "the rollback without s undid the SSH pairing"
tmux_keys "$sess" Enter
tmux_keys "$sess" r
tmux_wait "$sess" 'Nothing to undo' 10 || fail "a second rollback does not say there is nothing to undo"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Nothing to undo' 5 || fail "Esc did not close the rollback dialog"

if [ "$RENDERER" = NetworkManager ]; then
	step "another tool's profile and netplan file: findings in the console and status --json"
	status_json
	grep -qE '"code": "(nm-other-profile|netplan-other-tool)"' "$LAB_TMP/status.json" &&
		fail "a coexistence finding before anything was added: $(cat "$LAB_TMP/status.json")"
	lx spark-1 nmcli con add type ethernet con-name lab-foreign ifname enp1s0f1np1 autoconnect no \
		ipv4.method manual ipv4.addresses 192.168.77.1/24 >/dev/null || fail "nmcli con add in spark-1 failed"
	uuid=$(lx spark-1 nmcli -g connection.uuid con show lab-foreign) || fail "no UUID for lab-foreign"
	lx spark-1 sh -c 'umask 077; printf "%s\n" "network:" "  version: 2" "  ethernets:" "    enp1s0f0np0:" \
		"      addresses: [192.168.78.1/24]" >/etc/netplan/99-nvidia-sync-cluster.yaml' ||
		fail "cannot write 99-nvidia-sync-cluster.yaml in spark-1"
	tmux_resize "$sess" 140 50
	tmux_wait "$sess" 'WARNING: NetworkManager profile "lab-foreign"' 10 ||
		fail "the console's findings do not name the profile lab-foreign: $(tmux_screen "$sess")"
	tmux_wait "$sess" 'WARNING: /etc/netplan/99-nvidia-sync-cluster\.yaml names enp1s0f0np0' 10 ||
		fail "the console's findings do not name 99-nvidia-sync-cluster.yaml: $(tmux_screen "$sess")"
	status_agrees
	python3 - "$LAB_TMP/status.json" "$uuid" <<'PY' || fail "status --json does not report another tool's profile and file: $(cat "$LAB_TMP/status.json")"
import json, sys
s, uuid = json.load(open(sys.argv[1])), sys.argv[2]
f = [x["text"] for x in s["findings"] if x["code"] == "nm-other-profile"]
assert any('"lab-foreign"' in t and uuid in t and "enp1s0f1np1" in t and "inactive" in t for t in f), f
f = [x["text"] for x in s["findings"] if x["code"] == "netplan-other-tool"]
assert any("/etc/netplan/99-nvidia-sync-cluster.yaml" in t and "NVIDIA Sync" in t and "enp1s0f0np0" in t for t in f), f
p = [x for x in s["inactive_profiles"] if x["name"] == "lab-foreign"]
assert p and p[0]["uuid"] == uuid and p[0]["interface"] == "enp1s0f1np1" and p[0]["kind"] == "other", s["inactive_profiles"]
PY
	lx spark-1 test -f /etc/netplan/99-nvidia-sync-cluster.yaml || fail "sparklink touched another tool's netplan file"
	lx spark-1 nmcli -g connection.id con show "$uuid" | grep -qx lab-foreign || fail "sparklink touched another tool's profile"
	# 30 rows: no room for a row per twin, so NetworkManager's profiles are in the port's title
	tmux_resize "$sess" 100 30
	con=$(nm_con_of spark-1 enp1s0f1np1)
	tmux_wait "$sess" "Port 1: cable seen \\| NM: ${con:-no profile} \\(" 5 ||
		fail "after a resize to 100x30 the port's title does not name $con: $(tmux_screen "$sess" | grep 'Port 1')"
	tmux_screen "$sess" | grep -qE '^(│|\|) {14,}NM: ' && fail "NetworkManager rows drawn at 30 rows"
fi
tmux_keys "$sess" q
console_gone || fail "q did not quit the console"
