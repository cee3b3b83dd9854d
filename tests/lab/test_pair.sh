#!/bin/bash
# lab_pair: `sparklink pair` between two lab nodes, judged by the system OpenSSH client.
# - fresh nodes: pair from spark-1; then `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes`
#   works spark-1 -> spark-2 and spark-2 -> spark-1; pairing again changes no file;
# - spark-2's existing authorized_keys (comment, options, no final newline) is kept byte for byte;
# - no private key of either node is found anywhere on the other node;
# - a changed host key on spark-2: refused (exit 5), nothing written, the fix command shown;
# - wrong passwords: refused after three tries (exit 6), nothing written;
# - without a terminal and without --accept-fingerprint, an unknown host key is refused;
# - modes and owners on both nodes; --ssh-config writes a Host block OpenSSH uses;
# - different user names: detected and explained (exit 7).
# (sshd killed in the middle and pairing under sudo: lab_pair_edge.)
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
U=nvidia

fp_of() { lx "$1" ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}'; }
ssh_sums() { # node: checksums of every file in the user's ~/.ssh (and the listing)
	lx "$1" sh -c "cd /home/$U 2>/dev/null && find .ssh -type f 2>/dev/null | sort | xargs -r sha256sum; ls -la .ssh 2>/dev/null | awk '{print \$1, \$3, \$9}'" 2>/dev/null
}
pair() { # node args...: run sparklink pair as the node's user, password on stdin
	local node=$1
	shift
	printf '%s\n' "${PAIR_STDIN-$PW}" | "$SPARKLAB" exec "$node" --user -- "$SPARKLINK" pair --password-stdin "$@" \
		>"$LAB_TMP/pair.out" 2>"$LAB_TMP/pair.err"
}
judge() { # from to-address: OpenSSH, keys only, known hosts only
	lxu "$1" ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=5 "$2" hostname
}

step "up"
# every key of the nodes is made after this second (fresh nodes): a file holding a copy of one was
# written after it too (its ctime, which no program can set back)
t_fresh=$(($(date +%s) - 1))
lab_up 2
fp2=$(fp_of spark-2)
[ -n "$fp2" ] || fail "cannot read spark-2's host key fingerprint"

step "spark-2 already has an authorized_keys: a comment, an option line, no final newline"
lx spark-2 sh -c "mkdir -p -m 700 /home/$U/.ssh && printf '# keep this comment\nfrom=\"10.77.0.9\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBd3ZWJzZXJ2ZXJrZXlub3RyZWFsbHl1c2VkYXRhbGw= other@host' > /home/$U/.ssh/authorized_keys && chown -R $U: /home/$U/.ssh && chmod 600 /home/$U/.ssh/authorized_keys" ||
	fail "cannot prepare spark-2's authorized_keys"
lx spark-2 cat /home/$U/.ssh/authorized_keys >"$LAB_TMP/ak.before"

step "wrong passwords: three tries, then refused; nothing written on either node"
before1=$(ssh_sums spark-1) before2=$(ssh_sums spark-2)
PAIR_STDIN=$'wrong1\nwrong2\nwrong3' pair spark-1 10.77.0.2 --accept-fingerprint "$fp2"
rc=$?
[ $rc -eq 6 ] || fail "three wrong passwords: exit $rc, want 6; $(cat "$LAB_TMP/pair.out" "$LAB_TMP/pair.err")"
grep -q "Wrong password (try 3 of 3)\|wrong password" "$LAB_TMP/pair.out" "$LAB_TMP/pair.err" || fail "no word about the wrong password"
[ "$(ssh_sums spark-1)" = "$before1" ] || fail "a refused pairing changed spark-1's ~/.ssh"
[ "$(ssh_sums spark-2)" = "$before2" ] || fail "a refused pairing changed spark-2's ~/.ssh"
grep -qF "$PW" "$LAB_TMP/pair.out" "$LAB_TMP/pair.err" && fail "the password appears in sparklink's output"

