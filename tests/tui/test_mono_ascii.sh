#!/bin/bash
# tui_mono_ascii: the console reads right without colour and without UTF-8:
# - NO_COLOR=1: no colour escape sequence reaches the terminal; every state is in words;
# - TERM=vt100 (a monochrome terminal, no colours at all): the same;
# - LANG=C (not UTF-8): boxes are drawn with ASCII (+ - |), no UTF-8 line drawing;
# - SPARKLINK_ASCII=1 forces ASCII even in a UTF-8 locale.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
fail() { echo "FAIL [tui_mono_ascii]: $*" >&2; exit 1; }
tmp=$(mktemp -d) || fail "mktemp"
sess=mono-$$
cleanup() { tmux_stop "$sess" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
"$SPARK_SYSFS" make "$tmp/sys" --up p1 || fail "cannot build a fixture tree"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus"

run() { # TERM LANG extra-env... : start, wait for the first frame, keep the screen with escapes
	local term=$1 lang=$2
	shift 2
	tmux_stop "$sess" 2>/dev/null
	TMUX_TERM=$term tmux_start "$sess" env LANG="$lang" LC_ALL="$lang" SPARKLINK_SYSFS="$tmp/sys" \
		"$@" "$SPARKLINK" || fail "cannot start the console ($term, $lang)"
	tmux_wait "$sess" 'F10 Quit' 10 || fail "no first frame ($term, $lang)"
	tmux_wait "$sess" 'Port 1: cable seen' 5 || fail "port 1 not shown ($term, $lang)"
	tmux -L "$sess" capture-pane -p -e -t "$sess" >"$tmp/esc"
	tmux_screen "$sess" >"$tmp/plain"
}
no_colour() { # no SGR that sets a foreground/background colour
	LC_ALL=C grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;|9[0-7]|10[0-7])[;m]' "$tmp/esc" &&
		fail "$1: colour escape sequences reached the terminal: $(grep -aoE $'\033\\[[0-9;]*m' "$tmp/esc" | sort -u | cat -v | head -5 | tr '\n' ' ')"
	return 0
}
words() { # every state is in words
	grep -qE 'enp1s0f1np1 +Up' "$tmp/plain" || fail "$1: the Up state is not in words"
	grep -qE 'enp1s0f0np0 +Down' "$tmp/plain" || fail "$1: the Down state is not in words"
	grep -q 'Port 0: no cable' "$tmp/plain" || fail "$1: 'no cable' is not in words"
}
ascii_boxes() {
	grep -qE '^\+-+ Port 1: cable seen -+\+$' "$tmp/plain" || fail "$1: the port box is not drawn in ASCII: $(head -3 "$tmp/plain")"
	LC_ALL=C grep -q $'\xe2\x94' "$tmp/plain" && fail "$1: UTF-8 line drawing on a terminal that was told not to"
	return 0
}

run xterm-256color C.UTF-8 NO_COLOR=1
no_colour "NO_COLOR=1"
words "NO_COLOR=1"
grep -q '─' "$tmp/plain" || fail "UTF-8 locale: expected UTF-8 line drawing"
# the control: without NO_COLOR the same terminal does get colour, so the check above can fail
run xterm-256color C.UTF-8
LC_ALL=C grep -qE $'\033\\[[0-9;]*(3[0-7]|38;)' "$tmp/esc" || fail "control: no colour even without NO_COLOR (the check proves nothing)"

run vt100 C.UTF-8
no_colour "TERM=vt100"
words "TERM=vt100"

run xterm-256color C NO_COLOR=1
ascii_boxes "LANG=C"
words "LANG=C"

run xterm-256color C.UTF-8 SPARKLINK_ASCII=1
ascii_boxes "SPARKLINK_ASCII=1"
tmux_keys "$sess" q
echo "PASS [tui_mono_ascii]"
