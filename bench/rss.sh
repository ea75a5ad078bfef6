#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Resident memory of ctdb-eventd builds side by side: VmRSS at start and
# after 10,000 requests of tests/integration/load_client (200 connections
# x 50 requests, half of them RUN), with and without [events] nats url.
# Usage: bench/rss.sh BUILDDIR [OTHER_BUILDDIR...]
# Each BUILDDIR must have built check programs (make check, or
# make tests/integration/load_client).
set -eu
[ $# -ge 1 ] || { echo "usage: bench/rss.sh BUILDDIR [BUILDDIR...]" >&2; exit 2; }

work=$(mktemp -d /tmp/cr.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# make_base DIR [NATS_URL]: components load1..load4 of one script each,
# printing "$1 $2" as load_client requires.
make_base() {
	local b=$1 c
	mkdir -p "$b/run" "$b/var" "$b/share/events"
	chmod 700 "$b/run"
	printf '[logging]\n\tlocation = file:%s/log\n\tlog level = ERROR\n' \
		"$b" >"$b/ctdb.conf"
	if [ -n "${2:-}" ]; then
		printf '[events]\n\tnats url = %s\n' "$2" >>"$b/ctdb.conf"
	fi
	for c in load1 load2 load3 load4; do
		mkdir -p "$b/events/$c"
		printf '#!/bin/sh\necho "$1 $2"\n' >"$b/events/$c/01.echo.script"
		chmod 755 "$b/events/$c/01.echo.script"
	done
}

# measure LABEL BUILD [NATS_URL]
measure() {
	local label=$1 build=$2 b pid r0 r1 t=0
	b=$work/$label
	make_base "$b" "${3:-}"
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$build/ctdb-eventd" -P $$ \
		2>"$b/stderr" &
	pid=$!
	pids+=("$pid")
	until [ -S "$b/run/eventd.socket" ]; do
		sleep 0.05; t=$((t + 1))
		[ $t -lt 400 ] || { echo "$label: no socket"; return 1; }
	done
	sleep 1
	r0=$(rss_kb "$pid")
	"$build/tests/integration/load_client" -s "$b/run/eventd.socket" \
		-C load1,load2,load3,load4 -c 200 -n 50 -k 1 -r 1 -t 600 \
		>"$b/client.out" 2>&1 || { echo "$label: load client failed"; tail -3 "$b/client.out"; }
	sleep 1
	r1=$(rss_kb "$pid")
	printf '| %s | %s | %s |\n' "$label" "$r0" "$r1"
	kill "$pid"
}

echo "# ctdb-eventd VmRSS (KiB), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| daemon | at start | after 10,000 requests |"
echo "|---|---|---|"
port=$((20000 + $$ % 20000))
i=0
for build in "$@"; do
	build=$(cd "$build" && pwd)
	i=$((i + 1))
	measure "build$i-no-bus" "$build"
	if grep -q '^#define HAVE_NATS 1' "$build/config.h"; then
		# Nothing listens there: the bus retries in the background.
		measure "build$i-nats-url" "$build" "nats://127.0.0.1:$port"
	fi
done
