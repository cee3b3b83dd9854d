#!/bin/bash
# cli_sshfiles_openssh: OpenSSH judges the files core/ssh (sshfiles.h) writes, and core/ssh (sshfiles.h)
# reads the files OpenSSH writes (through tests/unit/sshfiles_tool.c, in a temporary home):
#  - ssh-keygen -F finds the known_hosts lines sparklink writes (hashed, plain, [host]:port)
#    and nothing else; ssh-keygen -l reads every line; ssh-keygen -H and -R edit them and
#    sparklink still reads them right (and rolls back the lines -H hashed);
#  - for a file of patterns (lists, wildcards, negation, markers), sparklink says "ok"
#    exactly where ssh-keygen -F finds the key;
#  - every key line of an authorized_keys that sparklink added to is read by ssh-keygen -l,
#    the old bytes stay a prefix, and the rollback restores them exactly;
#  - ssh -G agrees about HashKnownHosts and sees the ~/.ssh/config block sparklink writes;
#  - with a private sshd (its own mount namespace for /run/sshd, 127.0.0.1, stopped by PID;
#    that part is skipped if sshd cannot run here): ssh-keyscan's lines (plain and -H) are read
#    right, and a real `ssh` logs in with only the files sparklink wrote under
#    StrictHostKeyChecking=yes, while for a changed, unknown or revoked key ssh refuses exactly
#    when sparklink says so.
# Keys are made by ssh-keygen at test time; no daemon of the system is used.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp comes from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_sshfiles_openssh
{ [ -n "${SSHFILES_TOOL:-}" ] && [ -x "$SSHFILES_TOOL" ]; } ||
	fail "SSHFILES_TOOL must name the sshfiles_tool binary"
command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed"

step() { echo "== $*"; }

home=$tmp/home
mkdir -m 700 "$home"
KH=$home/.ssh/known_hosts
AK=$home/.ssh/authorized_keys
CFG=$home/.ssh/config

# Every output of sshfiles_tool is kept as $tmp/tool.N.{out,err}; finish checks them all for
# control bytes, invalid UTF-8 and sanitizer reports in one pass, then passes.
ntool=0
tool() { # ARGS...: run sshfiles_tool for the temporary home; outputs in $tout and $terr
	ntool=$((ntool + 1))
	tout=$tmp/tool.$ntool.out terr=$tmp/tool.$ntool.err
	"$SSHFILES_TOOL" --home "$home" "$@" >"$tout" 2>"$terr"
}
finish() {
	check_clean "$tmp"/tool.*
	pass
}
# t ARGS...: sshfiles_tool for the temporary home; its output in $out; any error fails
t() {
	tool "$@" || {
		cat "$terr" >&2
		fail "sshfiles_tool $*: failed"
	}
	out=$(cat "$tout")
}
# wants: lines "STATUS FILE PORT TYPE KEY NAME..." on stdin; what known_hosts_check says for
# each must be STATUS. All are asked of one sshfiles_tool (batch).
wants() {
	local st f p ty k names i=0 got where
	local -a expect=() what=()
	: >"$tmp/batch"
	while read -r st f p ty k names; do
		expect+=("$st")
		what+=("check $names port $p ($ty) in $f")
		printf 'check\t%s\t%s\t%s\t%s\t%s\n' "$f" "$p" "$ty" "$k" "${names// /$'\t'}" >>"$tmp/batch"
	done
	tool batch <"$tmp/batch"
	while read -r got where; do
		[ "$got" = exit ] && continue # follows an "error" line, which the comparison catches
		[ "$got" = "${expect[i]}" ] || fail "${what[i]}: $got $where, want ${expect[i]}"
		i=$((i + 1))
	done <"$tout"
	[ "$i" = "${#expect[@]}" ] || fail "sshfiles_tool answered $i checks of ${#expect[@]}: $(cat "$terr")"
}
# found NAME FILE KEY: ssh-keygen -F lists a plain (marker-less) line with KEY for NAME
found() {
	ssh-keygen -F "$1" -f "$2" 2>/dev/null | grep -v '^[#@]' | grep -qF " $3"
}

