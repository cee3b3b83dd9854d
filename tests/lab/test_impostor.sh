#!/bin/bash
# lab_impostor: a name the user paired with answers with another host key. Every command that
# reaches the peer gives pairing's changed-key warning (the ssh-keygen -R fix, exit 5) and
# changes nothing; none invites the user to pair with the impostor.
# - spark-1's known_hosts holds spark-2's ECDSA key only (as an older ssh recorded it): pairing
#   with spark-2.local asks spark-2 for that type and knows it (no question, no false alarm);
#   then spark-1 applies the static plan with spark-2.local;
# - spark-2's avahi stops and spark-3 announces itself as spark-2 (its own address, its own
#   host keys): `sudo sparklink apply --peer spark-2.local --dry-run` (and --peer with the
#   impostor's address), `verify` and `pair` all refuse with the warning; also when spark-3
#   offers only an RSA key, a type never recorded for spark-2;
# - the real spark-2's host key changes (as an impostor taking its address would look):
#   `status` warns on stderr and exits 5, `rollback` warns, exits 5 and undoes nothing.
set -u
here=$(cd -- "$(dirname -- "$0")" && pwd)
. "$here/../lib/lab.sh"
: "${SPARKLINK:?SPARKLINK must name the sparklink binary}"
SPARKLINK=$(readlink -f -- "$SPARKLINK")
lab_require
PW=${SPARKLAB_PASSWORD:-spark-lab}
U=nvidia
T1=enp1s0f1np1

# sudo sparklink ARGS as nvidia on spark-1; stdin: sudo's password, then the peer's sudo password
sl() {
	printf '%s\n%s\n' "$PW" "$PW" | lxu spark-1 sudo -S -p '' "$SPARKLINK" "$@" \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
}
out() { cat "$LAB_TMP/out" "$LAB_TMP/err"; }
state() { # node: addresses, MTU and link state of every interface, netplan files
	lx "$1" sh -c 'ip -o addr show | awk "{print \$2, \$3, \$4}" | sort
		ip -o link show | sed "s/link\/.*//" | sort
		ls -la /etc/netplan | awk "NR > 1 {print \$1, \$NF}"' 2>&1
}
files() { # node: the user's ~/.ssh and sparklink's journal, checksummed
	lx "$1" sh -c "cd /home/$U/.ssh 2>/dev/null && sha256sum * 2>/dev/null
		sha256sum /var/lib/sparklink/journal.jsonl 2>/dev/null" 2>&1
}
# warned WHAT RC: exit 5, pairing's warning with the fix, no invitation to pair again
warned() {
	[ "$2" -eq 5 ] || fail "$1: exit $2, want 5 (host key changed): $(out)"
	grep -q "WARNING: the host key of .* is not the one recorded in /home/$U/.ssh/known_hosts" \
		"$LAB_TMP/out" "$LAB_TMP/err" || fail "$1: no changed-host-key warning: $(out)"
	grep -q "ssh-keygen -R" "$LAB_TMP/out" "$LAB_TMP/err" || fail "$1: the warning lacks the fix: $(out)"
	grep -qi "pair with it first\|not in your known_hosts" "$LAB_TMP/out" "$LAB_TMP/err" &&
		fail "$1: it invites pairing with the impostor: $(out)"
	return 0
}
# refused_everywhere WHAT: with spark-3 (10.77.0.3) answering as spark-2.local, apply --dry-run,
# verify and pair give the warning, naming the address that answered and the name to clear;
# nothing changes on spark-1 or spark-3
refused_everywhere() {
	sl apply --plan static --peer spark-2.local --dry-run --password-stdin
	warned "apply --peer spark-2.local --dry-run ($1)" $?
	grep -q "10\.77\.0\.3" "$LAB_TMP/err" || fail "$1: the warning does not name the address that answered: $(out)"
	grep -q "ssh-keygen -R spark-2.local" "$LAB_TMP/err" || fail "$1: the fix does not name spark-2.local: $(out)"
	lxu spark-1 "$SPARKLINK" verify spark-2.local >"$LAB_TMP/out" 2>"$LAB_TMP/err"
	warned "verify spark-2.local ($1)" $?
	printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin spark-2.local \
		>"$LAB_TMP/out" 2>"$LAB_TMP/err"
	warned "pair spark-2.local ($1)" $?
	[ "$(state spark-1)" = "$s1" ] || fail "$1: spark-1 changed: $(diff <(echo "$s1") <(state spark-1))"
	[ "$(state spark-3)" = "$s3" ] || fail "$1: spark-3 changed: $(diff <(echo "$s3") <(state spark-3))"
	[ "$(files spark-1)" = "$f1" ] ||
		fail "$1: spark-1's ~/.ssh or journal changed: $(diff <(echo "$f1") <(files spark-1))"
	[ "$(files spark-3)" = "$f3" ] || fail "$1: spark-3's ~/.ssh or journal changed"
}

step "up: three nodes; spark-1 knows spark-2's ECDSA key only, for 10.77.0.2"
lab_up 3
read -r ectype eckey _ < <(lx spark-2 cat /etc/ssh/ssh_host_ecdsa_key.pub)
[ -n "$eckey" ] || fail "cannot read spark-2's ECDSA host key"
lx spark-1 sh -c "mkdir -p -m 700 /home/$U/.ssh && echo '10.77.0.2 $ectype $eckey' >/home/$U/.ssh/known_hosts &&
	chmod 600 /home/$U/.ssh/known_hosts && chown -R $U: /home/$U/.ssh" || fail "cannot seed known_hosts"

