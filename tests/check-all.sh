#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Install what the build and the tests need, build once, then run the
# tiers in two lanes side by side, each tier in its own directory with
# its output in a file:
#   lane 1, on the shared gcc build: make check, then the daemons'
#           integration tests once more under valgrind;
#   lane 2: clang's fuzzers (tests/ci-extra.sh), then make distcheck with
#           clang's sanitizers (ASan, UBSan), so the tarball's own
#           make check is also the sanitizer run.
# At the end each tier's results are printed in order with its wall
# time. A test that CI's install makes possible must not SKIP: a skip
# fails the run unless allowed_skip below says why it may happen. The
# last line is "N passed, N failed, N skipped", summed from automake's
# summaries. SKIP_DISTCHECK=1 and SKIP_EXTRA=1 leave tiers out.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# Debian's programs first: the python3 the install below puts in
# /usr/bin, not a version manager's shim in front of it, which costs a
# shell start per call (seconds each under load: tests timed out on it).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

need_root() {
	[ "$(id -u)" = 0 ] || { echo "run as root (apt-get install)"; exit 1; }
}

install_deps() {
	need_root
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Other jobs on the machine may hold dpkg's lock for a while.
	local try
	for try in 1 2 3 4 5; do
		apt_install && return 0
		echo "apt-get install failed (try $try), retrying in 20 s"
		sleep 20
	done
	return 1
}

apt_install() {
	# Build: compiler, autotools, libraries. Tests: cmocka, valgrind,
	# groff for the man pages, python3 for raw-protocol tests, Samba's
	# ctdb for interop, iproute2 and iputils for the namespace tests,
	# libnats-dev and nats-server for the event bus, node_exporter to read
	# `ctdb metrics` as its textfile collector does. corosync and its
	# libraries, nftables, ethtool and tcpdump for the cluster tiers;
	# debhelper and lintian for the package build; iptables and tdb-tools
	# for Samba's stock scripts (tests/cluster/stock_scripts.sh).
	apt-get install -y -qq --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libtalloc-dev libtevent-dev libpopt-dev libjansson-dev \
		libnats-dev nats-server \
		libsystemd-dev libcmocka-dev valgrind groff-base python3 \
		procps psmisc iproute2 iputils-ping arping util-linux ctdb \
		shellcheck systemd clang libclang-rt-14-dev prometheus-node-exporter \
		corosync libcpg-dev libquorum-dev libvotequorum-dev libcmap-dev \
		nftables ethtool tcpdump debhelper lintian fakeroot dpkg-dev \
		iptables tdb-tools \
		>/dev/null
}

# allowed_skip TIER TEST: may TEST skip in TIER even after the install?
# None may today. An entry "TIER:TEST) return 0 ;;" must say why;
# everything else that skips fails the run.
allowed_skip() {
	case "$1:$2" in
	esac
	return 1
}

# Sum automake's "# PASS: N" style lines, the first of each file.
summary_counts() {
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

now() {
	date +%s
}

# tier NAME COMMAND...: run COMMAND with its output in $out/NAME.out; its
# exit status goes to $out/NAME.rc and its wall time to $out/NAME.time.
tier() {
	local name=$1 start rc
	shift
	start=$(now)
	"$@" >"$out/$name.out" 2>&1
	rc=$?
	echo "$rc" >"$out/$name.rc"
	echo "$(($(now) - start))" >"$out/$name.time"
	return $rc
}

# The per-test lines and automake's summary of a make check output.
test_lines() {
	grep -E '^((PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):|# )' "$1"
}

# The logs of failed tests under DIR, at most five, their last lines.
failed_logs() {
	find "$1" -name '*.log' ! -name test-suite.log \
		-exec grep -l -E '^(FAIL|ERROR)' {} + 2>/dev/null | head -5 |
		while read -r f; do
			echo "---- $f"
			tail -60 "$f"
		done
}

# check_skips TIER: every SKIP of TIER's make check must be allowed;
# prints the others with the reason the test gave. Returns 1 if any.
check_skips() {
	local tier=$1 t bad=0
	while read -r t; do
		allowed_skip "$tier" "$t" && continue
		echo "FAIL: $t skipped in $tier, though CI installed what it needs:"
		if [ -f "$gcc/${t%.*}.log" ]; then
			grep -E '^(SKIP|skip|not checked):' "$gcc/${t%.*}.log" |
				sed -e 's/^/    /'
		fi
		bad=1
	done < <(sed -n 's/^SKIP: //p' "$out/$tier.out")
	return $bad
}

# ------------------------------------------------------------------ tiers

lane_gcc() {
	tier check make -C "$gcc" -j2 check
	# Kept before the valgrind run writes the same tests' logs again.
	cp "$gcc/test-suite.log" "$out/check.log" 2>/dev/null
	[ -s "$out/check.rc" ] && [ "$(cat "$out/check.rc")" != 0 ] &&
		failed_logs "$gcc" >"$out/check.failed"
	local vg tests="" t
	vg="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
	for t in "$top"/tests/integration/eventd_*.sh \
		"$top"/tests/integration/noded_*.sh; do
		case "$t" in
		*/noded_lib.sh) ;;
		*) tests="$tests tests/integration/${t##*/}" ;;
		esac
	done
	tier valgrind make -C "$gcc" check VALGRIND="$vg" TESTS="$tests"
	[ "$(cat "$out/valgrind.rc")" != 0 ] &&
		failed_logs "$gcc" >"$out/valgrind.failed"
	return 0
}