keygen() {
	ssh-keygen -q -t "$1" ${3:+-b "$3"} -N '' -C "$2" -f "$tmp/$2" </dev/null ||
		fail "ssh-keygen -t $1 failed"
}
keygen ed25519 hk_ed
keygen ecdsa hk_ec
keygen rsa hk_rsa 2048
keygen ed25519 hk_ed2
keygen ecdsa hk_ec2
keygen ed25519 id_ed
read -r ED_T ED_K _ <"$tmp/hk_ed.pub"
read -r EC_T EC_K _ <"$tmp/hk_ec.pub"
read -r RSA_T RSA_K _ <"$tmp/hk_rsa.pub"
read -r _ ED2_K _ <"$tmp/hk_ed2.pub"
read -r _ EC2_K _ <"$tmp/hk_ec2.pub"
fp() { ssh-keygen -l -f "$1" | awk '{print $2}'; }

step "hashed lines written by sparklink are found by ssh-keygen -F, and only for their names"
t add "$KH" 22 "$ED_T" "$ED_K" hashed spark-2.local 10.0.0.2 'fe80::2%eth0'
[ "$out" = "added 3" ] || fail "add: $out"
t add "$KH" 2222 "$ED_T" "$ED_K" hashed spark-2.local
[ "$out" = "added 1" ] || fail "add port 2222: $out"
for n in spark-2.local 10.0.0.2 'fe80::2%eth0' '[spark-2.local]:2222'; do
	found "$n" "$KH" "$ED_K" || fail "ssh-keygen -F $n does not find sparklink's hashed line"
done
[ "$(ssh-keygen -F spark-2.local -f "$KH" | grep -vc '^#')" = 1 ] ||
	fail "ssh-keygen -F spark-2.local finds more than the port-22 line"
for n in spark-3 10.0.0.3 '[spark-2.local]:2200' spark-2; do
	ssh-keygen -F "$n" -f "$KH" | grep -q . && fail "ssh-keygen -F finds $n, never added"
done
grep -qE 'spark|10\.0' "$KH" && fail "a hashed file holds a name in clear: $(cat "$KH")"
[ "$(ssh-keygen -l -f "$KH" | awk '{print $2}' | sort -u)" = "$(fp "$tmp/hk_ed.pub")" ] ||
	fail "ssh-keygen -l does not read every line as the host key: $(ssh-keygen -l -f "$KH" 2>&1)"
[ "$(stat -c '%a' "$home/.ssh") $(stat -c '%a' "$KH")" = "700 600" ] ||
	fail "modes: $(stat -c '%n %a' "$home/.ssh" "$KH")"

step "plain lines: ssh-keygen -F finds them; after ssh-keygen -H sparklink still reads them"
PL=$tmp/kh_plain
printf '# mine\r\nold.host %s %s' "$RSA_T" "$RSA_K" >"$PL"
cp "$PL" "$tmp/kh_plain.orig"
t add "$PL" 22 "$EC_T" "$EC_K" plain Spark-2.local 10.0.0.2
t add "$PL" 2222 "$ED_T" "$ED_K" plain spark-2.local
cmp -s -n "$(stat -c %s "$tmp/kh_plain.orig")" "$tmp/kh_plain.orig" "$PL" ||
	fail "the old bytes are not a prefix of the new known_hosts"
grep -qxF "spark-2.local,10.0.0.2 $EC_T $EC_K" "$PL" || fail "plain line: $(cat "$PL")"
grep -qxF "[spark-2.local]:2222 $ED_T $ED_K" "$PL" || fail "port line: $(cat "$PL")"
found spark-2.local "$PL" "$EC_K" || fail "ssh-keygen -F spark-2.local misses the plain line"
found 10.0.0.2 "$PL" "$EC_K" || fail "ssh-keygen -F 10.0.0.2 misses the plain line"
found '[spark-2.local]:2222' "$PL" "$ED_K" || fail "ssh-keygen -F misses the [host]:2222 line"
ssh-keygen -q -H -f "$PL" >/dev/null 2>&1 || fail "ssh-keygen -H failed on sparklink's file"
grep -q 'spark' "$PL" && fail "ssh-keygen -H left a name in clear"
wants <<CHECKS
ok $PL 22 $EC_T $EC_K spark-2.local
ok $PL 22 $EC_T $EC_K 10.0.0.2
ok $PL 2222 $ED_T $ED_K spark-2.local
ok $PL 22 $RSA_T $RSA_K old.host
changed $PL 22 $EC_T $EC2_K spark-2.local
unknown $PL 22 $ED_T $ED_K spark-2.local
unknown $PL 22 $EC_T $EC_K spark-3
CHECKS
# the rollback recognises the lines ssh-keygen -H hashed (by their HMAC), nothing else
t remove "$PL" 22 "$EC_T" "$EC_K" spark-2.local 10.0.0.2
[ "$out" = "removed 2" ] || fail "remove after ssh-keygen -H: $out"
wants <<CHECKS
unknown $PL 22 $EC_T $EC_K spark-2.local
ok $PL 2222 $ED_T $ED_K spark-2.local
ok $PL 22 $RSA_T $RSA_K old.host
CHECKS

