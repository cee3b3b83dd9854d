# shellcheck shell=bash
# tests/lib/tmux.sh: drive a curses program in a detached tmux session on a private server.
# Source it. NAME is both the tmux server (-L NAME, config -f /dev/null) and the session name,
# so tests never touch the user's own tmux. The pane stays after its program exits
# (remain-on-exit) so the last screen and the exit status can be read.
#
#   tmux_start NAME CMD...          start CMD (argv, no shell) in a TMUX_COLS x TMUX_ROWS pane
#                                   (default 100x30, no status line); TERM for CMD: $TMUX_TERM
#                                   (default xterm-256color)
#   tmux_keys NAME KEY...           tmux key names or text: Enter, Escape, Tab, C-c, F2, Up, q ...
#   tmux_type NAME TEXT             literal text (no key-name lookup)
#   tmux_wait NAME REGEX [TIMEOUT]  poll the screen every 50 ms until an (extended) regex matches
#                                   a line; TIMEOUT seconds (default 5, decimals ok); on timeout
#                                   print the screen to stderr and return 1
#   tmux_wait_gone NAME REGEX [TIMEOUT]  the opposite: until no line matches
#   tmux_screen NAME                print the screen (one line per row, trailing blanks trimmed)
#   tmux_resize NAME COLS ROWS      resize the window (the program gets SIGWINCH)
#   tmux_alive NAME                 0 while the program runs
#   tmux_exit_status NAME           print the program's exit status once it has exited
#   tmux_wait_exit NAME [TIMEOUT]   wait until the program exits, print its status
#   tmux_pid NAME                   print the pane's PID (the program's)
#   tmux_stop NAME                  end the server and the program (by PID), remove the socket;
#                                   returns the $? it was called with (safe first in an EXIT trap)

TMUX_COLS=${TMUX_COLS:-100}
TMUX_ROWS=${TMUX_ROWS:-30}
TMUX_TERM=${TMUX_TERM:-xterm-256color}

_tmux() { local n=$1; shift; tmux -L "$n" -f /dev/null "$@"; }
_tmux_nofds() { # _tmux without any descriptor above 2
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
		done
		_tmux "$@"
	)
}

