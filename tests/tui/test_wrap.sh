# tui_wrap: a line wider than its box wraps, whole, and follows the window's width. The log
# view (F8) at 80 columns: the NetworkManager line (about 175 columns: no system bus here, the
# error and what follows) takes three rows, the ones after its first indented two columns more,
# each inside the box's frame, its last words shown; at 200 columns it is one row again; back
# at 80 it wraps again. (Before, such a line was cut at the box's edge: its end was never shown.)
# Runs on the host.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
. "$here/../lib/tui.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
fail() { echo "FAIL [tui_wrap]: $*" >&2; exit 1; }

tmp=$(mktemp -d) || fail "mktemp"
sess=wrap-$$
cleanup() { tmux_stop "$sess" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
tui_console "$sess" 80 24
tmux_keys "$sess" F8
tmux_wait "$sess" 'Log .*Esc closes' 5 || fail "F8 did not open the log"

first='│ [0-9-]{10} [0-9:]{8} \+0000 INFO +NetworkManager: no system bus \(Failed'
# the first row and the two after it, each ending at the log's frame (the panels' behind it);
# the two after it indented (the log's frame is the second column)
wrapped() {
	tmux_screen "$sess" | grep -A2 -E "$first" >"$tmp/rows" || return 1
	[ "$(wc -l <"$tmp/rows")" = 3 ] &&
		[ "$(grep -cE ' │(│|┐|┘)$' "$tmp/rows")" = 3 ] && # the log's right edge, the panel's
		sed -n 2,3p "$tmp/rows" | grep -cE '^(│|┌|└)│   [^ ]' | grep -qx 2 &&
		sed -n 3p "$tmp/rows" | grep -qE 'NetworkManager is read once +│'
}
for _ in $(seq 50); do wrapped && break; sleep 0.1; done
wrapped || fail "at 80 columns the NetworkManager line is not wrapped whole: $(tmux_screen "$sess" | head -10)"

tmux_resize "$sess" 200 30
tmux_wait "$sess" "$first"'.*no-bus: No such file or directory\): NetworkManager is read once +│' 5 ||
	fail "at 200 columns the line is not one row: $(tmux_screen "$sess" | head -8)"
tmux_resize "$sess" 80 24
for _ in $(seq 50); do wrapped && break; sleep 0.1; done
wrapped || fail "back at 80 columns the line is not wrapped again: $(tmux_screen "$sess" | head -10)"

tmux_keys "$sess" Escape
tmux_wait_gone "$sess" 'Log .*Esc closes' 5 || fail "Esc does not close the log"
tui_quit "$sess"
echo "PASS [tui_wrap]"
