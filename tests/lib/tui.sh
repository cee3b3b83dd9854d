# tui.sh: what the console tests on the host share (source after tmux.sh; the test defines
# fail() and $tmp, and SPARKLINK and SPARK_SYSFS name the programs):
#   tui_console SESS COLS ROWS   a fixture tree with port p1 up ($tmp/sys), no system bus, a
#                                state directory of its own; the console in tmux at COLSxROWS,
#                                its first frame awaited
#   tui_quit SESS                q quits the console within 5 s
tui_console() {
	local sess=$1 cols=$2 rows=$3
	[ -d "$tmp/sys" ] || "$SPARK_SYSFS" make "$tmp/sys" --up p1 || fail "cannot build a fixture tree"
	TMUX_COLS=$cols TMUX_ROWS=$rows tmux_start "$sess" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus" \
		SPARKLINK_SYSFS="$tmp/sys" SPARKLINK_STATE_DIR="$tmp/state" "$SPARKLINK" ||
		fail "cannot start the console in tmux"
	tmux_wait "$sess" 'F10' 10 || fail "the console did not start"
}

tui_quit() {
	tmux_keys "$1" q
	for _ in $(seq 50); do
		tmux_alive "$1" || return 0
		sleep 0.1
	done
	fail "q did not quit the console"
}
