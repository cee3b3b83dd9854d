#!/bin/bash
# lab_node_remote: the peer as a node (core/node/node_remote.c: the pairing's SSH with the user's key,
# sudo, stock tools) and this machine as a node (core/node/node_local.c), driven by node_tool and
# judged by the system tools of the node that changed (ip, sha256sum, stat, netplan):
# - before pairing the peer's host key is unknown: refused ("pair with it first");
# - after `sparklink pair` (as nvidia), as nvidia and as root through sudo (SUDO_USER honoured):
#   addresses added twice and deleted twice (idempotent), MTU 9000 and back, link down and up,
#   the IPv6 address mode, files written and read byte for byte (quotes, $, backslashes, NUL,
#   no final newline) atomically with mode and owner root, removed, directories listed, symbolic
#   links refused, netplan generate (its own error in err), host name, the session's interface;
# - sudo's password: asked once per connection when sudo wants it, given up front, not asked
#   under NOPASSWD, never in any output; three wrong ones: a clear error and nothing changed;
# - the login user's file edited without sudo: exactly one line removed, every other byte and
#   the mode kept;
# - the same operations on spark-1 through node_local.c print the same (one behaviour);
# - a changed host key stops everything with the pairing's warning.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
: "${NODE_TOOL:?NODE_TOOL must name the node_tool binary (tests/lab/tools/node_tool.c)}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
NODE_TOOL=$(readlink -f -- "$NODE_TOOL")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
U=nvidia
IF=enp1s0f1np1 # cabled (p1 <-> p1): carrier on both nodes
PEER=10.77.0.2
T=$LAB_TMP
W=$T/w # written by node_tool as the user
mkdir -m 0777 "$W"

# node_tool against spark-2 from spark-1 as nvidia; stdin answers sudo's questions ($ANSWERS,
# default: the right password once). Output in $T/out, $T/err; returns node_tool's status.
nr() {
	local opts=()
	while [[ ${1-} == --* ]]; do
		opts+=("$1")
		shift
	done
	printf '%s\n' "${ANSWERS-$PW}" |
		"$SPARKLAB" exec spark-1 --user -- "$NODE_TOOL" "${opts[@]}" remote "$PEER" "$@" >"$T/out" 2>"$T/err"
}
# the same as root through sudo in spark-1 (sudo's own password first, then the answers)
nr_sudo() {
	printf '%s\n%s\n' "$PW" "${ANSWERS-$PW}" |
		lxu spark-1 sudo -S -p '' "$NODE_TOOL" remote "$PEER" "$@" >"$T/out" 2>"$T/err"
}
# node_tool against spark-1 itself (node_local.c), as root
nl() { lx spark-1 "$NODE_TOOL" local "$@" >"$T/out" 2>"$T/err"; }
out() { cat "$T/out" "$T/err"; }
asked() { grep -c "sudo password asked" "$T/err"; }
ok() { # what cmd...: the command must succeed
	local what=$1
	shift
	"$@" || fail "$what: exit $?: $(out)"
}
addrs_of() { lx "$1" ip -o -4 addr show dev "$2" | awk '{print $4}'; }
flags_of() { lx "$1" ip -o link show dev "$2" | sed 's/.*<\([^>]*\)>.*/\1/'; }
sum_of() { lx "$1" sha256sum "$2" | awk '{print $1}'; }
meta_of() { lx "$1" stat -c '%a %U %G' "$2"; }

step "up"
lab_up 2
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
[ -n "$fp2" ] || fail "cannot read spark-2's host key fingerprint"

step "before pairing: spark-2's host key is unknown, refused before anything else"
nr hostname
rc=$?
[ $rc -eq 3 ] || fail "an unknown host key: exit $rc, want 3: $(out)"
grep -q "not in your known_hosts: pair with it first" "$T/err" || fail "the refusal does not say to pair first: $(out)"
[ "$(asked)" = 0 ] || fail "a password was asked before the host key was known: $(out)"