step "ssh-keygen -R removes a name; sparklink agrees"
ssh-keygen -R 10.0.0.2 -f "$KH" >/dev/null 2>&1 || fail "ssh-keygen -R failed"
wants <<CHECKS
unknown $KH 22 $ED_T $ED_K 10.0.0.2
ok $KH 22 $ED_T $ED_K spark-2.local
ok $KH 2222 $ED_T $ED_K spark-2.local
CHECKS

step "patterns and markers: sparklink says ok exactly where ssh-keygen -F finds the key"
PT=$tmp/kh_patterns
{
	echo "# patterns"
	echo "*.lab,!evil.lab $ED_T $ED_K"
	echo "spark-? $ED_T $ED_K"
	printf 'a.corp,B.Corp,10.0.0.7\t%s %s trailing comment\r\n' "$ED_T" "$ED_K"
	echo "[10.0.0.*]:2222 $ED_T $ED_K"
	echo "@cert-authority *.ca $ED_T $ED_K"
	echo "other.host $EC_T $EC_K"
	echo "!nowhere,x?y.z $ED_T $ED_K"
} >"$PT"
pnames=(good.lab a.b.lab evil.lab lab spark-3 spark-10 a.corp b.corp 10.0.0.7
	'[10.0.0.9]:2222' '[10.0.0.9]:22' 10.0.0.9 x.ca other.host xay.z nowhere)
: >"$tmp/batch"
for n in "${pnames[@]}"; do
	name=$n port=22
	if [[ $n == \[*\]:* ]]; then
		name=${n#[}
		name=${name%%]*}
		port=${n##*:}
	fi
	printf 'check\t%s\t%s\t%s\t%s\t%s\n' "$PT" "$port" "$ED_T" "$ED_K" "$name" >>"$tmp/batch"
done
tool batch <"$tmp/batch" || fail "check failed: $(cat "$tout" "$terr")"
mapfile -t says <"$tout"
[ "${#says[@]}" = "${#pnames[@]}" ] || fail "sshfiles_tool answered ${#says[@]} of ${#pnames[@]}"
for i in "${!pnames[@]}"; do
	n=${pnames[i]}
	got=${says[i]%% *}
	if found "$n" "$PT" "$ED_K"; then judge=ok; else judge=unknown; fi
	[ "$got" = "$judge" ] || fail "$n: sparklink says $got, ssh-keygen -F says $judge"
done

step "authorized_keys: old bytes kept, each line read by ssh-keygen -l, exact rollback"
mkdir -p "$home/.ssh"
printf '# keys\r\nfrom="10.0.0.1",no-pty %s %s old\n\n%s' "$EC_T" "$EC_K" \
	"$(cat "$tmp/hk_rsa.pub")" >"$AK"
chmod 600 "$AK"
cp "$AK" "$tmp/ak.orig"
t authadd "$(cat "$tmp/id_ed.pub")"
[ "$out" = "added yes" ] || fail "authadd: $out"
cmp -s -n "$(stat -c %s "$tmp/ak.orig")" "$tmp/ak.orig" "$AK" ||
	fail "the old bytes are not a prefix of the new authorized_keys"
keys=0
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '' | '#'*) continue ;; esac
	printf '%s\n' "$line" >"$tmp/one"
	ssh-keygen -l -f "$tmp/one" >/dev/null 2>&1 || fail "ssh-keygen -l rejects the line: $line"
	keys=$((keys + 1))
done <"$AK"
[ "$keys" = 3 ] || fail "$keys key lines, want 3"
ssh-keygen -l -f "$AK" | grep -qF "$(fp "$tmp/id_ed.pub")" ||
	fail "ssh-keygen -l -f authorized_keys does not list the added key"
t authadd "$(cut -d' ' -f1,2 "$tmp/id_ed.pub") another comment"
[ "$out" = "added no" ] || fail "the same key with another comment was added again"
t authremove "$(cat "$tmp/id_ed.pub")"
cmp -s "$tmp/ak.orig" "$AK" || fail "authremove did not restore the exact old bytes"

