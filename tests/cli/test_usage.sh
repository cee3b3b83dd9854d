#!/bin/bash
# cli_usage: bad command lines exit 2 with a message on stderr and nothing on stdout;
# --help and --version exit 0 and print on stdout (so `sparklink --help | less` works).
set -u
# shellcheck source=tests/cli/cli-lib.sh disable=SC2154 # $tmp, $rc, $wait_rc come from cli-lib.sh
. "$(dirname -- "$0")/cli-lib.sh"
# as root in a network namespace of its own: an apply that wrongly went ahead changes only that
if [ "$(id -u)" = 0 ] && [ "${SL_USAGE_IN_NETNS:-}" != 1 ] && unshare -n true 2>/dev/null; then
	SL_USAGE_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
cli_init cli_usage
fx_make "$tmp/sys" --up p1

# usage_error WHAT ARGS...: exit 2, stderr says something, stdout empty
usage_error() {
	local what=$1
	shift
	SPARKLINK_SYSFS=$tmp/sys "$SPARKLINK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2 (stderr: $(cat "$tmp/err"))"
	[ -s "$tmp/out" ] && fail "$what: printed on stdout: $(cat "$tmp/out")"
	[ -s "$tmp/err" ] || fail "$what: no message on stderr"
	clean_later "$tmp/err"
	return 0
}

usage_error "ports --bogus" ports --bogus
grep -q -- "--bogus" "$tmp/err" || fail "ports --bogus: the message does not name the option: $(cat "$tmp/err")"
grep -q "Usage: sparklink ports" "$tmp/err" || fail "ports --bogus: no usage line"

usage_error "ports -v --json" ports -v --json
grep -q "choose one of" "$tmp/err" || fail "ports -v --json: unclear message: $(cat "$tmp/err")"
usage_error "ports --json --watch" ports --json --watch
usage_error "ports -v --watch" ports -v --watch

usage_error "ports extra" ports extra
grep -q "extra" "$tmp/err" || fail "ports extra: the message does not name the argument"

usage_error "bogus" bogus
grep -q "unknown command 'bogus'" "$tmp/err" || fail "bogus: unclear message: $(cat "$tmp/err")"

usage_error "--sysfs without a directory" --sysfs
grep -q "sysfs" "$tmp/err" || fail "--sysfs: the message does not name the option: $(cat "$tmp/err")"
usage_error "--sysfs ''" --sysfs "" ports
grep -q "needs a directory" "$tmp/err" || fail "--sysfs '': unclear message: $(cat "$tmp/err")"

usage_error "--bogus" --bogus
grep -q "sparklink --help" "$tmp/err" || fail "--bogus: does not point to --help"

# apply, rollback, status: every bad input named, nothing changed (they refuse before any work)
usage_error "apply --plan bogus" apply --plan bogus
grep -q "link-local, static or static-persistent" "$tmp/err" || fail "apply --plan bogus: unclear: $(cat "$tmp/err")"
usage_error "apply --mtu 1234" apply --plan static --mtu 1234
grep -q "1500" "$tmp/err" || fail "apply --mtu 1234: unclear: $(cat "$tmp/err")"
usage_error "apply --node 3" apply --plan static --node 3
usage_error "apply --interfaces" apply --plan static --interfaces 'eth0,bad name'
grep -q "not an interface name" "$tmp/err" || fail "apply --interfaces: unclear: $(cat "$tmp/err")"
usage_error "apply extra" apply --plan static spark-2
grep -q -- "--peer" "$tmp/err" || fail "apply HOST: does not point to --peer: $(cat "$tmp/err")"
usage_error "rollback --bogus" rollback --bogus
usage_error "rollback extra" rollback now
usage_error "status extra" status now

# help and version: stdout, exit 0, nothing on stderr
for args in "apply --help" "rollback --help" "status --help"; do
	# shellcheck disable=SC2086
	"$SPARKLINK" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$args: exit $rc"
	grep -q "^Usage: sparklink ${args% *}" "$tmp/out" || fail "$args: no usage on stdout"
done
for args in --help -h help "ports --help" "ports -h"; do
	# shellcheck disable=SC2086
	"$SPARKLINK" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$args: exit $rc"
	[ -s "$tmp/err" ] && fail "$args: wrote to stderr: $(cat "$tmp/err")"
	grep -q "^Usage: sparklink" "$tmp/out" || fail "$args: no usage on stdout: $(cat "$tmp/out")"
done
grep -q -- "--json" "$tmp/out" || fail "ports --help does not mention --json"

for args in --version -V; do
	"$SPARKLINK" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$args: exit $rc"
	[ -s "$tmp/err" ] && fail "$args: wrote to stderr"
	grep -Eqx 'sparklink [0-9]+\.[0-9]+\.[0-9]+(\+[0-9A-Za-z.~]+)?' "$tmp/out" || fail "$args: prints '$(cat "$tmp/out")'"
done

# a reader that goes away early is no reason for a sanitizer report or a garbled message
"$SPARKLINK" --sysfs "$tmp/sys" ports -v 2>"$tmp/err" | head -c0
clean_later "$tmp/err"
check_clean_all
pass
