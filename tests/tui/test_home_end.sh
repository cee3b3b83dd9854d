#!/bin/bash
# tui_home_end: Home and End as tmux and screen send them (\e[1~ and \e[4~, which xterm's
# terminfo does not name) scroll the help to its first and last lines and do not act as Esc
# (which would close it); Up and Down move the steps' selection. In a small window so the help has to scroll. Runs on the host.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
. "$here/../lib/tui.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
fail() { echo "FAIL [tui_home_end]: $*" >&2; exit 1; }

tmp=$(mktemp -d) || fail "mktemp"
sess=homeend-$$
cleanup() { tmux_stop "$sess" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
tui_console "$sess" 80 24
# the arrow keys as tmux sends them in the keypad's application mode (ESC O B), which the console
# must have switched on: it moves the steps' selection, not read as Esc and two characters
tmux_wait "$sess" '>1 Same user' 5 || fail "step 1 is not the chosen step at start"
tmux_keys "$sess" Down Down
tmux_wait "$sess" '>3 Addressing' 5 || fail "Down Down did not choose step 3"
tmux_keys "$sess" Up
tmux_wait "$sess" '>2 Cabling' 5 || fail "Up did not choose step 2"
tmux_keys "$sess" F1
tmux_wait "$sess" 'Help \(Esc closes\)' 5 || fail "F1 did not open the help"
tmux_wait "$sess" 'takes two DGX Sparks' 5 || fail "the help does not start at its first line"
tmux_keys "$sess" End
tmux_wait "$sess" 'ASCII lines' 5 || fail "End did not show the help's last line"
tmux_wait "$sess" 'Help \(Esc closes\)' 1 || fail "End closed the help (read as Esc)"
tmux_wait_gone "$sess" 'takes two DGX Sparks' 2 || fail "End did not scroll"
tmux_keys "$sess" Home
tmux_wait "$sess" 'takes two DGX Sparks' 5 || fail "Home did not go back to the first line"
tmux_wait "$sess" 'Help \(Esc closes\)' 1 || fail "Home closed the help"
tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Help \(Esc closes\)' 5 || fail "Esc does not close the help"
tui_quit "$sess"
echo "PASS [tui_home_end]"
