#!/bin/bash
# cli_ports_json: `sparklink ports --json` on fixture trees is valid JSON (RFC 8259, UTF-8) of
# the documented shape (docs/ports-json.md): two physical ports of two twins each, numbered 0
# and 1, `cabled` as the fixture's cables, and a "no-link" finding exactly when nothing is
# cabled. Needs python3 (json module).
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $wait_rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_ports_json
command -v python3 >/dev/null || skip "python3 is needed to read JSON"

# check_doc FILE CABLES WHAT: CABLES is the --up list given to the fixture ("" for none). The
# documents are kept and judged together by check_docs (one python3 for all).
ndoc=0
: >"$tmp/docs"
check_doc() {
	ndoc=$((ndoc + 1))
	cp "$1" "$tmp/doc.$ndoc" || fail "cannot copy $1"
	printf '%s\t%s\t%s\n' "$tmp/doc.$ndoc" "$2" "$3" >>"$tmp/docs"
}
check_docs() {
	python3 -S - "$tmp/docs" <<-'EOF' || fail "a document is wrong (above)"
	import json, sys
	def check(doc, cables, what):
	    def need(cond, msg):
	        if not cond:
	            sys.exit("%s: JSON: %s" % (what, msg))
	    need(doc["version"] == 1, "version is not 1")
	    need(isinstance(doc["sysfs_root"], str), "sysfs_root")
	    need(doc["rdma"]["available"] is True, "rdma.available is not true")
	    need(doc["netdev_source"] in ("netlink", "sysfs"), "netdev_source")
	    ports = doc["ports"]
	    need([p["port"] for p in ports] == [0, 1], "port numbers are %r" % [p["port"] for p in ports])
	    names = {0: ["enp1s0f0np0", "enP2p1s0f0np0"], 1: ["enp1s0f1np1", "enP2p1s0f1np1"]}
	    devs = {0: ["rocep1s0f0", "roceP2p1s0f0"], 1: ["rocep1s0f1", "roceP2p1s0f1"]}
	    for p in ports:
	        n = p["port"]
	        up = ("p%d" % n) in cables
	        need(p["cabled"] is up, "port %d cabled=%r, fixture says %r" % (n, p["cabled"], up))
	        tw = p["twins"]
	        need(len(tw) == 2, "port %d has %d twins" % (n, len(tw)))
	        need([t["netdev"] for t in tw] == names[n], "port %d netdevs %r" % (n, [t["netdev"] for t in tw]))
	        need([t["rdma_device"] for t in tw] == devs[n], "port %d devices" % n)
	        need(tw[0]["pci"] == "0000:01:00.%d" % n and tw[1]["pci"] == "0002:01:00.%d" % n,
	             "port %d twins not ordered by PCI domain" % n)
	        for t in tw:
	            need(t["rdma_port"] == 1, "rdma_port")
	            need(t["present"] is True, "netdev not present")
	            need(t["link"] == ("Up" if up else "Down"), "%s link %r" % (t["netdev"], t["link"]))
	            need(t["carrier"] is up, "carrier")
	            need(t["rdma_state"] == ("ACTIVE" if up else "DOWN"), "rdma_state %r" % t["rdma_state"])
	            need(t["fw_ver"] == "28.45.4028", "fw_ver")
	            need(t["link_layer"] == "Ethernet", "link_layer")
	            need(isinstance(t["mtu"], int) and t["mtu"] == 1500, "mtu")
	            need(t["speed_mbps"] is None or isinstance(t["speed_mbps"], int), "speed_mbps type")
	            need(isinstance(t["addresses"], list), "addresses")
	            need(isinstance(t["admin_up"], bool), "admin_up")
	    others = [o["netdev"] for o in doc["other_interfaces"]]
	    need("lo" not in others, "lo listed among other interfaces")
	    need(not set(others) & set(names[0] + names[1]), "an RDMA netdev listed among other interfaces")
	    codes = [f["code"] for f in doc["findings"]]
	    for f in doc["findings"]:
	        need(f["level"] in ("error", "warning", "note"), "level %r" % f["level"])
	        need(all(isinstance(f[k], str) and f[k] for k in ("code", "text", "fix")), "finding fields")
	    need(("no-link" in codes) == (not cables), "no-link finding %r with cables %r" % (codes, cables))
	    if cables:
	        need("no-address" in codes, "cabled twins without address but no no-address finding")
	    need(doc["problems"] == [], "problems %r" % doc["problems"])
	for line in open(sys.argv[1], encoding="utf-8"):
	    path, cables, what = line.rstrip("\n").split("\t")
	    try:
	        raw = open(path, "rb").read()
	        doc = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 or JSON fails here
	    except ValueError as e:
	        sys.exit("%s: not valid JSON: %s: %r" % (what, e, raw[:400]))
	    check(doc, [c for c in cables.split(",") if c], what)
	EOF
}