step "pair spark-1 -> spark-2 as $U"
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" "$PEER" \
	>"$T/pair.out" 2>&1 || fail "pair failed: $(cat "$T/pair.out")"

step "host name, the session's interface, a probe: sudo's password asked once for the connection"
nr hostname + session-if + probe $IF + probe nosuch0 || fail "read-only operations failed: $(out)"
[ "$(asked)" = 1 ] || fail "the sudo password was asked $(asked) times for one connection, want 1: $(out)"
grep -qx "sudo password asked (try 1)" <(sed 's/^node_tool: //' "$T/err") || fail "the question is not try 1: $(out)"
grep -qx "hostname spark-2" "$T/out" || fail "hostname: $(out)"
grep -qx "session-if enP7s7" "$T/out" || fail "the session to $PEER is on spark-2's enP7s7: $(out)"
grep -qx "exists 0" "$T/out" || fail "a missing interface is exists=0, not an error: $(out)"
grep -qx "mtu $(lx spark-2 cat /sys/class/net/$IF/mtu)" "$T/out" || fail "probe mtu: $(out)"
grep -qx "carrier 1" "$T/out" || fail "probe carrier (the cable is plugged): $(out)"
grep -qx "addr6 $(lx spark-2 ip -o -6 addr show dev $IF scope link | awk '{print $4; exit}')" "$T/out" ||
	fail "probe does not show the IPv6 link-local address: $(out)"
nr --read-only hostname || fail "--read-only hostname: $(out)"
[ "$(asked)" = 0 ] || fail "a read-only connection asked for the sudo password: $(out)"
nr --read-only addr add $IF 192.168.77.2/24
[ $? -eq 1 ] && grep -q "read-only" "$T/err" || fail "a read-only connection changed something: $(out)"

step "addresses: add twice, delete twice (idempotent), judged by ip on spark-2"
A=192.168.77.2/24
for i in 1 2; do
	ok "add $A (#$i)" nr addr add $IF $A
	[ "$(addrs_of spark-2 $IF)" = 192.168.77.2/24 ] || fail "after add #$i spark-2 has: $(addrs_of spark-2 $IF)"
done
ok "probe after add" nr probe $IF
grep -qx "addr 192.168.77.2/24" "$T/out" || fail "probe does not show the address: $(out)"
ok "add an IPv6 link-local address" nr addr add $IF fe80::77:2/64
lx spark-2 ip -o -6 addr show dev $IF | grep -qF "fe80::77:2/64" || fail "fe80::77:2/64 not on spark-2"
ok "del the IPv6 address" nr addr del $IF fe80::77:2/64
for i in 1 2; do
	ok "del $A (#$i)" nr addr del $IF $A
	[ -z "$(addrs_of spark-2 $IF)" ] || fail "after del #$i spark-2 still has: $(addrs_of spark-2 $IF)"
done
nr addr add nosuch0 $A
[ $? -eq 1 ] && grep -q "no such interface" "$T/err" || fail "add on a missing interface: $(out)"
nr addr add $IF "10.1.1.1/24; touch /tmp/pwned"
[ $? -eq 1 ] && grep -q "is not an address" "$T/err" || fail "a bad address was not refused: $(out)"
lx spark-2 test -e /tmp/pwned && fail "an argument was run as a command on spark-2"

