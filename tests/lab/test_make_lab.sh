#!/bin/bash
# lab_make_lab: the README's first command ends in scripts/open-console; run it as a person would
# (in a terminal, here tmux) on a machine without ConnectX hardware:
# - a fresh two-node lab comes up, the banner says it is virtual, how to unplug/plug from another
#   terminal, and the password; sudo asks for it on spark-1 and the console opens as root there
#   (so it may change the network), showing spark-1's ports with the cable on port 1;
# - a lab that was already up is replaced by a fresh one;
# - leaving the console (q) takes the lab down: no namespace, no lab process left.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test make-lab
build=$(dirname -- "$SPARKLINK")
[ -x "$build/sparklab" ] || fail "no sparklab beside $SPARKLINK"
[ -d /sys/class/infiniband ] && ls /sys/class/infiniband | grep -q . &&
	{ echo "SKIP: this machine has RDMA devices: make lab opens the real console"; exit 77; }
PW=${SPARKLAB_PASSWORD:-spark-lab}

step "a stale lab is up; open-console replaces it"
lab_up 2
lx spark-1 touch /etc/netplan/stale-marker || fail "cannot mark the stale lab"
TMUX_COLS=140 TMUX_ROWS=45 tmux_start "$sess" "$here/../../scripts/open-console" "$build" ||
	fail "cannot start open-console"
tmux_wait "$sess" 'VIRTUAL LAB' 30 || fail "no banner saying it is a virtual lab"
tmux_wait "$sess" 'unplug spark-1 p1' 2 || fail "the banner does not say how to unplug"
tmux_wait "$sess" "Password.*$PW" 2 || fail "the banner does not give the password"
tmux_wait "$sess" "password for nvidia on spark-1" 15 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'Port 1: cable seen' 20 || fail "the console does not show port 1 cabled"
lx spark-1 test -e /etc/netplan/stale-marker && fail "the old lab was reused, not replaced"
tmux_wait "$sess" 'spark-2' 20 || fail "spark-2 is not listed as a peer"
# the console runs as root in spark-1 (sudo), for the invoking user nvidia
pid=$(pgrep -n -f "sudo -p .* $(readlink -f "$SPARKLINK")") || fail "no sudo running the console"
child=$(pgrep -P "$pid" | head -n 1)
[ -n "$child" ] && [ "$(stat -c %u "/proc/$child")" = 0 ] || fail "the console is not running as root"

step "q: the console ends and the lab goes down"
tmux_keys "$sess" q
wait_until 30 "the lab is still up after leaving the console" \
	sh -c '! ip netns list | grep -qE "^(spark-[0-9]+|sparklab-net)( |$)" && ! "$0" status' "$SPARKLAB"
tmux_wait "$sess" 'Taking the virtual lab down' 5 || fail "leaving does not say the lab goes down"
LAB_IS_UP=0
exit 0
