#!/bin/bash
# lab_ssh_password: password SSH between lab nodes with the system OpenSSH client, as the node's
# login user, the password coming from an SSH_ASKPASS helper (no tty). Host keys are per node and
# pinned first: ssh-keyscan's fingerprint must equal the one of spark-2's own host key file.
set -u
. "$(dirname -- "$0")/../lib/lab.sh"
lab_require
PASS=${SPARKLAB_PASSWORD:-spark-lab}
USER_NAME=nvidia

step "up"
lab_up 2 --user "$USER_NAME"

step "sparklab exec: user, host name, root"
got=$(lxu spark-1 whoami) || fail "sparklab exec spark-1 --user whoami failed"
[ "$got" = "$USER_NAME" ] || fail "sparklab exec spark-1 --user whoami printed '$got', expected $USER_NAME"
got=$(lxu spark-1 hostname) || fail "sparklab exec spark-1 --user hostname failed"
[ "$got" = spark-1 ] || fail "hostname inside spark-1 is '$got'"
got=$(lx spark-2 hostname)
[ "$got" = spark-2 ] || fail "hostname inside spark-2 is '$got'"
got=$(lx spark-1 whoami)
[ "$got" = root ] || fail "sparklab exec spark-1 whoami printed '$got', expected root"
got=$(lxu spark-1 sh -c 'echo "$HOME $(pwd) $(stat -c %U:%a "$HOME")"')
[ "$got" = "/home/$USER_NAME /home/$USER_NAME $USER_NAME:755" ] ||
	fail "the user's home inside spark-1 is wrong: HOME, cwd, owner:mode = $got"
[ "$(hostname)" != spark-1 ] || fail "the host's own hostname became spark-1"
lxu spark-1 sh -c 'exit 7'
[ $? -eq 7 ] || fail "sparklab exec does not pass the command's exit code through"

step "sudo works inside a node with the lab password (and not without it)"
got=$(lxu spark-1 sh -c "printf '%s\n' '$PASS' | sudo -k -S -p '' id -un" 2>&1) ||
	fail "sudo with the lab password failed inside spark-1: $got"
[ "$got" = root ] || fail "sudo id -un inside spark-1 printed '$got'"
lxu spark-1 sh -c "echo wrong-password | sudo -k -S -p '' true" >/dev/null 2>&1 &&
	fail "sudo accepted a wrong password inside spark-1"

step "host keys are per node"
fp_of() { lx "$1" ssh-keygen -l -E sha256 -f /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}'; }
fp1=$(fp_of spark-1)
fp2=$(fp_of spark-2)
[ -n "$fp1" ] && [ -n "$fp2" ] || fail "cannot read the nodes' ed25519 host keys"
[ "$fp1" != "$fp2" ] || fail "spark-1 and spark-2 have the same host key ($fp1)"
for f in /etc/ssh/ssh_host_*_key.pub; do
	hfp=$(ssh-keygen -l -E sha256 -f "$f" | awk '{print $2}')
	{ [ "$hfp" = "$fp1" ] || [ "$hfp" = "$fp2" ]; } && fail "a lab node uses the host machine's own key $f"
done

# askpass helper readable by the node user (/tmp is shared with the nodes)
cat >"$LAB_TMP/askpass" <<EOS
#!/bin/sh
printf '%s\n' "\${LAB_ASKPASS_PW:-$PASS}"
EOS
chmod 0755 "$LAB_TMP/askpass"
KH=/home/$USER_NAME/.ssh/lab_known_hosts

# ssh_to ADDR [password]: run `hostname` on spark-2 from spark-1 as the user; prints the output
ssh_to() {
	lxu spark-1 env SSH_ASKPASS="$LAB_TMP/askpass" SSH_ASKPASS_REQUIRE=force LAB_ASKPASS_PW="${2:-$PASS}" \
		setsid -w ssh -o UserKnownHostsFile="$KH" -o StrictHostKeyChecking=yes -o CheckHostIP=no \
		-o PreferredAuthentications=password -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		-o ConnectTimeout=5 -o LogLevel=ERROR "$USER_NAME@$1" hostname </dev/null
}

pin() { # ADDR: keyscan from spark-1, compare with spark-2's own key file, add to known_hosts
	local addr=$1 line fp
	line=$(lxu spark-1 ssh-keyscan -T 5 -t ed25519 "$addr" 2>/dev/null | grep -v '^#' | head -1)
	[ -n "$line" ] || fail "ssh-keyscan from spark-1 got no ed25519 host key from $addr"
	fp=$(printf '%s\n' "$line" | ssh-keygen -l -E sha256 -f - | awk '{print $2}')
	[ "$fp" = "$fp2" ] || fail "host key at $addr ($fp) is not spark-2's own host key ($fp2)"
	lxu spark-1 sh -c 'mkdir -p -m 700 ~/.ssh && cat >>"$1"' sh "$KH" <<<"$line" || fail "cannot write $KH"
}

step "password SSH spark-1 -> spark-2 over the management LAN (10.77.0.2)"
pin 10.77.0.2
got=$(ssh_to 10.77.0.2 2>&1) || fail "password SSH from spark-1 to $USER_NAME@10.77.0.2 failed: $got"
[ "$got" = spark-2 ] || fail "ssh $USER_NAME@10.77.0.2 hostname printed '$got', expected spark-2"

step "password SSH spark-1 -> spark-2 over the cable (IPv6 link-local on enp1s0f1np1)"
wait_ll6 spark-1 enp1s0f1np1 >/dev/null
ll=$(wait_ll6 spark-2 enp1s0f1np1)
pin "$ll%enp1s0f1np1"
got=$(ssh_to "$ll%enp1s0f1np1" 2>&1) || fail "password SSH from spark-1 to $USER_NAME@$ll%enp1s0f1np1 failed: $got"
[ "$got" = spark-2 ] || fail "ssh over the cable printed '$got', expected spark-2"

step "a wrong password is refused"
got=$(ssh_to 10.77.0.2 not-the-password 2>&1) && fail "spark-2's sshd accepted a wrong password"
grep -q 'Permission denied' <<<"$got" || fail "wrong password: unexpected ssh error: $got"
exit 0
