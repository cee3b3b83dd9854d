#!/bin/bash
# tui_unknown_term: on a terminal whose type this machine does not know (TERM=nosuchterm, or a
# TERM carrying escape sequences) the console exits 1 with one clear sentence that names the
# type (cleaned) and the way out, leaks nothing (LeakSanitizer would print its report and exit
# with the exit code set below) and leaves nothing raw on the terminal.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
fail() { echo "FAIL [tui_unknown_term]: $*" >&2; exit 1; }

sess=unkterm-$$
tmp=$(mktemp -d) || fail "mktemp"
cleanup() { tmux_stop "$sess" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
# a sanitizer report exits 86, not 1 (the console's own failure status)
san="ASAN_OPTIONS=detect_leaks=1:exitcode=86"
lsan="LSAN_OPTIONS=suppressions=$here/../lsan.supp:print_suppressions=0"

# check TERM WANT_SHOWN: the console on TERM exits 1 and says what WANT_SHOWN (an ERE) matches
check() {
	local term=$1 want=$2 st="" screen i
	rm -f -- "$tmp/status"
	# the status through a file: tmux 3.3a can lose the status of a program that exits this fast
	TMUX_TERM=$term tmux_start "$sess" sh -c '"$@"; echo $? >"$0.new"; mv "$0.new" "$0"' \
		"$tmp/status" env "$san" "$lsan" "$SPARKLINK" || fail "cannot start the console in tmux"
	for ((i = 0; i < 400; i++)); do
		[ -s "$tmp/status" ] && break
		sleep 0.05
	done
	[ -s "$tmp/status" ] || fail "TERM=$term: the console did not exit within 20 s"
	st=$(cat "$tmp/status")
	for ((i = 0; i < 100; i++)); do # the pane is dead once tmux has read all it printed
		tmux_alive "$sess" || break
		sleep 0.05
	done
	screen=$(tmux_screen "$sess")
	tmux_stop "$sess"
	if printf '%s\n' "$screen" | grep -qE 'LeakSanitizer|AddressSanitizer|runtime error'; then
		fail "TERM=$term: a sanitizer report (exit $st):
$screen"
	fi
	[ "$st" = 1 ] || fail "TERM=$term: exit status $st, want 1; the screen:
$screen"
	# one sentence (tmux wraps it at 100 columns): join the lines back
	screen=$(printf '%s\n' "$screen" | tr -d '\n')
	printf '%s\n' "$screen" | grep -qE "^sparklink: TERM is '$want', and this machine has no full-screen terminfo entry for it: set TERM to your terminal's type \(e\.g\. TERM=xterm-256color\), or use a command \(sparklink --help\)$" ||
		fail "TERM=$term: not the message naming the type and the way out; the screen:
$screen"
}

check nosuchterm 'nosuchterm'
# escape sequences in TERM reach the terminal cleaned: ESC and BEL shown as '?'
check $'x\e]0;pwned\a' 'x\?\]0;pwned\?'
echo "PASS [tui_unknown_term]"
