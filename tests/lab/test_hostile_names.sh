#!/bin/bash
# lab_hostile_names: spark-2 announces hostile mDNS names (terminal escape sequences, OSC 52, a
# 63-byte label, shell metacharacters, invalid UTF-8 in raw packets). On spark-1 nothing of it
# reaches the screen, the output of `discover` or a hostfile unsanitised, and nothing crashes.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
ANNOUNCE=$here/tools/mdns-announce.py
lab_console_test hostile
hex() { printf "$1" | od -An -tx1 | tr -d ' \n'; }

step "up; spark-2 publishes hostile names with avahi-publish and as raw mDNS packets"
lab_up 2
# avahi-publish processes live inside spark-2 until the lab goes down (down kills by PID)
lx spark-2 bash -c '
	avahi-publish -s "$(printf "esc\033[2J\033]52;c;aGk=\007tail")" _ssh._tcp 22 >/dev/null 2>&1 &
	avahi-publish -s "$(head -c 63 /dev/zero | tr "\0" L)" _ssh._tcp 22 >/dev/null 2>&1 &
	avahi-publish -a -R "evil-\$(id)\`x\`.local" 10.77.0.2 >/dev/null 2>&1 &
	sleep 0.5
	avahi-publish -s -H "evil-\$(id)\`x\`.local" shellhost _ssh._tcp 22 >/dev/null 2>&1 &
	sleep 0.5' || fail "avahi-publish on spark-2"
lx spark-2 python3 "$ANNOUNCE" 10.77.0.2 "$(hex 'raw\033[2J\033]0;pwn\007name')" "$(hex 'rawhost')" 10.77.0.2 3 ||
	fail "raw announcement (escapes) from spark-2"
lx spark-2 python3 "$ANNOUNCE" 10.77.0.2 "$(hex 'bad\377\376utf8')" "$(hex 'bad\303\050host')" 10.77.0.2 3 ||
	fail "raw announcement (invalid UTF-8) from spark-2"
lx spark-2 python3 "$ANNOUNCE" 10.77.0.2 "$(hex 'okname')" "$(hex 'x\377\376host')" 10.77.0.2 3 ||
	fail "raw announcement (invalid UTF-8 host) from spark-2"
wait_until 10 "spark-1's avahi never saw the hostile records" \
	bash -c "'$SPARKLAB' exec spark-1 -- timeout 10 avahi-browse -p -t _ssh._tcp | grep -q shellhost"

clean_bytes() { # file: no C0 control byte but newline, no DEL, valid UTF-8
	LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1" && return 1
	python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null
}

step "discover --all: every line is clean and shaped like discover-sparks' lines"
lxu spark-1 "$SPARKLINK" discover --all --timeout 5 >"$LAB_TMP/found" 2>"$LAB_TMP/err"
rc=$?
[ $rc -eq 0 ] || fail "discover --all exited $rc: $(cat "$LAB_TMP/err")"
clean_bytes "$LAB_TMP/found" || fail "discover's output carries control bytes or invalid UTF-8: $(cat -v "$LAB_TMP/found")"
clean_bytes "$LAB_TMP/err" || fail "discover's messages carry control bytes: $(cat -v "$LAB_TMP/err")"
grep -vqE '^Found: [0-9a-fA-F.:]+(%[A-Za-z0-9]+)? \([^()]*\)$' "$LAB_TMP/found" &&
	fail "a discover line is not 'Found: ADDR (HOST)': $(cat -v "$LAB_TMP/found")"
grep -q 'spark-2.local' "$LAB_TMP/found" || fail "spark-2 itself is missing among the hostile names: $(cat "$LAB_TMP/found")"
grep -q '\$(id)' "$LAB_TMP/found" && fail "a shell substitution reached discover's output verbatim: $(cat "$LAB_TMP/found")"

step "discover --json: valid, hostile host flagged, escape sequences replaced"
lxu spark-1 "$SPARKLINK" discover --all --json --timeout 5 >"$LAB_TMP/json" || fail "discover --json failed"
clean_bytes "$LAB_TMP/json" || fail "discover --json carries raw control bytes"
python3 - "$LAB_TMP/json" <<'PY' || fail "discover --json is wrong about the hostile names: $(cat "$LAB_TMP/json")"
import json, sys
d = json.load(open(sys.argv[1]))
hosts = {p["host"]: p for p in d["peers"]}
shell = [p for h, p in hosts.items() if h.startswith("evil-")]
assert shell and not shell[0]["host_is_plain_dns_name"], "shell-metacharacter host must be flagged"
assert hosts["spark-2.local"]["host_is_plain_dns_name"]
raw = hosts.get("rawhost.local")
assert raw is not None, "the raw announced service is missing"
assert "\x1b" not in raw["service"] and "\x07" not in raw["service"] and "?" in raw["service"], raw
for p in d["peers"]:
    for a in p["addresses"]:
        assert all(c in "0123456789abcdefABCDEF.:" for c in a["address"]), a
PY

step "--hostfile: only addresses, one per line, no duplicates"
lxu spark-1 "$SPARKLINK" discover --all --timeout 5 --hostfile /tmp/hostfile.$$ >/dev/null ||
	fail "discover --hostfile failed"
lx spark-1 cat /tmp/hostfile.$$ >"$LAB_TMP/hosts"
grep -vqE '^[0-9]{1,3}(\.[0-9]{1,3}){3}$' "$LAB_TMP/hosts" && fail "the hostfile holds a line that is not an IPv4 address: $(cat -v "$LAB_TMP/hosts")"
[ "$(sort "$LAB_TMP/hosts" | uniq -d)" = "" ] || fail "the hostfile repeats an address: $(cat "$LAB_TMP/hosts")"
[ "$(head -1 "$LAB_TMP/hosts")" = 10.77.0.1 ] || fail "the hostfile does not start with this node: $(cat "$LAB_TMP/hosts")"

step "console: the screen stays intact (no clear, no title change), names shown cleaned"
TMUX_COLS=150 TMUX_ROWS=45 tmux_start "$sess" "$SPARKLAB" exec spark-1 -- "$SPARKLINK" || fail "cannot start the console"
tmux_wait "$sess" 'evil-' 15 || fail "the console does not list the hostile host (escaped)"
tmux_wait "$sess" 'spark-2\.local' 5 || fail "the console does not list spark-2 among hostile names"
tmux_wait "$sess" '^ sparklink ' 2 || fail "the title line is gone: an escape sequence reached the terminal"
tmux_wait "$sess" 'Port 1: cable seen' 2 || fail "the port panels are gone: an escape sequence reached the terminal"
title=$(tmux -L "$sess" display-message -p -t "$sess" '#{pane_title}')
case $title in *pwn*) fail "an OSC sequence from the network set the terminal title to '$title'" ;; esac
tmux_screen "$sess" >"$LAB_TMP/screen"
python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 150 for l in open(sys.argv[1], encoding="utf-8")))' \
	"$LAB_TMP/screen" || fail "a line is wider than the 150-column screen: $(cat "$LAB_TMP/screen")"
tmux_alive "$sess" || fail "the console died among hostile names"
tmux_keys "$sess" q
