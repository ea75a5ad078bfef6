#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Run each libFuzzer target of a --enable-fuzzing build for a while; fail
# if any finds a crash, leak, timeout or broken property.
#
# usage: run-fuzzers.sh [-t SECONDS] [-j JOBS] [-s SRCDIR] [-b BUILDDIR]
#                       [-o OUTDIR] [TARGET...]
#   -t  seconds per target (default $FUZZ_SECONDS or 60)
#   -j  targets run at once (default: the number of CPUs)
#   -s  source tree, for the seed corpora (default: this script's ../)
#   -b  build tree holding fuzz/fuzz_<target> (default: .)
#   -o  where the logs, the grown corpora and any crashing input go
#       (default: a new directory under ${TMPDIR:-/tmp}; left in place)
#   TARGET  event_protocol, node_protocol, conf, tunables, public_ips,
#       cluster_protocol
#       (default: all)
# The seed corpus and fuzz/regress/<target> are read, never written: new
# inputs go to OUTDIR. Exit status: 0, 1 if a target failed, 2 for usage.
set -u

seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc 2>/dev/null || echo 1)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=.
outdir=
all_targets="event_protocol node_protocol watch_protocol conf tunables
	public_ips cluster_protocol"

usage() {
	sed -n '/^# usage:/,/^# inputs go/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while getopts "t:j:s:b:o:h" opt; do
	case "$opt" in
	t) seconds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	s) srcdir=$OPTARG ;;
	b) builddir=$OPTARG ;;
	o) outdir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
targets=${*:-$all_targets}
case "$seconds$jobs" in
*[!0-9]*) usage ;;
esac
[ "$jobs" -ge 1 ] || jobs=1

for t in $targets; do
	if [ ! -x "$builddir/fuzz/fuzz_$t" ]; then
		echo "run-fuzzers: $builddir/fuzz/fuzz_$t missing (make fuzz)" >&2
		exit 2
	fi
	if [ ! -d "$srcdir/fuzz/corpus/$t" ]; then
		echo "run-fuzzers: no seed corpus $srcdir/fuzz/corpus/$t" >&2
		exit 2
	fi
done

if [ -z "$outdir" ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/ctdb-fuzz.XXXXXX") || exit 2
fi
mkdir -p "$outdir" || exit 2

# One target: fuzz for $seconds, then print one summary line. Options:
# the time limit per input is generous (a sanitizer build under load is
# slow); -rss_limit_mb catches a forged count that makes us allocate.
run_one() {
	local t=$1
	local corpus="$outdir/corpus-$t" log="$outdir/$t.log"
	local regress="$srcdir/fuzz/regress/$t" rc execs a
	local dirs=("$corpus" "$srcdir/fuzz/corpus/$t")

	mkdir -p "$corpus"
	[ -d "$regress" ] && dirs+=("$regress")
	"$builddir/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$outdir/$t-" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	echo "$rc" >"$outdir/$t.rc"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" = 0 ]; then
		echo "PASS: fuzz_$t: ${execs:-?} executions in ${seconds}s," \
			"$(find "$corpus" -type f | wc -l) new corpus inputs"
	else
		echo "FAIL: fuzz_$t (exit $rc) after ${execs:-?} executions;" \
			"log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|artifact_prefix|Test unit written)' \
			"$log" | head -20
		# The input itself, so that a CI log is enough to reproduce:
		# base64 -d >fuzz/regress/<target>/<name>.
		for a in "$outdir/$t"-*; do
			[ -f "$a" ] || continue
			echo "input $(basename "$a") ($(wc -c <"$a") bytes, base64):"
			head -c 4096 "$a" | base64
		done
	fi
	return "$rc"
}

echo "fuzzing $targets for ${seconds}s each, $jobs at a time; output in $outdir"
for t in $targets; do
	rm -f "$outdir/$t.rc"
	run_one "$t" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
done
wait
# A target that died without writing its status failed too.
failed=0
for t in $targets; do
	[ "$(cat "$outdir/$t.rc" 2>/dev/null)" = 0 ] || failed=1
done

if [ "$failed" = 0 ]; then
	echo "all fuzz targets passed"
else
	echo "a fuzz target failed: inputs and logs kept in $outdir"
fi
exit "$failed"
