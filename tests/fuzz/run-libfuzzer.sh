#!/bin/bash
# run-libfuzzer.sh BIN NAME FUZZDIR WORK SECONDS RUNS: one libFuzzer target for a bounded time
# (CTest's fuzz_run_NAME). It runs FUZZDIR/corpus/NAME and every past crash (FUZZDIR/crashes/NAME)
# first, then fuzzes for SECONDS (at most RUNS inputs). New inputs go to WORK/new, in the build
# tree, never into the source tree. A crash, leak, timeout or failed check leaves its input in
# WORK/artifacts and fails the test, saying where it is and what to do with it.
set -u
bin=$1 name=$2 fuzzdir=$3 work=$4 secs=$5 runs=$6
fail() { echo "FAIL [fuzz_run_$name]: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin was not built"
[ -d "$fuzzdir/corpus/$name" ] || fail "no corpus $fuzzdir/corpus/$name"
rm -rf -- "$work" && mkdir -p -- "$work/new" "$work/artifacts" || fail "cannot make $work"
# the targets that edit files do so in a private directory: on tmpfs when there is one
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
dirs=("$work/new" "$fuzzdir/corpus/$name")
[ -d "$fuzzdir/crashes/$name" ] && dirs+=("$fuzzdir/crashes/$name")

"$bin" -max_total_time="$secs" -runs="$runs" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dirs[@]}" >"$work/log" 2>&1
rc=$?
found=$(find "$work/artifacts" -type f | sort)
if [ $rc -ne 0 ] || [ -n "$found" ]; then
	tail -n 60 "$work/log" >&2
	fail "libFuzzer exited $rc; the input(s) that broke it: ${found:-none kept (see the log above)}.
Copy each into $fuzzdir/crashes/$name/, fix the cause, and run fuzz_regress_$name and this test again."
fi
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
seeds=$(find "$fuzzdir/corpus/$name" -type f | wc -l)
crashes=0
[ -d "$fuzzdir/crashes/$name" ] && crashes=$(find "$fuzzdir/crashes/$name" -type f | wc -l)
new=$(find "$work/new" -type f | wc -l)
cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | sed -n 's/.*\(cov: [0-9]*\).*/\1/p' | tail -n 1)
echo "PASS [fuzz_run_$name]: ${execs:-?} inputs in ${secs} s at most (${cov:-cov: ?}); corpus:" \
	"$seeds seeds + $crashes past crashes, $new new inputs found (in $work/new)"