step "unknown host key without a terminal and without --accept-fingerprint: refused"
pair spark-1 10.77.0.2
rc=$?
[ $rc -eq 5 ] || fail "unknown host key, no terminal: exit $rc, want 5; $(cat "$LAB_TMP/pair.err")"
grep -q -- "--accept-fingerprint" "$LAB_TMP/pair.err" || fail "the refusal does not say how to accept: $(cat "$LAB_TMP/pair.err")"
[ "$(ssh_sums spark-1)" = "$before1" ] || fail "a refused host key changed spark-1's ~/.ssh"

step "pair spark-1 -> spark-2 (10.77.0.2), fingerprint accepted, password typed once"
pair spark-1 10.77.0.2 --accept-fingerprint "$fp2" ||
	fail "pair failed (exit $?): $(cat "$LAB_TMP/pair.out" "$LAB_TMP/pair.err")"
grep -q "^Verified: .*spark-2" "$LAB_TMP/pair.out" || fail "no verified line for spark-1 -> spark-2: $(cat "$LAB_TMP/pair.out")"
grep -q "^Verified: .*from the peer.*spark-1" "$LAB_TMP/pair.out" || fail "no verified line for spark-2 -> spark-1: $(cat "$LAB_TMP/pair.out")"
[ "$(judge spark-1 10.77.0.2)" = spark-2 ] || fail "OpenSSH spark-1 -> spark-2 with BatchMode does not work after pairing"
[ "$(judge spark-2 10.77.0.1)" = spark-1 ] || fail "OpenSSH spark-2 -> spark-1 with BatchMode does not work after pairing"

step "spark-2's old authorized_keys bytes are intact, our key follows on its own line"
lx spark-2 cat /home/$U/.ssh/authorized_keys >"$LAB_TMP/ak.after"
python3 - "$LAB_TMP/ak.before" "$LAB_TMP/ak.after" <<'PY' || fail "spark-2's authorized_keys was not preserved byte for byte: $(cat -A "$LAB_TMP/ak.after")"
import sys
b, a = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert a.startswith(b + b"\n"), "old bytes + a newline must be a prefix"
rest = a[len(b) + 1:].decode().splitlines()
assert len(rest) == 1 and rest[0].startswith("ssh-"), rest
PY

step "modes and owners on both nodes"
for n in spark-1 spark-2; do
	lx "$n" sh -c "stat -c '%a %U %n' /home/$U/.ssh /home/$U/.ssh/*" >"$LAB_TMP/modes" || fail "stat on $n"
	awk -v u=$U '$2 != u { print "owner " $0; bad=1 } $3 ~ /\.ssh$/ && $1 != "700" { print "dir " $0; bad=1 }
		$3 ~ /(authorized_keys|known_hosts|id_ed25519)$/ && $1 != "600" { print "mode " $0; bad=1 } END { exit bad }' "$LAB_TMP/modes" ||
		fail "on $n, ~/.ssh has wrong owners or modes: $(cat "$LAB_TMP/modes")"
done

