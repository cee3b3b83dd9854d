# shellcheck shell=bash
# tests/lib/lab.sh: shared helpers for the lab integration tests (tests/lab/test_*.sh).
# Source it; it sets SPARKLAB (default: assets/lab/sparklab of this checkout) and gives:
#   lab_require          exit 77 (skip) unless we can create a network namespace
#   lab_up ARGS...       bring a lab up (tearing a stale one down first); a trap downs it on exit
#   lab_down             tear the lab down now (the exit trap does it too)
#   lx NODE CMD...       sparklab exec NODE CMD... (as root);  lxu NODE CMD...: as the login user
#   wait_until SECS DESC CMD...   poll CMD every 0.1 s; fail with DESC after SECS
#   fail MSG...          print "FAIL: MSG" (what a user would see was wrong) and exit 1
#   note MSG... / step MSG...     progress lines
#   lab_on_exit CMD      run CMD at exit (before the lab goes down), e.g. lab_on_exit tmux_stop s1
#   carrier_of / mac_of NODE IF, ll6_of NODE IF (usable IPv6 link-local), wait_ll6 NODE IF,
#   ipv4_of NODE IF [PREFIX]
# On failure the exit trap prints `sparklab status` and the tail of each daemon log first.

LAB_LIB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
: "${SPARKLAB:=$LAB_LIB_DIR/../../assets/lab/sparklab}"
SPARKLAB=$(readlink -f -- "$SPARKLAB")
export SPARKLAB
LAB_T0=$SECONDS
LAB_NAME=${LAB_NAME:-$(basename -- "$0" .sh)}
LAB_IS_UP=0
LAB_TMP=""

fail() {
	printf 'FAIL [%s]: %s\n' "$LAB_NAME" "$*" >&2
	LAB_RC=1
	exit 1
}
note() { printf '  note: %s\n' "$*"; }
step() { printf '[%s +%ss] %s\n' "$LAB_NAME" "$((SECONDS - LAB_T0))" "$*"; }

lab_require() {
	[ -x "$SPARKLAB" ] || fail "sparklab not found or not executable at $SPARKLAB"
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: the lab needs root (network namespaces)"
		exit 77
	fi
	local probe=sparklab-probe-$$
	if ! ip netns add "$probe" 2>/dev/null; then
		echo "SKIP: cannot create a network namespace here"
		exit 77
	fi
	ip netns del "$probe"
	# one lab per machine: a second lab test (run by hand beside CTest's RESOURCE_LOCK) waits
	# here instead of tearing the first one's lab down
	if command -v flock >/dev/null; then
		exec 9>>/run/sparklab-test.lock
		local t0=$SECONDS
		local wait=${LAB_LOCK_WAIT:-900}
		case $wait in '' | *[!0-9]*) fail "LAB_LOCK_WAIT must be a number of seconds, not '$wait'" ;; esac
		flock -w "$wait" 9 || fail "another lab test held the lab for $wait s (LAB_LOCK_WAIT)"
		# the wait counts against CTest's TIMEOUT: say how long it was
		[ $((SECONDS - t0)) -lt 2 ] || note "waited $((SECONDS - t0)) s for another lab test's lock"
	fi
	LAB_TMP=$(mktemp -d /tmp/sparklab-test.XXXXXX) || fail "mktemp failed"
	chmod 0755 "$LAB_TMP"
	trap lab_exit_trap EXIT
	trap 'exit 130' INT TERM HUP
}

