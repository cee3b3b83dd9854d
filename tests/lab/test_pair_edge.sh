#!/bin/bash
# lab_pair_edge: pairing where it can go wrong.
# - different user names (sparklab up --users alice,bob): detected and explained, nothing written;
# - sshd killed while pairing waits at the password: a clear error, no half-written file;
# - run under sudo: every file in the user's ~/.ssh belongs to the user, ~/.ssh 0700, files 0600.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}

listing() { # node user: every file under ~/.ssh with checksum, mode, owner
	lx "$1" sh -c "cd /home/$2 && find .ssh -exec stat -c '%a %U %n' {} + 2>/dev/null | sort; find .ssh -type f -exec sha256sum {} + 2>/dev/null | sort"
}

step "different user names: alice on spark-1, bob on spark-2"
lab_up 2 --users alice,bob
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
before=$(listing spark-1 alice)
out=$(printf '%s\n' "$PW" | "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" pair --password-stdin \
	--accept-fingerprint "$fp2" --user bob 10.77.0.2 2>&1)
rc=$?
[ $rc -eq 7 ] || fail "pairing as bob from alice: exit $rc, want 7: $out"
grep -q "you are 'alice' here but would log in as 'bob'" <<<"$out" || fail "the mismatch is not named: $out"
grep -q "same user name" <<<"$out" || fail "the mismatch is not explained: $out"
out=$(printf '%s\n%s\n%s\n' "$PW" "$PW" "$PW" | "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" pair \
	--password-stdin --accept-fingerprint "$fp2" 10.77.0.2 2>&1)
rc=$?
[ $rc -eq 6 ] || fail "pairing as alice where spark-2 has no alice: exit $rc, want 6: $out"
grep -q "Does the peer have a user 'alice'" <<<"$out" || fail "the refusal does not point at the user name: $out"
[ "$(listing spark-1 alice)" = "$before" ] || fail "a refused pairing changed alice's ~/.ssh"

step "sshd killed while pairing waits at the password"
lab_down
lab_up 2
fp2=$(lx spark-2 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
b1=$(listing spark-1 nvidia) b2=$(listing spark-2 nvidia)
fifo=$LAB_TMP/pw.fifo
mkfifo "$fifo" && chmod 666 "$fifo"
"$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" pair --password-stdin --accept-fingerprint "$fp2" \
	10.77.0.2 <"$fifo" >"$LAB_TMP/mid.out" 2>&1 &
pid=$!
exec 7>"$fifo" # opening the writer lets the reader start
wait_until 15 "pairing never reached the password prompt: $(cat "$LAB_TMP/mid.out")" \
	grep -q "matches the fingerprint given" "$LAB_TMP/mid.out"
ns=$(stat -L -c %i /run/netns/spark-2)
kill_sshd() { # every sshd in spark-2's namespace; prints how many it killed
	local n=0 p
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$ns" ] || continue
		[ "$(cat "$p/comm" 2>/dev/null)" = sshd ] || continue
		kill -KILL "${p#/proc/}" 2>/dev/null && n=$((n + 1))
	done
	echo $n
}
# a connection's processes fork and re-exec while it authenticates: kill until none is left, so
# that no sshd holds the client's socket open (one that escaped kept it waiting for its timeout)
killed=0
for _ in 1 2 3 4 5; do
	n=$(kill_sshd)
	killed=$((killed + n))
	[ "$n" -eq 0 ] && break
	sleep 0.2
done
[ $killed -ge 2 ] || fail "expected to kill spark-2's sshd and its session process, killed $killed"
printf '%s\n' "$PW" >&7
exec 7>&-
# the socket is closed, so pairing should end at once; SSHSESSION_TIMEOUT_S (15 s) bounds it if
# the peer's kernel did not reset the connection, and the wait leaves twice that for a busy machine
for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill $pid; fail "pairing hung after sshd died: $(cat "$LAB_TMP/mid.out")"; }
wait $pid
rc=$?
[ $rc -eq 1 ] || fail "sshd killed mid-pairing: exit $rc, want 1: $(cat "$LAB_TMP/mid.out")"
grep -q "sparklink pair: " "$LAB_TMP/mid.out" || fail "no clear error: $(cat "$LAB_TMP/mid.out")"
[ "$(listing spark-1 nvidia)" = "$b1" ] || fail "spark-1's ~/.ssh changed after sshd died mid-pairing"
[ "$(listing spark-2 nvidia)" = "$b2" ] || fail "spark-2's ~/.ssh changed after sshd died mid-pairing"
lx spark-1 sh -c 'ls -a /home/nvidia/.ssh 2>/dev/null' | grep -q sparklink && fail "a temporary file was left on spark-1"
"$SPARKLAB" daemon spark-2 sshd start >/dev/null || fail "cannot restart spark-2's sshd"

