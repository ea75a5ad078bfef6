#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shipped scripts 10.interface and 00.node, run against a stub ip(8)
# and stub arping(8) that keep their state in files: no real interface or
# address is touched, so this runs anywhere, as any user.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"

iface_script="$abs_top_builddir/events.d/10.interface.script"
node_script="$abs_top_builddir/events.d/00.node.script"
for f in "$iface_script" "$node_script"; do
	if [ ! -f "$f" ]; then
		echo "ERROR: $f is not built (run make first)"
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scripts_interface.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
chmod 0755 "$tmp"

failed=0
passed=0
skipped=0

pass()
{
	echo "ok: $*"
	passed=$((passed + 1))
}

# skip STEP: a step this machine cannot run; the test then ends in 77.
skip()
{
	echo "skip: $*"
	skipped=$((skipped + 1))
}

fail()
{
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# run CMD...: run it, keeping its combined output in $out and status in $rc.
run()
{
	out=$("$@" 2>&1)
	rc=$?
}

# check NAME WANT_RC WANT_OUT: the last run() gave exactly this.
check()
{
	if [ "$rc" -eq "$2" ] && [ "$out" = "$3" ]; then
		pass "$1"
	else
		fail "$1: expected rc $2 and output '$3', got rc $rc and output '$out'"
	fi
}

# wait_for_file FILE: poll, at most 10 s, until FILE exists.
wait_for_file()
{
	n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# --- the stubs ------------------------------------------------------------

net="$tmp/net"
mkdir -p "$tmp/bin" "$net/links" "$net/addrs"

# A stub of ip(8): links are files in $STUB_NET/links (content: up, down,
# nocarrier, dummy or loopback), addresses are lines "IP/BITS" in
# $STUB_NET/addrs/IFACE, and every call is logged to $STUB_NET/calls.
# It insists on the arguments the script is meant to pass. With a file
# $STUB_NET/fail-add (fail-del) present, adding (removing) fails.
cat >"$tmp/bin/ip" <<'EOF'
#!/bin/sh
net=${STUB_NET:?}
echo "$*" >>"$net/calls"

dev_exists()
{
	if [ ! -f "$net/links/$1" ]; then
		echo "Device \"$1\" does not exist." >&2
		exit 1
	fi
}

[ "$1" = -o ] && shift
obj=$1
cmd=$2
shift 2
case "$obj $cmd" in
"link show")
	[ "$1" = dev ] && shift
	dev_exists "$1"
	case $(cat "$net/links/$1") in
	up) flags=BROADCAST,MULTICAST,UP,LOWER_UP state=UP ;;
	dummy) flags=BROADCAST,NOARP,UP,LOWER_UP state=UNKNOWN ;;
	loopback) flags=LOOPBACK,UP state=UNKNOWN ;;
	nocarrier) flags=NO-CARRIER,BROADCAST,MULTICAST,UP state=DOWN ;;
	*) flags=BROADCAST,MULTICAST state=DOWN ;;
	esac
	printf '2: %s: <%s> mtu 1500 qdisc noqueue state %s mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff\n' \
		"$1" "$flags" "$state"
	;;
"addr show")
	[ "$1" = dev ] && shift
	dev_exists "$1"
	[ -f "$net/addrs/$1" ] || exit 0
	while read -r a; do
		case $a in
		*:*) fam=inet6 ;;
		*) fam=inet ;;
		esac
		printf '2: %s    %s %s scope global %s\\       valid_lft forever preferred_lft forever\n' \
			"$1" "$fam" "$a" "$1"
	done <"$net/addrs/$1"
	;;
"addr add" | "addr del")
	addr=$1
	shift
	dev=
	while [ $# -gt 0 ]; do
		case "$1 ${2:-}" in
		"dev "?*) dev=$2; shift 2 ;;
		"brd +")
			case $addr in
			*:*) echo "stub ip: brd with IPv6" >&2; exit 255 ;;
			esac
			shift 2 ;;
		"nodad "*)
			case $addr in
			*:*) ;;
			*) echo "stub ip: nodad with IPv4" >&2; exit 255 ;;
			esac
			shift ;;
		*) echo "stub ip: unexpected argument '$1'" >&2; exit 255 ;;
		esac
	done
	dev_exists "$dev"
	if [ -e "$net/fail-$cmd" ]; then
		echo "RTNETLINK answers: Operation not permitted" >&2
		exit 2
	fi
	f="$net/addrs/$dev"
	touch "$f"
	present=$(awk -v ip="${addr%/*}" '{ split($0, a, "/") } a[1] == ip' "$f")
	if [ "$cmd" = add ]; then
		if [ -n "$present" ]; then
			echo "RTNETLINK answers: File exists" >&2
			exit 2
		fi
		echo "$addr" >>"$f"
	else
		if [ "$present" != "$addr" ]; then
			echo "RTNETLINK answers: Cannot assign requested address" >&2
			exit 2
		fi
		grep -vxF "$addr" "$f" >"$f.new"
		mv "$f.new" "$f"
	fi
	;;