step "MTU 9000 and back, link down and up, IPv6 address mode"
ok "mtu 9000" nr mtu $IF 9000
[ "$(lx spark-2 cat /sys/class/net/$IF/mtu)" = 9000 ] || fail "spark-2 $IF mtu is not 9000"
ok "mtu 1500" nr mtu $IF 1500
[ "$(lx spark-2 cat /sys/class/net/$IF/mtu)" = 1500 ] || fail "spark-2 $IF mtu is not back to 1500"
nr mtu $IF 70000
[ $? -eq 1 ] && grep -q "does not accept it" "$T/err" || fail "an impossible MTU: $(out)"
ok "link down" nr link $IF down + probe $IF
case ",$(flags_of spark-2 $IF)," in *,UP,*) fail "spark-2 $IF is still up: $(flags_of spark-2 $IF)" ;; esac
grep -qx "up 0" "$T/out" || fail "probe after link down: $(out)"
ok "link up" nr link $IF up
case ",$(flags_of spark-2 $IF)," in *,UP,*) ;; *) fail "spark-2 $IF is not up again: $(flags_of spark-2 $IF)" ;; esac
gen0=$(lx spark-2 cat /proc/sys/net/ipv6/conf/$IF/addr_gen_mode)
ok "addrgenmode 1" nr addrgenmode $IF 1 + probe $IF
[ "$(lx spark-2 cat /proc/sys/net/ipv6/conf/$IF/addr_gen_mode)" = 1 ] || fail "addr_gen_mode is not 1 on spark-2"
grep -qx "addr_gen_mode 1" "$T/out" || fail "probe does not show addr_gen_mode 1: $(out)"
ok "addrgenmode back" nr addrgenmode $IF "$gen0"

step "files: written and read byte for byte, atomically, mode and owner root"
printf 'a: "double" and '"'"'single'"'"' quotes\n$HOME $(id) `id` \\ \\\\n\ttab\n\001\377\000nul\nno final newline' >"$T/f1"
printf 'network:\n  version: 2\n' >"$T/f2"
chmod 0644 "$T/f1" "$T/f2"
F=/etc/netplan/90-nodetest.yaml
ok "write f1" nr write $F 600 "$T/f1"
[ "$(sum_of spark-2 $F)" = "$(sha256sum <"$T/f1" | awk '{print $1}')" ] || fail "spark-2's $F is not f1 byte for byte: $(lx spark-2 od -c $F | head)"
[ "$(meta_of spark-2 $F)" = "600 root root" ] || fail "spark-2's $F: $(meta_of spark-2 $F), want 600 root root"
ok "read f1" nr read $F "$W/back"
grep -qx "mode 0600 size $(stat -c %s "$T/f1")" "$T/out" || fail "read: $(out)"
cmp -s "$T/f1" "$W/back" || fail "the bytes read back differ from the bytes written"
ok "overwrite with f2, mode 644" nr write $F 644 "$T/f2"
[ "$(sum_of spark-2 $F)" = "$(sha256sum <"$T/f2" | awk '{print $1}')" ] || fail "spark-2's $F is not f2"
[ "$(meta_of spark-2 $F)" = "644 root root" ] || fail "spark-2's $F: $(meta_of spark-2 $F), want 644 root root"
[ -z "$(lx spark-2 find /etc/netplan -name '.*sparklink*')" ] || fail "temporary files were left in /etc/netplan"
: >"$T/empty"
ok "write an empty file" nr write /etc/netplan/91-empty.yaml 600 "$T/empty" + read /etc/netplan/91-empty.yaml "$W/back"
grep -qx "mode 0600 size 0" "$T/out" && [ ! -s "$W/back" ] || fail "an empty file: $(out)"
ok "read a missing file" nr read /etc/netplan/nothing.yaml
grep -qx "missing" "$T/out" || fail "a missing file is exists=false: $(out)"

step "dir_list: regular files only, sorted; symbolic links refused for read, write and remove"
lx spark-2 sh -c 'ln -s /etc/hostname /etc/netplan/92-link.yaml && mkdir /etc/netplan/93-dir && printf x > "/etc/netplan/94 space.yaml"' ||
	fail "cannot prepare /etc/netplan on spark-2"
