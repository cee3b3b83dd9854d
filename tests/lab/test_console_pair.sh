#!/bin/bash
# lab_console_pair: pairing from the console inside spark-1, driven through tmux as a person
# would: F2 on the peer, Enter, compare and accept the fingerprint, type the password (not
# shown), read both directions' results; the peers panel then says "verified both ways", and
# OpenSSH confirms both directions from outside. Resizing during the dialog redraws it; Esc
# cancels a dialog. The console runs as the node's login user.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test cpair
PW=${SPARKLAB_PASSWORD:-spark-lab}

step "up; console in spark-1 as the user"
lab_up 2
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
TMUX_COLS=140 TMUX_ROWS=40 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" ||
	fail "cannot start the console"
tmux_wait "$sess" 'spark-2\.local .*not paired' 20 || fail "spark-2 is not listed as not paired"
tmux_wait "$sess" 'LAN +enP7s7 +10\.77\.0\.2' 20 || fail "spark-2's management LAN address is not listed"

step "F2 opens the pairing dialog; Esc cancels it without doing anything"
tmux_keys "$sess" F2
tmux_wait "$sess" 'Pair with spark-2\.local' 5 || fail "F2 did not open the pairing dialog"
tmux_wait "$sess" 'Enter: start' 2 || fail "the dialog does not say how to start"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Pair with spark-2' 5 || fail "Esc did not close the dialog"

step "pair: fingerprint shown and accepted, password typed unseen"
tmux_keys "$sess" F2
tmux_wait "$sess" 'Enter: start' 5 || fail "the dialog did not open again"
tmux_keys "$sess" Enter
tmux_wait "$sess" "Host key of 10\.77\.0\.2: ssh-ed25519 ${fp2//+/\\+}" 15 ||
	fail "the dialog does not show spark-2's real fingerprint ($fp2)"
tmux_resize "$sess" 100 30
tmux_wait "$sess" 'y: accept' 5 || fail "after a resize the fingerprint question is gone"
tmux_resize "$sess" 140 40
tmux_keys "$sess" y
tmux_wait "$sess" 'Password for nvidia@10\.77\.0\.2 \(try 1 of 3\)' 10 || fail "no password field"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_screen "$sess" | grep -qF "$PW" && fail "the password is visible on the screen"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'OK +this node -> peer' 30 || fail "this node -> peer did not verify"
tmux_wait "$sess" 'OK +peer -> this node' 10 || fail "peer -> this node did not verify"
tmux_wait "$sess" 'paired and verified both ways' 5 || fail "no summary"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'spark-2\.local .*verified both ways' 5 || fail "the peers panel does not say verified both ways"

step "OpenSSH confirms both directions from outside"
[ "$(lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname)" = spark-2 ] ||
	fail "OpenSSH spark-1 -> spark-2 does not work after pairing from the console"
[ "$(lxu spark-2 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.1 hostname)" = spark-1 ] ||
	fail "OpenSSH spark-2 -> spark-1 does not work after pairing from the console"

step "F3 verifies with keys only"
tmux_keys "$sess" F3
tmux_wait "$sess" 'Verify SSH with spark-2' 5 || fail "F3 did not open the verify dialog"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'verified both ways with' 30 || fail "verify from the console did not succeed"
tmux_keys "$sess" Enter q