*)
	echo "stub ip: unexpected command '$obj $cmd'" >&2
	exit 255
	;;
esac
exit 0
EOF

# A stub of arping: logs its arguments, then blocks until the test lets
# it go (at most 10 s), then says it is done. With STUB_ARPING_HABETS set
# its --help looks like Thomas Habets' arping, else like iputils'.
cat >"$tmp/bin/arping" <<'EOF'
#!/bin/sh
net=${STUB_NET:?}
if [ "$1" = --help ]; then
	if [ -n "${STUB_ARPING_HABETS:-}" ]; then
		echo "ARPing 2.23, by Thomas Habets <thomas@habets.se>"
	else
		echo "arping: unrecognized option '--help'"
		echo "Usage: arping [-fqbDUAV] [-c count] [-w timeout] [-I device] [-s source] destination"
	fi
	exit 1
fi
echo "$*" >>"$net/arping.calls"
n=0
while [ ! -e "$net/arping.release" ] && [ "$n" -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
: >"$net/arping.done"
EOF
chmod 0755 "$tmp/bin/ip" "$tmp/bin/arping"

base="$tmp/base"
mkdir -p "$base"
STUB_NET=$net
IP_CMD="$tmp/bin/ip"
ARPING_CMD=
# The stub network: no real firewall table, no connections to reset.
NFT_CMD=
KILLTCP_CMD=
CTDB_BASE=$base
export STUB_NET IP_CMD ARPING_CMD NFT_CMD KILLTCP_CMD CTDB_BASE
unset CTDB_TEST_MODE CTDB_VARDIR STUB_ARPING_HABETS

link()
{
	echo "$2" >"$net/links/$1"
}

addrs()
{
	tr '\n' ' ' 2>/dev/null <"$net/addrs/$1"
}

calls()
{
	grep -c -e "$1" "$net/calls" 2>/dev/null
}

ifs()
{
	sh "$iface_script" "$@"
}

link ctdbt0 up
link ctdbt1 up

# --- takeip ---------------------------------------------------------------

: >"$net/calls"
run ifs takeip ctdbt0 10.0.0.5 24
check "takeip adds the address" 0 ""
if [ "$(addrs ctdbt0)" = "10.0.0.5/24 " ] &&
   [ "$(calls '^addr add 10.0.0.5/24 brd + dev ctdbt0$')" = 1 ]; then
	pass "takeip: ip addr add 10.0.0.5/24 brd + dev ctdbt0"
else
	fail "takeip: addresses '$(addrs ctdbt0)', calls: $(cat "$net/calls")"
fi

run ifs takeip ctdbt0 10.0.0.5 24
check "takeip of an address already present succeeds" 0 ""
if [ "$(addrs ctdbt0)" = "10.0.0.5/24 " ] &&
   [ "$(calls '^addr add')" = 1 ]; then
	pass "takeip twice: the address is there once, added once"
else
	fail "takeip twice: addresses '$(addrs ctdbt0)', calls: $(cat "$net/calls")"
fi

run ifs takeip ctdbt0 fd00::5 64
check "takeip of an IPv6 address" 0 ""
if [ "$(calls '^addr add fd00::5/64 nodad dev ctdbt0$')" = 1 ]; then
	pass "takeip IPv6: no broadcast, no duplicate address detection"
else
	fail "takeip IPv6: calls: $(cat "$net/calls")"
fi

run ifs takeip ctdbt9 10.0.0.5 24
check "takeip on a missing interface fails, naming it" 1 \
	"cannot add 10.0.0.5/24: interface ctdbt9 does not exist"

run ifs takeip ctdbt0 10.0.0.5
check "takeip with two arguments fails" 1 "takeip: expected 3 arguments, got 2"

run ifs takeip ctdbt0 10.0.0.5 24x
check "takeip with a bad prefix length fails" 1 \
	"invalid prefix length '24x' for 10.0.0.5"

# A failing ip(8) is reported with its message.
: >"$net/fail-add"
run ifs takeip ctdbt0 10.0.0.50 24
check "takeip: a failure of ip(8) fails the event with its message" 1 \
	"failed to add 10.0.0.50/24 to ctdbt0: RTNETLINK answers: Operation not permitted"
rm -f "$net/fail-add"

# --- releaseip ------------------------------------------------------------

: >"$net/calls"
run ifs releaseip ctdbt0 10.0.0.5 24
check "releaseip removes the address" 0 ""
if [ "$(addrs ctdbt0)" = "fd00::5/64 " ] &&
   [ "$(calls '^addr del 10.0.0.5/24 dev ctdbt0$')" = 1 ]; then
	pass "releaseip: ip addr del 10.0.0.5/24 dev ctdbt0"
else
	fail "releaseip: addresses '$(addrs ctdbt0)', calls: $(cat "$net/calls")"
fi

run ifs releaseip ctdbt0 10.0.0.5 24
check "releaseip of an absent address succeeds" 0 ""
if [ "$(calls '^addr del')" = 1 ]; then
	pass "releaseip of an absent address calls no ip addr del"
else
	fail "releaseip absent: calls: $(cat "$net/calls")"
fi

ifs takeip ctdbt0 10.0.0.51 24 >/dev/null 2>&1
: >"$net/fail-del"
run ifs releaseip ctdbt0 10.0.0.51 24
check "releaseip: a failure of ip(8) fails the event with its message" 1 \
	"failed to remove 10.0.0.51/24 from ctdbt0: RTNETLINK answers: Operation not permitted"
rm -f "$net/fail-del"
ifs releaseip ctdbt0 10.0.0.51 24 >/dev/null 2>&1

run ifs releaseip ctdbt9 10.0.0.5 24
check "releaseip on a missing interface succeeds" 0 ""

run ifs releaseip ctdbt0 fd00::5 64
check "releaseip of an IPv6 address" 0 ""

run ifs releaseip ctdbt0 10.0.0.5 24 extra
check "releaseip with four arguments fails" 1 \
	"releaseip: expected 3 arguments, got 4"

# --- updateip -------------------------------------------------------------

ifs takeip ctdbt0 10.0.0.6 24 >/dev/null 2>&1
run ifs updateip ctdbt0 ctdbt1 10.0.0.6 24
check "updateip moves the address" 0 ""
if [ "$(addrs ctdbt0)" = "" ] && [ "$(addrs ctdbt1)" = "10.0.0.6/24 " ]; then
	pass "updateip: gone from ctdbt0, present on ctdbt1"
else
	fail "updateip: ctdbt0 '$(addrs ctdbt0)', ctdbt1 '$(addrs ctdbt1)'"
fi
run ifs updateip ctdbt1 ctdbt1 10.0.0.6 24
check "updateip to the same interface keeps the address" 0 ""
if [ "$(addrs ctdbt1)" = "10.0.0.6/24 " ]; then
	pass "updateip to the same interface: still there once"
else
	fail "updateip same interface: ctdbt1 '$(addrs ctdbt1)'"
fi
ifs releaseip ctdbt1 10.0.0.6 24 >/dev/null 2>&1

# --- gratuitous ARP -------------------------------------------------------

# takeip_garp NAME WANT_ARGS: takeip with the stub arping; the event must
# return while arping is still blocked, and arping must get WANT_ARGS.
takeip_garp()
{
	rm -f "$net/arping.calls" "$net/arping.release" "$net/arping.done"
	run env ARPING_CMD="$tmp/bin/arping" sh "$iface_script" takeip ctdbt0 10.0.0.7 24
	check "$1: takeip succeeds" 0 ""
	if ! wait_for_file "$net/arping.calls"; then
		fail "$1: arping was not run"
	elif [ -e "$net/arping.done" ]; then
		fail "$1: takeip waited for arping"
	elif [ "$(cat "$net/arping.calls")" != "$2" ]; then
		fail "$1: arping got '$(cat "$net/arping.calls")', expected '$2'"
	else
		pass "$1: arping $2, in the background"
	fi
	: >"$net/arping.release"
	if ! wait_for_file "$net/arping.done"; then
		fail "$1: the stub arping did not finish"
	fi
	ifs releaseip ctdbt0 10.0.0.7 24 >/dev/null 2>&1
}

takeip_garp "iputils arping" "-q -U -c 1 -w 1 -I ctdbt0 10.0.0.7"
STUB_ARPING_HABETS=1
export STUB_ARPING_HABETS
takeip_garp "Habets arping" "-q -U -c 1 -w 0.01 -i ctdbt0 -S 10.0.0.7 10.0.0.7"
unset STUB_ARPING_HABETS

rm -f "$net/arping.calls" "$net/arping.done"
: >"$net/arping.release"
env ARPING_CMD="$tmp/bin/arping" sh "$iface_script" takeip ctdbt0 fd00::7 64 >/dev/null 2>&1
env ARPING_CMD="$tmp/bin/arping" sh "$iface_script" updateip ctdbt0 ctdbt1 fd00::7 64 \
	>/dev/null 2>&1
env ARPING_CMD="$tmp/bin/arping" sh "$iface_script" takeip ctdbt0 10.0.0.8 24 >/dev/null 2>&1
# The IPv4 takeip comes last: once its arping has run, an arping for the
# IPv6 address would have been logged before it.
if wait_for_file "$net/arping.done" &&
   [ "$(cat "$net/arping.calls")" = "-q -U -c 1 -w 1 -I ctdbt0 10.0.0.8" ]; then
	pass "no gratuitous ARP for IPv6 addresses"
else
	fail "arping calls: $(cat "$net/arping.calls" 2>/dev/null)"
fi
ifs releaseip ctdbt1 fd00::7 64 >/dev/null 2>&1
ifs releaseip ctdbt0 10.0.0.8 24 >/dev/null 2>&1

rm -f "$net/arping.calls"
env ARPING_CMD= sh "$iface_script" takeip ctdbt0 10.0.0.9 24 >/dev/null 2>&1
env ARPING_CMD="$tmp/bin/arping" sh "$iface_script" takeip ctdbt0 10.0.0.10 24 >/dev/null 2>&1
if wait_for_file "$net/arping.calls" &&
   [ "$(cat "$net/arping.calls")" = "-q -U -c 1 -w 1 -I ctdbt0 10.0.0.10" ]; then
	pass "ARPING_CMD= sends no gratuitous ARP"
else
	fail "arping calls: $(cat "$net/arping.calls" 2>/dev/null)"
fi
ifs releaseip ctdbt0 10.0.0.9 24 >/dev/null 2>&1
ifs releaseip ctdbt0 10.0.0.10 24 >/dev/null 2>&1

# --- monitor --------------------------------------------------------------

run ifs monitor
check "monitor without public_addresses succeeds" 0 ""

cat >"$base/public_addresses" <<'EOF'
# public addresses of the test
10.0.0.5/24 ctdbt0,ctdbt1

10.0.0.6/24   ctdbt1
127.0.0.99/32 lo
10.0.1.5/24 ctdbt2
EOF
link lo loopback
link ctdbt2 dummy

run ifs monitor
check "monitor with every interface up" 0 ""

link ctdbt1 down
run ifs monitor
check "monitor: an interface that is down fails, named once" 1 \
	"public interface ctdbt1 is down"

link ctdbt1 nocarrier
run ifs monitor
check "monitor: an interface without carrier fails" 1 \
	"public interface ctdbt1 is down"

link ctdbt1 up
rm "$net/links/ctdbt2"
run ifs monitor
check "monitor: a missing interface fails" 1 \
	"public interface ctdbt2 does not exist"

link ctdbt0 down
run ifs monitor
check "monitor: every bad interface is named, in file order" 1 \
	"public interface ctdbt0 is down
public interface ctdbt2 does not exist"
link ctdbt0 up
link ctdbt2 up

link lo down
run ifs monitor
if [ "$rc" -eq 0 ]; then
	pass "monitor: lo counts as up"
else
	fail "monitor with lo: rc $rc, output '$out'"
fi
link lo loopback

# --- shutdown and init ----------------------------------------------------

# populate: public addresses present on some of their interfaces, and one
# address that is not public.
populate()
{
	for a in "ctdbt0 10.0.0.5 24" "ctdbt1 10.0.0.6 24" \
		 "ctdbt2 10.0.1.5 24" "ctdbt0 10.0.0.200 24"; do
		# shellcheck disable=SC2086
		ifs takeip $a >/dev/null 2>&1
	done
}

for ev in shutdown init; do
	populate
	run ifs $ev
	check "$ev succeeds" 0 ""
	if [ "$(addrs ctdbt0)" = "10.0.0.200/24 " ] &&
	   [ "$(addrs ctdbt1)" = "" ] && [ "$(addrs ctdbt2)" = "" ]; then
		pass "$ev drops every public address, and nothing else"
	else
		fail "$ev: ctdbt0 '$(addrs ctdbt0)', ctdbt1 '$(addrs ctdbt1)', ctdbt2 '$(addrs ctdbt2)'"
	fi
	ifs releaseip ctdbt0 10.0.0.200 24 >/dev/null 2>&1
done

run ifs shutdown
check "shutdown with nothing to drop succeeds" 0 ""

run ifs startup
check "other events succeed and do nothing" 0 ""
run ifs
check "no event at all succeeds" 0 ""

# CTDB_BASE unset: the configured directory, which must have been filled in.
if grep -q '@[A-Z]*@' "$iface_script" "$node_script"; then
	fail "a placeholder is left in the generated scripts"
else
	pass "the generated scripts have their paths filled in"
fi

# --- 00.node --------------------------------------------------------------


run env CTDB_TEST_MODE= CTDB_BASE="$base" sh "$node_script" init
check "00.node init in test mode" 0 ""
if [ -d "$base/var" ]; then
	pass "00.node init creates \$CTDB_BASE/var in test mode"
else
	fail "00.node init: $base/var missing"
fi

run env CTDB_TEST_MODE= CTDB_BASE="$base" sh "$node_script" monitor
check "00.node monitor with a writable state directory" 0 ""
if [ -z "$(ls -A "$base/var")" ]; then
	pass "00.node monitor leaves nothing behind"
else
	fail "00.node monitor left: $(ls -A "$base/var")"
fi

rmdir "$base/var"
run env CTDB_TEST_MODE= CTDB_BASE="$base" sh "$node_script" monitor
check "00.node monitor without the state directory fails" 1 \
	"state directory $base/var does not exist"

: >"$base/var"
run env CTDB_TEST_MODE= CTDB_BASE="$base" sh "$node_script" init
check "00.node init fails when the state directory cannot be made" 1 \
	"cannot create state directory $base/var: File exists"
rm -f "$base/var"

run sh -c 'unset CTDB_BASE; CTDB_TEST_MODE=yes exec sh "$1" init' sh "$node_script"
check "00.node in test mode without CTDB_BASE fails" 1 \
	"Broken CTDB setup, CTDB_BASE not set in test mode"

run env CTDB_VARDIR="$tmp/vardir/lib/ctdb" sh "$node_script" init
check "00.node init outside test mode uses CTDB_VARDIR" 0 ""
if [ -d "$tmp/vardir/lib/ctdb" ]; then
	pass "00.node init creates \$CTDB_VARDIR"
else
	fail "00.node init: $tmp/vardir/lib/ctdb missing"
fi

# A state directory that cannot be written to. Root writes anywhere, so
# then the check runs as nobody, through setpriv(1), if it can. nobody
# runs a copy of the script in $tmp: the build tree may sit under a
# directory nobody cannot enter (a clone in /root).
ro="$tmp/ro"
mkdir -p "$ro"
chmod 0555 "$ro"
nobody_script="$tmp/00.node.script"
if ! cp "$node_script" "$nobody_script" || ! chmod 0644 "$nobody_script"; then
	echo "ERROR: cannot copy $node_script to $tmp"
	exit 99
fi
as_nobody()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
if [ "$(id -u)" -ne 0 ]; then
	run env CTDB_VARDIR="$ro" sh "$node_script" monitor
	check "00.node monitor on a directory it cannot write fails" 1 \
		"state directory $ro is not writable: Permission denied"
elif ! command -v setpriv >/dev/null 2>&1 ||
     ! as_nobody true 2>/dev/null; then
	skip "00.node monitor on a read-only state directory (root without setpriv)"
elif ! as_nobody test -r "$nobody_script"; then
	skip "00.node monitor on a read-only state directory (nobody cannot read $nobody_script)"
else
	run as_nobody env CTDB_VARDIR="$ro" sh "$nobody_script" monitor
	check "00.node monitor on a directory it cannot write fails" 1 \
		"state directory $ro is not writable: Permission denied"
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ]; then
	exit 1
fi
if [ "$skipped" -gt 0 ]; then
	exit 77
fi
exit 0