for cables in "" p1 p0 p0,p1; do
	name=t${cables:-none}
	name=${name/,/-}
	if [ -n "$cables" ]; then fx_make "$tmp/$name" --up "$cables"; else fx_make "$tmp/$name"; fi
	sl "$tmp/out" "$tmp/err" --sysfs "$tmp/$name" ports --json
	[ "$rc" -eq 0 ] || fail "$name: ports --json exited $rc: $(cat "$tmp/err")"
	clean_later "$tmp/err"
	check_doc "$tmp/out" "$cables" "$name (cables: ${cables:-none})"
	# the environment form gives the same ports
	SPARKLINK_SYSFS=$tmp/$name "$SPARKLINK" ports --json >"$tmp/out.env" 2>/dev/null ||
		fail "$name: SPARKLINK_SYSFS= ports --json failed"
	check_doc "$tmp/out.env" "$cables" "$name (env)"
done

# no RDMA: a document that says so, for scripts (stdout is the JSON; no ports)
fx_make "$tmp/nordma" --no-rdma
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/nordma" ports --json
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "no RDMA: ports --json exited $rc"
python3 - "$tmp/out" <<-'EOF' || fail "no RDMA: wrong document: $(cat "$tmp/out")"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert doc["rdma"]["available"] is False
assert doc["ports"] == []
assert "no-link" not in [f["code"] for f in doc["findings"]]
EOF

# a sysfs root whose name holds an escape and a byte that is not UTF-8: still valid JSON
odd=$tmp/$'odd\e[2J\xff'
fx_make "$odd" --up p1
sl "$tmp/out" "$tmp/err" --sysfs "$odd" ports --json
[ "$rc" -eq 0 ] || fail "odd root: exited $rc: $(cat "$tmp/err")"
clean_later "$tmp/out"
check_doc "$tmp/out" p1 "odd root"
check_docs
check_clean_all
# the documentation's example has exactly the members, in the order, that sparklink writes
doc=$cli_here/../../docs/ports-json.md
if [ -f "$doc" ]; then
	sl "$tmp/out" "$tmp/err" --sysfs "$tmp/tp1" ports --json
	python3 - "$doc" "$tmp/out" <<-'EOF' || fail "docs/ports-json.md's example does not match the output"
	import json, re, sys
	text = open(sys.argv[1], encoding="utf-8").read()
	m = re.search(r"```json\n(.*?)```", text, re.S)
	if not m:
	    sys.exit("no ```json example in the documentation")
	example = json.loads(m.group(1))
	real = json.load(open(sys.argv[2], encoding="utf-8"))
	def shape(v, path, other):
	    if isinstance(v, dict):
	        if not isinstance(other, dict) or list(v) != list(other):
	            sys.exit("%s: documented members %s, written %s" % (path, list(v),
	                     list(other) if isinstance(other, dict) else type(other).__name__))
	        for k in v:
	            shape(v[k], path + "." + k, other[k])
	    elif isinstance(v, list) and isinstance(other, list) and v and other:
	        shape(v[0], path + "[0]", other[0])
	shape(example, "$", real)
	# every member the tables document is in the example, and the other way round
	for key in re.findall(r'"([a-z_]+)":', m.group(1)):
	    if "`%s`" % key not in text.replace(m.group(1), ""):
	        sys.exit("member %s is in the example but not described" % key)
	EOF
fi
pass
