#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Instruction counts, deterministic where wall times on a shared machine
# are not:
#   - `ctdb-event status bin1 monitor` (the one-shot tool, whole process);
#   - the daemon's cost per script run: ctdb-eventd under callgrind runs
#     10 x 100 static "exit 0" scripts in one life and 10 x 1 in another;
#     (total_100 - total_1) / 990.
# usage: bench/callgrind.sh BUILDDIR [BUILDDIR...]   (one line per build)
# Not a test: nothing here passes or fails on a figure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind not found"; exit 77; }

work=$(mktemp -d /tmp/ctdb-callgrind.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -static -o "$work/tiny_ok" "$here/tiny_ok.c" 2>/dev/null ||
	cc -O2 -o "$work/tiny_ok" "$here/tiny_ok.c"

make_base() { # DIR
	local b=$1 k i
	mkdir -p "$b/run" "$b/var" "$b/share/events"
	printf '[logging]\n\tlocation = file:%s/log\n\tlog level = ERROR\n' \
		"$b" >"$b/ctdb.conf"
	for k in 1 100; do
		mkdir -p "$b/events/bin$k"
		for i in $(seq 1 "$k"); do
			cp "$work/tiny_ok" "$b/events/bin$k/$(printf '%02d' $((i % 100))).b$i.script"
		done
	done
}

# totals OUTFILE: the instruction total callgrind wrote.
totals() { sed -n 's/^totals: *//p' "$1" | cut -d' ' -f1; }

# daemon_total BUILD BASE COMP: instructions of one daemon life with 10
# runs of COMP's monitor event.
daemon_total() {
	local build=$1 b=$2 comp=$3 out=$2/cg.$3 t=0 pid
	rm -f "$b/run/eventd.socket"
	CTDB_TEST_MODE=yes CTDB_BASE=$b valgrind -q --tool=callgrind \
		--callgrind-out-file="$out" "$build/ctdb-eventd" -P $$ \
		2>>"$b/stderr" &
	pid=$!
	pids+=("$pid")
	until [ -S "$b/run/eventd.socket" ]; do
		sleep 0.1; t=$((t + 1))
		[ $t -lt 300 ] || { echo "no socket in $b" >&2; return 1; }
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		CTDB_TEST_MODE=yes CTDB_BASE=$b "$build/ctdb-event" run 600 \
			"$comp" monitor >/dev/null || { echo "run of $comp failed: $?" >&2; return 1; }
	done
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	totals "$out"
}

printf '%-40s %14s %14s\n' build "status (instr)" "per script"
n=0
for build in "$@"; do
	n=$((n + 1))
	b=$work/base$n
	make_base "$b"
	t1=$(daemon_total "$build" "$b" bin1) || exit 1
	t100=$(daemon_total "$build" "$b" bin100) || exit 1
	# The status call, against a plain (not callgrind) daemon.
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$build/ctdb-eventd" -P $$ 2>>"$b/stderr" &
	pids+=($!)
	until [ -S "$b/run/eventd.socket" ]; do sleep 0.05; done
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$build/ctdb-event" run 60 bin1 monitor
	CTDB_TEST_MODE=yes CTDB_BASE=$b valgrind -q --tool=callgrind \
		--callgrind-out-file="$b/cg.status" "$build/ctdb-event" status \
		bin1 monitor >/dev/null 2>&1
	printf '%-40s %14s %14s\n' "$build" "$(totals "$b/cg.status")" \
		"$(((t100 - t1) / 990))"
done
