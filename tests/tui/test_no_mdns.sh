#!/bin/bash
# tui_no_mdns: with no system D-Bus (so no avahi at all) the console still runs, shows the ports
# and says "mDNS unavailable" in the peers panel; `sparklink discover` exits 4 with a clear
# sentence. Runs on the host: nothing here changes the machine.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/tmux.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
fail() { echo "FAIL [tui_no_mdns]: $*" >&2; exit 1; }

tmp=$(mktemp -d) || fail "mktemp"
sess=nomdns-$$
cleanup() { tmux_stop "$sess" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
"$SPARK_SYSFS" make "$tmp/sys" --up p1 || fail "cannot build a fixture tree"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-such-bus"

out=$("$SPARKLINK" discover --timeout 2 2>"$tmp/err"); rc=$?
[ $rc -eq 4 ] || fail "discover without D-Bus exited $rc (want 4: mDNS unavailable); stderr: $(cat "$tmp/err")"
[ -z "$out" ] || fail "discover without D-Bus printed on stdout: $out"
grep -q "mDNS is unavailable" "$tmp/err" || fail "discover without D-Bus gave no clear message: $(cat "$tmp/err")"
grep -q "avahi-daemon" "$tmp/err" || fail "discover's message does not say what to start: $(cat "$tmp/err")"

tmux_start "$sess" env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" \
	SPARKLINK_SYSFS="$tmp/sys" "$SPARKLINK" || fail "cannot start the console in tmux"
tmux_wait "$sess" 'Port 1: cable seen' 10 || fail "the console did not show the ports"
tmux_wait "$sess" 'mDNS unavailable' 10 || fail "the peers panel does not say mDNS is unavailable"
tmux_wait "$sess" 'F10 Quit' 5 || fail "no F-key bar"
# it keeps running and answering keys while mDNS is missing (and retries in the background)
tmux_keys "$sess" F1
tmux_wait "$sess" 'Help \(Esc closes\)' 5 || fail "F1 did not open the help while mDNS is unavailable"
tmux_keys "$sess" Escape
tmux_keys "$sess" q
for _ in $(seq 50); do tmux_alive "$sess" || break; sleep 0.1; done
tmux_alive "$sess" && fail "q did not quit the console"
echo "PASS [tui_no_mdns]"
