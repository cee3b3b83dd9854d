#!/bin/bash
# lab_console_guide: the guided console from zero, as a person would use it on spark-1 (started
# with sudo, sudo's password typed into the terminal), judged from outside by system tools:
# - the cable shows Up, spark-2 is listed on the cable, step 2 is done;
# - Enter on the guide's next step pairs (fingerprint accepted, password typed): steps 1 and 4 done;
# - Enter again addresses (link-local, both nodes), the preview survives resizes through several
#   sizes (one below 80x24), y applies; v verifies: steps 1-5 done; then ip addr, /etc/netplan,
#   authorized_keys and `ssh -o BatchMode=yes` both ways confirm it;
# - the cable pulled during a verify: steps 2 and 5 fail in words, the console keeps answering;
#   plugged back: step 2 recovers by itself, v makes step 5 done again;
# - r, s (the SSH lines too), y: both nodes back to the state before (netplan files, addresses,
#   MTU, authorized_keys, known_hosts), steps 3, 4, 5 back to "to do", step 6 "Nothing to undo";
# - the log file has every action with its outcome, and no password.
# Under both renderers ($SPARKLAB_RENDERER: lab_console_guide on NetworkManager nodes,
# lab_console_guide_networkd); on NetworkManager nodes nmcli also shows the port under netplan's
# profile after apply, and the list of profiles as before after the rollback.
# Screens of every step are kept in $GUIDE_CAPTURES (default /tmp/sparklink-captures/guide).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
. "$here/test_console_guide.inc"
lab_console_test cguide
PW=${SPARKLAB_PASSWORD:-spark-lab}
CAP=${GUIDE_CAPTURES:-/tmp/sparklink-captures/guide}
mkdir -p "$CAP" && rm -f "$CAP"/*.txt

step "up; the state of both nodes before anything"
lab_up 2
renderer_of
state_of spark-1 >"$LAB_TMP/before-1" || fail "cannot read spark-1's state"
state_of spark-2 >"$LAB_TMP/before-2" || fail "cannot read spark-2's state"

step "the console in spark-1 with sudo: the cable is Up, spark-2 is on it (step 2 done)"
# shellcheck disable=SC2046 # one word per variable
TMUX_COLS=140 TMUX_ROWS=40 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- sudo -k \
	env SPARKLINK_SYSFS=/run/sparklab-sysfs $(san_env) "$SPARKLINK" ||
	fail "cannot start the console under sudo"
tmux_wait "$sess" 'password for nvidia' 10 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Port 1: cable seen' 15 || fail "port 1 is not shown with its cable"
tmux_wait "$sess" 'enp1s0f1np1 +Up' 5 || fail "enp1s0f1np1 is not shown Up"
tmux_wait "$sess" 'spark-2\.local .*\(on a cable' 20 || fail "spark-2 is not listed on the cable"
tmux_wait "$sess" 'LAN +enP7s7 +10\.77\.0\.2' 20 || fail "spark-2's management LAN address is not listed"
step_is 2 done
tmux_wait "$sess" 'Port 1 is Up and spark-2 is seen on it' 5 || fail "step 2 does not say why it is done"
step_is 1 "to do"
step_is 3 "to do"
step_is 4 "to do"
step_is 5 "to do"
step_is 6 'n\.a\.'
tmux_wait "$sess" 'Nothing to undo' 2 || fail "step 6 does not say there is nothing to undo"
shot 01-cable

step "Enter on the next step (1, same user): the pairing dialog; fingerprint, password"
tmux_wait "$sess" '>1 Same user' 2 || fail "the guide did not choose step 1 first"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Pair with spark-2\.local' 5 || fail "Enter on step 1 did not open the pairing dialog"
tmux_keys "$sess" Enter
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
tmux_wait "$sess" "Host key of 10\\.77\\.0\\.2: ssh-ed25519 ${fp2//+/\\+}" 15 ||
	fail "the dialog does not show spark-2's fingerprint ($fp2)"
shot 02-fingerprint
tmux_keys "$sess" y
tmux_wait "$sess" 'Password for nvidia@10\.77\.0\.2 \(try 1 of 3\)' 10 || fail "no password field"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_screen "$sess" | grep -qF "$PW" && fail "the password is visible on the screen"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'paired and verified both ways' 30 || fail "pairing did not succeed"
shot 03-paired
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Pair with spark-2' 5 || fail "Enter did not close the pairing dialog"
step_is 1 done
step_is 4 done
tmux_wait "$sess" 'You are nvidia here and on spark-2' 2 || fail "step 1 does not say why it is done"

step "Enter on the next step (3): link-local; resizes during the preview; y applies on both"
tmux_wait "$sess" '>3 Addressing' 5 || fail "the guide did not move on to step 3"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Addressing: this node and spark-2\.local' 5 || fail "Enter on step 3 did not open addressing"
tmux_keys "$sess" 1
tmux_wait "$sess" '\(\*\) 1 link-local' 2 || fail "1 did not choose link-local"
tmux_keys "$sess" Enter
sudo_password 20
tmux_wait "$sess" 'y: apply' 20 || fail "no preview"
shot 04-preview
for size in "100 30" "80 24" "70 20" "120 35" "140 40"; do
	# shellcheck disable=SC2086 # two words
	tmux_resize "$sess" $size
	if [ "$size" = "70 20" ]; then
		tmux_wait "$sess" 'Terminal too small: 70x20, need at least 80x24' 5 || fail "no 'too small' at 70x20"
		tmux_wait "$sess" 'Enlarge the window to go on with the dialog' 2 || fail "the too-small screen does not say what to do"
		continue
	fi
	redrawn "$size" 'Addressing: this node' 'y: apply' ||
		fail "after resizing to $size the preview is not redrawn whole: $(tmux_screen "$sess")"
done
shot 05-preview-resized
tmux_keys "$sess" y
sudo_password 5
tmux_wait "$sess" 'Rail ok +enp1s0f1np1: 169\.254\.' 60 || fail "the rail enp1s0f1np1 is not ok"
tmux_wait "$sess" 'every rail answers' 10 || fail "no summary"
shot 06-applied
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Addressing: this node' 5 || fail "Enter did not close the result"
step_is 3 done
step_is 5 done

step "v verifies every rail again (keys only, no password): steps 1-5 done"
tmux_keys "$sess" v
tmux_wait "$sess" 'Verify: ping every rail of the applied plan' 5 || fail "v did not open the verify dialog"
tmux_wait "$sess" 'Rail ok +enp1s0f1np1' 60 || fail "verify: the rail is not ok"
tmux_screen "$sess" | grep -q 'Password for' && fail "verify asked for a password"
tmux_keys "$sess" Enter
for n in 1 2 3 4 5; do step_is $n done; done
step_is 6 'n\.a\.'
tmux_wait "$sess" 'changes? (to the network )?can be undone' 2 || fail "step 6 does not say what can be undone"
tmux_wait "$sess" 'Every rail answers \(1\)' 2 || fail "step 5 does not say why it is done"
shot 07-all-done

step "from outside: ip addr, /etc/netplan, authorized_keys and ssh -o BatchMode=yes both ways"
for n in spark-1 spark-2; do
	lx $n ip -4 addr show dev enp1s0f1np1 | grep -q 'inet 169\.254\.' ||
		fail "$n enp1s0f1np1 has no 169.254 address: $(lx $n ip addr show dev enp1s0f1np1)"
	lx $n cat /etc/netplan/40-cx7.yaml | grep -q 'link-local: *\[ *ipv4 *\]' ||
		fail "$n has no link-local netplan file: $(lx $n ls -l /etc/netplan)"
	lx $n grep -q '^ssh-' /home/nvidia/.ssh/authorized_keys || fail "$n's authorized_keys has no key"
	profile_is $n enp1s0f1np1 netplan-enp1s0f1np1
done
[ "$(lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname)" = spark-2 ] ||
	fail "ssh -o BatchMode=yes spark-1 -> spark-2 does not work"
[ "$(lxu spark-2 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.1 hostname)" = spark-1 ] ||
	fail "ssh -o BatchMode=yes spark-2 -> spark-1 does not work"
ll2=$(lx spark-2 ip -4 -o addr show dev enp1s0f1np1 | awk '{ split($4, a, "/"); print a[1]; exit }')
lx spark-1 ping -c 1 -W 3 -I enp1s0f1np1 "$ll2" >/dev/null || fail "spark-1 cannot ping spark-2's $ll2 on the cable"

step "the cable pulled during a verify: steps 2 and 5 fail in words; the console keeps answering"
tmux_keys "$sess" v
tmux_wait "$sess" 'Verify: ping every rail' 5 || fail "v did not open the verify dialog"
"$SPARKLAB" unplug spark-1 p1 || fail "sparklab unplug"
tmux_wait "$sess" 'Port 1: no cable' 10 || fail "the port panel does not show the cable out (behind the dialog)"
tmux_wait "$sess" 'Rail FAILED|a rail does not answer' 60 || fail "the verify did not end with the failure in words"
shot 08-unplugged-verify
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Verify: ping every rail' 5 || fail "Enter did not close the verify dialog"
step_is 2 FAILING
step_is 5 FAILING
tmux_wait "$sess" 'Cable out on enp1s0f1np1' 5 || fail "the steps do not say the cable is out"
tmux_keys "$sess" F1
tmux_wait "$sess" 'Log of every action: /var/lib/sparklink/console\.log' 5 || fail "the help does not give the log's path"
tmux_wait "$sess" 'F5 +v +verify' 2 || fail "the help does not list F5 v"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Help \(Esc closes\)' 5 || fail "Esc did not close the help"
tmux_keys "$sess" F8
tmux_wait "$sess" 'Log /var/lib/sparklink/console\.log' 5 || fail "F8 did not show the log"
tmux_wait "$sess" 'FAILED +Port 1: cable out' 5 || fail "the log does not have the cable pulled"
shot 09-log
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Log /var/lib' 5 || fail "Esc did not close the log"
tmux_alive "$sess" || fail "the console died"
shot 10-unplugged

step "plugged back: step 2 recovers by itself; v makes step 5 done again"
"$SPARKLAB" plug spark-1 p1 || fail "sparklab plug"
tmux_wait "$sess" 'enp1s0f1np1 +Up' 10 || fail "the port panel does not show the cable back"
step_is 2 done 20
step_is 3 done 30 # the 169.254 address comes back seconds later (ACD)
tmux_keys "$sess" v
tmux_wait "$sess" 'Rail ok +enp1s0f1np1' 60 || fail "verify after the plug: the rail is not ok"
tmux_keys "$sess" Enter
for n in 1 2 3 4 5; do step_is $n done; done
shot 11-replugged

step "r, s, y: both nodes back to the state before; steps back to 'to do'"
tmux_keys "$sess" r
tmux_wait "$sess" 'Would undo, newest first' 15 || fail "r did not list what would be undone"
tmux_keys "$sess" s
tmux_wait "$sess" '\[x\] also undo SSH pairing lines' 5 || fail "s did not add the SSH lines"
tmux_wait "$sess" 'y: undo all of this' 15 || fail "the list did not come back with the SSH lines"
shot 12-rollback-list
tmux_keys "$sess" y
sudo_password 10
tmux_wait "$sess" 'Done:|FAILED:' 90 || fail "the rollback did not finish"
shot 13-rolled-back
tmux_screen "$sess" | grep -q 'FAILED:' && fail "the rollback failed"
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Rollback: undo' 5 || fail "Enter did not close the rollback dialog"
step_is 3 "to do"
step_is 4 "to do"
step_is 5 "to do"
step_is 2 done
step_is 6 'n\.a\.'
tmux_wait "$sess" 'Nothing to undo' 5 || fail "step 6 does not say there is nothing to undo"
shot 14-after-rollback
for ((i = 0; i < 50; i++)); do # networkd may take a moment to settle after netplan apply
	state_of spark-1 >"$LAB_TMP/after-1"
	state_of spark-2 >"$LAB_TMP/after-2"
	cmp -s "$LAB_TMP/before-1" "$LAB_TMP/after-1" && cmp -s "$LAB_TMP/before-2" "$LAB_TMP/after-2" && break
	sleep 0.2
done
for n in 1 2; do
	diff -u "$LAB_TMP/before-$n" "$LAB_TMP/after-$n" >&2 || fail "spark-$n is not back to its state before (diff above)"
done
lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=5 10.77.0.2 true 2>/dev/null &&
	fail "spark-1 still logs in to spark-2 with its key after the rollback"

step "the log file: every action with its outcome, no password"
log=$(lx spark-1 cat /var/lib/sparklink/console.log) || fail "no log file /var/lib/sparklink/console.log"
for re in 'OK +Pairing with spark-2\.local: .*verified both ways' 'OK +Addressing: .*every rail answers' \
	'OK +Verify: every rail answers' 'FAILED +Port 1: cable out' 'OK +Port 1: cable in' \
	'FAILED +Step 2 Cabling: FAILING' 'OK +Rollback \(with the SSH lines\)'; do
	printf '%s\n' "$log" | grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [+-][0-9]{4} $re" ||
		fail "the log has no line /$re/: $(printf '%s\n' "$log" | tail -20)"
done
printf '%s\n' "$log" | grep -qF "$PW" && fail "a password is in the log"
tmux_keys "$sess" q
console_gone || fail "q did not quit the console"
