# cli-lib.sh: helpers for the CLI tests (sourced). Fixture trees come from $SPARK_SYSFS
# (assets/lab/spark-sysfs) in a private temporary directory removed on exit.
#   cli_init NAME           start a test: $tmp, traps, $SPARKLINK checked
#   fx_make DIR [ARGS]      spark-sysfs make DIR ARGS
#   sl OUT ERR ARGS...      run sparklink, stdout/stderr to files; sets $rc
#   ref ROOT [-v]           the ibdev2netdev reference on ROOT
#   same_as_ref NAME OUTFILE ROOT [-v]   compare, print a unified diff on mismatch
#   check_clean FILE...     no escape/control byte, valid UTF-8, no sanitizer report
#   clean_later FILE... / check_clean_all   the same, for copies kept, judged in one pass
# shellcheck shell=bash

cli_here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REF=$cli_here/ibdev2netdev-ref
: "${SPARK_SYSFS:=$cli_here/../../assets/lab/spark-sysfs}"
export LC_ALL=C

cli_name=cli
fail() { echo "FAIL [$cli_name]: $*" >&2; exit 1; }
skip() { echo "SKIP [$cli_name]: $*" >&2; exit 77; }
pass() { echo "PASS [$cli_name]"; exit 0; }

cli_pids=""
cli_cleanup() {
	local p
	for p in $cli_pids; do
		kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
	done
	for p in $cli_pids; do
		kill -0 "$p" 2>/dev/null && { sleep 0.2; kill -KILL "$p" 2>/dev/null; }
	done
	if [ -n "${tmp:-}" ] && [ -d "$tmp" ]; then
		chmod -R u+rwX "$tmp" 2>/dev/null
		rm -rf -- "$tmp"
	fi
}

cli_init() {
	cli_name=$1
	[ -n "${SPARKLINK:-}" ] || fail "SPARKLINK must name the sparklink binary"
	[ -x "$SPARKLINK" ] || fail "$SPARKLINK is not executable"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/sl-cli-XXXXXX") || fail "mktemp"
	chmod 755 "$tmp"
	trap cli_cleanup EXIT
	trap 'exit 1' INT TERM
}

fx_make() {
	local dir=$1
	shift
	(umask 022 && sh "$SPARK_SYSFS" make "$dir" "$@") || fail "spark-sysfs make $dir $* failed"
}

sl() {
	local out=$1 err=$2
	shift 2
	"$SPARKLINK" "$@" >"$out" 2>"$err"
	# shellcheck disable=SC2034 # read by the tests
	rc=$?
}

ref() {
	local root=$1
	shift
	SYSFS_ROOT=$root bash "$REF" "$@"
}

# same_as_ref WHAT GOT_FILE ROOT [-v]: the reference runs once per ROOT and options (a tree is
# not changed after it is first compared: make a new tree for a new case)
declare -A ref_cache=()
same_as_ref() {
	local what=$1 got=$2 root=$3 key
	shift 3
	key="$root $*"
	if [ -z "${ref_cache[$key]:-}" ]; then
		ref_cache[$key]=$tmp/ref.${#ref_cache[@]}.out
		ref "$root" "$@" >"${ref_cache[$key]}" 2>/dev/null
	fi
	if ! cmp -s "${ref_cache[$key]}" "$got"; then
		echo "--- $what: ibdev2netdev-ref (-) vs sparklink (+):" >&2
		diff -u "${ref_cache[$key]}" "$got" >&2
		fail "$what: sparklink differs from ibdev2netdev"
	fi
}

# Bytes a terminal would act on, invalid UTF-8, or a sanitizer's report: all are failures.
# One python3 for all the files (its start costs more than the check).
check_clean() {
	local f
	[ $# -gt 0 ] || return 0
	python3 -S - "$tmp/clean.why" "$@" <<-'EOF' || fail "$(cat "$tmp/clean.why")"
	import sys
	for path in sys.argv[2:]:
	    data = open(path, "rb").read()
	    why = None
	    try:
	        text = data.decode("utf-8")
	    except UnicodeDecodeError as e:
	        why = "invalid UTF-8 in output: %s" % e
	    else:
	        for ch in text:
	            c = ord(ch)
	            if (c < 0x20 and ch not in "\n\t") or c == 0x7f or 0x80 <= c < 0xa0:
	                why = "control character U+%04X in output" % c
	                break
	    if why:
	        with open(sys.argv[1], "w") as out:
	            out.write("%s: %s; it begins: %s\n" % (path, why, data[:300]))
	        sys.exit(1)
	EOF
	for f in $(grep -lE 'Sanitizer|runtime error:' "$@"); do
		cat "$f" >&2
		fail "sanitizer report in $f"
	done
	return 0
}

# clean_later FILE...: keep a copy of each file; check_clean_all judges every copy in one pass
# (before pass: a test that ends early with fail has failed anyway)
nclean=0
clean_later() {
	local f
	for f; do
		nclean=$((nclean + 1))
		cp -- "$f" "$tmp/clean.$nclean" || fail "cannot copy $f"
	done
}
check_clean_all() {
	[ "$nclean" -eq 0 ] || check_clean "$tmp"/clean.*
}

# wait_for PID SECONDS: true if PID ended within SECONDS; its exit code in $wait_rc
wait_for() {
	local pid=$1 limit=$2 i
	for ((i = 0; i < limit * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			# shellcheck disable=SC2034 # read by the tests
			wait_rc=$?
			return 0
		fi
		sleep 0.05
	done
	return 1
}
