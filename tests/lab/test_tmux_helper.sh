#!/bin/bash
# tui_tmux_helper: tests/lib/tmux.sh drives programs in a private detached tmux: bash (typing,
# waiting for output, resize seen by the program, exit status) and less (a full-screen program).
set -u
. "$(dirname -- "$0")/../lib/tmux.sh"
T0=$SECONDS
fail() { echo "FAIL [tmux_helper]: $*" >&2; exit 1; }
command -v tmux >/dev/null || fail "tmux is not installed (scripts/install-deps installs it)"
S=sltest-$$
TMP=$(mktemp -d) || fail "mktemp"
trap 'tmux_stop "$S"; rm -rf -- "$TMP"' EXIT

echo "[tmux_helper] bash: type, wait, exit status; the server holds none of our descriptors"
exec 9>>"$TMP/lock" # as lab.sh holds the lab lock: a server left behind must not keep it
tmux_start "$S" env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='PROMPT> ' bash --norc --noprofile ||
	fail "tmux_start failed"
exec 9>&-
srv=$(tmux -L "$S" display-message -p '#{pid}')
[ -d "/proc/$srv" ] || fail "no tmux server PID ($srv)"
ls -l "/proc/$srv/fd" 2>/dev/null | grep -q -- "$TMP/lock" && fail "the tmux server inherited descriptor 9"
tmux_wait "$S" '^PROMPT>' 20 || fail "bash prompt did not show"
[ "$(tmux -L "$S" display-message -p -t "$S" '#{window_width}x#{window_height}')" = 100x30 ] ||
	fail "the pane is not 100x30"
tmux_type "$S" 'echo "hello-$((6 * 7))"'
tmux_keys "$S" Enter
tmux_wait "$S" '^hello-42$' 20 || fail "typed command output not seen"
tmux_alive "$S" || fail "tmux_alive says bash is not running"
pid=$(tmux_pid "$S")
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = bash ] || fail "tmux_pid does not give bash's PID ($pid)"

echo "[tmux_helper] resize reaches the program"
tmux_type "$S" 'stty size'
tmux_keys "$S" Enter
tmux_wait "$S" '^30 100$' 20 || fail "stty size does not print 30 100"
tmux_resize "$S" 60 20 || fail "tmux_resize failed"
tmux_keys "$S" C-l
tmux_type "$S" 'stty size'
tmux_keys "$S" Enter
tmux_wait "$S" '^20 60$' 20 || fail "after tmux_resize 60 20, stty size does not print 20 60"
tmux_resize "$S" 100 30

echo "[tmux_helper] a full-screen program (less)"
seq 1 500 | sed 's/^/line-/' >"$TMP/lines"
tmux_type "$S" "less $TMP/lines"
tmux_keys "$S" Enter
tmux_wait "$S" '^line-1$' 20 || fail "less did not show the first line"
tmux_keys "$S" G
tmux_wait "$S" '^line-500$' 20 || fail "less did not go to the end after G"
tmux_wait_gone "$S" '^line-1$' 10 || fail "line-1 still on screen after G"
tmux_keys "$S" q
tmux_wait "$S" '^PROMPT>$' 20 || fail "bash prompt did not come back after q"

echo "[tmux_helper] a timeout prints the screen and returns 1"
err=$(tmux_wait "$S" 'never-there' 0.3 2>&1) && fail "tmux_wait found a string that is not there"
grep -q 'PROMPT>' <<<"$err" || fail "tmux_wait on timeout did not print the screen: $err"

echo "[tmux_helper] exit status and stop"
# keys typed while bash's readline is still taking the terminal back from less can be lost:
# press Enter only once the command is echoed (type it again if it was not)
for _ in 1 2 3; do
	tmux_type "$S" 'exit 3'
	tmux_wait "$S" '^PROMPT> ?exit 3$' 2 2>/dev/null && break
	tmux_keys "$S" C-u
done
tmux_wait "$S" '^PROMPT> ?exit 3$' 10 || fail "'exit 3' was never echoed at the bash prompt"
tmux_keys "$S" Enter
# the exit status reaches tmux with SIGCHLD, late on a loaded machine: allow for it
st=$(tmux_wait_exit "$S" 15) || { tmux_screen "$S" >&2; fail "bash did not exit"; }
[ "$st" = 3 ] || fail "exit status is '$st', expected 3"
sock=$(tmux -L "$S" display-message -p '#{socket_path}')
tmux_stop "$S"
tmux -L "$S" has-session 2>/dev/null && fail "the tmux server still runs after tmux_stop"
[ -e "$sock" ] && fail "tmux_stop left the socket $sock"

echo "[tmux_helper] tmux_stop ends a program that ignores SIGHUP"
tmux_start "$S" sh -c 'trap "" HUP; echo ready; sleep 60' || fail "tmux_start failed"
tmux_wait "$S" '^ready$' 20 || fail "sh did not start"
pid=$(tmux_pid "$S")
tmux_stop "$S"
sleep 0.1
if [ -r "/proc/$pid/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$pid/stat"; then
	fail "the program (pid $pid) survived tmux_stop"
fi
echo "PASS [tmux_helper] in $((SECONDS - T0))s"