step "pair with spark-2.local: asked for its recorded key type, the key is known: no question"
# no terminal and no --accept-fingerprint: this pairs only if the key spark-2 shows is known
printf '%s\n' "$PW" | lxu spark-1 "$SPARKLINK" pair --password-stdin spark-2.local \
	>"$LAB_TMP/pair.out" 2>&1 || fail "pairing with spark-2.local failed: $(cat "$LAB_TMP/pair.out")"
grep -q "Host key $ectype SHA256:.* is known" "$LAB_TMP/pair.out" ||
	fail "pairing did not find spark-2's recorded ECDSA key: $(cat "$LAB_TMP/pair.out")"
sl apply --plan static --peer spark-2.local --password-stdin || fail "apply with spark-2.local: $(out)"
lx spark-1 ip -4 -o addr show dev $T1 | grep -q " 192\.168\.100\.1[01]/24" || fail "apply did not address $T1"

step "spark-2's avahi stops; spark-3 announces itself as spark-2"
"$SPARKLAB" daemon spark-2 avahi stop >/dev/null || fail "cannot stop spark-2's avahi"
lx spark-3 sed -i 's/^host-name=spark-3$/host-name=spark-2/' /etc/avahi/avahi-daemon.conf ||
	fail "cannot rename spark-3's avahi"
"$SPARKLAB" daemon spark-3 avahi restart >/dev/null || fail "cannot restart spark-3's avahi"
impostor_seen() {
	lx spark-1 timeout 10 avahi-browse -p -r -t _ssh._tcp 2>/dev/null | grep -q '^=;enP7s7;IPv4;.*;spark-2\.local;10\.77\.0\.3;22;' &&
		! lx spark-1 timeout 10 avahi-browse -p -r -t _ssh._tcp 2>/dev/null | grep -q ';spark-2\.local;10\.77\.0\.2;'
}
wait_until 30 "spark-1 never saw spark-2.local at spark-3's address 10.77.0.3" impostor_seen
s1=$(state spark-1) s3=$(state spark-3) f1=$(files spark-1) f3=$(files spark-3)

step "apply --peer spark-2.local --dry-run, verify and pair: pairing's warning, nothing changed"
refused_everywhere "same key type"

step "apply --peer 10.77.0.3 (the address mDNS gives for spark-2.local): the same"
sl apply --plan static --peer 10.77.0.3 --dry-run --password-stdin
warned "apply --peer 10.77.0.3 --dry-run" $?

step "the impostor offers only an RSA key, a type never recorded for spark-2: the same warning"
lx spark-3 sh -c 'ssh-keygen -q -t rsa -b 2048 -N "" -f /etc/ssh/ssh_host_rsa_key &&
	sed -i "/^HostKey /d" /etc/ssh/sshd_config && echo "HostKey /etc/ssh/ssh_host_rsa_key" >>/etc/ssh/sshd_config' ||
	fail "cannot give spark-3 an RSA host key only"
"$SPARKLAB" daemon spark-3 sshd restart >/dev/null || fail "cannot restart spark-3's sshd"
lx spark-1 ssh-keyscan -t ed25519,ecdsa,rsa 10.77.0.3 2>/dev/null | grep -q "^10.77.0.3 ssh-rsa " ||
	fail "spark-3's sshd does not offer its RSA key"
lx spark-1 ssh-keyscan -t ed25519,ecdsa 10.77.0.3 2>/dev/null | grep -q '^10\.77\.0\.3 ' &&
	fail "spark-3's sshd still offers another key type"
refused_everywhere "RSA only"

step "the real spark-2 answers with a new host key: status and rollback warn, undo nothing"
lx spark-2 sh -c 'rm -f /etc/ssh/ssh_host_ed25519_key* /etc/ssh/ssh_host_ecdsa_key* &&
	ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key &&
	ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key' || fail "cannot regenerate spark-2's host keys"
"$SPARKLAB" daemon spark-2 sshd restart >/dev/null || fail "cannot restart spark-2's sshd"
s2=$(state spark-2) f2=$(files spark-2)
sl status
warned "status" $?
grep -q "^Plan: static" "$LAB_TMP/out" || fail "status no longer reports the plan: $(out)"
grep -q "WARNING" "$LAB_TMP/out" && fail "status put the warning on stdout (it may be JSON): $(out)"
sl status --json
warned "status --json" $?
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$LAB_TMP/out" ||
	fail "status --json is not JSON alone: $(out)"
sl rollback --password-stdin
warned "rollback" $?
grep -qi "nothing was undone" "$LAB_TMP/err" || fail "rollback does not say nothing was undone: $(out)"
[ "$(state spark-1)" = "$s1" ] || fail "rollback changed spark-1: $(diff <(echo "$s1") <(state spark-1))"
[ "$(state spark-2)" = "$s2" ] || fail "rollback changed spark-2"
[ "$(files spark-1)" = "$f1" ] || fail "rollback changed spark-1's ~/.ssh or journal"
[ "$(files spark-2)" = "$f2" ] || fail "rollback changed spark-2's ~/.ssh or journal"
