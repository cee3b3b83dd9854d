#!/bin/bash
# cli_ports_broken: a machine without RDMA exits 3 with a clear sentence and prints nothing on
# stdout; broken trees (dangling links, garbage and escape sequences in attributes, impossible
# names, unreadable directories) end with 0 or 3, a "sparklink: ..." sentence on stderr naming
# the device, and never put a raw escape byte, invalid UTF-8 or a sanitizer report on the
# terminal.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $wait_rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_ports_broken

# --- no RDMA -----------------------------------------------------------------------------------
fx_make "$tmp/nordma" --no-rdma
for root in "$tmp/nordma" "$tmp/does-not-exist"; do
	for v in "" -v; do
		# shellcheck disable=SC2086
		sl "$tmp/out" "$tmp/err" --sysfs "$root" ports $v
		[ "$rc" -eq 3 ] || fail "no RDMA ($root): ports $v exited $rc, want 3"
		[ -s "$tmp/out" ] && fail "no RDMA: ports $v printed on stdout: $(cat "$tmp/out")"
		grep -q "^sparklink: no RDMA devices under $root/class/infiniband\$" "$tmp/err" ||
			fail "no RDMA: no clear sentence on stderr: $(cat "$tmp/err")"
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "no RDMA: more than one line on stderr: $(cat "$tmp/err")"
		clean_later "$tmp/err"
	done
done

# --- broken trees ------------------------------------------------------------------------------
# broken NAME DEVICE-WORD: run ports, ports -v, ports --json on $tmp/NAME and judge; the JSON
# documents are judged together by check_json at the end (one python3)
: >"$tmp/jsons"
broken() {
	local name=$1 word=$2 root=$tmp/$1 v
	for v in "" -v --json; do
		# shellcheck disable=SC2086
		sl "$tmp/out" "$tmp/err" --sysfs "$root" ports $v
		case $rc in
		0 | 3) ;;
		*) cat "$tmp/err" >&2; fail "$name: ports $v exited $rc (want 0 or 3)" ;;
		esac
		clean_later "$tmp/out" "$tmp/err"
		grep -q "^sparklink: .*$word" "$tmp/err" ||
			fail "$name: ports $v gave no sentence naming $word on stderr: $(cat "$tmp/err")"
		if [ "$v" = --json ]; then
			cp "$tmp/out" "$tmp/$name.json"
			printf '%s\t%s\t%s\n' "$tmp/$name.json" "$name" "$word" >>"$tmp/jsons"
		fi
	done
}
# each --json document is valid JSON, and the sentences are in it for scripts
check_json() {
	python3 -S - "$tmp/jsons" <<-'EOF' || fail "a --json document is wrong (above)"
	import json, sys
	for line in open(sys.argv[1]):
	    path, name, word = line.rstrip("\n").split("\t")
	    try:
	        doc = json.load(open(path, encoding="utf-8"))
	    except ValueError as e:
	        sys.exit("%s: --json is not valid JSON: %s" % (name, e))
	    if not any(word in p for p in doc["problems"]):
	        sys.exit("%s: problem naming %s not in the JSON: %r" % (name, word, doc["problems"]))
	EOF
}

# a device link that points nowhere
fx_make "$tmp/dangling" --up p1
ln -sfn ../../../nowhere/0000:09:00.0 "$tmp/dangling/class/infiniband/rocep1s0f0/device"
broken dangling rocep1s0f0
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/dangling" ports -v
grep -q '0000:09:00.0' "$tmp/out" && fail "dangling: a PCI address read from a link to nowhere is shown"
# the healthy devices are still listed
grep -q ' roceP2p1s0f1 .*==> enP2p1s0f1np1 (Up)$' "$tmp/out" || fail "dangling: healthy ports lost"

# escape sequences (clear screen, OSC 52 clipboard), C1 CSI and invalid UTF-8 in attributes
fx_make "$tmp/garbage" --up p1
g=$'\e[2J\e]52;c;ZWNobyBvd25lZA==\a\xc2\x9b31m\xc0\xaf\xed\xa0\x80\xff'
d=$tmp/garbage/class/infiniband/rocep1s0f1
printf '%s28.45.4028\n' "$g" >"$d/fw_ver"
printf '4: %sACTIVE\n' "$g" >"$d/ports/1/state"
printf '%s\n' "$g" >"$d/ports/1/rate"
for i in 0 1 2 3; do printf '%senp1s0f1np1\n' "$g" >"$d/ports/1/gid_attrs/ndevs/$i"; done
printf '%s\n' "$g" >"$tmp/garbage/class/net/enP2p1s0f1np1/operstate"
broken garbage rocep1s0f1

# a netdev name longer than 15 bytes in the GID table
fx_make "$tmp/longname" --up p0
for i in 0 1 2 3; do
	echo enP2p1s0f0np0-too-long >"$tmp/longname/class/infiniband/roceP2p1s0f0/ports/1/gid_attrs/ndevs/$i"
done
broken longname roceP2p1s0f0
grep -q 'enP2p1s0f0np0-too-long' "$tmp/err" || fail "longname: the rejected name is not quoted"

# ports/ entries that are not numbers
fx_make "$tmp/portnames" --up p1
mkdir "$tmp/portnames/class/infiniband/rocep1s0f1/ports/"{abc,0,-1}
broken portnames rocep1s0f1

# a device whose directory name is itself an escape sequence
fx_make "$tmp/evilname"
e=$tmp/evilname/class/infiniband/$'\e]52;c;QQ==\a\e[2J'
mkdir -p "$e/ports/1" "$e/ports/x"$'\e[31m'
echo '1: DOWN' >"$e/ports/1/state"
broken evilname '52?c?QQ'

# a device with no ports directory at all
fx_make "$tmp/noports"
rm -rf "$tmp/noports/class/infiniband/roceP2p1s0f1/ports"
broken noports roceP2p1s0f1

# an unreadable ports directory (as nobody: root reads everything)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	fx_make "$tmp/unreadable" --up p1
	chmod 000 "$tmp/unreadable/class/infiniband/rocep1s0f1/ports"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SPARKLINK" \
		--sysfs "$tmp/unreadable" ports >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "unreadable: exited $rc"
	clean_later "$tmp/out" "$tmp/err"
	grep -q '^sparklink: rocep1s0f1: .*Permission denied' "$tmp/err" ||
		fail "unreadable: no sentence naming the device: $(cat "$tmp/err")"
	grep -q 'roceP2p1s0f1 port 1 ==> enP2p1s0f1np1 (Up)' "$tmp/out" ||
		fail "unreadable: the readable devices were not listed: $(cat "$tmp/out")"
fi
check_json
check_clean_all
pass