ok "list" nr list /etc/netplan
want=$(lx spark-2 find /etc/netplan -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort)
[ "$(cat "$T/out")" = "$want" ] || fail "dir_list: $(cat "$T/out"), want: $want"
ok "list a missing dir" nr list /etc/nothing-here
[ ! -s "$T/out" ] || fail "a missing directory lists something: $(out)"
host_sum=$(sum_of spark-2 /etc/hostname)
for op in "read /etc/netplan/92-link.yaml" "write /etc/netplan/92-link.yaml 644 $T/f2" "remove /etc/netplan/92-link.yaml"; do
	nr $op
	[ $? -eq 1 ] && grep -q "is a symbolic link" "$T/err" || fail "$op through a symbolic link: $(out)"
	cp "$T/err" "$T/err.remote"
done
[ "$(sum_of spark-2 /etc/hostname)" = "$host_sum" ] || fail "a write through a symbolic link changed its target"
lx spark-2 test -L /etc/netplan/92-link.yaml || fail "the symbolic link was replaced"
nr write /etc/netplan/93-dir 644 "$T/f2"
[ $? -eq 1 ] && grep -q "not a regular file" "$T/err" || fail "a directory was not refused: $(out)"
lx spark-2 sh -c 'rm -f /etc/netplan/92-link.yaml "/etc/netplan/94 space.yaml"; rmdir /etc/netplan/93-dir'

step "remove, twice (a missing file is success)"
ok "remove" nr remove /etc/netplan/91-empty.yaml
lx spark-2 test -e /etc/netplan/91-empty.yaml && fail "91-empty.yaml is still on spark-2"
ok "remove again" nr remove /etc/netplan/91-empty.yaml

step "netplan generate: accepted, then netplan's own error for a bad file"
printf 'network:\n  version: 2\n  ethernets:\n    %s:\n      addresses: [192.168.77.2/24]\n' $IF >"$T/good"
ok "write a netplan file" nr write $F 600 "$T/good"
ok "netplan generate" nr netplan generate
lx spark-2 sh -c "grep -rls 192.168.77.2/24 /run/systemd/network/" >/dev/null || fail "netplan generate wrote no networkd file for $IF"
printf 'network:\n  version: 2\n  ethernets:\n    %s:\n      addresses: [ 192.168.77.2/24\n' $IF >"$T/bad"
ok "write a broken netplan file" nr write $F 600 "$T/bad"
nr netplan generate
[ $? -eq 1 ] && grep -q "netplan generate on $PEER failed" "$T/err" && grep -qi "yaml\|90-nodetest" "$T/err" ||
	fail "a broken netplan file: no netplan error in err: $(out)"
nr netplan "apply; id"
[ $? -eq 1 ] && grep -q "is not something sparklink runs" "$T/err" || fail "a netplan verb that is not one: $(out)"
ok "remove the netplan file" nr remove $F + netplan generate

step "sudo's password: wrong three times -> a clear error, asked three times, nothing changed"
before=$(addrs_of spark-2 $IF)
ANSWERS=$'wrong1\nwrong2\nwrong3' nr addr add $IF $A
rc=$?
[ $rc -eq 3 ] || fail "three wrong sudo passwords: exit $rc, want 3: $(out)"
[ "$(asked)" = 3 ] || fail "asked $(asked) times, want 3: $(out)"
grep -q "did not accept the password" "$T/err" || fail "no clear word about the wrong password: $(out)"
[ "$(addrs_of spark-2 $IF)" = "$before" ] || fail "three wrong passwords still changed spark-2's addresses"
ANSWERS='' nr addr add $IF $A
[ $? -eq 3 ] && grep -q "cancelled" "$T/err" || fail "no answer to the password question: $(out)"
ANSWERS="wrong" nr --password-given addr add $IF $A
[ $? -eq 3 ] && [ "$(asked)" = 0 ] && grep -q "did not accept the password given" "$T/err" ||
	fail "a wrong password given up front: $(out)"
ok "the right password given up front" nr --password-given hostname
[ "$(asked)" = 0 ] || fail "a password given up front was asked again: $(out)"
lx spark-2 sh -c "printf '%s ALL=(ALL) NOPASSWD: ALL\n' $U > /etc/sudoers.d/90-nodetest && chmod 440 /etc/sudoers.d/90-nodetest" ||
	fail "cannot add a NOPASSWD rule on spark-2"