lane_clang() {
	if [ -z "${SKIP_EXTRA:-}" ]; then
		# One fuzzer at a time: lane 1 needs the other core.
		tier fuzz env NO_INSTALL=1 CI_EXTRA_STAGES=fuzz \
			FUZZ_JOBS="${FUZZ_JOBS:-1}" bash "$top/tests/ci-extra.sh" "$top"
	fi
	[ -z "${SKIP_DISTCHECK:-}" ] && tier distcheck distcheck_sanitizers
	[ -z "${SKIP_PACKAGES:-}" ] && tier packages packages
	return 0
}

# The Debian packages (tests/packaging/deb.sh): built from a copy of the
# tree, checked by lintian, installed, run and purged in a throwaway
# layer over this system. Run directly, not through make: lane_gcc's
# make check owns the build tree's test-suite.log meanwhile.
packages() {
	abs_top_builddir=$gcc abs_top_srcdir=$top sh "$top/tests/packaging/deb.sh"
}

# make distcheck with clang's ASan and UBSan: the tarball builds,
# installs and passes make check, and no sanitizer fired, not even in a
# daemon whose exit status no test looks at (reports go to files).
distcheck_sanitizers() {
	local reports="$dist/reports" rc=0 f
	mkdir -p "$reports" && chmod 1777 "$reports"
	cd "$dist" || return 1
	"$top/configure" >configure.log 2>&1 || {
		tail -30 configure.log; echo "configure failed"; return 1; }
	ASAN_OPTIONS="log_path=$reports/asan:${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="log_path=$reports/ubsan:${UBSAN_OPTIONS:-}" \
		make -j2 distcheck \
		DISTCHECK_CONFIGURE_FLAGS="CC=clang --enable-sanitizers" || rc=1
	grep -q '^# TOTAL:' <"$out/distcheck.out" ||
		{ echo "FAIL: distcheck ran no tests"; rc=1; }
	for f in $(find "$reports" -type f | sort); do
		echo "FAIL: sanitizer report $f:"
		head -80 "$f"
		rc=1
	done
	return $rc
}

# report NAME: the tier's wall time, results, and on failure what failed.
report() {
	local name=$1 rc
	[ -f "$out/$name.rc" ] || return 0
	rc=$(cat "$out/$name.rc")
	echo "== $name: $(cat "$out/$name.time")s, exit $rc"
	case "$name" in
	fuzz)
		grep -E '^(== |FAIL|ci-extra:|fuzz_)|took ' "$out/fuzz.out"
		[ "$rc" = 0 ] || tail -80 "$out/fuzz.out"
		;;
	packages)
		grep -E '^(FAIL|skip|SKIP|deb\.sh:|  lintian: [EW]:|  .*\.deb: )' \
			"$out/packages.out"
		[ "$rc" = 0 ] || tail -60 "$out/packages.out"
		;;
	distcheck)
		test_lines "$out/distcheck.out" | grep -v -E '^PASS:'
		grep -q 'archives ready for distribution' "$out/distcheck.out" &&
			echo "distcheck: ok"
		[ "$rc" = 0 ] || tail -80 "$out/distcheck.out"
		;;
	*)
		test_lines "$out/$name.out" || tail -40 "$out/$name.out"
		[ -f "$out/$name.failed" ] && cat "$out/$name.failed"
		;;
	esac
	[ "$rc" = 0 ]
}

install_deps || exit 1

out=$(mktemp -d /tmp/ctdb-events-check.XXXXXX)
# Each tier in its own directory; some tests run a step as an
# unprivileged user, who must read the build tree.
gcc=$out/gcc dist=$out/dist
mkdir -p "$gcc" "$dist"
chmod 755 "$out" "$gcc" "$dist"
trap 'rm -rf "$out"' EXIT
t0=$(now)

./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }
build() {
	(cd "$gcc" && "$top/configure" --enable-debug && make -j2)
}
if ! tier build build; then
	tail -60 "$out/build.out"; echo "build failed"; exit 1
fi

lane_gcc &
lane1=$!
lane_clang &
lane2=$!
wait $lane1 $lane2

status=0
report build
for t in check valgrind fuzz distcheck packages; do
	report "$t" || status=1
done
# Everything deb.sh needs is installed above: a skip is a failure here.
if [ -f "$out/packages.rc" ] && [ "$(cat "$out/packages.rc")" = 77 ]; then
	echo "FAIL: deb.sh skipped, although its tools were installed"
	status=1
fi
for t in check valgrind distcheck; do
	[ -f "$out/$t.out" ] || continue
	check_skips "$t" || status=1
done
[ -z "${SKIP_EXTRA:-}" ] && [ "$(cat "$out/fuzz.rc")" = 77 ] &&
	echo "FAIL: clang or libFuzzer missing after the install"

echo "== wall time: $(($(now) - t0))s (build, then two lanes: check+valgrind | fuzz+distcheck+packages)"
read -r pass fail skip <<<"$(summary_counts "$out/check.out" \
	"$out/valgrind.out" "$out/distcheck.out")"
# The packages tier is one test, as make check counts deb.sh.
if [ -f "$out/packages.rc" ]; then
	case $(cat "$out/packages.rc") in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
fi
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
[ "$status" = 0 ] && [ "$fail" = 0 ]
