#!/bin/bash
# cli_root_inputs: as root, sparklink takes no state or hardware tree from a place another user
# can write. A --sysfs tree (or SPARKLINK_SYSFS, which sudo may keep) that is group- or
# other-writable or not root's is refused with the reason (exit 2) before anything is read; a
# root-owned one is used. Under sudo (SUDO_UID/SUDO_USER set), SPARKLINK_STATE_DIR is ignored:
# root's journal stays in /var/lib/sparklink (status names it).
set -u
. "$(dirname -- "$0")/cli-lib.sh"
cli_init cli_root_inputs
[ "$(id -u)" = 0 ] || skip "the rules are root's (run as root)"
fx_make "$tmp/fx"
sl "$tmp/o" "$tmp/e" --sysfs "$tmp/fx" ports
[ "$rc" = 0 ] || fail "a root-owned fixture tree was refused: $(cat "$tmp/e")"
chmod 0777 "$tmp/fx"
sl "$tmp/o" "$tmp/e" --sysfs "$tmp/fx" ports
[ "$rc" = 2 ] || fail "a world-writable --sysfs tree: exit $rc, want 2"
grep -q "only root can change (owner uid 0, mode 0777)" "$tmp/e" || fail "no reason given: $(cat "$tmp/e")"
[ -s "$tmp/o" ] && fail "something was read from it: $(cat "$tmp/o")"
chmod 0755 "$tmp/fx"
chown 65534 "$tmp/fx"
SPARKLINK_SYSFS=$tmp/fx sl "$tmp/o" "$tmp/e" ports
[ "$rc" = 2 ] || fail "SPARKLINK_SYSFS owned by nobody: exit $rc, want 2"
grep -q "owner uid 65534" "$tmp/e" || fail "no reason given: $(cat "$tmp/e")"
check_clean "$tmp/o" "$tmp/e"
mkdir -m 0700 "$tmp/state"
SPARKLINK_STATE_DIR=$tmp/state sl "$tmp/o" "$tmp/e" status
grep -q "$tmp/state/journal.jsonl" "$tmp/o" || fail "root without sudo: SPARKLINK_STATE_DIR not used: $(cat "$tmp/o" "$tmp/e")"
SUDO_USER=root SUDO_UID=0 SPARKLINK_STATE_DIR=$tmp/state sl "$tmp/o" "$tmp/e" status
grep -q "/var/lib/sparklink/journal.jsonl" "$tmp/o" ||
	fail "under sudo SPARKLINK_STATE_DIR moved root's journal: $(cat "$tmp/o" "$tmp/e")"
pass