tmux_start() {
	local name=$1
	shift
	[ $# -ge 1 ] || { echo "tmux_start: no command" >&2; return 2; }
	command -v tmux >/dev/null || { echo "tmux_start: tmux is not installed" >&2; return 2; }
	_tmux "$name" has-session -t "$name" 2>/dev/null && { echo "tmux_start: session $name exists" >&2; return 1; }
	# options in the same command queue as new-session: they apply before the program can exit.
	# remain-on-exit-format '' keeps the last screen as the program left it (no "Pane is dead" line).
	# The server outlives this shell if the test is killed: it must not inherit our descriptors
	# above 2 (lab.sh's fd 9 holds the lab lock: a tmux server left over from a killed test once
	# kept every other lab test waiting on it).
	_tmux_nofds "$name" new-session -d -s "$name" -x "$TMUX_COLS" -y "$TMUX_ROWS" -- env TERM="$TMUX_TERM" "$@" \; \
		set-option -g remain-on-exit on \; \
		set-option -g remain-on-exit-format '' \; \
		set-option -g status off \; \
		set-option -g window-size manual
}

tmux_keys() {
	local name=$1
	shift
	_tmux "$name" send-keys -t "$name" "$@"
}

tmux_type() {
	_tmux "$1" send-keys -t "$1" -l -- "$2"
}

tmux_screen() {
	_tmux "$1" capture-pane -p -t "$1" | sed 's/[[:space:]]*$//'
}

_tmux_ticks() { awk -v t="${1:-5}" 'BEGIN { printf "%d\n", (t * 20 > 0 ? t * 20 : 1) }'; }

tmux_wait() {
	local name=$1 re=$2 n i
	n=$(_tmux_ticks "${3:-5}")
	for ((i = 0; i < n; i++)); do
		tmux_screen "$name" 2>/dev/null | grep -qE -- "$re" && return 0
		sleep 0.05
	done
	{
		echo "tmux_wait: /$re/ not on the screen of $name after ${3:-5}s; the screen:"
		echo "+$(printf '%*s' "$TMUX_COLS" '' | tr ' ' -)+"
		tmux_screen "$name" 2>&1 | sed 's/^/|/'
		echo "+$(printf '%*s' "$TMUX_COLS" '' | tr ' ' -)+"
	} >&2
	return 1
}

tmux_wait_gone() {
	local name=$1 re=$2 n i
	n=$(_tmux_ticks "${3:-5}")
	for ((i = 0; i < n; i++)); do
		tmux_screen "$name" 2>/dev/null | grep -qE -- "$re" || return 0
		sleep 0.05
	done
	{
		echo "tmux_wait_gone: /$re/ still on the screen of $name after ${3:-5}s; the screen:"
		tmux_screen "$name" 2>&1 | sed 's/^/|/'
	} >&2
	return 1
}

tmux_resize() {
	_tmux "$1" resize-window -t "$1" -x "$2" -y "$3"
}

tmux_pid() {
	_tmux "$1" display-message -p -t "$1" '#{pane_pid}'
}

tmux_alive() {
	[ "$(_tmux "$1" display-message -p -t "$1" '#{pane_dead}' 2>/dev/null)" = 0 ]
}

tmux_exit_status() {
	local d
	d=$(_tmux "$1" display-message -p -t "$1" '#{pane_dead} #{pane_dead_status}' 2>/dev/null) || return 1
	# pane_dead follows the pty's EOF; the status arrives a moment later with SIGCHLD. On a busy
	# machine tmux 3.3 was seen with the pane dead and its program a zombie for good (its SIGCHLD
	# never handled): a SIGCHLD of our own makes the server reap it and record the status.
	if [ "${d%% *}" = 1 ] && [ -z "${d#* }" ]; then
		kill -CHLD "$(_tmux "$1" display-message -p '#{pid}' 2>/dev/null)" 2>/dev/null
		return 1
	fi
	[ "${d%% *}" = 1 ] && [ -n "${d#* }" ] && [ "${d#* }" != "$d" ] || return 1
	printf '%s\n' "${d#* }"
}

tmux_wait_exit() {
	local name=$1 n i
	n=$(_tmux_ticks "${2:-5}")
	for ((i = 0; i < n; i++)); do
		tmux_exit_status "$name" && return 0
		sleep 0.05
	done
	echo "tmux_wait_exit: the program in $name is still running after ${2:-5}s" >&2
	return 1
}

_tmux_pid_alive() { # running, not a zombie
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

tmux_stop() { # returns the status it was called with, so `trap 'tmux_stop s; other' EXIT` keeps $?
	local rc=$? name=$1 pid spid sock i
	pid=$(_tmux "$name" display-message -p -t "$name" '#{pane_pid}' 2>/dev/null)
	spid=$(_tmux "$name" display-message -p -t "$name" '#{pid}' 2>/dev/null)
	sock=$(_tmux "$name" display-message -p -t "$name" '#{socket_path}' 2>/dev/null)
	_tmux "$name" kill-server 2>/dev/null
	# the server must be gone before a new one may take the same name
	if [ -n "$spid" ]; then
		for ((i = 0; i < 40; i++)); do _tmux_pid_alive "$spid" || break; sleep 0.05; done
		_tmux_pid_alive "$spid" && kill -KILL "$spid" 2>/dev/null
	fi
	if [ -n "$pid" ] && _tmux_pid_alive "$pid"; then
		for ((i = 0; i < 20; i++)); do _tmux_pid_alive "$pid" || break; sleep 0.05; done # SIGHUP from tmux
		_tmux_pid_alive "$pid" && kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 20; i++)); do _tmux_pid_alive "$pid" || break; sleep 0.05; done
		_tmux_pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	[ -n "$sock" ] && [ -S "$sock" ] && rm -f -- "$sock"
	return $rc
}
