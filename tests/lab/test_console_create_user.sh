#!/bin/bash
# lab_console_create_user: the user name differs (carol exists only on spark-1). From the console
# carol tries to pair: three refused passwords end the attempt with the explanation; she then
# presses u, names a user on spark-2 with sudo (nvidia), types nvidia's password and a new one for
# herself; sparklink creates carol on spark-2 as the playbook does and pairs; OpenSSH confirms.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test ccreate
PW=${SPARKLAB_PASSWORD:-spark-lab}

step "up; carol only on spark-1; console as carol"
lab_up 2
lx spark-1 sh -c 'useradd -m -s /bin/bash carol && echo carol:carol-pw | chpasswd' || fail "useradd carol"
TMUX_COLS=140 TMUX_ROWS=40 tmux_start "$sess" "$SPARKLAB" exec spark-1 -- setpriv --reuid=carol --regid=carol \
	--init-groups env HOME=/home/carol USER=carol LOGNAME=carol "$SPARKLINK" || fail "cannot start the console"
tmux_wait "$sess" 'spark-2\.local' 20 || fail "spark-2 is not listed"
tmux_wait "$sess" 'LAN +enP7s7 +10\.77\.0\.2' 20 || fail "spark-2's management LAN address is not listed"

step "pairing as carol fails three times, with the user-name explanation"
tmux_keys "$sess" F2
tmux_wait "$sess" 'Enter: start' 5 || fail "no pairing dialog"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'y: accept' 15 || fail "no fingerprint question"
tmux_keys "$sess" y
for try in 1 2 3; do
	tmux_wait "$sess" "Password for carol@10\\.77\\.0\\.2 \\(try $try of 3\\)" 15 || fail "no password try $try"
	sleep 0.2
	tmux_type "$sess" "carol-pw"
	tmux_keys "$sess" Enter
done
tmux_wait "$sess" 'Does the peer have a user' 20 || fail "no user-name explanation after three refusals"
tmux_wait "$sess" 'u: log in as another user and create yours there' 5 || fail "no offer to create the user"

step "u: nvidia creates carol on spark-2, then carol pairs"
tmux_keys "$sess" u
tmux_wait "$sess" 'User on the peer with sudo:' 5 || fail "no field for the sudo user"
tmux_type "$sess" nvidia
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Will log in as nvidia, create user carol on the peer' 5 || fail "the plan is not shown"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Password for nvidia@10\.77\.0\.2 \(try 1 of 3\)' 20 || fail "no password field for nvidia"
sleep 0.2
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'New password for user carol on 10\.77\.0\.2' 15 || fail "no field for carol's new password"
sleep 0.2
tmux_type "$sess" "carol-new-pw"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'paired and verified both ways' 30 || fail "pairing after creating carol did not succeed"
tmux_screen "$sess" | grep -qE "carol-new-pw|$PW" && fail "a password is on the screen"
lx spark-2 id -nG carol | grep -qw sudo || fail "carol is not on spark-2 in group sudo"
[ "$(lx spark-1 su carol -c 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname')" = spark-2 ] ||
	fail "carol cannot ssh to spark-2 with keys"
tmux_keys "$sess" Enter q
