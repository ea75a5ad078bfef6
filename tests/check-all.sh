#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Install what the build and the tests need, build, and run the whole
# suite: make check, then the daemons' integration tests once more under
# valgrind, make distcheck, and clang's fuzzers and sanitizer build
# (tests/ci-extra.sh). Ends with "N passed, N failed" on a line of its own.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)

need_root() {
	[ "$(id -u)" = 0 ] || { echo "run as root (apt-get install)"; exit 1; }
}

install_deps() {
	need_root
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Build: compiler, autotools, libraries. Tests: cmocka, valgrind,
	# groff for the man pages, python3 for raw-protocol tests, Samba's
	# ctdb for interop, iproute2 and iputils for the namespace tests,
	# libnats-dev and nats-server for the event bus, node_exporter to read
	# `ctdb metrics` as its textfile collector does.
	apt-get install -y -qq --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libtalloc-dev libtevent-dev libpopt-dev libjansson-dev \
		libnats-dev nats-server \
		libsystemd-dev libcmocka-dev valgrind groff-base python3 \
		procps psmisc iproute2 iputils-ping arping util-linux ctdb \
		shellcheck systemd clang libclang-rt-14-dev prometheus-node-exporter \
		dpkg-dev debhelper lintian \
		>/dev/null
}

# The Debian packages (tests/packaging/deb.sh): built from a copy of the
# tree, checked by lintian, installed, run and purged in a throwaway root
# over this system. Run from the build directory; adds its log to $logs
# and its wall time to the output. Everything it needs is installed
# above, so a skip is a failure here.
stage_packages() {
	local start=$SECONDS rc
	echo "== packages"
	make check TESTS=tests/packaging/deb.sh >packages.out 2>&1
	rc=$?
	grep -E '^(FAIL|skip|SKIP|deb\.sh:|  lintian: [EW]:|  .*\.deb: )' \
		tests/packaging/deb.log
	cp test-suite.log "$build/packages.log" 2>/dev/null &&
		logs+=("$build/packages.log")
	if [ $rc != 0 ]; then
		status=1
		tail -60 tests/packaging/deb.log
	elif grep -q '^SKIP: tests/packaging/deb.sh' packages.out; then
		status=1
		echo "FAIL: deb.sh skipped, although its tools were installed"
	fi
	echo "packages: took $((SECONDS - start)) s"
}

summary_counts() {
	# Sum automake's "# PASS: N" style lines of every test-suite.log run.
	local pass=0 fail=0 skip=0 f n
	for f in "$@"; do
		[ -f "$f" ] || continue
		n=$(sed -n 's/^# PASS: *//p' "$f" | head -1); pass=$((pass + ${n:-0}))
		n=$(sed -n 's/^# FAIL: *//p' "$f" | head -1); fail=$((fail + ${n:-0}))
		n=$(sed -n 's/^# ERROR: *//p' "$f" | head -1); fail=$((fail + ${n:-0}))
		n=$(sed -n 's/^# XPASS: *//p' "$f" | head -1); fail=$((fail + ${n:-0}))
		n=$(sed -n 's/^# SKIP: *//p' "$f" | head -1); skip=$((skip + ${n:-0}))
	done
	echo "$pass $fail $skip"
}

install_deps || exit 1

build=$(mktemp -d /tmp/ctdb-events-check.XXXXXX)
# Some tests run a step as an unprivileged user, who must read the tree.
chmod 755 "$build"
trap 'rm -rf "$build"' EXIT
logs=()

./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }
cd "$build"
"$top/configure" --enable-debug >configure.log 2>&1 || {
	cat configure.log; echo "configure failed"; exit 1; }
make -j2 >make.log 2>&1 || { cat make.log; echo "build failed"; exit 1; }

status=0
echo "== make check"
make -j2 check >check.out 2>&1 || status=1
grep -E '^((PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):|# )' check.out ||
	tail -40 check.out
cp test-suite.log "$build/check.log" 2>/dev/null && logs+=("$build/check.log")
[ $status = 0 ] || find . -name '*.log' -path '*tests*' -newer make.log \
	-exec grep -l -E '^(FAIL|ERROR)' {} + 2>/dev/null | head -5 |
	while read -r f; do echo "---- $f"; tail -60 "$f"; done

echo "== integration tests under valgrind"
vg="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
make check VALGRIND="$vg" TESTS="$(cd "$top" && ls tests/integration/eventd_*.sh tests/integration/noded_*.sh | grep -v noded_lib.sh | tr '\n' ' ')" \
	>valgrind.out 2>&1 || status=1
grep -E '^((PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):|# )' valgrind.out ||
	tail -40 valgrind.out
cp test-suite.log "$build/valgrind.log" 2>/dev/null && logs+=("$build/valgrind.log")

if [ "${SKIP_DISTCHECK:-}" = "" ]; then
	echo "== make distcheck"
	make distcheck >distcheck.out 2>&1 || { status=1; tail -60 distcheck.out; }
	grep -E '^# (TOTAL|PASS|FAIL|ERROR)' distcheck.out | tail -4
	grep -q 'archives ready for distribution' distcheck.out &&
		echo "distcheck: ok"
fi

if [ "${SKIP_PACKAGES:-}" = "" ]; then
	stage_packages
fi

if [ "${SKIP_EXTRA:-}" = "" ]; then
	echo "== clang: fuzzers and the sanitizer build"
	NO_INSTALL=1 bash "$top/tests/ci-extra.sh" "$top" >"$build/extra.log" 2>&1
	rc=$?
	grep -E '^(== |FAIL|ci-extra:|fuzz_|# (TOTAL|PASS|FAIL|SKIP|ERROR))|took ' \
		"$build/extra.log"
	case $rc in
	0) ;;
	77) echo "clang checks skipped" ;;
	*) status=1; tail -80 "$build/extra.log" ;;
	esac
	logs+=("$build/extra.log")
fi

read -r pass fail skip <<<"$(summary_counts "${logs[@]}")"
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
[ "$status" = 0 ] && [ "$fail" = 0 ]
