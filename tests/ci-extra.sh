#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CI's extra checks with clang, each in its own out-of-tree build:
#  (a) --enable-fuzzing: make fuzz, then every libFuzzer target for
#      $FUZZ_SECONDS (default 60), $FUZZ_JOBS at a time (default: CPUs);
#  (b) --enable-sanitizers (ASan, UBSan, leak detection): make check,
#      then any sanitizer report a daemon wrote counts as a failure too.
# usage: tests/ci-extra.sh [SRCDIR]   (default: this script's ../)
# As root it installs what it needs first (apt-get; NO_INSTALL=1 skips
# that). CI_EXTRA_STAGES picks the stages, "fuzz sanitizers" by default
# (tests/check-all.sh runs only fuzz: its distcheck is the sanitizer
# build). Exit status: 0, 1 on any failure, 77 when clang or libFuzzer is
# not available.
set -u

srcdir=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
seconds=${FUZZ_SECONDS:-60}
fuzz_jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
make_jobs=${MAKE_JOBS:-$(nproc 2>/dev/null || echo 2)}
stages=${CI_EXTRA_STAGES:-fuzz sanitizers}

# want STAGE: is STAGE among those asked for?
want() {
	case " $stages " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

install_deps() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || return 1
	# What make check needs (as tests/check-all.sh, less valgrind), then
	# clang with its runtime libraries (libFuzzer, ASan, UBSan).
	apt-get install -y -qq --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libtalloc-dev libtevent-dev libpopt-dev libjansson-dev \
		libnats-dev nats-server \
		libsystemd-dev libcmocka-dev groff-base python3 \
		procps psmisc iproute2 iputils-ping arping util-linux ctdb \
		shellcheck systemd \
		clang libclang-rt-14-dev >/dev/null
}

elapsed() {
	echo "$(($(date +%s) - $1))s"
}

if [ -z "${NO_INSTALL:-}" ] && [ "$(id -u)" = 0 ] &&
	command -v apt-get >/dev/null; then
	install_deps || { echo "ci-extra: apt-get failed"; exit 1; }
fi
if ! command -v clang >/dev/null; then
	echo "ci-extra: SKIP: clang not found"
	exit 77
fi

if [ ! -x "$srcdir/configure" ] ||
	[ "$srcdir/configure.ac" -nt "$srcdir/configure" ]; then
	(cd "$srcdir" && ./autogen.sh) >/dev/null 2>&1 || {
		echo "ci-extra: autogen.sh failed"; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ctdb-events-extra.XXXXXX") || exit 1
# Some tests run a step as an unprivileged user, who must read the tree.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
status=0

# ------------------------------------------------------------ (a) fuzzing
fuzz() {
	echo "== fuzzing (clang, --enable-fuzzing, ${seconds}s per target)"
	start=$(date +%s)
	mkdir "$work/fuzz"
	cd "$work/fuzz" || exit 1
	if ! "$srcdir/configure" CC=clang --enable-fuzzing >configure.log 2>&1; then
		if grep -q 'needs clang with libFuzzer' configure.log; then
			echo "ci-extra: SKIP: clang cannot link libFuzzer targets"
			exit 77
		fi
		tail -30 configure.log
		echo "FAIL: configure --enable-fuzzing"
		status=1
	elif ! make -j"$make_jobs" fuzz >make.log 2>&1; then
		tail -40 make.log
		echo "FAIL: make fuzz"
		status=1
	else
		bash "$srcdir/fuzz/run-fuzzers.sh" -t "$seconds" -j "$fuzz_jobs" \
			-s "$srcdir" -b . -o "$work/fuzz/out" || status=1
	fi
	echo "fuzzing took $(elapsed "$start")"
}

# --------------------------------------------------------- (b) sanitizers
sanitizers() {
	echo "== make check (clang, --enable-sanitizers)"
	start=$(date +%s)
	mkdir "$work/asan" "$work/asan/reports"
	chmod 1777 "$work/asan/reports"
	cd "$work/asan" || exit 1
	# Reports go to files as well as failing their process, so that one
	# from a daemon, whose exit status no test looks at, is not lost.
	export ASAN_OPTIONS="log_path=$work/asan/reports/asan:${ASAN_OPTIONS:-}"
	export UBSAN_OPTIONS="log_path=$work/asan/reports/ubsan:${UBSAN_OPTIONS:-}"
	if ! "$srcdir/configure" CC=clang --enable-sanitizers >configure.log 2>&1; then
		tail -30 configure.log
		echo "FAIL: configure --enable-sanitizers"
		status=1
	elif ! make -j"$make_jobs" >make.log 2>&1; then
		tail -40 make.log
		echo "FAIL: make (sanitizers)"
		status=1
	else
		make -j"$make_jobs" check >check.out 2>&1 || status=1
		grep -E '^((PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):|# )' check.out ||
			tail -40 check.out
		grep -q '^# TOTAL:' check.out || status=1
		find . -name '*.log' ! -name test-suite.log -newer make.log \
			-exec grep -l -E '^(FAIL|ERROR) ' {} + 2>/dev/null |
			head -5 | while read -r f; do
				echo "---- $f"
				tail -60 "$f"
			done
		reports=$(find "$work/asan/reports" -type f | sort)
		if [ -n "$reports" ]; then
			echo "FAIL: sanitizer reports:"
			for f in $reports; do
				echo "---- $f"
				head -80 "$f"
			done
			status=1
		fi
	fi
	echo "sanitizer check took $(elapsed "$start")"
}

want fuzz && fuzz
want sanitizers && sanitizers

if [ "$status" = 0 ]; then
	echo "ci-extra: all passed"
else
	echo "ci-extra: FAILED"
fi
exit "$status"
