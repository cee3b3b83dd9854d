#!/bin/bash
# lab_forged_journal: root acts only on what root wrote. The login user (nvidia, in group sudo)
# pairs spark-1 with spark-2 without sudo (their own journal), then appends to that journal, in
# the exact format pairing writes, records aimed at system files: a file-write of /etc/passwd,
# /etc/shadow, /root/.ssh/authorized_keys and /etc/sudoers.d/nvidia, an authkeys-add and a
# known-hosts-add naming root's files, an addr-add on a ConnectX port; each for this node and for
# the peer. Then, as the user would:
# - `sudo sparklink rollback --include-ssh --dry-run`, the real run, `sudo sparklink status` and
#   the console's rollback (r, s, y in tmux): one "refused"/"ignored" line per forged record;
#   every system file byte-identical on both nodes (sha256sum, ls -ln), the forged addresses
#   still there; the genuine pairing lines undone exactly (ssh -o BatchMode=yes fails again, the
#   keys are gone from authorized_keys and known_hosts on both nodes).
# - a symlinked user journal, a group-writable / foreign-owned root journal: refused with a
#   sentence saying how to fix it, nothing undone.
# Under both renderers ($SPARKLAB_RENDERER: lab_forged_journal on NetworkManager nodes,
# lab_forged_journal_networkd). On NetworkManager nodes the addresses the forged records aim at are
# the user's own NetworkManager profile (an address added with ip(8) behind NetworkManager's back
# is gone at its DHCP timeout, whatever sparklink does), and NetworkManager's list of profiles
# (`nmcli -t -f NAME,UUID,TYPE con show`) is part of what must not change.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
. "$here/../lib/tmux.sh"
lab_console_test forged
PW=${SPARKLAB_PASSWORD:-spark-lab}
T1=enp1s0f1np1
UJ=/home/nvidia/.local/state/sparklink/journal.jsonl
FOREIGN="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV evil@elsewhere"