ANSWERS='' nr addr add $IF $A || fail "NOPASSWD sudo: $(out)"
[ "$(asked)" = 0 ] || fail "the password was asked although sudo wants none: $(out)"
ok "del (NOPASSWD)" nr addr del $IF $A
lx spark-2 rm -f /etc/sudoers.d/90-nodetest

step "as root through sudo on spark-1: $U's key and known_hosts (SUDO_USER), nothing of root's"
ok "sudo node_tool" nr_sudo hostname + addr add $IF $A + probe $IF
grep -qx "hostname spark-2" "$T/out" && grep -qx "addr 192.168.77.2/24" "$T/out" || fail "under sudo: $(out)"
ok "del under sudo" nr_sudo addr del $IF $A
bad=$(lx spark-1 find /home/$U/.ssh ! -user $U)
[ -z "$bad" ] || fail "files in $U's ~/.ssh no longer belong to $U after sudo: $bad"
lx spark-1 "$NODE_TOOL" remote "$PEER" hostname </dev/null >"$T/out" 2>"$T/err"
[ $? -eq 3 ] && grep -q "not in your known_hosts" "$T/err" || fail "root itself (no SUDO_USER) has no known_hosts: $(out)"

step "the password is in no output and no log"
grep -rqF -- "$PW" "$T"/out "$T"/err "$T"/err.remote && fail "the sudo password appears in node_tool's output"
for n in spark-1 spark-2; do
	grep -rlsF -- "$PW" "${SPARKLAB_DIR:-/run/sparklab}/nodes/$n/log" && fail "the password is in $n's daemon logs"
	lx "$n" grep -rlsF -- "$PW" /var/log && fail "the password is in $n's /var/log"
done

step "the login user's file: exactly one line removed, every other byte and the mode kept"
lx spark-2 sh -c "printf 'a\r\nTARGET\nb\nTARGET\n\$x \"q\"\nTARGET' > /home/$U/nodetest && chown $U: /home/$U/nodetest && chmod 640 /home/$U/nodetest"
ok "line-remove #1" nr line-remove nodetest TARGET
grep -qx removed "$T/out" || fail "line-remove #1: $(out)"
[ "$(lx spark-2 od -An -c /home/$U/nodetest | tr -s ' ')" = "$(printf 'a\r\nTARGET\nb\nTARGET\n$x "q"\n' | od -An -c | tr -s ' ')" ] ||
	fail "line-remove #1 left: $(lx spark-2 od -c /home/$U/nodetest)"
ok "line-remove #2" nr line-remove nodetest TARGET
ok "line-remove #3" nr line-remove nodetest TARGET
[ "$(lx spark-2 od -An -c /home/$U/nodetest | tr -s ' ')" = "$(printf 'a\r\nb\n$x "q"\n' | od -An -c | tr -s ' ')" ] ||
	fail "line-remove #3 left: $(lx spark-2 od -c /home/$U/nodetest)"
s=$(sum_of spark-2 /home/$U/nodetest)
ok "line-remove of a line that is not there" nr line-remove nodetest TARGET
grep -qx absent "$T/out" || fail "a line that is not there: $(out)"
[ "$(sum_of spark-2 /home/$U/nodetest)" = "$s" ] || fail "removing nothing changed the file"
[ "$(meta_of spark-2 /home/$U/nodetest)" = "640 $U $U" ] || fail "the file's mode or owner changed: $(meta_of spark-2 /home/$U/nodetest)"
nr line-remove ../../etc/passwd root
[ $? -eq 1 ] || fail "a path out of the home directory was not refused: $(out)"

