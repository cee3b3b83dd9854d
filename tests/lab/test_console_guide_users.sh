#!/bin/bash
# lab_console_guide_users: user names that differ (sparklab up --users alice,bob: spark-2 has no
# alice and its sshd lets only bob in). alice pairs from the guide: three refused passwords end
# the attempt with the explanation; step 1 turns to failing, saying why and offering the fix;
# Enter on step 1 explains (the playbook's reason) and offers u; u opens the pairing dialog's
# field for a user on the peer who can use sudo (the playbook's useradd path); Esc backs out and
# nothing was changed on spark-2. Passwords never reach the screen or the log. The console runs with
# NO_COLOR=1 in the C locale: no colour, ASCII frames, every mark in words.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
. "$here/test_console_guide.inc"
lab_console_test cusers
PW=${SPARKLAB_PASSWORD:-spark-lab}
CAP=${GUIDE_CAPTURES:-/tmp/sparklink-captures/guide-users}
mkdir -p "$CAP" && rm -f "$CAP"/*.txt

step "up --users alice,bob; the console in spark-1 as alice, with sudo"
lab_up 2 --users alice,bob
GUIDE_ENV="NO_COLOR=1 LANG=C LC_ALL=C" start_console 140 40 alice
step_is 1 "to do"
tmux_wait "$sess" 'must be alice, as here' 5 || fail "step 1 does not say what it checks"

step "Enter on step 1 pairs; spark-2 refuses alice three times"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Pair with spark-2\.local' 5 || fail "Enter on step 1 did not open the pairing dialog"
pair_dialog
for try in 1 2 3; do
	type_password "Password for alice@10\\.77\\.0\\.2 \\(try $try of 3\\)"
done
tmux_wait "$sess" "three wrong passwords for alice@10\\.77\\.0\\.2; nothing was written. \\(Does the peer have a user" 20 || fail "no explanation after three refusals"
shot 01-refused
tmux_keys "$sess" Enter
tmux_wait_gone "$sess" 'Pair with spark-2' 5 || fail "Enter did not close the pairing dialog"

step "step 1 fails, in words, with the fix offered"
step_is 1 FAILING
step_is 4 FAILING
tmux_wait "$sess" "spark-2 refused 'alice'" 5 || fail "step 1 does not say why it fails"
tmux_wait "$sess" 'Enter: what to do \(u creates your user there\)' 5 || fail "the guide does not say what Enter does"
shot 02-step1-failing
tmux_screen "$sess" | grep -qE '^\+-+ Port 1: cable seen -+\+' || fail "no ASCII frames with LC_ALL=C"
tmux_screen "$sess" | LC_ALL=C grep -q $'\xe2\x94' && fail "UTF-8 line drawing with LC_ALL=C"
tmux -L "$sess" capture-pane -p -e -t "$sess" | LC_ALL=C grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[;m]' &&
	fail "colour escape sequences with NO_COLOR=1"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Step 1: the same user on both nodes' 5 || fail "Enter on step 1 did not explain"
tmux_wait "$sess" "it may have no user 'alice'" 2 || fail "the explanation does not say why step 1 fails"
tmux_wait "$sess" "Enter: create 'alice' there \\(u\\)" 2 || fail "step 1's reason does not offer the fix"
tmux_wait "$sess" 'MPI and NCCL' 2 || fail "the explanation does not give the playbook's reason"
tmux_wait "$sess" "u: create 'alice' on spark-2\\.local now +Esc: close" 2 || fail "the explanation does not offer u"
shot 03-explained
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Step 1: the same user on both' 5 || fail "Esc did not close the explanation"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Step 1: the same user on both nodes' 5 || fail "Enter on step 1 did not explain again"
tmux_keys "$sess" u
tmux_wait "$sess" 'User on the peer with sudo:' 5 || fail "u did not open the field for a user with sudo"
tmux_wait "$sess" 'useradd -m, group sudo' 2 || fail "the pairing dialog does not say what it will do"
shot 04-fix-offered
tmux_keys "$sess" Escape
tmux_wait "$sess" 'Enter: start +u: your user is missing there' 5 || fail "Esc did not go back to the start"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Pair with spark-2' 5 || fail "Esc did not close the pairing dialog"
lx spark-2 id alice >/dev/null 2>&1 && fail "alice was created on spark-2 without being asked"
step_is 1 FAILING

step "the log: the refusal with its outcome, no password"
log=$(lx spark-1 cat /var/lib/sparklink/console.log) || fail "no log file"
printf '%s\n' "$log" | grep -qE "FAILED +Pairing with spark-2\\.local: three wrong passwords for alice@10\\.77\\.0\\.2" ||
	fail "the log does not have the refused pairing: $(printf '%s\n' "$log" | tail)"
printf '%s\n' "$log" | grep -qE 'FAILED +Step 1 Same user: FAILING' || fail "the log does not have step 1 failing"
printf '%s\n' "$log" | grep -qF "$PW" && fail "a password is in the log"
tmux_keys "$sess" q
console_gone || fail "q did not quit the console"
