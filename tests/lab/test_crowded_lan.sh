#!/bin/bash
# lab_crowded_lan: a management LAN with 300 other _ssh._tcp services (spark-3, uncabled, announces
# them for 300 hosts lan-N.local) does not hide the Spark on the cable:
# - `sparklink discover` with its default timeout lists spark-2 on the cable (exit 0), and none
#   of the LAN's hosts;
# - `discover --all` with its default timeout lists spark-2 on the cable too, and, given the time
#   to resolve them all, every one of the 300 LAN hosts at its own address;
# - the console on spark-1 shows spark-2 on port 1 in its peers panel, above the LAN's peers;
# - with 500 services on spark-3, `sparklab daemon spark-3 avahi restart` succeeds although
#   avahi-daemon needs seconds for its goodbyes (9 s on an idle machine, 20 s on a busy one): the
#   lab waits for the old process, and the new one serves the services again (spark-1 resolves
#   lan-499 from it).
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
LAN=$here/tools/lan-services.sh
lab_console_test crowded

# lan_services N: spark-3's avahi-daemon announces N LAN services (stopped while the files change)
lan_services() {
	"$SPARKLAB" daemon spark-3 avahi stop >/dev/null || fail "cannot stop spark-3's avahi-daemon"
	lx spark-3 sh "$LAN" "$1" || fail "lan-services.sh $1 on spark-3 failed"
	"$SPARKLAB" daemon spark-3 avahi start >/dev/null || fail "cannot start spark-3's avahi-daemon"
}

# wait_lan NODE N SECS: NODE's avahi has the N services of lan-services.sh in its cache, on
# enP7s7, over IPv4 and IPv6 (2N records); checked every second (a cache dump is not free)
wait_lan() {
	local i n=0
	for ((i = 0; i < $3; i++)); do
		n=$(lx "$1" timeout 10 avahi-browse -p -t -c _ssh._tcp 2>/dev/null | grep -c '^+;enP7s7;IPv[46];lan-')
		[ "$n" -ge $((2 * $2)) ] && return 0
		sleep 1
	done
	fail "$1's avahi holds $n of the $((2 * $2)) records of the $2 LAN services after $3 s"
}

step "up 3 (b2b: spark-1 p1 <-> spark-2 p1; spark-3 on the LAN only)"
lab_up 3
ll2=$(wait_ll6 spark-2 enp1s0f1np1)

step "spark-3 announces 300 _ssh._tcp services of 300 hosts on the LAN"
lan_services 300
wait_lan spark-1 300 120
note "spark-1's avahi holds the 600 LAN records"

step "discover (default timeout): spark-2 on the cable"
out=$(lxu spark-1 "$SPARKLINK" discover 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "discover with 300 services on the LAN exited $rc: $out"
grep -qxF "Found: $ll2%enp1s0f1np1 (spark-2.local)" <<<"$out" ||
	fail "discover did not list spark-2 on the cable ('Found: $ll2%enp1s0f1np1 (spark-2.local)'): $out"
grep -q 'lan-' <<<"$out" && fail "discover without --all listed hosts of the LAN: $out"

step "discover --all (default timeout): spark-2 on the cable"
out=$(lxu spark-1 "$SPARKLINK" discover --all 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "discover --all with 300 services on the LAN exited $rc: $(head -5 <<<"$out")"
grep -qxF "Found: $ll2%enp1s0f1np1 (spark-2.local)" <<<"$out" ||
	fail "discover --all did not list spark-2 on the cable: $(grep -v lan- <<<"$out")"

step "discover --all, with time to resolve everything: every LAN host at its own address"
lxu spark-1 "$SPARKLINK" discover --all --timeout 60 >"$LAB_TMP/all" 2>"$LAB_TMP/all.err" ||
	fail "discover --all --timeout 60 failed: $(cat "$LAB_TMP/all.err")"
python3 - "$LAB_TMP/all" "$ll2" <<'PY' || fail "discover --all does not list the LAN's 300 hosts and spark-2"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
want = {"lan-%d.local" % i: "10.77.%d.%d" % (1 + i // 250, 1 + i % 250) for i in range(300)}
got = {}
for l in lines:
    m = re.fullmatch(r"Found: ([0-9.]+) \((lan-\d+\.local)\)", l)
    if m:
        got.setdefault(m.group(2), set()).add(m.group(1))
missing = sorted(set(want) - set(got))
wrong = sorted(h for h in got if got[h] != {want.get(h)})
if missing or wrong:
    sys.exit("missing %d hosts (%s), wrong addresses for %s" % (len(missing), missing[:5], wrong[:5]))
for need in ("Found: %s%%enp1s0f1np1 (spark-2.local)" % sys.argv[2], "Found: 10.77.0.2 (spark-2.local)"):
    if need not in lines:
        sys.exit("no line %r" % need)
PY

step "the console on spark-1: spark-2 on port 1, above the LAN's peers"
TMUX_COLS=150 TMUX_ROWS=45 tmux_start "$sess" "$SPARKLAB" exec spark-1 -- "$SPARKLINK" ||
	fail "cannot start the console"
tmux_wait "$sess" 'spark-2\.local' 30 || fail "the console's peers panel never showed spark-2.local"
tmux_wait "$sess" 'port 1 +enp1s0f1np1' 10 || fail "the console does not show spark-2 seen on port 1"
tmux_screen "$sess" >"$LAB_TMP/screen"
python3 - "$LAB_TMP/screen" <<'PY' || fail "spark-2 is not listed before the LAN's peers: $(cat "$LAB_TMP/screen")"
import sys
text = open(sys.argv[1], encoding="utf-8").read()
s2, lan = text.find("spark-2.local"), text.find("lan-")
assert s2 >= 0 and (lan < 0 or s2 < lan)
PY
tmux_keys "$sess" q

step "500 services on spark-3; restart its avahi-daemon (seconds of goodbyes)"
lan_services 500
wait_lan spark-1 500 180
old=$("$SPARKLAB" daemon spark-3 avahi status | grep -o 'pid [0-9]*' | cut -d' ' -f2)
[ -n "$old" ] || fail "no pid for spark-3's avahi-daemon"
out=$("$SPARKLAB" daemon spark-3 avahi restart 2>&1) ||
	fail "sparklab daemon spark-3 avahi restart failed with 500 services: $out; avahi's log: $(tail -n 5 "${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-3/log/avahi.log")"
if [ -e "/proc/$old" ] && ! grep -q '^State:.*Z' "/proc/$old/status" 2>/dev/null; then
	fail "the old avahi-daemon ($old) still runs after the restart"
fi
new=$("$SPARKLAB" daemon spark-3 avahi status | grep -o 'pid [0-9]*' | cut -d' ' -f2)
if [ -z "$new" ] || [ "$new" = "$old" ]; then
	fail "no new avahi-daemon on spark-3 after the restart ($old -> ${new:-none}); its log: $(tail -n 3 "${SPARKLAB_DIR:-/run/sparklab}/nodes/spark-3/log/avahi.log")"
fi
# the new one publishes again: spark-1 resolves the last service of the 500 from it
wait_until 120 "spark-1 does not resolve lan-499 from spark-3's new avahi-daemon" \
	bash -c "'$SPARKLAB' exec spark-1 -- timeout 10 avahi-browse -p -r -t _ssh._tcp | grep -q '^=;enP7s7;IPv4;lan-499;.*;10\.77\.2\.250;'"
