#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmark our ctdb-eventd/ctdb-event side by side with Samba's (when
# installed) and with a bare spawn loop, interleaved round by round so
# machine noise hits every contender alike. Prints a markdown table.
# Usage: bench/run.sh BUILDDIR [ROUNDS] [N]
# BENCH_PREV=OTHER_BUILDDIR adds that build's daemon and tool as "prev"
# (before/after an optimisation, in the same interleaved rounds);
# BENCH_NO_RSS=1 skips the RSS and hung-script part (minutes long).
set -eu
build=$(cd "${1:?usage: bench/run.sh BUILDDIR [ROUNDS] [N]}" && pwd)
rounds=${2:-5}
n=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
samba_eventd=/usr/libexec/ctdb/ctdb-eventd
samba_tool=/usr/libexec/ctdb/ctdb-event

work=$(mktemp -d /tmp/cb.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/bench_spawn" "$here/bench_spawn.c"
cc -O2 -static -o "$work/tiny_ok" "$here/tiny_ok.c" 2>/dev/null ||
	cc -O2 -o "$work/tiny_ok" "$here/tiny_ok.c"
printf '#!/bin/sh\nexit 0\n' >"$work/sh_ok"
chmod 755 "$work/sh_ok"
spawn=$work/bench_spawn

# make_base DIR: components sh1 sh10 sh100 bin1 bin10 bin100, plus hang.
make_base() {
	local b=$1 k i
	mkdir -p "$b/run" "$b/var" "$b/share/events"
	printf '[logging]\n\tlocation = file:%s/log\n\tlog level = ERROR\n' \
		"$b" >"$b/ctdb.conf"
	printf '[event]\n\tkill grace period = 1\n' >>"$b/ctdb.conf"
	for k in 1 10 100; do
		mkdir -p "$b/events/sh$k" "$b/events/bin$k"
		for i in $(seq -w 1 "$k"); do
			i=$(printf '%02d' $((10#$i % 100)))
			cp "$work/sh_ok" "$b/events/sh$k/$i.s$RANDOM$k.script"
			cp "$work/tiny_ok" "$b/events/bin$k/$i.b$RANDOM$k.script"
		done
	done
	mkdir -p "$b/events/hang"
	cat >"$b/events/hang/01.hang.script" <<'EOS'
#!/bin/sh
echo $$ > "$CTDB_BASE/hang.pid"
trap '' TERM
while :; do sleep 1; done
EOS
	chmod 755 "$b/events/hang/01.hang.script"
}

start_daemon() { # FLAVOUR BASE DAEMON
	local b=$2
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$3" -P $$ 2>"$b/stderr" &
	pids+=($!)
	eval "pid_$1=$!"
	local t=0
	until [ -S "$b/run/eventd.socket" ]; do
		sleep 0.05; t=$((t + 1)); [ $t -lt 200 ] || { echo "no socket"; exit 1; }
	done
}

tool_in() { # BASE TOOL ARGS...
	local b=$1; shift
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$@"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
flavours=(ours)
make_base "$work/ours"
start_daemon ours "$work/ours" "$build/ctdb-eventd"
tool_ours=$build/ctdb-event
if [ -n "${BENCH_PREV:-}" ]; then
	prev=$(cd "$BENCH_PREV" && pwd)
	flavours+=(prev)
	make_base "$work/prev"
	start_daemon prev "$work/prev" "$prev/ctdb-eventd"
	tool_prev=$prev/ctdb-event
fi
if [ -x "$samba_eventd" ] && [ -x "$samba_tool" ]; then
	flavours+=(samba)
	make_base "$work/samba"
	start_daemon samba "$work/samba" "$samba_eventd"
	tool_samba=$samba_tool
fi

for f in "${flavours[@]}"; do
	t=tool_$f
	tool_in "$work/$f" "${!t}" run 30 sh1 monitor
done

declare -A res
measure() { # KEY CMD...
	local key=$1; shift
	res[$key]+="$("$spawn" "$n" "$@") "
}
for r in $(seq 1 "$rounds"); do
	measure bare_true /bin/true
	measure floor_sh "$work/sh_ok"
	measure floor_bin "$work/tiny_ok"
	for f in "${flavours[@]}"; do
		t=tool_$f
		export CTDB_TEST_MODE=yes CTDB_BASE=$work/$f
		measure "status_$f" "${!t}" status sh1 monitor
		for k in 1 10 100; do
			measure "run_sh${k}_$f" "${!t}" run 30 "sh$k" monitor
			measure "run_bin${k}_$f" "${!t}" run 30 "bin$k" monitor
		done
		unset CTDB_TEST_MODE CTDB_BASE
	done
done
m() { echo "${res[$1]}" | tr ' ' '\n' | grep . | median; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

echo "# ctdb-events benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r)"
echo "rounds=$rounds, n=$n per round; medians of per-round medians, microseconds"
echo "load average (1, 5, 15 min) before: $load_before, after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| measure | bare | ours | prev | samba | ours/bare | ours/prev | ours/samba |\n|---|---|---|---|---|---|---|---|\n'
bare=$(m bare_true)
row() { # LABEL KEY BARE
	local o p s
	o=$(m "$2_ours")
	p=$( [ -n "${res[$2_prev]:-}" ] && m "$2_prev" || echo -)
	s=$( [ -n "${res[$2_samba]:-}" ] && m "$2_samba" || echo -)
	awk -v l="$1" -v b="$3" -v o="$o" -v p="$p" -v s="$s" 'BEGIN {
		printf "| %s | %s | %.0f | %s | %s | %s | %s | %s |\n", l, b, o, p, s,
			(b == "-") ? "-" : sprintf("%.2f", o / b),
			(p == "-") ? "-" : sprintf("%.2f", o / p),
			(s == "-") ? "-" : sprintf("%.2f", o / s) }'
}
row "status" status "$bare"
for k in 1 10 100; do
	row "run, $k shell script(s)" "run_sh$k" -
	row "run, $k static binary(ies)" "run_bin$k" -
done
echo
fsh=$(m floor_sh); fbin=$(m floor_bin)
echo "bare spawn+wait (floor): /bin/true ${bare} us, shell script ${fsh} us, static binary ${fbin} us"
for f in "${flavours[@]}"; do
	for kind in sh bin; do
		a=$(m "run_${kind}1_$f"); z=$(m "run_${kind}100_$f")
		fl=$([ $kind = sh ] && echo "$fsh" || echo "$fbin")
		awk -v f="$f" -v k="$kind" -v a="$a" -v z="$z" -v fl="$fl" 'BEGIN {
			p = (z - a) / 99; printf "per-script cost, %s, %s: %.1f us (%.2fx the bare spawn loop)\n", f, k, p, p / fl }'
	done
done

echo
[ -z "${BENCH_NO_RSS:-}" ] || exit 0
hz=$(getconf CLK_TCK)
for f in "${flavours[@]}"; do
	t=tool_$f; p=pid_$f
	export CTDB_TEST_MODE=yes CTDB_BASE=$work/$f
	c0=$(cpu_ticks "${!p}")
	for i in $(seq 1 20); do "${!t}" run 30 bin100 monitor; done
	c1=$(cpu_ticks "${!p}")
	awk -v f="$f" -v c=$((c1 - c0)) -v hz="$hz" 'BEGIN {
		printf "daemon CPU per script, %s: %.1f us (2000 scripts)\n", f, c / hz * 1e6 / 2000 }'
	r0=$(rss_kb "${!p}")
	for i in $(seq 1 1000); do "${!t}" run 30 sh1 monitor; done
	r1=$(rss_kb "${!p}")
	for i in $(seq 1 9000); do "${!t}" run 30 sh1 monitor; done
	r2=$(rss_kb "${!p}")
	echo "daemon RSS, $f: ${r0} KiB at start, ${r1} KiB after 1000 events, ${r2} KiB after 10000 events"
	rm -f "$work/$f/hang.pid"
	"${!t}" run 1 hang monitor >/dev/null || true
	sleep 4
	hp=$(cat "$work/$f/hang.pid" 2>/dev/null || echo 0)
	if [ "$hp" != 0 ] && kill -0 "$hp" 2>/dev/null; then
		echo "hung script after timeout, $f: STILL RUNNING 3 s after the timeout (pid $hp)"
		kill -9 "$hp" 2>/dev/null || true
	else
		echo "hung script after timeout, $f: gone"
	fi
	unset CTDB_TEST_MODE CTDB_BASE
done