step "under sudo: files stay the user's"
out=$(printf '%s\n%s\n' "$PW" "$PW" | "$SPARKLAB" exec spark-1 --user -- sudo -S -p '' "$SPARKLINK" pair \
	--password-stdin --accept-fingerprint "$fp2" 10.77.0.2 2>&1) || fail "pair under sudo failed: $out"
lx spark-1 sh -c 'stat -c "%a %U %G %n" /home/nvidia/.ssh /home/nvidia/.ssh/*' >"$LAB_TMP/modes"
awk '$2 != "nvidia" || $3 != "nvidia" { print "owner: " $0; bad = 1 }
	$4 ~ /\.ssh$/ && $1 != "700" { print "dir mode: " $0; bad = 1 }
	$4 !~ /\.ssh$/ && $4 !~ /\.pub$/ && $1 != "600" { print "file mode: " $0; bad = 1 } END { exit bad }' "$LAB_TMP/modes" ||
	fail "under sudo, ~/.ssh is not the user's with 0700/0600: $(cat "$LAB_TMP/modes")"
[ "$(lxu spark-1 ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname)" = spark-2 ] ||
	fail "after pairing under sudo, the user cannot ssh to spark-2 with BatchMode"
lx spark-1 test -s /var/lib/sparklink/journal.jsonl || fail "under sudo the journal is not in /var/lib/sparklink"
[ "$(lx spark-1 stat -c %a /var/lib/sparklink)" = 700 ] || fail "/var/lib/sparklink is not root-only"

step "--create-user: carol exists only on spark-1; nvidia (sudo) creates her on spark-2, then she pairs"
lx spark-1 sh -c 'useradd -m -s /bin/bash carol && echo carol:carol-pw | chpasswd' || fail "useradd carol on spark-1"
lx spark-2 id carol >/dev/null 2>&1 && fail "carol already exists on spark-2"
out=$(printf '%s\ncarol-new-pw\n' "$PW" | "$SPARKLAB" exec spark-1 -- setpriv --reuid=carol --regid=carol \
	--init-groups env HOME=/home/carol USER=carol "$SPARKLINK" pair --password-stdin --user nvidia \
	--create-user --accept-fingerprint "$fp2" 10.77.0.2 2>&1) || fail "pair --create-user failed: $out"
grep -q "Created user carol on 10.77.0.2" <<<"$out" || fail "no word about creating carol: $out"
lx spark-2 id -nG carol | grep -qw sudo || fail "carol was not created on spark-2 in group sudo"
[ "$(lx spark-2 stat -c %U /home/carol)" = carol ] || fail "carol has no home of her own on spark-2"
[ "$(lx spark-1 su carol -c 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes 10.77.0.2 hostname')" = spark-2 ] ||
	fail "carol cannot ssh to spark-2 with keys after --create-user"
grep -q "carol-new-pw\|$PW" <<<"$out" && fail "a password appears in the output"
out=$(printf '%s\n' "$PW" | "$SPARKLAB" exec spark-1 --user -- "$SPARKLINK" pair --password-stdin --user nvidia \
	--create-user --accept-fingerprint "$fp2" 10.77.0.2 2>&1)
rc=$?
[ $rc -eq 7 ] || fail "--create-user for a user that exists on the peer: exit $rc, want 7: $out"
grep -q "already has a user 'nvidia'" <<<"$out" || fail "the refusal does not say the user exists: $out"
