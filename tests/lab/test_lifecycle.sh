#!/bin/bash
# lab_lifecycle: the lab's life cycle and its promises to the host. Non-root and bad arguments get
# a clear one-line message; a failure in the middle of `up` leaves nothing behind; a second `up` is
# refused; --users gives each node its own user (and spark-2's sshd rejects spark-1's user); `down`
# kills every process in the lab (also ones it did not start), deletes namespaces, bridges, mounts
# and the state dir; down is idempotent; up/down/up works; the host's accounts, /etc and network
# are unchanged at the end.
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require
STATE_DIR=${SPARKLAB_DIR:-/run/sparklab}

HOST_LINKS=$(ip -br link | awk '{print $1}' | sed 's/@.*//')
host_snapshot() { # (other programs' namespaces and links may come and go meanwhile: not listed)
	local l
	{
		sha256sum /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/hosts /etc/hostname /etc/machine-id 2>&1
		find /etc/ssh /etc/avahi /etc/netplan /etc/sudoers.d -printf '%p %m %U %s %T@\n' 2>&1 | sort
		ls -1 /home
		hostname
		for l in $HOST_LINKS; do ip -br link show dev "$l" 2>&1 | awk '{print $1, $3}'; done
		ip -4 route
		ip -6 route | grep -v '^fe80' # kernel link-local routes come and go with host traffic
	}
}
HOST_BEFORE=$(host_snapshot)

lab_netns_left() { ip netns list | awk '{print $1}' | grep -E '^(spark-[0-9]+|sparklab-net)$'; }

# run_err DESC CMD...: must exit non-zero with one clear line "sparklab: ..." on stderr
run_err() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 0 ] || fail "$desc: exit code 0, expected an error"
	[ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] || fail "$desc: expected one error line, got: $out"
	case $out in sparklab:*) ;; *) fail "$desc: message does not start with 'sparklab:': $out" ;; esac
	LAST_ERR=$out
}

step "not root: a clear message, exit 1"
SL=$SPARKLAB
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SL"; then
	cp "$SPARKLAB" "$LAB_TMP/sparklab" && chmod 0755 "$LAB_TMP/sparklab" && SL=$LAB_TMP/sparklab
fi
for verb in "up" "down" "status" "exec spark-1 true" "unplug spark-1 p1"; do
	# shellcheck disable=SC2086
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SL" $verb 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "sparklab $verb as nobody exited $rc, expected 1 ($out)"
	case $out in *"must be run as root"*) ;; *) fail "sparklab $verb as nobody did not say it needs root: $out" ;; esac
done
[ -z "$(lab_netns_left)" ] || fail "a non-root sparklab created namespaces"

step "bad arguments: one-line errors, nothing built"
run_err "up 1" "$SPARKLAB" up 1
run_err "up x" "$SPARKLAB" up x
run_err "up 99" "$SPARKLAB" up 99
run_err "up --cabling star" "$SPARKLAB" up --cabling star
run_err "up 2 --cabling ring" "$SPARKLAB" up 2 --cabling ring
run_err "up --cabling (no value)" "$SPARKLAB" up --cabling
run_err "up --users a (2 nodes)" "$SPARKLAB" up --users a
run_err "up --user x --users a,b" "$SPARKLAB" up --user x --users a,b
run_err "up --user Bad!" "$SPARKLAB" up --user 'Bad!'
run_err "up --user root" "$SPARKLAB" up --user root
run_err "up --frob" "$SPARKLAB" up --frob
run_err "frob" "$SPARKLAB" frob
run_err "down extra" "$SPARKLAB" down extra
run_err "exec (no lab)" "$SPARKLAB" exec spark-1 true
run_err "unplug (no lab)" "$SPARKLAB" unplug spark-1 p1
"$SPARKLAB" --help | grep -q 'sparklab up' || fail "sparklab --help does not describe up"
[ -z "$(lab_netns_left)" ] || fail "a rejected command created namespaces: $(lab_netns_left)"
[ ! -e "$STATE_DIR" ] || fail "a rejected command left $STATE_DIR"

step "a failure in the middle of up (sshd refuses its config) tears everything down"
out=$(SPARKLAB_SSHD_PAM=bogus "$SPARKLAB" up 2>&1) && fail "up with a broken sshd config succeeded"
grep -q 'tearing down' <<<"$out" || fail "a failed up did not say it tears down: $out"
[ -z "$(lab_netns_left)" ] || fail "a failed up left namespaces: $(lab_netns_left)"
[ ! -e "$STATE_DIR" ] || fail "a failed up left $STATE_DIR"
grep -qF "$STATE_DIR" /proc/self/mountinfo && fail "a failed up left mounts under $STATE_DIR"

step "up --users alice,bob; a second up is refused"
lab_up 2 --users alice,bob
run_err "second up" "$SPARKLAB" up
case $LAST_ERR in *"already up"*) ;; *) fail "a second up did not say a lab is already up: $LAST_ERR" ;; esac
st=$("$SPARKLAB" status) || fail "sparklab status failed with a lab up"
grep -q '^spark-1  user alice' <<<"$st" && grep -q '^spark-2  user bob' <<<"$st" ||
	fail "sparklab status does not show alice on spark-1 and bob on spark-2: $st"
[ "$(grep -c ' alive$' <<<"$st")" -eq 8 ] || fail "sparklab status does not show 8 live daemons: $st"
[ "$(lxu spark-1 whoami)" = alice ] || fail "the user of spark-1 is not alice"
[ "$(lxu spark-2 whoami)" = bob ] || fail "the user of spark-2 is not bob"
lx spark-1 id bob >/dev/null 2>&1 && fail "bob exists on spark-1 (users must be per node)"
id alice >/dev/null 2>&1 && fail "the lab user alice exists on the host"