sys_snap() { # node: the system files a forged record aims at, and the port's addresses
	lx "$1" sh -c '
		for f in /etc/passwd /etc/shadow /etc/group /etc/sudoers.d/nvidia \
			/root/.ssh/authorized_keys /root/.ssh/known_hosts /etc/netplan/40-cx7.yaml; do
			if [ -e "$f" ]; then ls -ln "$f" | awk "{print \$1, \$3, \$4, \$5}"; sha256sum "$f"
			else echo "absent $f"; fi
		done
		ls -ln /etc/sudoers.d /root/.ssh | awk "NR > 1 && !/^total/ {print \$1, \$3, \$4, \$NF}"
		ip -o addr show dev '"$T1"' | awk "{print \$3, \$4}" | sort
		[ '"$NM"' = 0 ] || nmcli -t -f NAME,UUID,TYPE con show | sort' 2>&1
}
hand_addr() { # node cidr: an address on T1 the user put there, the way it holds on the node
	if [ "$NM" = 1 ]; then
		lx "$1" nmcli con add type ethernet ifname $T1 con-name "hand-$T1" ipv4.method manual \
			ipv4.addresses "$2" ipv6.method link-local >/dev/null &&
			lx "$1" nmcli con up "hand-$T1" >/dev/null
	else
		lx "$1" ip addr add "$2" dev $T1
	fi
}
same_sys() { # what
	local a b
	a=$(sys_snap spark-1) b=$(sys_snap spark-2)
	[ "$a" = "$sys1" ] || fail "$1: a system file or address changed on spark-1: $(diff <(printf '%s\n' "$sys1") <(printf '%s\n' "$a"))"
	[ "$b" = "$sys2" ] || fail "$1: a system file or address changed on spark-2: $(diff <(printf '%s\n' "$sys2") <(printf '%s\n' "$b"))"
}
sl() { # sudo sparklink ARGS as nvidia on spark-1 (stdin: sudo's password, then the peer's)
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
b64() { printf '%s' "$1" | base64 -w0; }
pair() {
	printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" \
		10.77.0.2 >"$LAB_TMP/pair.out" 2>&1 || fail "pairing failed: $(cat "$LAB_TMP/pair.out")"
	[ "$(lxu spark-1 ssh -o BatchMode=yes 10.77.0.2 hostname)" = spark-2 ] || fail "pairing did not work"
	lxu spark-1 test -s "$UJ" || fail "pairing without sudo did not write the user's journal $UJ"
}
forge() { # append the forged records (14) to the user's journal, as the user
	local host n=900 line
	local passwd shadow
	passwd=$(lx spark-1 cat /etc/passwd) shadow=$(lx spark-1 cat /etc/shadow)
	for host in local 10.77.0.2; do
		for rec in \
			"file-write|/etc/passwd|644 $(b64 "${passwd}
toor:x:0:0::/root:/bin/bash
")" \
			"file-write|/etc/shadow|640 $(b64 "${shadow}
toor::19000:0:99999:7:::
")" \
			"file-write|/root/.ssh/authorized_keys|600 $(b64 "$FOREIGN
")" \
			"file-write|/etc/sudoers.d/nvidia|440 $(b64 'nvidia ALL=(ALL) NOPASSWD: ALL
')" \
			"authkeys-add|/root/.ssh/authorized_keys|$FOREIGN" \
			"known-hosts-add|/root/.ssh/known_hosts|spark-9.local ${FOREIGN% *}" \
			"addr-add|$T1|10.99.0.$([ $host = local ] && echo 1 || echo 2)/24"; do
			n=$((n + 1))
			line=$(python3 -c 'import json, sys
op, path, data = sys.argv[4].split("|", 2)
print(json.dumps({"time": "2026-12-03T00:00:00Z", "pid": 4242, "seq": int(sys.argv[1]),
                  "op": op, "host": sys.argv[2], "path": path, "data": data},
                 separators=(",", ":")))' "$n" "$host" x "$rec")
			printf '%s\n' "$line" | lxu spark-1 sh -c "cat >> $UJ" || fail "cannot append to $UJ"
		done
	done
}
unpaired() { # what: the pairing lines are gone on both nodes, the forged ones did nothing
	[ "$(lxu spark-1 ssh -o BatchMode=yes -o ConnectTimeout=5 10.77.0.2 hostname 2>/dev/null)" = spark-2 ] &&
		fail "$1: spark-1 still logs in to spark-2 with its key"
	local k1 k2
	k1=$(lxu spark-1 cat /home/nvidia/.ssh/id_ed25519.pub | awk '{print $2}')
	k2=$(lxu spark-2 cat /home/nvidia/.ssh/id_ed25519.pub | awk '{print $2}')
	lxu spark-2 cat /home/nvidia/.ssh/authorized_keys 2>/dev/null | grep -qF "$k1" &&
		fail "$1: spark-1's key is still in spark-2's authorized_keys"
	lxu spark-1 cat /home/nvidia/.ssh/authorized_keys 2>/dev/null | grep -qF "$k2" &&
		fail "$1: spark-2's key is still in spark-1's authorized_keys"
	lxu spark-1 ssh-keygen -F 10.77.0.2 -f /home/nvidia/.ssh/known_hosts >/dev/null 2>&1 &&
		fail "$1: spark-2's host key is still in spark-1's known_hosts"
	return 0
}
count_refused() { grep -cE '^ *(! )?(refused|ignored): ' "$1"; }

step "up; root's own files on both nodes hold what a forged undo would change"
lab_up 2
NM=0
"$SPARKLAB" status | grep -q "^spark-1 .*renderer NetworkManager" && NM=1
note "renderer: $([ $NM = 1 ] && echo NetworkManager || echo networkd)"
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
for n in spark-1 spark-2; do
	lx $n sh -c "mkdir -p /root/.ssh && chmod 700 /root/.ssh &&
		printf '%s\n' '$FOREIGN' > /root/.ssh/authorized_keys &&
		printf 'spark-9.local %s\n' '${FOREIGN% *}' > /root/.ssh/known_hosts &&
		chmod 600 /root/.ssh/authorized_keys /root/.ssh/known_hosts" || fail "cannot set up root's files on $n"
done
hand_addr spark-1 10.99.0.1/24 || fail "cannot add the address on spark-1"
hand_addr spark-2 10.99.0.2/24 || fail "cannot add the address on spark-2"

step "pair without sudo (the user's journal), then forge 14 records in it"
pair
forge
sys1=$(sys_snap spark-1) sys2=$(sys_snap spark-2)

step "sudo rollback --include-ssh --dry-run: every forged record refused, nothing changed"
sl rollback --include-ssh --dry-run --password-stdin
rc=$?
[ $rc -eq 1 ] || fail "a dry run with refused records: exit $rc, want 1 (as the real run): $(out)"
[ "$(count_refused "$LAB_TMP/out")" = 14 ] || fail "want 14 refused/ignored lines: $(out)"
grep -qE "ignored: this node: file-write /etc/shadow \(not something pairing writes\)" "$LAB_TMP/out" ||
	fail "the forged /etc/shadow is not listed as ignored: $(out)"
grep -qE "refused: 10\.77\.0\.2: authkeys-add /root/.ssh/authorized_keys" "$LAB_TMP/out" ||
	fail "the forged root authorized_keys on the peer is not refused: $(out)"
grep -q "remove the key line added to /home/nvidia/.ssh/authorized_keys" "$LAB_TMP/out" ||
	fail "the genuine pairing lines are not listed: $(out)"
grep -qE "restore the previous|/etc/passwd, then" "$LAB_TMP/out" && fail "a forged file restore is listed as work: $(out)"
same_sys "dry run"
[ "$(lxu spark-1 ssh -o BatchMode=yes 10.77.0.2 hostname)" = spark-2 ] || fail "the dry run undid the pairing"

step "sudo status: the refused records are counted, not as changes"
sl status
grep -q "14 records refused" "$LAB_TMP/out" || fail "status does not count the refused records: $(out)"

step "sudo rollback --include-ssh: system files byte-identical, the genuine lines undone"
sl rollback --include-ssh --password-stdin
rc=$?
[ $rc -eq 1 ] || fail "rollback with refused records: exit $rc, want 1: $(out)"
[ "$(count_refused "$LAB_TMP/out")" = 14 ] || fail "want 14 refused/ignored lines: $(out)"
grep -q "14 records refused" "$LAB_TMP/err" || fail "the summary does not say 14 refused: $(out)"
same_sys "rollback"
unpaired "rollback"
lx spark-1 test -e /var/lib/sparklink/journal.jsonl && fail "root wrote its own journal for a user's rollback"
lxu spark-1 grep -q '"op":"undone"' "$UJ" || fail "the user's journal has no undone markers (written as the user)"
[ "$(lx spark-1 stat -c %U "$UJ")" = nvidia ] || fail "the user's journal changed owner"

step "the console's rollback (r, s, y): the same refusals (28 now: the first 14 stay), the same result"
pair
forge
sys1=$(sys_snap spark-1) sys2=$(sys_snap spark-2)
TMUX_COLS=160 TMUX_ROWS=50 tmux_start "$sess" "$SPARKLAB" exec spark-1 --user -- sudo -k \
	env SPARKLINK_SYSFS=/run/sparklab-sysfs ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
	${LSAN_OPTIONS:+LSAN_OPTIONS=$LSAN_OPTIONS} "$SPARKLINK" || fail "cannot start the console under sudo"
tmux_wait "$sess" 'password for nvidia' 10 || fail "sudo did not ask for the password"
tmux_type "$sess" "$PW"
tmux_keys "$sess" Enter
tmux_wait "$sess" '6 Rollback +\[FAILING\]' 20 || fail "step 6 does not say records are refused"
tmux_wait "$sess" '28 journal records are refused' 5 || fail "step 6 does not count the refused records"
tmux_keys "$sess" r
tmux_wait "$sess" 'Rollback: undo what sparklink changed' 5 || fail "r did not open the rollback dialog"
tmux_keys "$sess" s
tmux_wait "$sess" '\[x\] also undo SSH pairing lines' 5 || fail "s did not turn the SSH lines on"
tmux_wait "$sess" 'ignored: this node: file-write /etc/passwd' 15 || fail "the dialog does not list the forged records"
tmux_keys "$sess" y
tmux_wait "$sess" 'Done:|FAILED:|refused \(not undone' 60 || fail "the rollback did not finish"
tmux_wait "$sess" '28 records refused' 10 || fail "the dialog's summary does not say 28 refused"
tmux_keys "$sess" Escape q
same_sys "the console's rollback"
unpaired "the console's rollback"
tmux_stop "$sess"

step "a symlinked user journal: refused with the fix, /etc/shadow untouched"
pair
lxu spark-1 sh -c "mv $UJ $UJ.real && ln -s /etc/shadow $UJ" || fail "cannot make the link"
sys1=$(sys_snap spark-1) sys2=$(sys_snap spark-2)
sl rollback --include-ssh --password-stdin
rc=$?
[ $rc -ne 0 ] || fail "a symlinked journal was accepted: $(out)"
grep -q "symbolic link" "$LAB_TMP/out" "$LAB_TMP/err" || fail "the refusal does not say why: $(out)"
grep -q "toor\|root:" "$LAB_TMP/out" "$LAB_TMP/err" && fail "the content of /etc/shadow was shown: $(out)"
same_sys "symlinked journal"
[ "$(lxu spark-1 ssh -o BatchMode=yes 10.77.0.2 hostname)" = spark-2 ] || fail "a refused journal was undone"
lxu spark-1 sh -c "rm $UJ && mv $UJ.real $UJ"

step "root's journal group-writable, then another user's: refused with the fix, nothing undone"
sl apply --plan static --peer 10.77.0.2 --password-stdin || fail "apply failed: $(out)"
has192() { lx "$1" ip -4 -o addr show dev $T1 | grep -q ' 192\.168\.100\.'; }
has192 spark-1 || fail "apply did not address spark-1"
lx spark-1 chmod 0620 /var/lib/sparklink/journal.jsonl
sl rollback --password-stdin && fail "a group-writable root journal was accepted: $(out)"
grep -q "can be written by others.*chmod go-w /var/lib/sparklink/journal.jsonl" "$LAB_TMP/err" ||
	fail "the refusal does not say how to fix it: $(out)"
grep -q "nothing was undone" "$LAB_TMP/err" || fail "the refusal does not say nothing was undone: $(out)"
has192 spark-1 && has192 spark-2 || fail "a refused journal was undone"
lx spark-1 chmod 0600 /var/lib/sparklink/journal.jsonl
lx spark-1 chown nvidia /var/lib/sparklink/journal.jsonl
sl rollback --password-stdin && fail "a root journal owned by nvidia was accepted: $(out)"
grep -q "belongs to another user" "$LAB_TMP/err" || fail "the refusal does not say whose it is: $(out)"
has192 spark-1 && has192 spark-2 || fail "a foreign-owned journal was undone"
lx spark-1 chown root /var/lib/sparklink/journal.jsonl
sl rollback --include-ssh --password-stdin
rc=$?
[ $rc -eq 1 ] && grep -q "28 records refused" "$LAB_TMP/err" ||
	fail "rollback of the fixed journal (the forged records still refused): exit $rc: $(out)"
grep -q "FAILED" "$LAB_TMP/out" && fail "rollback of the fixed journal failed: $(out)"
has192 spark-1 || has192 spark-2 && fail "the fixed journal's rollback left the addresses"
unpaired "the last rollback"
exit 0
