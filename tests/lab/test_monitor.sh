#!/bin/bash
# lab_monitor: link monitoring in spark-1, in the console (m, driven through tmux: one session in
# UTF-8 with colour, one with NO_COLOR=1 SPARKLINK_ASCII=1) and with `sparklink monitor --json`:
# - a flood ping on one rail (enp1s0f1np1) shows on that twin's rate and graph and not on its twin
#   (enP2p1s0f1np1); the "one twin idle" finding appears, and goes when the ping ends;
# - unplug and plug, twice: the flap count and the timeline move, with times; the link-flapping
#   finding; the --json lines carry the same (flaps, transitions with time_ms, findings);
# - RDMA traffic and an error added to the fixture tree's counters (spark-sysfs count) show as
#   the RDMA rate and as an errors-rising finding;
# - resizing while the graphs draw (80x24, 160x40 with rx and tx side by side, too small, back).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test monitor
asc=$sess-ascii
lab_on_exit 'tmux_stop "$asc" 2>/dev/null'
: "${SPARK_SYSFS:=$here/../../assets/lab/spark-sysfs}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
S1SYS=${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-1/sysfs
ISO='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}'

# the graph row under a twin's line: row(SESSION, IF) prints the row after "pN IF "
graph_row() { tmux_screen "$1" | awk -v re=" p[01] $2 " 'f { print; exit } $0 ~ re { f = 1 }'; }

step "up; addresses on the rail; console (UTF-8 and ASCII) and monitor --json in spark-1"
lab_up 2
lx spark-1 ip addr add 192.168.100.1/24 dev enp1s0f1np1 || fail "ip addr add on spark-1"
lx spark-2 ip addr add 192.168.100.2/24 dev enp1s0f1np1 || fail "ip addr add on spark-2"
wait_until 10 "the rail 192.168.100.1 -> .2 does not answer" lx spark-1 ping -c 1 -W 1 -I enp1s0f1np1 192.168.100.2
tmux_start "$sess" "$SPARKLAB" exec spark-1 -- env LANG=C.UTF-8 "$SPARKLINK" || fail "cannot start the console"
TMUX_TERM=xterm-256color tmux_start "$asc" "$SPARKLAB" exec spark-1 -- env LANG=C.UTF-8 NO_COLOR=1 SPARKLINK_ASCII=1 \
	"$SPARKLINK" || fail "cannot start the ASCII console"
tmux_wait "$sess" 'Port 1: cable seen' 15 || fail "the console does not show port 1 cabled"
tmux_wait "$asc" 'Port 1: cable seen' 15 || fail "the ASCII console does not show port 1 cabled"
tmux_keys "$sess" m
tmux_keys "$asc" m
tmux_wait "$sess" 'Monitor: traffic, errors, flaps' 5 || fail "m does not open the monitor"
tmux_wait "$sess" 'p1 enp1s0f1np1 +Up 200G +rx ' 5 || fail "the monitor does not show enp1s0f1np1 Up at 200G"
tmux_wait "$asc" 'p1 enP2p1s0f1np1 +Up 200G +rx ' 5 || fail "the ASCII monitor does not show enP2p1s0f1np1"
t_start=$(date +%s%3N)
"$SPARKLAB" exec spark-1 -- "$SPARKLINK" monitor --json --interval 1 >"$LAB_TMP/mon.json" 2>"$LAB_TMP/mon.err" &
jpid=$!
lab_on_exit 'kill -TERM "$jpid" 2>/dev/null'

step "flood ping on enp1s0f1np1: its rate and graph, not its twin's; the one-twin-idle finding"
lx spark-1 ping -f -q -w 7 -s 1400 -I enp1s0f1np1 192.168.100.2 >"$LAB_TMP/ping.out" 2>&1 &
ppid=$!
lab_on_exit 'kill -TERM "$ppid" 2>/dev/null'
tmux_wait "$sess" 'WARNING: enp1s0f1np1 carries [0-9.]+ [MG]b/s while its twin enP2p1s0f1np1 idles' 8 ||
	fail "no one-twin-idle finding while only enp1s0f1np1 carries the ping"
tmux_wait "$sess" 'p1 enp1s0f1np1 +Up 200G +rx [0-9.]+ [MG]b/s +tx [0-9.]+ [MG]b/s' 3 ||
	fail "the ping does not show as enp1s0f1np1's rates"
tmux_wait "$sess" 'p1 enP2p1s0f1np1 +Up 200G +rx [0-9]+ k?b/s +tx [0-9]+ k?b/s' 3 ||
	fail "the ping shows on the twin enP2p1s0f1np1 too"
sleep 2 # a few samples of history
g=$(graph_row "$sess" enp1s0f1np1)
printf '%s\n' "$g" | grep -q '█' || fail "enp1s0f1np1's rx graph shows no full block: '$g'"
g=$(graph_row "$sess" enP2p1s0f1np1)
printf '%s\n' "$g" | grep -qE '▃|▄|▅|▆|▇|█' && fail "enP2p1s0f1np1's rx graph shows traffic it does not carry: '$g'"
g=$(graph_row "$asc" enp1s0f1np1)
printf '%s\n' "$g" | grep -q '#' || fail "ASCII: enp1s0f1np1's rx graph shows no full '#': '$g'"
g=$(graph_row "$asc" enP2p1s0f1np1)
printf '%s\n' "$g" | grep -q '[-:=+*#]' && fail "ASCII: enP2p1s0f1np1's rx graph shows traffic: '$g'"
tmux_screen "$asc" >"$LAB_TMP/ascii.screen"
LC_ALL=C grep -q $'[\x80-\xff]' "$LAB_TMP/ascii.screen" && fail "SPARKLINK_ASCII=1: UTF-8 on the screen: $(LC_ALL=C grep -m1 $'[\x80-\xff]' "$LAB_TMP/ascii.screen")"
tmux -L "$asc" capture-pane -p -e -t "$asc" >"$LAB_TMP/ascii.esc"
LC_ALL=C grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[;m]' "$LAB_TMP/ascii.esc" && fail "NO_COLOR=1: colour on the screen"
tmux_screen "$sess" >"$LAB_TMP/traffic.screen" # the closing note's capture
wait "$ppid"
tmux_wait_gone "$sess" 'while its twin .* idles' 5 || fail "the one-twin-idle finding stays after the ping ended"

step "unplug and plug twice: flaps, the timeline with times, the link-flapping finding"
for n in 1 2; do
	"$SPARKLAB" unplug spark-1 p1 >/dev/null || fail "sparklab unplug"
	tmux_wait "$sess" "p1 enp1s0f1np1 +Down .*flaps $n" 5 || fail "after unplug $n, enp1s0f1np1 does not show Down with $n flaps"
	tmux_wait "$sess" "$ISO +enp1s0f1np1 +down" 5 || fail "the timeline has no 'down' of enp1s0f1np1 with its time"
	"$SPARKLAB" plug spark-1 p1 >/dev/null || fail "sparklab plug"
	tmux_wait "$sess" "p1 enp1s0f1np1 +Up 200G .*flaps $n" 5 || fail "after plug $n, enp1s0f1np1 is not Up"
	tmux_wait "$sess" "$ISO +enp1s0f1np1 +up at 200G" 5 || fail "the timeline has no 'up at 200G' of enp1s0f1np1"
done
tmux_wait "$sess" "p1 enP2p1s0f1np1 +Up 200G .*flaps 2" 3 || fail "the twin enP2p1s0f1np1 does not count its 2 flaps"
tmux_wait "$sess" "$ISO +enP2p1s0f1np1 +down" 3 || fail "the timeline has no 'down' of the twin enP2p1s0f1np1"
tmux_wait "$sess" 'WARNING: enp1s0f1np1 went down 2 times in the last 5 minutes' 5 || fail "no link-flapping finding"
sleep 1.5 # one more interval of --json after the last transition

step "--json: the traffic, the flaps and the timeline, in the same lines"
kill -TERM "$jpid"
wait "$jpid"
rc=$?
[ "$rc" -eq 0 ] || fail "monitor --json ended with $rc after SIGTERM: $(cat "$LAB_TMP/mon.err")"
t_end=$(date +%s%3N)
jq -e . "$LAB_TMP/mon.json" >/dev/null || fail "monitor --json printed something that is not JSON"
jq -se 'any(.[]; .netdev == "enp1s0f1np1" and .rx_bps > 8e6 and (.findings | index("one-twin-idle")))' "$LAB_TMP/mon.json" >/dev/null ||
	fail "--json: no interval with enp1s0f1np1 busy and the one-twin-idle finding"
jq -se '[.[] | select(.netdev == "enP2p1s0f1np1") | .rx_bps] | max < 1e6' "$LAB_TMP/mon.json" >/dev/null ||
	fail "--json: the twin enP2p1s0f1np1 shows the ping's traffic"
last=$(jq -c 'select(.netdev == "enp1s0f1np1")' "$LAB_TMP/mon.json" | tail -n 1)
printf '%s\n' "$last" | jq -e --argjson a "$t_start" --argjson b "$t_end" \
	'.flaps == 2 and ([.transitions[].carrier] == ["down", "up", "down", "up"]) and
	 all(.transitions[]; .time_ms >= $a and .time_ms <= $b) and (.findings | index("link-flapping"))' >/dev/null ||
	fail "--json: the last line of enp1s0f1np1 does not carry 2 flaps, 4 timed transitions and link-flapping: $last"

step "RDMA traffic and errors from the fixture's counters; resize while the graphs draw"
(for _ in $(seq 12); do sh "$SPARK_SYSFS" count "$S1SYS" rocep1s0f1 port_xmit_data 100000000; sleep 0.5; done) &
cpid=$!
lab_on_exit 'kill -TERM "$cpid" 2>/dev/null'
tmux_wait "$sess" 'RDMA rx [0-9.]+ k?b/s tx [0-9.]+ Gb/s +errors' 5 || fail "the RDMA counter's traffic does not show as the RDMA tx rate"
tmux_wait "$sess" 'p1 enp1s0f1np1 +Up 200G +rx [0-9.]+ k?b/s +tx [0-9.]+ Gb/s' 3 || fail "RDMA traffic does not count in the twin's tx rate"
tmux_resize "$sess" 80 24
tmux_wait "$sess" 'p1 enp1s0f1np1 +Up 200G' 5 || fail "the monitor lost enp1s0f1np1 at 80x24"
tmux_wait "$sess" ' rx .*(▁|▂|▃|▄|▅|▆|▇|█).* tx ' 5 || fail "no graph row (rx and tx side by side) at 80x24"
tmux_resize "$sess" 160 40
tmux_wait "$sess" ' rx .* tx .*█' 5 || fail "at 160x40 the rx and tx graphs are not side by side"
tmux_resize "$sess" 70 20
tmux_wait "$sess" 'Terminal too small: 70x20' 5 || fail "no 'terminal too small' at 70x20"
tmux_resize "$sess" 100 30
tmux_wait "$sess" 'Monitor: traffic, errors, flaps' 5 || fail "the monitor did not come back after enlarging"
wait "$cpid"
sh "$SPARK_SYSFS" count "$S1SYS" rocep1s0f1 symbol_error 5 || fail "spark-sysfs count symbol_error"
tmux_wait "$sess" 'WARNING: enp1s0f1np1: symbol_error rising \([0-9]+/s now, 5 since start\)' 5 ||
	fail "no errors-rising finding for the symbol errors"
tmux_wait "$sess" 'errors and drops since open: (.*, )?symbol_error 5' 3 || fail "the symbol errors since open are not shown"
tmux_wait_gone "$sess" 'symbol_error rising' 5 || fail "the errors-rising finding stays once the counter stopped"

step "Esc closes the monitor; the main screen is back"
tmux_keys "$sess" Escape
tmux_wait "$sess" 'Port 1: cable seen' 5 || fail "Esc does not close the monitor"
tmux_keys "$sess" q
tmux_keys "$asc" q
echo "---- the screen with traffic on one twin:"
cat "$LAB_TMP/traffic.screen"
