#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian packages: build them from a copy of the tree with
# dpkg-buildpackage, check them with lintian, then install, run and purge
# them on this machine's own system, seen through a throwaway layer, and
# check that nothing of them is left.
#
# Why a throwaway layer: ctdb-events conflicts with Samba's ctdb package
# (README, "Packages"), which other tests on this machine need, so it
# cannot be installed here for real. Debootstrap needs the network. So
# the test enters new mount, pid and network namespaces and mounts an
# overlay whose lower layer is / and whose upper layer is a tmpfs, and
# chroots into it: dpkg there sees the real installed system, Samba's
# ctdb included, and everything it writes goes to the tmpfs, which
# vanishes with the namespace. Processes started inside die with the pid
# namespace. The upper layer is also the record of what changed, which
# is how leftovers are found.
#
# Inside, with Samba's ctdb installed: ctdb-events-eventd installs beside
# it without touching a file of Samba's (dpkg -V), ctdb-events is refused
# because of the conflict, and purging ctdb-events-eventd leaves nothing.
# Then Samba's ctdb is purged (in the layer only), both packages are
# installed, `ctdb-noded -n` checks the installed configuration, a
# standalone node starts in a private directory (directly, as
# examples/run-standalone.sh does, and through the LSB init script), both
# packages are purged, and nothing of them is left: no path from their
# file lists, no new file anywhere outside dpkg's own records.
#
# Exit 77 when not root, when dpkg-buildpackage, unshare or overlayfs is
# missing, and when a step could not run (no Samba ctdb, no lintian):
# each skipped step is named. Not part of `make check` (it builds the
# whole tree again); tests/check-all.sh runs it as its own stage, and
#   make check TESTS=tests/packaging/deb.sh
# runs it alone. DEB_KEEP=DIR keeps the packages and logs in DIR.

set -u

# ---------------------------------------------------------------- helpers

passed=0
failed=0
skipped=0

pass()
{
	echo "ok: $*"
	passed=$((passed + 1))
}

fail()
{
	echo "FAIL: $*"
	failed=$((failed + 1))
}

skip_step()
{
	echo "skip: $*"
	skipped=$((skipped + 1))
}

# run CMD...: its output (both streams) in $out, its exit status in $rc.
run()
{
	out=$("$@" 2>&1)
	rc=$?
}

