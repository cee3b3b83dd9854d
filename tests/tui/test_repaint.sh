#!/bin/bash
# tui_repaint: the console writes its frames itself (ui/console/termout.c) and must repaint all of
# the screen whenever the terminal's content is not its own, judged by what tmux shows (with
# attributes, capture-pane -e) against a fresh start of the console at the same size:
# - Ctrl-L after something else wrote on the terminal: the garbage is gone, the screen as before;
# - resizes, one right after the other while it draws, to the two-column layout, to "too small"
#   and back: each final screen equals a fresh start at that size;
# - Ctrl-Z from a shell, then fg: the shell's screen comes back while it is stopped; after fg
#   the screen is as before and the keys work (the keypad's mode is back: Down moves the step).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
fail() { echo "FAIL [tui_repaint]: $*" >&2; exit 1; }
tmp=$(mktemp -d) || fail "mktemp"
sess=repaint-$$ fresh=repaintf-$$
cleanup() { tmux_stop "$sess" 2>/dev/null; tmux_stop "$fresh" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
"$SPARK_SYSFS" make "$tmp/sys" --up p1 || fail "cannot build a fixture tree"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus" SPARKLINK_SYSFS="$tmp/sys"
export SPARKLINK_STATE_DIR="$tmp/state"

# the screen with its attributes; the log's clock times masked (the two runs differ in them)
shot() { tmux -L "$1" capture-pane -p -e -t "$1" | sed -E 's/[0-9]{2}:[0-9]{2}:[0-9]{2}/hh:mm:ss/g'; }
ready() { # NAME: the first frame is complete and the start-up's log lines are in
	tmux_wait "$1" 'F10' 10 || fail "$1: no first frame"
	tmux_wait "$1" 'Port 1: cable seen' 5 || fail "$1: port 1 not shown"
	tmux_wait "$1" 'NetworkManager: no system bus' 5 || fail "$1: the log's line is missing"
	sleep 0.3
}
# FILE COLS ROWS: the screen of a fresh console at that size
fresh_shot() {
	tmux_stop "$fresh" 2>/dev/null
	TMUX_COLS=$2 TMUX_ROWS=$3 tmux_start "$fresh" "$SPARKLINK" || fail "cannot start a fresh console"
	ready "$fresh"
	shot "$fresh" >"$1"
	tmux_stop "$fresh"
}
same() { # A B WHAT
	cmp -s "$1" "$2" && return 0
	diff <(sed 's/\x1b/^[/g' "$1") <(sed 's/\x1b/^[/g' "$2") | head -20 >&2
	fail "$3"
}

TMUX_COLS=100 TMUX_ROWS=30 tmux_start "$sess" "$SPARKLINK" || fail "cannot start the console"
ready "$sess"
shot "$sess" >"$tmp/ref100"
fresh_shot "$tmp/fresh100" 100 30
same "$tmp/ref100" "$tmp/fresh100" "two fresh starts differ: the comparisons below would prove nothing"

# 1. Ctrl-L: something else wrote on the terminal (as a stray process's output would)
tty=$(tmux -L "$sess" display-message -p -t "$sess" '#{pane_tty}')
printf '\033[3;5H\033[7mGARBAGE\033[m\033[12;40HGARBAGE' >"$tty" || fail "cannot write to $tty"
tmux_wait "$sess" 'GARBAGE' 5 || fail "the garbage did not show (the test proves nothing)"
tmux_keys "$sess" C-l
tmux_wait_gone "$sess" 'GARBAGE' 5 || fail "Ctrl-L left the garbage on the screen"
sleep 0.3
shot "$sess" >"$tmp/after"
same "$tmp/ref100" "$tmp/after" "after Ctrl-L the screen differs from before"

# 2. resizes while drawing: several in a row, then the final size must look as a fresh start
for size in "140 45" "90 28" "150 50" "140 45"; do
	tmux_resize "$sess" ${size% *} ${size#* }
done
sleep 0.8
shot "$sess" >"$tmp/after"
fresh_shot "$tmp/fresh140" 140 45
same "$tmp/fresh140" "$tmp/after" "after resizes to 140x45 the screen differs from a fresh start"
tmux_resize "$sess" 60 15
tmux_wait "$sess" 'Terminal too small' 5 || fail "60x15 does not say the terminal is too small"
tmux_resize "$sess" 100 30
tmux_wait_gone "$sess" 'Terminal too small' 5 || fail "back at 100x30, still 'too small'"
sleep 0.5
shot "$sess" >"$tmp/after"
same "$tmp/ref100" "$tmp/after" "back at 100x30 the screen differs from a fresh start"
tmux_keys "$sess" q
tmux_wait_exit "$sess" 5 >/dev/null || fail "q did not quit"
tmux_stop "$sess"

# 3. Ctrl-Z and fg from a shell
TMUX_COLS=100 TMUX_ROWS=30 tmux_start "$sess" env PS1='shell$ ' bash --norc --noprofile -i ||
	fail "cannot start a shell in tmux"
tmux_wait "$sess" 'shell\$' 5 || fail "no shell prompt"
tmux_type "$sess" "\"$SPARKLINK\""
tmux_keys "$sess" Enter
ready "$sess"
shot "$sess" >"$tmp/before"
tmux_keys "$sess" C-z
tmux_wait "$sess" 'Stopped' 5 || fail "Ctrl-Z did not stop the console"
tmux_wait_gone "$sess" 'F10' 2 || fail "the shell's screen did not come back while it is stopped"
tmux_type "$sess" "fg"
tmux_keys "$sess" Enter
tmux_wait "$sess" 'F10' 5 || fail "fg did not bring the console back"
sleep 0.5
shot "$sess" >"$tmp/after"
same "$tmp/before" "$tmp/after" "after Ctrl-Z and fg the screen differs from before"
tmux_wait "$sess" '>1 Same user' 2 || fail "step 1 is not the chosen step"
tmux_keys "$sess" Down
tmux_wait "$sess" '>2 Cabling' 5 || fail "after fg, Down does not move the step (keypad mode lost)"
tmux_keys "$sess" q
tmux_wait "$sess" 'shell\$ *$' 5 || fail "q did not return to the shell"
echo "PASS [tui_repaint]"
