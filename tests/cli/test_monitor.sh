#!/bin/bash
# cli_monitor: `sparklink monitor` on a Spark fixture tree. --count N prints N intervals (one line
# per twin each, then exit 0); --json prints one valid object per twin per interval; RDMA traffic
# added to port_rcv_data (4-byte words) shows as that twin's receive rate and not its twin's; a
# symbol_error raised shows as an errors-rising finding and in since_start; a reader that goes
# away ends it with exit 0; a tree without RDMA ports is exit 3.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_monitor
command -v jq >/dev/null || skip "jq is not installed"
fx_make "$tmp/sys" --up p1
export SPARKLINK_SYSFS=$tmp/sys
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus"

sl "$tmp/out" "$tmp/err" monitor --count 2 --interval 0.1
[ "$rc" -eq 0 ] || fail "--count 2: exit $rc: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 8 ] || fail "--count 2 with 4 twins: expected 8 lines, got: $(cat "$tmp/out")"
grep -qE '^[0-9:]{8}  p1 enp1s0f1np1 +Up 200G +rx 0 b/s' "$tmp/out" || fail "no line for enp1s0f1np1 Up at 200G: $(cat "$tmp/out")"
grep -qE '^[0-9:]{8}  p0 enp1s0f0np0 +Down ' "$tmp/out" || fail "no line for enp1s0f0np0 Down: $(cat "$tmp/out")"

# JSON: RDMA traffic on one twin, an error on it, while it runs
"$SPARKLINK" monitor --json --interval 0.4 --count 5 >"$tmp/json" 2>"$tmp/jerr" &
pid=$!
cli_pids="$cli_pids $pid"
for _ in $(seq 100); do [ "$(wc -l <"$tmp/json")" -ge 4 ] && break; sleep 0.05; done
[ "$(wc -l <"$tmp/json")" -ge 4 ] || fail "--json printed no interval within 5 s: $(cat "$tmp/jerr")"
sh "$SPARK_SYSFS" count "$tmp/sys" rocep1s0f1 port_rcv_data 250000000 || fail "spark-sysfs count"
sh "$SPARK_SYSFS" count "$tmp/sys" rocep1s0f1 symbol_error 7 || fail "spark-sysfs count"
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || fail "--json --count 5: exit $rc: $(cat "$tmp/jerr")"
[ "$(wc -l <"$tmp/json")" -eq 20 ] || fail "--json --count 5: expected 20 lines, got $(wc -l <"$tmp/json")"
jq -e . "$tmp/json" >/dev/null || fail "--json printed something that is not JSON: $(head -c 400 "$tmp/json")"
# the interval with the traffic: 1 GB on enp1s0f1np1 in 0.4 s (about 20 Gb/s), nothing on its twin
jq -se '[.[] | select(.netdev == "enp1s0f1np1" and .rx_bps > 1e10 and .rate_per_s.port_rcv_data > 1e9)] | length == 1' "$tmp/json" >/dev/null ||
	fail "the RDMA traffic does not show as enp1s0f1np1's rate in exactly one interval: $(jq -c 'select(.netdev == "enp1s0f1np1") | [.rx_bps, .rate_per_s.port_rcv_data]' "$tmp/json")"
jq -se '[.[] | select(.netdev == "enP2p1s0f1np1" and .rx_bps > 0)] | length == 0' "$tmp/json" >/dev/null ||
	fail "the traffic shows on the twin enP2p1s0f1np1 too"
jq -se '[.[] | select(.netdev == "enp1s0f1np1" and (.findings | index("errors-rising")))] | length == 1' "$tmp/json" >/dev/null ||
	fail "symbol_error rising is not an errors-rising finding of enp1s0f1np1 in one interval"
jq -se '.[-4:] | map(select(.netdev == "enp1s0f1np1"))[0] | .since_start.symbol_error == 7 and .since_start.port_rcv_data == 1000000000' "$tmp/json" >/dev/null ||
	fail "since_start does not count the 7 symbol errors and the 1 GB: $(tail -n 4 "$tmp/json" | jq -c 'select(.netdev == "enp1s0f1np1") | .since_start')"
jq -se 'map(select(.netdev == "enp1s0f1np1" and (.findings | index("one-twin-idle")))) | length == 1' "$tmp/json" >/dev/null ||
	fail "20 Gb/s on one twin while its twin idles is not a one-twin-idle finding"
check_clean "$tmp/out" "$tmp/json"

# text: the finding in words
sh "$SPARK_SYSFS" count "$tmp/sys" rocep1s0f1 port_xmit_discards 3 || fail "spark-sysfs count"
"$SPARKLINK" monitor --interval 0.3 --count 3 >"$tmp/text" 2>&1 &
pid=$!
cli_pids="$cli_pids $pid"
for _ in $(seq 100); do [ "$(wc -l <"$tmp/text")" -ge 4 ] && break; sleep 0.05; done
sh "$SPARK_SYSFS" count "$tmp/sys" rocep1s0f1 port_xmit_discards 3 || fail "spark-sysfs count"
wait "$pid"
grep -q 'warning errors-rising: enp1s0f1np1: port_xmit_discards rising' "$tmp/text" ||
	fail "no errors-rising line in words: $(cat "$tmp/text")"
grep -qE 'p1 enp1s0f1np1 .*errors: port_xmit_discards 3$' "$tmp/text" || fail "the discards since start are not shown: $(cat "$tmp/text")"

# the reader goes away: exit 0
"$SPARKLINK" monitor --interval 0.1 2>"$tmp/err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "monitor | head -1: exit $rc: $(cat "$tmp/err")"

# nothing to monitor
mkdir -p "$tmp/none/class/net"
SPARKLINK_SYSFS=$tmp/none sl "$tmp/out" "$tmp/err" monitor --count 1
[ "$rc" -eq 3 ] || fail "no RDMA device: exit $rc, expected 3"
grep -q 'nothing to monitor' "$tmp/err" || fail "no RDMA device: $(cat "$tmp/err")"
pass