step "node_local.c on spark-1 prints what node_remote.c prints on spark-2"
same() { # what: the remote's output was saved in $T/r.out
	[ "$(cat "$T/out")" = "$(cat "$T/r.out")" ] || fail "$1: local and remote differ: local: $(cat "$T/out") remote: $(cat "$T/r.out")"
}
check_both() { # what op...: run on both, same status and output (addr6 lines are each node's own)
	local what=$1 rl rr
	shift
	nr "$@"
	rr=$?
	grep -v '^addr6 ' "$T/out" >"$T/r.out"
	sed 's/^node_tool: [a-z-]*: //; s/ on '"$PEER"'//' "$T/err" | grep -v "sudo password asked" >"$T/r.err"
	nl "$@"
	rl=$?
	grep -v '^addr6 ' "$T/out" >"$T/l.out"
	mv "$T/l.out" "$T/out"
	[ $rl -eq $rr ] || fail "$what: local exit $rl, remote exit $rr: $(cat "$T/err" "$T/r.err")"
	same "$what"
}
check_both "add" addr add $IF $A + addr add $IF $A + probe $IF
[ "$(addrs_of spark-1 $IF)" = 192.168.77.2/24 ] || fail "local add: spark-1 has $(addrs_of spark-1 $IF)"
check_both "del" addr del $IF $A + addr del $IF $A + probe $IF
[ -z "$(addrs_of spark-1 $IF)" ] || fail "local del: spark-1 still has $(addrs_of spark-1 $IF)"
check_both "mtu" mtu $IF 9000 + probe $IF
[ "$(lx spark-1 cat /sys/class/net/$IF/mtu)" = 9000 ] || fail "local mtu 9000"
check_both "mtu back" mtu $IF 1500 + probe $IF
check_both "link down" link $IF down + probe $IF
check_both "link up" link $IF up + probe nosuch0
check_both "write, read" write $F 600 "$T/f1" + read $F "$W/back"
cmp -s "$T/f1" "$W/back" || fail "local read: the bytes differ"
[ "$(sum_of spark-1 $F)" = "$(sha256sum <"$T/f1" | awk '{print $1}')" ] && [ "$(meta_of spark-1 $F)" = "600 root root" ] ||
	fail "local write: $(meta_of spark-1 $F)"
check_both "list" list /etc/netplan
check_both "remove" remove $F + remove $F + read $F + list /etc/netplan
for n in spark-1 spark-2; do lx $n ln -sf /etc/hostname /etc/netplan/92-link.yaml; done
check_both "symbolic link" read /etc/netplan/92-link.yaml
for n in spark-1 spark-2; do lx $n rm -f /etc/netplan/92-link.yaml; done
sed 's/^node_tool: [a-z-]*: //' "$T/err" >"$T/l.err"
[ "$(cat "$T/l.err")" = "$(cat "$T/r.err")" ] || fail "a symbolic link: local says $(cat "$T/l.err"), remote $(cat "$T/r.err")"
check_both "bad address" addr add $IF 300.1.1.1/24
check_both "netplan" netplan generate + probe $IF
[ "$(lx spark-1 "$NODE_TOOL" local hostname)" = "hostname spark-1" ] || fail "local hostname"

step "spark-2's host key changes: the pairing's warning, nothing done"
lx spark-2 sh -c 'rm -f /etc/ssh/ssh_host_ed25519_key* /etc/ssh/ssh_host_ecdsa_key* &&
	ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key && ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key' ||
	fail "cannot regenerate spark-2's host keys"
"$SPARKLAB" daemon spark-2 sshd restart >/dev/null || fail "cannot restart spark-2's sshd"
nr addr add $IF $A
[ $? -eq 3 ] || fail "a changed host key: $(out)"
grep -q "WARNING: the host key of $PEER is not the one recorded" "$T/err" && grep -q "ssh-keygen -R" "$T/err" ||
	fail "the changed-key refusal is not the pairing's warning: $(out)"
[ "$(asked)" = 0 ] || fail "a password was asked of a host with a changed key"
[ -z "$(addrs_of spark-2 $IF)" ] || fail "a host with a changed key was changed"
