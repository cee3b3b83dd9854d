#!/bin/bash
# cli_ports_other_adapter: a Spark's ConnectX-7 beside another Mellanox adapter (a ConnectX-6 at
# PCI 0005:01:00.0, device id 0x101b, with its own netdev whose phys_port_name is p0 too). The
# ConnectX-6 is a port of its own, never a twin of the Spark's roceP2p1s0f0:
# - `ports --json`: ports 0, 1, 2 (each number once); port 0 is rocep1s0f0 + roceP2p1s0f0, port 1
#   its twins, port 2 the ConnectX-6 alone; every RDMA device in exactly one port;
# - the findings follow: with the Spark's port 0 cabled and MTUs that differ between its twins,
#   "mtu-mismatch" names enp1s0f0np0 and enP2p1s0f0np0 and there is no "twin-down" (the
#   ConnectX-6, down, is nobody's twin); with only the ConnectX-6 cabled, "no-address" names its
#   netdev alone and no twin is said to be down;
# - `ports` and `ports -v` print the ConnectX-6's line as ibdev2netdev does (the reference);
# - the console shows the same ports and the same finding.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $cli_here come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_ports_other_adapter
command -v python3 >/dev/null || skip "python3 is needed to read JSON"

# the Spark's port 0 cabled, its domain-0002 twin at MTU 9000; the ConnectX-6 without a cable
fx_make "$tmp/spark0" --up p0 --cx6 0005:01:00.0
echo 9000 >"$tmp/spark0/class/net/enP2p1s0f0np0/mtu"
# only the ConnectX-6 cabled
fx_make "$tmp/cx6" --cx6 0005:01:00.0 --cx6-up
if [ ! -e "$tmp/cx6/class/infiniband/roceP5p1s0" ] || [ ! -e "$tmp/cx6/class/net/enP5p1s0np0" ]; then
	fail "the fixture has no ConnectX-6 (roceP5p1s0, enP5p1s0np0)"
fi

# check_doc FILE TREE: the JSON document of TREE
check_doc() {
	python3 - "$1" "$2" <<-'EOF'
	import json, sys
	doc = json.load(open(sys.argv[1], encoding="utf-8"))
	tree = sys.argv[2]
	def need(cond, msg):
	    if not cond:
	        sys.exit("JSON (%s): %s" % (tree, msg))
	ports = doc["ports"]
	nums = [p["port"] for p in ports]
	need(nums == [0, 1, 2], "port numbers are %r, want [0, 1, 2]" % nums)
	devs = [t["rdma_device"] for p in ports for t in p["twins"]]
	need(sorted(devs) == sorted(["rocep1s0f0", "roceP2p1s0f0", "rocep1s0f1", "roceP2p1s0f1",
	                             "roceP5p1s0"]), "RDMA devices in the ports: %r" % devs)
	by = {p["port"]: p for p in ports}
	for n in (0, 1):
	    tw = by[n]["twins"]
	    need([(t["rdma_device"], t["pci"], t["device_id"]) for t in tw] ==
	         [("rocep1s0f%d" % n, "0000:01:00.%d" % n, "MT4129"),
	          ("roceP2p1s0f%d" % n, "0002:01:00.%d" % n, "MT4129")],
	         "port %d is not the Spark's two twins: %r" % (n, [(t["rdma_device"], t["pci"]) for t in tw]))
	tw = by[2]["twins"]
	need([(t["rdma_device"], t["netdev"], t["pci"], t["device_id"]) for t in tw] ==
	     [("roceP5p1s0", "enP5p1s0np0", "0005:01:00.0", "MT4123")],
	     "port 2 is not the ConnectX-6 alone: %r" % tw)
	cabled = {p["port"]: p["cabled"] for p in ports}
	want = {0: tree == "spark0", 1: False, 2: tree == "cx6"}
	need(cabled == want, "cabled %r, want %r" % (cabled, want))
	f = [(x["code"], x["text"]) for x in doc["findings"]]
	codes = [c for c, _ in f]
	need("twin-down" not in codes, "a twin is said to be down: %r" % f)
	need("no-link" not in codes, "no-link with a cable in: %r" % f)
	noaddr = sorted(t for c, t in f if c == "no-address")
	if tree == "spark0":
	    need([t for c, t in f if c == "mtu-mismatch"] ==
	         ["Port 0: MTU differs between twins (enp1s0f0np0 1500, enP2p1s0f0np0 9000)."],
	         "no mtu-mismatch between the Spark's port 0 twins: %r" % f)
	    need(noaddr == ["enP2p1s0f0np0 is Up but has no IPv4 address.",
	                    "enp1s0f0np0 is Up but has no IPv4 address."], "no-address: %r" % f)
	else:
	    need("mtu-mismatch" not in codes, "mtu-mismatch: %r" % f)
	    need(noaddr == ["enP5p1s0np0 is Up but has no IPv4 address."], "no-address: %r" % f)
	need(doc["problems"] == [], "problems %r" % doc["problems"])
	EOF
}