lab_dump() {
	local f
	echo "---- sparklab status" >&2
	"$SPARKLAB" status >&2 2>&1
	for f in "${SPARKLAB_DIR:-/run/sparklab}"/nodes/*/log/*.log; do
		[ -s "$f" ] || continue
		echo "---- ${f#"${SPARKLAB_DIR:-/run/sparklab}"/nodes/} (last lines)" >&2
		tail -n 8 "$f" >&2
	done
}

# The EXIT trap set by lab_require. A test that needs its own cleanup either registers it with
# lab_on_exit CMD (run first, before the lab goes down) or sets its own trap that ends with
# lab_exit_trap (e.g. trap 'tmux_stop "$s"; lab_exit_trap' EXIT: tmux_stop keeps $? for this).
LAB_ON_EXIT=()
lab_on_exit() { LAB_ON_EXIT+=("$*"); }

lab_exit_trap() {
	local rc=$? c
	[ "$rc" -eq 0 ] && [ -n "${LAB_RC:-}" ] && rc=$LAB_RC
	trap - EXIT
	for c in "${LAB_ON_EXIT[@]}"; do eval "$c"; done
	if [ "$LAB_IS_UP" = 1 ]; then
		[ $rc -ne 0 ] && [ $rc -ne 77 ] && lab_dump
		"$SPARKLAB" down >/dev/null 2>&1 || "$SPARKLAB" down >&2
	fi
	# whatever happened, no lab namespace may survive a test
	if ip netns list 2>/dev/null | grep -qE '^(spark-[0-9]+|sparklab-net)( |$)'; then
		"$SPARKLAB" down >&2
		if [ $rc -eq 0 ]; then
			echo "FAIL [$LAB_NAME]: lab namespaces were left behind after the test" >&2
			rc=1
		fi
	fi
	[ -n "$LAB_TMP" ] && rm -rf -- "$LAB_TMP"
	if [ $rc -eq 0 ]; then
		echo "PASS [$LAB_NAME] in $((SECONDS - LAB_T0))s"
	fi
	exit $rc
}

lab_up() {
	if "$SPARKLAB" status >/dev/null 2>&1 || ip netns list 2>/dev/null | grep -qE '^(spark-[0-9]+|sparklab-net)( |$)'; then
		note "a lab was already up (left over?); tearing it down first"
		"$SPARKLAB" down >/dev/null 2>&1
	fi
	LAB_IS_UP=1
	local out
	out=$("$SPARKLAB" up "$@" 2>&1) || fail "sparklab up $* failed: $out"
	printf '%s\n' "$out" | sed 's/^/  | /'
}

lab_down() {
	local out
	out=$("$SPARKLAB" down 2>&1) || fail "sparklab down failed: $out"
	LAB_IS_UP=0
}

lx() { "$SPARKLAB" exec "$1" -- "${@:2}"; }
lxu() { "$SPARKLAB" exec "$1" --user -- "${@:2}"; }

wait_until() {
	local secs=$1 desc=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "$desc (waited ${secs}s)"
}

# netdev facts inside a node
carrier_of() { lx "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null; }
mac_of() { lx "$1" cat "/sys/class/net/$2/address"; }
ll6_of() { # node if -> the IPv6 link-local address (not tentative)
	lx "$1" ip -6 -o addr show dev "$2" scope link 2>/dev/null |
		awk '!/tentative/ { split($4, a, "/"); print a[1]; exit }'
}
wait_ll6() { # node if -> its usable IPv6 link-local address, waiting up to 5 s (DAD); fails if none
	local a _
	for _ in $(seq 50); do
		a=$(ll6_of "$1" "$2")
		[ -n "$a" ] && { printf '%s\n' "$a"; return 0; }
		sleep 0.1
	done
	fail "$1 $2 has no usable (non-tentative) IPv6 link-local address"
}
ipv4_of() { # node if [prefix] -> first IPv4 address (optionally starting with prefix)
	lx "$1" ip -4 -o addr show dev "$2" 2>/dev/null |
		awk -v p="${3:-}" '{ split($4, a, "/"); if (index(a[1], p) == 1) { print a[1]; exit } }'
}

# lab_console_test NAME: for tests that drive the console in tmux inside the lab. Needs tmux.sh
# sourced too. Checks $SPARKLINK (made absolute: it runs inside nodes), skips where the lab
# cannot run, sets $sess, and makes the exit trap stop that tmux session before the lab goes.
lab_console_test() {
	: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
	SPARKLINK=$(readlink -f -- "$SPARKLINK")
	lab_require
	sess=$1-$$
	trap 'tmux_stop "$sess" 2>/dev/null; lab_exit_trap' EXIT
}