printf '#!/bin/sh\necho "%s"\n' "${SPARKLAB_PASSWORD:-spark-lab}" >"$LAB_TMP/askpass"
chmod 0755 "$LAB_TMP/askpass"
ssh_as() { # user@addr -> hostname over ssh from spark-1
	lxu spark-1 env SSH_ASKPASS="$LAB_TMP/askpass" SSH_ASKPASS_REQUIRE=force setsid -w ssh \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o PreferredAuthentications=password -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		-o ConnectTimeout=5 "$1" hostname </dev/null
}
step "spark-2's sshd rejects alice (AllowUsers) and accepts bob"
out=$(ssh_as alice@10.77.0.2 2>&1) && fail "spark-2's sshd let alice (spark-1's user) in"
grep -q 'Permission denied' <<<"$out" || fail "ssh alice@10.77.0.2: unexpected error: $out"
# even once an alice account exists on spark-2, its sshd only lets bob in
lx spark-2 sh -c 'useradd -m -s /bin/bash alice && echo "alice:$1" | chpasswd' sh "${SPARKLAB_PASSWORD:-spark-lab}" ||
	fail "useradd/chpasswd inside spark-2 failed (the node's /etc must be writable like a real one)"
out=$(ssh_as alice@10.77.0.2 2>&1) && fail "spark-2's sshd let alice in although AllowUsers names only bob"
"$SPARKLAB" status >/dev/null
grep -q 'alice .*not allowed because not listed in AllowUsers' "$STATE_DIR/nodes/spark-2/log/sshd.log" ||
	fail "spark-2's sshd log does not show alice refused by AllowUsers"
id alice >/dev/null 2>&1 && fail "useradd inside spark-2 created alice on the host"
out=$(ssh_as bob@10.77.0.2 2>&1) || fail "ssh bob@10.77.0.2 with the lab password failed: $out"
[ "$out" = spark-2 ] || fail "ssh bob@10.77.0.2 hostname printed '$out'"

step "processes the lab did not start: a root one in spark-1, a user one in spark-2"
"$SPARKLAB" exec spark-1 sleep 600 </dev/null >/dev/null 2>&1 &
stray1=$!
"$SPARKLAB" exec spark-2 --user setsid sleep 600 </dev/null >/dev/null 2>&1 &
stray2=$!
is_sleep() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]; }
wait_until 5 "the stray sleep in spark-1 did not start" is_sleep "$stray1"
wait_until 5 "the stray sleep in spark-2 did not start" is_sleep "$stray2"
want=" "
for f in /run/netns/spark-1 /run/netns/spark-2 /run/netns/sparklab-net; do want="$want net:[$(stat -L -c %i "$f")] "; done
for f in "$STATE_DIR"/ns/*.mnt; do want="$want mnt:[$(stat -L -c %i "$f")] "; done
dpids=$("$SPARKLAB" status | awk '$2 == "pid" {print $3}')
BR_BEFORE=$(ip -br link show type bridge | awk '{print $1}' | sort)

step "down"
out=$("$SPARKLAB" down 2>&1) || fail "sparklab down failed: $out"
export LAB_IS_UP=0
[ -z "$(lab_netns_left)" ] || fail "namespaces left after down: $(lab_netns_left)"
sleep 0.2
for p in /proc/[0-9]*; do
	for t in net mnt; do
		l=$(readlink "$p/ns/$t" 2>/dev/null) || continue
		case $want in *" $l "*) fail "process ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) still lives in a lab namespace ($l) after down" ;; esac
	done
done
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }
for p in $stray1 $stray2 $dpids; do alive "$p" && fail "process $p ($(cat "/proc/$p/comm" 2>/dev/null)) survived sparklab down"; done
wait "$stray1" "$stray2" 2>/dev/null
BR_AFTER=$(ip -br link show type bridge | awk '{print $1}' | sort)
[ "$BR_BEFORE" = "$BR_AFTER" ] || fail "host bridges changed: '$BR_BEFORE' -> '$BR_AFTER'"
ip -br link | grep -qE '^(br-mgmt|br-[0-9]p|s[0-9]+(m|p[01][ab]))' && fail "lab links showed up on the host"
grep -qF "$STATE_DIR" /proc/self/mountinfo && fail "mounts under $STATE_DIR are left after down"
[ ! -e "$STATE_DIR" ] || fail "the state dir $STATE_DIR is left after down"

step "down again is a no-op; status says no lab"
out=$("$SPARKLAB" down 2>&1) || fail "a second sparklab down failed: $out"
grep -q 'no lab is up' <<<"$out" || fail "a second down did not say there is no lab: $out"
"$SPARKLAB" status >/dev/null 2>&1 && fail "sparklab status exits 0 with no lab"

step "up / down / up / down"
lab_up 2
[ "$(lx spark-2 hostname)" = spark-2 ] || fail "after up/down/up spark-2 is not reachable"
lab_down
lab_up 3 --user carol
[ "$(lxu spark-3 whoami)" = carol ] || fail "after up/down/up the user of spark-3 is not carol"
lab_down
[ -z "$(lab_netns_left)" ] || fail "namespaces left after the last down"

step "the host is unchanged"
HOST_AFTER=$(host_snapshot)
if [ "$HOST_BEFORE" != "$HOST_AFTER" ]; then
	diff <(printf '%s\n' "$HOST_BEFORE") <(printf '%s\n' "$HOST_AFTER") >&2
	fail "the host's accounts, /etc files, hostname or network changed during the test"
fi
exit 0