for t in spark0 cx6; do
	sl "$tmp/out" "$tmp/err" --sysfs "$tmp/$t" ports --json
	[ "$rc" -eq 0 ] || fail "$t: ports --json exited $rc: $(cat "$tmp/err")"
	check_clean "$tmp/out" "$tmp/err"
	check_doc "$tmp/out" "$t" || fail "$t: ports --json groups the ConnectX-6 wrongly"
	for v in "" -v; do
		# shellcheck disable=SC2086
		sl "$tmp/out" "$tmp/err" --sysfs "$tmp/$t" ports $v
		[ "$rc" -eq 0 ] || fail "$t: ports $v exited $rc: $(cat "$tmp/err")"
		[ "$(wc -l <"$tmp/out")" -eq 5 ] || fail "$t: ports $v printed $(wc -l <"$tmp/out") lines, want 5"
		# shellcheck disable=SC2086
		same_as_ref "$t: ports $v" "$tmp/out" "$tmp/$t" $v
	done
done
# stated without the reference: the ConnectX-6's own line, between the domain-0002 and 0000 ones
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/cx6" ports -v
[ "$(sed -n 3p "$tmp/out")" = '0005:01:00.0 roceP5p1s0 (MT4123 - NA)  fw 20.39.1002 port 1 (ACTIVE) ==> enP5p1s0np0 (Up)' ] ||
	fail "the ConnectX-6 is not listed as ibdev2netdev -v lists it: $(cat "$tmp/out")"

# the console: the same ports and finding on screen (no D-Bus: mDNS stays out of it)
if command -v tmux >/dev/null; then
	# shellcheck source=tests/lib/tmux.sh
	. "$cli_here/../lib/tmux.sh"
	sess=cx6-$$
	trap 'tmux_stop "$sess" 2>/dev/null; cli_cleanup' EXIT
	TMUX_COLS=120 TMUX_ROWS=60 tmux_start "$sess" env SPARKLINK_SYSFS="$tmp/spark0" \
		DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus" "$SPARKLINK" ||
		fail "cannot start the console"
	tmux_wait "$sess" 'Port 2: no cable' 20 || fail "the console shows no port 2 (the ConnectX-6)"
	tmux_screen "$sess" >"$tmp/screen"
	python3 - "$tmp/screen" <<-'EOF' || fail "the console groups the ConnectX-6 wrongly: $(cat "$tmp/screen")"
	import re, sys
	lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
	def box(title):
	    i = next(k for k, l in enumerate(lines) if title in l)
	    out = []
	    for l in lines[i + 1:]:
	        if re.search(r"Port \d+:|Other interfaces|Findings", l):
	            break
	        out.append(l)
	    return " ".join(out)
	p0, p2 = box("Port 0: cable seen"), box("Port 2: no cable")
	assert "rocep1s0f0" in p0 and "roceP2p1s0f0" in p0 and "roceP5p1s0" not in p0, p0
	assert "roceP5p1s0" in p2 and "enP5p1s0np0" in p2, p2
	titles = [m.group(1) for l in lines for m in [re.search(r"[-\u2500] (Port -?\d+): ", l)] if m]
	assert titles == ["Port 0", "Port 1", "Port 2"], "port boxes %r" % titles
	text = " ".join(lines)
	assert "MTU differs between twins" in text, "no mtu-mismatch finding on screen"
	assert "its twin" not in text, "a twin-down finding on screen"
	EOF
	tmux_keys "$sess" F10
fi
pass