step "HashKnownHosts: sparklink agrees with ssh -G"
mkdir -p "$tmp/inc"
printf 'hashknownhosts=yes\n' >"$tmp/inc/50-hash.conf"
printf 'HashKnownHosts no\n' >"$tmp/inc/60-later.conf"
cfgs=(
	'Host *\n  HashKnownHosts yes\n'
	'Host other\n  HashKnownHosts yes\n'
	'HashKnownHosts no\nHost *\n  HashKnownHosts yes\n'
	"Include $tmp/inc/*.conf\n"
	"Host other\nInclude $tmp/inc/*.conf\n"
	'Match all\n  HashKnownHosts yes\n'
	'Match host other\n  HashKnownHosts yes\nHost *\n HashKnownHosts no\n'
	'  HASHKNOWNHOSTS = yes\n'
	'HashKnownHosts\t"no"\nHashKnownHosts yes\n'
	''
)
: >"$tmp/batch"
for i in "${!cfgs[@]}"; do
	# shellcheck disable=SC2059 # the cases are printf formats, for their \n
	printf "${cfgs[i]}" >"$tmp/cfg$i"
	printf 'hash\t-\t%s\n' "$tmp/cfg$i" >>"$tmp/batch"
done
tool batch <"$tmp/batch" || fail "hash failed: $(cat "$tout" "$terr")"
mapfile -t says <"$tout"
for i in "${!cfgs[@]}"; do
	judge=$(ssh -G -F "$tmp/cfg$i" spark-2 2>/dev/null | awk '$1 == "hashknownhosts" {print $2}')
	[ -n "$judge" ] || fail "ssh -G does not print hashknownhosts for: ${cfgs[i]}"
	[ "${says[i]}" = "$judge" ] ||
		fail "HashKnownHosts for '${cfgs[i]}': sparklink ${says[i]}, ssh -G $judge"
done
if [ -r /etc/ssh/ssh_config ]; then
	judge=$(ssh -G -F /etc/ssh/ssh_config spark-2 2>/dev/null |
		awk '$1 == "hashknownhosts" {print $2}')
	rm -f "$CFG"
	SPARKLINK_SSH_SYSTEM_CONFIG=/etc/ssh/ssh_config t hash-user
	[ "$out" = "$judge" ] || fail "this system's ssh_config: sparklink $out, ssh -G $judge"
fi

step "the ssh config file: ssh -G sees the block sparklink writes, before Host *, and nothing else"
printf 'ServerAliveInterval 30\n\nHost *\n  User bob\n  Port 2200\n' >"$CFG"
chmod 600 "$CFG"
cp "$CFG" "$tmp/cfg.orig"
t config-add spark-2 alice spark-2.local 127.0.0.1
[ "$out" = "changed yes" ] || fail "config-add: $out"
sg() { ssh -G -F "$CFG" "$1" 2>/dev/null | awk -v k="$2" '$1 == k {print $2}'; }
[ "$(sg spark-2 hostname) $(sg spark-2 user) $(sg spark-2 port)" = "spark-2.local alice 2200" ] ||
	fail "ssh -G spark-2: $(sg spark-2 hostname) $(sg spark-2 user) $(sg spark-2 port)"
[ "$(sg 127.0.0.1 user)" = alice ] || fail "ssh -G 127.0.0.1: user $(sg 127.0.0.1 user)"
[ "$(sg spark-2 serveraliveinterval)" = 30 ] || fail "the global line left the global scope"
[ "$(sg other hostname) $(sg other user)" = "other bob" ] ||
	fail "ssh -G other: $(sg other hostname) $(sg other user)"
t config-add spark-2 alice spark-2.local 127.0.0.1
[ "$out" = "changed no" ] || fail "config-add again: $out"
t config-remove spark-2
cmp -s "$tmp/cfg.orig" "$CFG" || fail "config-remove did not restore the exact old bytes"

# ---- with a private sshd ---------------------------------------------------------------------
SSHD=/usr/sbin/sshd
if ! [ -x "$SSHD" ] || ! command -v ssh-keyscan >/dev/null || ! command -v unshare >/dev/null ||
	[ "$(id -u)" != 0 ]; then
	echo "SKIP [cli_sshfiles_openssh]: the private sshd part needs root, sshd, ssh-keyscan and unshare"
	finish
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
# sshd wants /run/sshd: a tmpfs /run of its own, in a mount namespace of its own
# shellcheck disable=SC2016 # "$0" "$@" are the inner shell's
unshare -m --propagation private sh -c 'mount -t tmpfs -o mode=755 tmpfs /run &&
	mkdir -m 755 /run/sshd && exec "$0" "$@"' "$SSHD" -D -e -f /dev/null \
	-h "$tmp/hk_ed" -h "$tmp/hk_ec" -h "$tmp/hk_rsa" -o "ListenAddress=127.0.0.1:$port" \
	-o PidFile=none -o UsePAM=no -o StrictModes=no -o "AuthorizedKeysFile=$AK" \
	-o PasswordAuthentication=no -o KbdInteractiveAuthentication=no >"$tmp/sshd.log" 2>&1 &