step "no private key crossed: neither node holds the other's private key anywhere"
# a copy of a private key is a file holding a private key block: on the other node, every such
# file (any wrapping) must differ from this node's key, compared as one base64 body. The files
# searched: every regular file under /home /root /tmp /etc/ssh /var/lib written since the lab
# came up (a key made in this test can be in no older file); /tmp is this machine's own on a
# networkd node, and grepping all of it took 17-25 s, more when a large file was being written
keybody() { tr -d '\n\r' | sed -e 's/-----[A-Z ]*-----//g'; }
for pair_ in "spark-1 spark-2" "spark-2 spark-1"; do
	set -- $pair_
	mine=$(lx "$1" cat /home/$U/.ssh/id_ed25519 | keybody)
	[ ${#mine} -gt 100 ] || fail "cannot read $1's private key"
	found=$(lx "$2" find /home /root /tmp /etc/ssh /var/lib -type f -newerct "@$t_fresh" \
		-exec grep -lsF -- "PRIVATE KEY" {} + 2>/dev/null)
	# the search sees what it must: $2's own key, made in this test
	grep -qx "/home/$U/.ssh/id_ed25519" <<<"$found" || fail "the search on $2 does not find $2's own key: $found"
	for f in $found; do
		[ "$(lx "$2" cat "$f" | keybody)" = "$mine" ] && fail "$1's private key was found on $2 as $f"
	done
done

step "pair again: no file changes on either node"
s1=$(ssh_sums spark-1) s2=$(ssh_sums spark-2)
pair spark-1 10.77.0.2 --accept-fingerprint "$fp2" || fail "the second pairing failed: $(cat "$LAB_TMP/pair.err")"
[ "$(ssh_sums spark-1)" = "$s1" ] || fail "pairing again changed spark-1's ~/.ssh: $(diff <(echo "$s1") <(ssh_sums spark-1))"
[ "$(ssh_sums spark-2)" = "$s2" ] || fail "pairing again changed spark-2's ~/.ssh: $(diff <(echo "$s2") <(ssh_sums spark-2))"
"$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" verify 10.77.0.2 >"$LAB_TMP/verify.out" 2>&1 ||
	fail "sparklink verify failed after pairing: $(cat "$LAB_TMP/verify.out")"

step "--ssh-config: a Host block naming only spark-2, used by OpenSSH"
pair spark-1 10.77.0.2 --accept-fingerprint "$fp2" --ssh-config || fail "pair --ssh-config failed: $(cat "$LAB_TMP/pair.err")"
lx spark-1 cat /home/$U/.ssh/config >"$LAB_TMP/config" || fail "no ~/.ssh/config written"
grep -qiE '^Host[[:space:]]+spark-2([[:space:]]|$)' "$LAB_TMP/config" || fail "no Host spark-2 block: $(cat "$LAB_TMP/config")"
grep -qiE '^Host[[:space:]].*\*' "$LAB_TMP/config" && fail "a wildcard Host line was written: $(cat "$LAB_TMP/config")"
[ "$(judge spark-1 spark-2)" = spark-2 ] || fail "OpenSSH cannot use the Host spark-2 block: $(cat "$LAB_TMP/config")"
c1=$(ssh_sums spark-1)
pair spark-1 10.77.0.2 --accept-fingerprint "$fp2" --ssh-config || fail "pair --ssh-config again failed"
[ "$(ssh_sums spark-1)" = "$c1" ] || fail "pairing again with --ssh-config changed spark-1's ~/.ssh"

step "spark-2's host key changes: refused with the fix command, nothing written"
lx spark-2 sh -c 'rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ecdsa_key* &&
	ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key && ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key' ||
	fail "cannot regenerate spark-2's host keys"
"$SPARKLAB" daemon spark-2 sshd restart >/dev/null || fail "cannot restart spark-2's sshd"
s1=$(ssh_sums spark-1) s2=$(ssh_sums spark-2)
pair spark-1 10.77.0.2
rc=$?
[ $rc -eq 5 ] || fail "a changed host key: exit $rc, want 5; $(cat "$LAB_TMP/pair.out" "$LAB_TMP/pair.err")"
grep -q "ssh-keygen -R" "$LAB_TMP/pair.err" || fail "the changed-key refusal does not give the command to clear it: $(cat "$LAB_TMP/pair.err")"
[ "$(ssh_sums spark-1)" = "$s1" ] || fail "a changed host key still changed spark-1's ~/.ssh"
[ "$(ssh_sums spark-2)" = "$s2" ] || fail "a changed host key still changed spark-2's ~/.ssh"

step "different user names: detected and explained"
pair spark-1 10.77.0.2 --user root
rc=$?
[ $rc -eq 7 ] || fail "a different login name: exit $rc, want 7; $(cat "$LAB_TMP/pair.err")"
grep -q "same user name" "$LAB_TMP/pair.err" || fail "the user-name refusal does not explain why: $(cat "$LAB_TMP/pair.err")"