# expect_rc WHAT WANT: the last run() exited WANT.
expect_rc()
{
	if [ "$rc" -eq "$2" ]; then
		pass "$1"
	else
		fail "$1: exit $rc, expected $2; output:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# expect_out WHAT PATTERN: the last run()'s output matches the grep
# extended regular expression PATTERN.
expect_out()
{
	if printf '%s\n' "$out" | grep -E -q -- "$2"; then
		pass "$1"
	else
		fail "$1: no match for /$2/ in:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# The summary line CI reads, and the exit status: a failure fails, a
# skipped step makes the test a skip.
finish()
{
	echo "deb.sh: $passed passed, $failed failed, $skipped skipped steps"
	if [ "$failed" -gt 0 ]; then
		exit 1
	fi
	if [ "$skipped" -gt 0 ]; then
		exit 77
	fi
	exit 0
}

# --------------------------------------------- inside the throwaway root

# Where the namespace stage mounts the overlay's layers inside the root.
LAYERS=/run/deb-test

# changes: what the throwaway layer holds besides dpkg's own records, one
# line each: "new PATH", "changed PATH" (differs from the real system) or
# "removed PATH". Directories copied up only because something below
# them changed are not changes.
changes()
{
	(
		cd "$LAYERS/upper" || exit 1
		find . -mindepth 1 \( -path ./var/lib/dpkg \
			-o -path ./var/log \
			-o -path ./var/cache/man \
			-o -path ./var/cache/debconf \
			-o -path ./usr/sbin/policy-rc.d \
			-o -path ./tmp -o -path ./run -o -path ./dev \
			-o -path ./proc \) -prune -o -print
	) | sed 's|^\.||' | sort | while read -r p; do
		up="$LAYERS/upper$p"
		low="$LAYERS/lower$p"
		if [ -c "$up" ] && [ "$(stat -c %t:%T "$up")" = 0:0 ]; then
			echo "removed $p"
		elif [ -d "$up" ] && [ ! -h "$up" ]; then
			if [ ! -d "$low" ]; then
				echo "new $p"
			fi
		elif [ ! -e "$low" ] && [ ! -h "$low" ]; then
			echo "new $p"
		elif [ -h "$up" ] || [ -h "$low" ]; then
			if [ "$(readlink "$up")" != "$(readlink "$low")" ]; then
				echo "changed $p"
			fi
		elif ! cmp -s "$up" "$low"; then
			echo "changed $p"
		fi
	done
}

# same_changes WHAT BEFORE: nothing changed since BEFORE was taken.
same_changes()
{
	changes >"$work/changes.after"
	if diff -u "$2" "$work/changes.after" >"$work/changes.diff"; then
		pass "$1"
	else
		fail "$1; the layer differs:"
		sed 's/^/    /' "$work/changes.diff"
	fi
}

# deb_paths DEB: every path in DEB, as dpkg -L prints them.
deb_paths()
{
	dpkg-deb -c "$1" | sed -e 's|^.* \./|/|' -e 's| -> .*||' \
		-e 's|/$||' -e 's|^$|/.|'
}

# record_existing LIST OUT: those paths of LIST that exist now.
record_existing()
{
	while read -r p; do
		if [ -e "$p" ] || [ -h "$p" ]; then
			echo "$p"
		fi
	done <"$1" >"$2"
}

# expect_gone WHAT LIST EXISTED: every path of LIST that did not exist
# before (EXISTED) is gone.
expect_gone()
{
	left=$(while read -r p; do
		if { [ -e "$p" ] || [ -h "$p" ]; } &&
		   ! grep -q -x -F -- "$p" "$3"; then
			echo "$p"
		fi
	done <"$2")
	if [ -z "$left" ]; then
		pass "$1"
	else
		fail "$1; still there:"
		printf '%s\n' "$left" | sed 's/^/    /'
	fi
}

# wait_for SECONDS CMD...: poll CMD every tenth of a second until it
# succeeds; 1 if it never did.
wait_for()
{
	limit=$(($1 * 10))
	shift
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		if [ "$n" -ge "$limit" ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# gone PID: the process has exited. An exited child that nobody reaped
# yet (pid 1 of the namespace does not reap) counts as gone.
gone()
{
	case "$(cat "/proc/$1/stat" 2>/dev/null)" in
	"" | *") Z "*) return 0 ;;
	esac
	return 1
}

# private_base: a new test-mode directory with the packaged example
# configuration, as examples/run-standalone.sh makes one.
private_base()
{
	b=$(mktemp -d /tmp/standalone.XXXXXX) || return 1
	cp -R /usr/share/doc/ctdb-events/examples/standalone/. "$b/" &&
		mkdir -p "$b/run" "$b/var" "$b/share/events/legacy" &&
		echo "$b"
}

# Samba's ctdb-event tool against our packaged event daemon, beside
# Samba's own, in a private test-mode directory.
check_eventd_beside_samba()
{
	b=$(mktemp -d /tmp/eventd.XXXXXX)
	mkdir -p "$b/run" "$b/var" "$b/events/legacy"
	printf '[logging]\n\tlocation = file:-\n' >"$b/ctdb.conf"
	printf '#!/bin/sh\necho hello from %s\n' "$1" \
		>"$b/events/legacy/01.hello.script"
	chmod 755 "$b/events/legacy/01.hello.script"
	CTDB_TEST_MODE=yes CTDB_BASE=$b \
		/usr/libexec/ctdb-events/ctdb-eventd -P $$ \
		>"$b/eventd.log" 2>&1 &
	eventd=$!
	if ! wait_for 10 test -S "$b/run/eventd.socket"; then
		fail "packaged ctdb-eventd did not start:"
		sed 's/^/    /' "$b/eventd.log"
		return
	fi
	run env CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		/usr/libexec/ctdb/ctdb-event run 10 legacy monitor
	expect_rc "Samba's ctdb-event runs an event on the packaged daemon" 0
	run env CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		/usr/libexec/ctdb/ctdb-event status legacy monitor
	expect_out "Samba's ctdb-event reads its status" '^01\.hello +OK'
	kill -TERM "$eventd"
	if wait_for 10 gone "$eventd"; then
		pass "packaged ctdb-eventd stops on SIGTERM"
	else
		fail "packaged ctdb-eventd still runs after SIGTERM"
	fi
}

# Phase A: ctdb-events-eventd beside Samba's installed ctdb.
beside_samba()
{
	changes >"$work/changes.a"
	deb_paths "$eventd_deb" >"$work/paths.eventd"
	record_existing "$work/paths.eventd" "$work/existed.eventd"

	run dpkg -i "$eventd_deb"
	expect_rc "ctdb-events-eventd installs beside Samba's ctdb" 0
	run dpkg -V ctdb
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		pass "no file of Samba's ctdb changed (dpkg -V ctdb)"
	else
		fail "dpkg -V ctdb: $out"
	fi
	run dpkg -S /usr/libexec/ctdb/ctdb-eventd
	expect_out "Samba's ctdb still owns /usr/libexec/ctdb/ctdb-eventd" \
		'^ctdb: /usr/libexec/ctdb/ctdb-eventd$'
	check_eventd_beside_samba eventd

	run dpkg -i "$node_deb"
	if [ "$rc" -ne 0 ]; then
		pass "dpkg refuses ctdb-events while Samba's ctdb is installed"
	else
		fail "ctdb-events installed over Samba's ctdb: $out"
	fi
	expect_out "and names the conflict" 'conflicts with ctdb'
	run dpkg -V ctdb
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		pass "the refused install changed no file of Samba's ctdb"
	else
		fail "dpkg -V ctdb after the refused install: $out"
	fi

	run dpkg --purge ctdb-events-eventd
	expect_rc "ctdb-events-eventd purges" 0
	expect_gone "no path of ctdb-events-eventd is left" \
		"$work/paths.eventd" "$work/existed.eventd"
	same_changes "nothing is left of ctdb-events-eventd" \
		"$work/changes.a"
}

# The standalone start of examples/run-standalone.sh, from the packaged
# binaries and example configuration, in a private directory.
standalone_start()
{
	base=$(private_base) || {
		fail "cannot make a private directory"
		return
	}
	CTDB_TEST_MODE=yes CTDB_BASE=$base /usr/sbin/ctdb-noded \
		>"$base/noded.log" 2>&1 &
	noded=$!
	# ctdb wait needs the daemon's socket; startup makes it.
	if ! wait_for 30 test -S "$base/run/noded.socket"; then
		fail "standalone ctdb-noded made no socket:"
		sed 's/^/    /' "$base/noded.log"
	fi
	run env CTDB_TEST_MODE=yes CTDB_BASE="$base" \
		ctdb wait node.health=HEALTHY --timeout 30
	expect_rc "standalone ctdb-noded becomes HEALTHY" 0
	run env CTDB_TEST_MODE=yes CTDB_BASE="$base" ctdb ip
	expect_out "it hosts the example public address" '^127\.0\.0\.101 +0'
	run env CTDB_TEST_MODE=yes CTDB_BASE="$base" \
		ctdb event status legacy monitor
	expect_out "the example monitor script ran" '^01\.hello +OK'
	eventd=$(cat "$base/run/eventd.pid" 2>/dev/null)
	run readlink -f "/proc/$eventd/exe"
	expect_out "its event daemon is the packaged one" \
		'^/usr/libexec/ctdb-events/ctdb-eventd$'
	kill -TERM "$noded"
	if wait_for 30 gone "$noded" && wait_for 10 gone "$eventd"; then
		pass "SIGTERM stops ctdb-noded and its ctdb-eventd"
	else
		fail "ctdb-noded or ctdb-eventd still runs after SIGTERM:"
		sed 's/^/    /' "$base/noded.log"
	fi
}

# The same through the installed LSB init script, in test mode.
init_script_start()
{
	base=$(private_base) || {
		fail "cannot make a private directory"
		return
	}
	export CTDB_TEST_MODE=yes CTDB_BASE="$base"
	run /etc/init.d/ctdb-noded start
	expect_rc "/etc/init.d/ctdb-noded start" 0
	run ctdb wait node.health=HEALTHY --timeout 30
	expect_rc "the node it started becomes HEALTHY" 0
	run /etc/init.d/ctdb-noded status
	expect_rc "/etc/init.d/ctdb-noded status: running" 0
	run /etc/init.d/ctdb-noded stop
	expect_rc "/etc/init.d/ctdb-noded stop" 0
	run /etc/init.d/ctdb-noded status
	expect_rc "/etc/init.d/ctdb-noded status: stopped" 3
	unset CTDB_TEST_MODE CTDB_BASE
}

# Phase B: both packages, without Samba's ctdb.
standalone_node()
{
	changes >"$work/changes.b"
	deb_paths "$eventd_deb" >"$work/paths.eventd"
	deb_paths "$node_deb" >"$work/paths.node"
	cat "$work/paths.eventd" "$work/paths.node" >"$work/paths.all"
	record_existing "$work/paths.all" "$work/existed.all"

	run dpkg -i "$eventd_deb" "$node_deb"
	expect_rc "ctdb-events and ctdb-events-eventd install" 0
	if [ "$rc" -ne 0 ]; then
		return
	fi
	dpkg -L ctdb-events | sort >"$work/listed.node"
	if sort "$work/paths.node" | cmp -s - "$work/listed.node"; then
		pass "dpkg -L ctdb-events lists the package's $(wc -l \
			<"$work/listed.node") paths"
	else
		fail "dpkg -L ctdb-events differs from the package's contents"
	fi
	run dpkg-query -W -f '${Conffiles}\n' ctdb-events
	for f in /etc/ctdb/ctdb.conf /etc/ctdb/ctdb.tunables \
		/etc/ctdb/public_addresses /etc/default/ctdb-noded \
		/etc/init.d/ctdb-noded; do
		expect_out "conffile $f" "^ $f "
	done
	for f in /lib/systemd/system/ctdb-noded.service /usr/sbin/ctdb-noded \
		/usr/bin/ctdb /usr/libexec/ctdb/ctdb-event \
		/usr/libexec/ctdb/ctdb-config /usr/libexec/ctdb/ctdb_killtcp \
		/usr/share/man/man8/ctdb-config.8.gz \
		/usr/share/man/man8/ctdb_killtcp.8.gz \
		/usr/share/ctdb/events/legacy/00.node.script \
		/usr/share/ctdb/events/legacy/10.interface.script \
		/usr/share/man/man8/ctdb-noded.8.gz; do
		if [ -f "$f" ]; then
			pass "installed $f"
		else
			fail "missing $f"
		fi
	done
	run readlink -f /usr/libexec/ctdb/ctdb-eventd
	expect_out "/usr/libexec/ctdb/ctdb-eventd leads to the packaged daemon" \
		'^/usr/libexec/ctdb-events/ctdb-eventd$'
	if [ -h /etc/systemd/system/multi-user.target.wants/ctdb-noded.service ]
	then
		pass "ctdb-noded.service is enabled"
	else
		fail "ctdb-noded.service is not enabled"
	fi
	if ls /etc/rc2.d/S*ctdb-noded >/dev/null 2>&1; then
		pass "the init script is enabled in runlevel 2"
	else
		fail "no /etc/rc2.d link to the init script"
	fi

	run ctdb-noded -n
	expect_rc "ctdb-noded -n accepts the installed configuration" 0
	expect_out "and says so" 'configuration OK'
	# The helper Samba's scripts read ctdb.conf with, in its place.
	run /usr/libexec/ctdb/ctdb-config get logging location
	expect_rc "ctdb-config get logging location" 0
	expect_out "reads the installed ctdb.conf" '^syslog$'
	run /usr/libexec/ctdb/ctdb-config validate
	expect_rc "ctdb-config validate accepts the installed ctdb.conf" 0
	run /etc/init.d/ctdb-noded status
	expect_rc "not started on installation (init script status 3)" 3

	standalone_start
	init_script_start

	# The administrator enables a shipped script and writes one of
	# their own: purging removes the first link, keeps the second.
	run ctdb event script enable legacy 00.node
	expect_rc "ctdb event script enable legacy 00.node" 0
	printf '#!/bin/sh\nexit 0\n' >/etc/ctdb/events/legacy/99.mine.script
	chmod 755 /etc/ctdb/events/legacy/99.mine.script

	run dpkg --purge ctdb-events ctdb-events-eventd
	expect_rc "both packages purge" 0
	run dpkg-query -W ctdb-events ctdb-events-eventd
	expect_rc "dpkg no longer knows them" 1
	if [ -f /etc/ctdb/events/legacy/99.mine.script ] &&
	   [ ! -h /etc/ctdb/events/legacy/00.node.script ]; then
		pass "purge kept the administrator's script, removed the link"
	else
		fail "purge: own script kept? link removed? $(ls -la \
			/etc/ctdb/events/legacy 2>&1)"
	fi
	# What the administrator made goes now, by hand, so that the
	# comparison below sees what the packages left.
	rm -f /etc/ctdb/events/legacy/99.mine.script
	rmdir /etc/ctdb/events/legacy /etc/ctdb/events /etc/ctdb 2>/dev/null
	expect_gone "no path of either package is left" \
		"$work/paths.all" "$work/existed.all"
	same_changes "nothing else is left of either package" \
		"$work/changes.b"
}

in_root()
{
	debs=$1
	work=$(mktemp -d /tmp/work.XXXXXX) || exit 99
	# The installed paths, not a caller's test mode.
	PATH=/usr/sbin:/usr/bin:/sbin:/bin
	export PATH
	unset CTDB_TEST_MODE CTDB_BASE CTDB_TEST_HELPER_BINDIR CTDB_EVENTD
	eventd_deb=$(ls "$debs"/ctdb-events-eventd_*.deb)
	node_deb=$(ls "$debs"/ctdb-events_*.deb)
	# No maintainer script may start or stop a service of the real
	# system from in here (there is none to reach, but say so).
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d

	samba=$(dpkg-query -W -f '${db:Status-Abbrev}' ctdb 2>/dev/null)
	case "$samba" in
	ii*)
		beside_samba
		run dpkg --purge ctdb
		expect_rc "Samba's ctdb purges (in the throwaway layer)" 0
		;;
	*)
		skip_step "Samba's ctdb is not installed: coexistence not checked"
		;;
	esac
	standalone_node
	finish
}

# ------------------------------------------------------ the namespace stage

# In new mount, pid and network namespaces: build the throwaway root and
# run this script inside it. All mounts and processes end with us.
in_namespace()
{
	work=$1
	layers="$work/layers"
	root="$work/root"
	mkdir -p "$layers" "$root" || exit 99
	if ! { mount -t tmpfs -o mode=0755 deb-test "$layers" &&
		mkdir -p "$layers/upper" "$layers/work" &&
		mount -t overlay deb-test -o "lowerdir=/,upperdir=$layers/upper,workdir=$layers/work" "$root"; }; then
		echo "cannot mount the overlay"
		exit 99
	fi
	if ! { mount -t proc proc "$root/proc" &&
		mount --rbind /dev "$root/dev" &&
		mount -t tmpfs -o mode=0755 run "$root/run" &&
		mount -t tmpfs -o mode=1777 tmp "$root/tmp" &&
		mkdir -p "$root$LAYERS/upper" "$root$LAYERS/lower" &&
		mount --bind -o ro "$layers/upper" "$root$LAYERS/upper" &&
		mount --bind -o ro / "$root$LAYERS/lower"; }; then
		echo "cannot mount the root's file systems"
		exit 99
	fi
	ip link set lo up 2>/dev/null
	if ! { mkdir -p "$root/tmp/debs" &&
		cp "$work"/debs/*.deb "$root/tmp/debs/" &&
		cp "$0" "$root/tmp/deb.sh"; }; then
		exit 99
	fi
	chroot "$root" /bin/sh /tmp/deb.sh --in-root /tmp/debs
}

# ----------------------------------------------------------- the outer test

# A copy of the tree: the files git tracks or would track, or, from a
# release tarball, everything but a build made inside it.
copy_tree()
{
	if git -C "$abs_top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$abs_top_srcdir" &&
			git -c safe.directory='*' ls-files -z -c -o \
				--exclude-standard |
			tar --null -T - -cf -) | tar -C "$1" -xf -
	else
		tar -C "$abs_top_srcdir" --exclude=./_build --exclude=./_inst \
			--exclude=./debian/tmp -cf - . | tar -C "$1" -xf -
	fi
}

build_packages()
{
	version=$(dpkg-parsechangelog -l "$abs_top_srcdir/debian/changelog" \
		-S Version) || exit 99
	src="$work/src/ctdb-events-$version"
	mkdir -p "$src" || exit 99
	if ! copy_tree "$src"; then
		echo "ERROR: cannot copy the tree"
		exit 99
	fi
	chmod -R u+w "$src"
	# A file of debian/ missing from EXTRA_DIST would be missing from
	# the release tarball, and a tarball could not build the packages.
	unlisted=$(cd "$src" && find debian -type f | sort | while read -r f; do
		grep -q -F "	$f" "$abs_top_srcdir/tests/packaging/local.mk" ||
			echo "$f"
	done)
	if [ -z "$unlisted" ]; then
		pass "every file of debian/ is in EXTRA_DIST"
	else
		fail "not in EXTRA_DIST (tests/packaging/local.mk):" "$unlisted"
	fi
	echo "building the packages (dpkg-buildpackage -b -us -uc, nocheck)"
	if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
		pass "dpkg-buildpackage -b -us -uc"
	else
		fail "dpkg-buildpackage failed:"
		tail -40 "$work/build.log" | sed 's/^/    /'
		finish
	fi
	mkdir -p "$work/debs"
	for deb in "$work"/src/*.deb; do
		case "$deb" in
		*-dbgsym_*) ;;
		*) cp "$deb" "$work/debs/" ;;
		esac
		echo "  $(basename "$deb"): $(dpkg-deb -c "$deb" | wc -l) paths"
	done
}

run_lintian()
{
	if ! command -v lintian >/dev/null 2>&1; then
		skip_step "lintian is not installed"
		return
	fi
	# lintian frowns on root, but reads the packages all the same.
	changes_file=$(ls "$work"/src/*.changes)
	# Every tag down to pedantic, overridden ones too (as O:), so that
	# the log shows the whole picture.
	lintian --display-info --pedantic --show-overrides "$changes_file" \
		>"$work/lintian.log" 2>&1
	rc=$?
	grep -v '^running with root privileges' "$work/lintian.log" |
		sed 's/^/  lintian: /'
	if [ "$rc" -gt 1 ]; then
		fail "lintian could not check the packages (exit $rc)"
	elif grep -q '^E: ' "$work/lintian.log"; then
		fail "lintian reports errors"
	else
		pass "lintian reports no errors ($(grep -c '^W: ' \
			"$work/lintian.log") warnings)"
	fi
}

outer()
{
	here=$(cd "$(dirname "$0")" && pwd)
	: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"

	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root (installs packages in a throwaway root)"
		exit 77
	fi
	for tool in dpkg-buildpackage unshare chroot; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
	if ! grep -q -w overlay /proc/filesystems &&
	   ! modprobe overlay 2>/dev/null; then
		echo "SKIP: the kernel has no overlayfs"
		exit 77
	fi

	work=$(mktemp -d "${TMPDIR:-/tmp}/deb-test.XXXXXX") || exit 99
	# The namespaces took their mounts with them; only files are left.
	trap 'rm -rf "$work"' EXIT
	trap 'exit 1' HUP INT TERM

	build_packages
	run_lintian
	if [ -n "${DEB_KEEP:-}" ]; then
		mkdir -p "$DEB_KEEP" &&
			cp "$work"/src/*.deb "$work"/src/*.changes \
				"$work/build.log" "$DEB_KEEP/"
		cp "$work/lintian.log" "$DEB_KEEP/" 2>/dev/null
	fi

	echo "installing in a throwaway layer over / (new mount, pid and" \
		"network namespaces)"
	unshare --mount --pid --fork --net --propagation private \
		/bin/sh "$0" --in-namespace "$work" >"$work/inside.log" 2>&1
	inner=$?
	# Its summary line ends the log; its counts join ours.
	grep -v '^deb.sh: ' "$work/inside.log"
	summary=$(sed -n 's/^deb.sh: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p' \
		"$work/inside.log")
	if [ -z "$summary" ]; then
		fail "the install stage ended without a summary (exit $inner)"
	fi
	read -r in_passed in_failed in_skipped <<EOF
$summary
EOF
	passed=$((passed + ${in_passed:-0}))
	failed=$((failed + ${in_failed:-0}))
	skipped=$((skipped + ${in_skipped:-0}))
	case "$inner" in
	0 | 1 | 77) ;;
	*) fail "the install stage failed (exit $inner)" ;;
	esac
	finish
}

case "${1:-}" in
--in-namespace)
	in_namespace "$2"
	;;
--in-root)
	in_root "$2"
	;;
*)
	outer
	;;
esac