sshd_pid=$!
cli_pids="$cli_pids $sshd_pid"
for ((i = 0; i < 100; i++)); do
	grep -q 'Server listening' "$tmp/sshd.log" && break
	kill -0 "$sshd_pid" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q 'Server listening' "$tmp/sshd.log"; then
	echo "SKIP [cli_sshfiles_openssh]: no private sshd here: $(head -3 "$tmp/sshd.log")"
	finish
fi

step "ssh-keyscan's lines (plain and hashed) are read right"
ssh-keyscan -p "$port" -t ed25519,ecdsa,rsa 127.0.0.1 >"$tmp/scan" 2>/dev/null
ssh-keyscan -H -p "$port" -t ed25519,ecdsa,rsa 127.0.0.1 >"$tmp/scan_h" 2>/dev/null
[ "$(grep -vc '^#' "$tmp/scan")" = 3 ] || fail "ssh-keyscan: $(cat "$tmp/scan")"
for f in "$tmp/scan" "$tmp/scan_h"; do
	echo "ok $f $port $ED_T $ED_K 127.0.0.1"
	echo "ok $f $port $EC_T $EC_K 127.0.0.1"
	echo "ok $f $port $RSA_T $RSA_K 127.0.0.1"
	echo "changed $f $port $ED_T $ED2_K 127.0.0.1"
	echo "unknown $f 22 $ED_T $ED_K 127.0.0.1"
	echo "unknown $f $port $ED_T $ED_K 127.0.0.2"
done >"$tmp/checks"
wants <"$tmp/checks"

# login FILE: ssh with only FILE as known_hosts, strict checking, the key sparklink authorised
login() {
	ssh -F /dev/null -p "$port" -i "$tmp/id_ed" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=yes -o UserKnownHostsFile="$1" \
		-o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no \
		-o HostKeyAlgorithms=ssh-ed25519 -o CheckHostIP=no \
		-o ConnectTimeout=20 root@127.0.0.1 echo logged-in >"$tmp/ssh.out" 2>"$tmp/ssh.err" </dev/null
}

step "a real ssh login with only the files sparklink wrote"
t authadd "$(cat "$tmp/id_ed.pub")"
[ "$out" = "added yes" ] || fail "authadd: $out"
for mode in hashed plain; do
	rm -f "$tmp/kh_login"
	t add "$tmp/kh_login" "$port" "$ED_T" "$ED_K" "$mode" 127.0.0.1 localhost
	login "$tmp/kh_login" ||
		fail "ssh refused sparklink's $mode known_hosts or authorized_keys: $(cat "$tmp/ssh.err")"
	grep -qx logged-in "$tmp/ssh.out" || fail "ssh: $(cat "$tmp/ssh.out" "$tmp/ssh.err")"
done

step "ssh refuses exactly when sparklink says changed, unknown or revoked"
printf '[127.0.0.1]:%s %s %s\n' "$port" "$ED_T" "$ED2_K" >"$tmp/kh_changed"
printf '[127.0.0.1]:%s %s %s\n' "$port" "$EC_T" "$EC_K" >"$tmp/kh_other_type"
printf '[127.0.0.1]:%s %s %s\n@revoked * %s %s\n' "$port" "$ED_T" "$ED_K" "$ED_T" "$ED_K" \
	>"$tmp/kh_revoked"
cases="changed:kh_changed unknown:kh_other_type revoked:kh_revoked"
for f in $cases; do
	echo "${f%%:*} $tmp/${f#*:} $port $ED_T $ED_K 127.0.0.1"
done >"$tmp/checks"
wants <"$tmp/checks"
for f in $cases; do
	st=${f%%:*}
	file=$tmp/${f#*:}
	login "$file" && fail "ssh logged in although sparklink says $st for ${f#*:}"
	grep -qiE 'host key|identification|revoked' "$tmp/ssh.err" ||
		fail "ssh failed for another reason than the host key: $(cat "$tmp/ssh.err")"
	# and sparklink will not add a key over a conflict
	if [ "$st" != unknown ]; then
		cp "$file" "$file.orig"
		tool add "$file" "$port" "$ED_T" "$ED_K" hashed 127.0.0.1 &&
			fail "sparklink added a key over a $st line"
		cmp -s "$file" "$file.orig" || fail "a refused add changed $file"
	fi
done
finish
