#!/bin/bash
# cli_ports_ref: `sparklink ports` and `ports -v` print exactly what ibdev2netdev prints, line by
# line, on Spark-shaped fixture trees (compared with tests/cli/ibdev2netdev-ref, an independent
# reference), with the root given by --sysfs and by $SPARKLINK_SYSFS.
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $wait_rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_ports_ref

# The reference itself must agree with the one line the field notes quote from a real Spark,
# and with the C-locale order; otherwise a shared mistake would pass unnoticed.
fx_make "$tmp/p1" --up p1
ref "$tmp/p1" >"$tmp/anchor" || fail "the reference failed on a healthy tree"
grep -qx 'rocep1s0f1 port 1 ==> enp1s0f1np1 (Up)' "$tmp/anchor" ||
	fail "reference does not print the field-notes line: $(cat "$tmp/anchor")"
[ "$(head -n1 "$tmp/anchor")" = 'roceP2p1s0f0 port 1 ==> enP2p1s0f0np0 (Down)' ] ||
	fail "reference order is not C-locale ls order: $(cat "$tmp/anchor")"
[ "$(wc -l <"$tmp/anchor")" -eq 4 ] || fail "reference printed $(wc -l <"$tmp/anchor") lines, want 4"

fx_make "$tmp/none"
fx_make "$tmp/both" --up p0,p1

# carrier unreadable on one twin: a read error after open (as sysfs gives EINVAL for an
# interface that is administratively down) ...
fx_make "$tmp/unread" --up p1
rm -f "$tmp/unread/class/net/enP2p1s0f1np1/carrier"
mkdir "$tmp/unread/class/net/enP2p1s0f1np1/carrier"
# ... and no carrier file at all on another ("NA")
rm -f "$tmp/unread/class/net/enp1s0f0np0/carrier"

# no GID table on two devices: the netdev comes from device/net by dev_port
fx_make "$tmp/fallback" --up p0
rm -rf "$tmp/fallback/class/infiniband/rocep1s0f0/ports/1/gid_attrs"
: >"$tmp/fallback/class/infiniband/roceP2p1s0f1/ports/1/gid_attrs/ndevs/0"

# a real VPD layout on one PCI function: identifier string, VPD-R with PN, end tag
fx_make "$tmp/vpd" --up p1
printf '\x82\x0a\x00CX-7 Spark\x90\x0f\x00PN\x08MCX75343RV\x01\x00\x78' \
	>"$tmp/vpd/devices/pci0000:00/0000:01:00.1/vpd"

trees="none p1 both unread fallback vpd"
for t in $trees; do
	root=$tmp/$t
	for v in "" -v; do
		# shellcheck disable=SC2086
		sl "$tmp/out" "$tmp/err" --sysfs "$root" ports $v
		[ "$rc" -eq 0 ] || fail "$t: ports $v exited $rc: $(cat "$tmp/err")"
		[ -s "$tmp/err" ] && fail "$t: ports $v wrote to stderr: $(cat "$tmp/err")"
		[ -s "$tmp/out" ] || fail "$t: ports $v printed nothing"
		# shellcheck disable=SC2086
		same_as_ref "$t: ports $v" "$tmp/out" "$root" $v
		# the environment form, and a trailing slash on the root, change nothing
		# shellcheck disable=SC2086
		SPARKLINK_SYSFS=$root/ "$SPARKLINK" ports $v >"$tmp/out.env" 2>"$tmp/err"
		rc=$?
		[ "$rc" -eq 0 ] || fail "$t: SPARKLINK_SYSFS= ports $v exited $rc: $(cat "$tmp/err")"
		# shellcheck disable=SC2086
		same_as_ref "$t: SPARKLINK_SYSFS ports $v" "$tmp/out.env" "$root" $v
		clean_later "$tmp/out" "$tmp/err"
	done
done

# what each tree is about, stated without the reference
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/unread" ports
grep -qx 'roceP2p1s0f1 port 1 ==> enP2p1s0f1np1 (Down)' "$tmp/out" ||
	fail "unreadable carrier is not Down: $(cat "$tmp/out")"
grep -qx 'rocep1s0f0 port 1 ==> enp1s0f0np0 (NA)' "$tmp/out" ||
	fail "missing carrier is not NA: $(cat "$tmp/out")"
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/vpd" ports -v
grep -qx '0000:01:00.1 rocep1s0f1 (MT4129 - MCX75343   ) CX-7 Spark      fw 28.45.4028 port 1 (ACTIVE) ==> enp1s0f1np1 (Up)' "$tmp/out" ||
	fail "VPD part number and description are not shown as ibdev2netdev -v does: $(cat "$tmp/out")"
grep -q '^0002:01:00.1 roceP2p1s0f1 (MT4129 - NA)  fw 28.45.4028 port 1 (ACTIVE) ==> enP2p1s0f1np1 (Up)$' "$tmp/out" ||
	fail "the twin without VPD lost the NA form: $(cat "$tmp/out")"
sl "$tmp/out" "$tmp/err" --sysfs "$tmp/fallback" ports
grep -qx 'rocep1s0f0 port 1 ==> enp1s0f0np0 (Up)' "$tmp/out" ||
	fail "no netdev found through device/net: $(cat "$tmp/out")"

# --sysfs wins over the environment
SPARKLINK_SYSFS=$tmp/none "$SPARKLINK" --sysfs "$tmp/both" ports >"$tmp/out" 2>"$tmp/err"
same_as_ref "--sysfs over SPARKLINK_SYSFS" "$tmp/out" "$tmp/both"

# with the unreadable carrier, as an unprivileged user (EACCES on open, the other way a
# carrier can be unreadable): only when we can switch to nobody
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	fx_make "$tmp/perm" --up p0,p1
	chmod 000 "$tmp/perm/class/net/enp1s0f1np1/carrier"
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups cat \
		"$tmp/perm/class/net/enp1s0f1np1/carrier" >/dev/null 2>&1; then
		for v in "" -v; do
			# shellcheck disable=SC2086
			setpriv --reuid=65534 --regid=65534 --clear-groups "$SPARKLINK" \
				--sysfs "$tmp/perm" ports $v >"$tmp/out" 2>"$tmp/err"
			rc=$?
			[ "$rc" -eq 0 ] || fail "perm: ports $v as nobody exited $rc: $(cat "$tmp/err")"
			# shellcheck disable=SC2086
			setpriv --reuid=65534 --regid=65534 --clear-groups env SYSFS_ROOT="$tmp/perm" \
				bash "$REF" $v >"$tmp/ref.out" 2>/dev/null
			if ! cmp -s "$tmp/ref.out" "$tmp/out"; then
				diff -u "$tmp/ref.out" "$tmp/out" >&2
				fail "perm: ports $v as nobody differs from ibdev2netdev"
			fi
			clean_later "$tmp/out" "$tmp/err"
		done
		grep -q ' rocep1s0f1 .* ==> enp1s0f1np1 (Down)$' "$tmp/out" ||
			fail "an unreadable carrier must read Down: $(cat "$tmp/out")"
	fi
fi
check_clean_all
pass
