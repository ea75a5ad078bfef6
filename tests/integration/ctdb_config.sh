#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctdb-config (tools/ctdb_config.c) against expected values for every key
# CTDB 4.17 knows and ours, bad values, unknown sections and keys, missing
# arguments and bad files; the file is found through CTDB_BASE in test
# mode. Where Samba's own helper is installed, each case marked "same" is
# also run with it and must give the same exit code, standard output and
# silence or not on standard error; cases marked "ours" are the deliberate
# differences of ctdb-config(8), and Samba's answer is only printed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"

ours="$abs_top_builddir/ctdb-config"
samba=/usr/libexec/ctdb/ctdb-config
if [ ! -x "$ours" ]; then
	echo "ERROR: $ours is not built"
	exit 99
fi
if [ ! -x "$samba" ]; then
	echo "NOTE: $samba not installed: checking expected values only"
	samba=
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctdb_config.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

base="$tmp/base"
mkdir -p "$base" "$tmp/dbdir" || exit 99
CTDB_BASE="$base"
CTDB_TEST_MODE=yes
export CTDB_BASE CTDB_TEST_MODE

failed=0
checks=0
compared=0

fail()
{
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# run PROGRAM ARGS...: sets rc, out (stdout) and err ("quiet" or "noisy").
run()
{
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=quiet
	if [ -s "$tmp/err" ]; then
		err=noisy
	fi
}

# check same|ours CONF RC STDOUT ARGS...: CONF ('-' for no file) is
# printf's format; stderr is expected quiet exactly when RC is 0.
check()
{
	kind=$1
	conf=$2
	want_rc=$3
	want_out=$4
	shift 4
	rm -f "$base/ctdb.conf"
	if [ "$conf" != "-" ]; then
		# shellcheck disable=SC2059 # the case's text is the format
		printf "$conf" >"$base/ctdb.conf"
	fi
	want_err=quiet
	if [ "$want_rc" -ne 0 ]; then
		want_err=noisy
	fi
	run "$ours" "$@"
	checks=$((checks + 1))
	if [ "$rc" -ne "$want_rc" ] || [ "$out" != "$want_out" ] ||
		[ "$err" != "$want_err" ]; then
		fail "ours: $* with '$conf': rc $rc out '$out' stderr $err" \
			"(want rc $want_rc out '$want_out' stderr $want_err)"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
	if [ -z "$samba" ]; then
		return
	fi
	run "$samba" "$@"
	if [ "$kind" = ours ]; then
		echo "differs (documented): $* with '$conf':" \
			"Samba rc $rc out '$(echo "$out" | head -n 1)'" \
			"stderr $err"
		return
	fi
	compared=$((compared + 1))
	if [ "$rc" -ne "$want_rc" ] || [ "$out" != "$want_out" ] ||
		[ "$err" != "$want_err" ]; then
		fail "Samba differs: $* with '$conf': rc $rc out '$out'" \
			"stderr $err"
	fi
}

# Every key of both, unset: its default.
check same - 0 "tcp" get cluster transport
check same - 0 "" get cluster "node address"
check same - 0 "" get cluster "cluster lock"
check same - 0 "" get cluster "recovery lock"
check same - 0 "5" get cluster "leader timeout"
check same - 0 "true" get cluster "leader capability"
check same - 0 "" get database "lock debug script"
check same - 0 "true" get database "tdb mutexes"
check same - 0 "" get event "debug script"
check same - 0 "false" get failover disabled
check same - 0 "true" get legacy "realtime scheduling"
check same - 0 "true" get legacy "lmaster capability"
check same - 0 "false" get legacy "start as stopped"
check same - 0 "false" get legacy "start as disabled"
check same - 0 "ERROR" get legacy "script log level"
check ours - 0 "NOTICE" get logging "log level"
check ours - 0 "local" get cluster backend
check ours - 0 "ctdb-noded" get cluster "cpg group"
check ours - 0 "5" get event "kill grace period"
check ours - 0 "1048576" get event "output limit"
check ours - 0 "16" get event "history length"
check ours - 0 "" get events "nats url"
check ours - 0 "" get events "node name"
# The directory defaults are the configured ones (Samba's: /var/lib/ctdb).
run "$ours" get database "volatile database directory"
checks=$((checks + 1))
case "$out" in
*/lib/ctdb/volatile) ;;
*) fail "volatile database directory default '$out'" ;;
esac

# Every key, set to a valid value; booleans and integers normalised.
check same '[logging]\nlocation = syslog\n' 0 syslog get logging location
check same '[logging]\nlocation = file:/tmp/x.log\n' 0 file:/tmp/x.log \
	get logging location
check same '[logging]\n\tlog level = INFO\n' 0 INFO get logging "log level"
check same '[cluster]\ntransport = tcp\n' 0 tcp get cluster transport
check same '[cluster]\nnode address = 10.1.2.3\n' 0 10.1.2.3 \
	get cluster "node address"
check same '[cluster]\nnode address = fd00::1\n' 0 fd00::1 \
	get cluster "node address"
check same '[cluster]\ncluster lock = !/bin/false a b\n' 0 \
	"!/bin/false a b" get cluster "cluster lock"
check same '[cluster]\nrecovery lock = /x/lock\n' 0 /x/lock \
	get cluster "recovery lock"
check same '[cluster]\nleader timeout = 12\n' 0 12 get cluster "leader timeout"
check same '[cluster]\nleader timeout = 0x10\n' 0 16 \
	get cluster "leader timeout"
check same '[cluster]\nleader capability = No\n' 0 false \
	get cluster "leader capability"
check same "[database]\nvolatile database directory = $tmp/dbdir\n" 0 \
	"$tmp/dbdir" get database "volatile database directory"
check same "[database]\npersistent database directory = $tmp/dbdir\n" 0 \
	"$tmp/dbdir" get database "persistent database directory"
check same "[database]\nstate database directory = $tmp/dbdir\n" 0 \
	"$tmp/dbdir" get database "state database directory"
check same '[database]\ntdb mutexes = yes\n' 0 true get database "tdb mutexes"
check same '[failover]\ndisabled = true\n' 0 true get failover disabled
check same '[legacy]\nrealtime scheduling = FALSE\n' 0 false \
	get legacy "realtime scheduling"
check same '[legacy]\nstart as stopped = yes\n' 0 true \
	get legacy "start as stopped"
check same '[legacy]\nscript log level = DEBUG\n' 0 DEBUG \
	get legacy "script log level"
check same '[logging]\nlocation = syslog\nlocation = file:/tmp/a\n' 0 \
	file:/tmp/a get logging location
printf '#!/bin/sh\n' >"$base/debug.sh" && chmod +x "$base/debug.sh"
check same '[event]\ndebug script = debug.sh\n' 0 debug.sh \
	get event "debug script"
check same '[database]\nlock debug script = debug.sh\n' 0 debug.sh \
	get database "lock debug script"
check ours '[cluster]\nbackend = corosync\n' 0 corosync get cluster backend
check ours '[event]\nhistory length = 64\n' 0 64 get event "history length"

# Bad values: the whole file is refused, exit 22, a message on stderr.
check same '[logging]\nlocation = bogus\n' 22 "" get logging location
check same '[logging]\nlog level = LOUD\n' 22 "" get logging "log level"
check same '[cluster]\ntransport = udp\n' 22 "" get cluster transport
check same '[cluster]\nnode address = nothost\n' 22 "" \
	get cluster "node address"
check same '[cluster]\nleader timeout = 0\n' 22 "" get cluster "leader timeout"
check same '[cluster]\nleader timeout = abc\n' 22 "" \
	get cluster "leader timeout"
check same '[cluster]\nleader capability = maybe\n' 22 "" \
	get cluster "leader capability"
check same '[legacy]\nrealtime scheduling = off\n' 22 "" \
	get legacy "realtime scheduling"
check same '[database]\nvolatile database directory = /nonexistent\n' 22 "" \
	get database "volatile database directory"
check same '[event]\ndebug script = missing.sh\n' 22 "" \
	get event "debug script"
check same '[logging]\nlog level =\n' 22 "" get logging "log level"
check same '[cluster]\nnode address = nothost\n' 22 "" validate
check same '[cluster]\nnode address = nothost\n' 22 "" dump
check ours '[cluster]\nbackend = bogus\n' 22 "" get cluster backend
check ours '[event]\nkill grace period = 9999\n' 22 "" \
	get event "kill grace period"
# Samba accepts CTDB's other level names and numbers up to 10.
check ours '[logging]\nlog level = 7\n' 22 "" get logging "log level"

# Unknown sections and keys: ignored by get and dump, refused by validate.
check same '[bogus]\nx = 1\n' 2 "" get bogus x
check same - 2 "" get logging nokey
check same '[bogus]\nx = 1\n' 0 "5" get cluster "leader timeout"
check same '[logging]\nx = 1\nlocation = syslog\n' 0 "syslog" \
	get logging location
check same '[bogus]\nx = 1\n' 22 "" validate
check same '[logging]\nx = 1\n' 22 "" validate
check same '[cluster]\nrecovery lock = /x\n' 0 "" validate
check same - 2 "" validate
check same '' 0 "" validate
check ours '[cluster]\ncpg group = g\n' 0 "" validate

# Syntax errors: Samba skips such lines, we refuse the file as our
# daemons do (ctdb-config(8)).
check ours '[logging]\nnoequals\n' 22 "" validate
check ours '[logging\nlocation = syslog\n' 22 "" get logging location
check ours 'location = syslog\n' 22 "" validate

# Arguments: Samba's exit codes; one line on stderr where Samba prints
# its usage on standard output.
check ours - 22 "" get
check ours - 22 "" get logging
check ours - 22 "" get logging location extra
check ours - 22 "" validate extra
check ours - 22 "" dump extra
check ours - 1 "" bogus
check ours - 1 ""

# --help: usage on standard output, exit 0.
run "$ours" --help
checks=$((checks + 1))
if [ "$rc" -ne 0 ] || [ "$err" != quiet ]; then
	fail "--help: rc $rc stderr $err"
fi
case "$out" in
*"get <section> <key>"*) ;;
*) fail "--help does not list the commands: '$out'" ;;
esac

# -d DEBUG names the file it reads, on stderr only.
rm -f "$base/ctdb.conf"
run "$ours" -d DEBUG get cluster transport
checks=$((checks + 1))
if [ "$rc" -ne 0 ] || [ "$out" != tcp ] ||
	! grep -q "Reading config file $base/ctdb.conf" "$tmp/err"; then
	fail "-d DEBUG: rc $rc out '$out'"
fi

# Without CTDB_TEST_MODE, CTDB_BASE is ignored, as by CTDB: the file is
# the configured one.
run env -u CTDB_TEST_MODE "$ours" -d DEBUG get cluster transport
checks=$((checks + 1))
if grep -q "Reading config file $base/" "$tmp/err" ||
	! grep -q "Reading config file /.*/ctdb.conf" "$tmp/err"; then
	fail "outside test mode, not the configured file:" "$(cat "$tmp/err")"
fi

# dump: Samba's keys in Samba's order and format; ours after them in their
# section (filtered out here). Set values print plainly, defaults as
# comments, a value equal to its default as a comment too.
conf='[logging]\nlocation = syslog\n[cluster]\nleader timeout = 007\n'
conf="$conf"'node address = 10.0.0.1\nleader capability = true\n'
conf="$conf"'[legacy]\nscript log level = INFO\n'
# shellcheck disable=SC2059 # the text above is the format
printf "$conf" >"$base/ctdb.conf"
run "$ours" dump
checks=$((checks + 1))
printf '%s\n' "$out" >"$tmp/ours.dump"
for line in '	location = syslog' '	node address = 10.0.0.1' \
	'	leader timeout = 7' '	# leader capability = true' \
	'	script log level = INFO' '	# transport = tcp' '[events]' \
	'	# backend = local'; do
	if ! grep -qxF "$line" "$tmp/ours.dump"; then
		fail "dump lacks '$line'"
	fi
done
if [ -n "$samba" ]; then
	"$samba" dump >"$tmp/samba.dump" 2>/dev/null
	vardir=$("$ours" get database "state database directory")
	vardir=${vardir%/state}
	# Only what differs by design: our keys, our defaults (log level,
	# directories, log file from configure).
	grep -v -e 'backend =' -e 'cpg group =' -e 'kill grace period =' \
		-e 'output limit =' -e 'history length =' -e '^\[events\]' \
		-e 'nats url =' -e 'node name =' -e '# log level =' \
		-e '# location =' "$tmp/ours.dump" |
		sed "s|$vardir|/var/lib/ctdb|" >"$tmp/ours.cmp"
	grep -v -e '# log level =' -e '# location =' "$tmp/samba.dump" \
		>"$tmp/samba.cmp"
	compared=$((compared + 1))
	if ! diff -u "$tmp/samba.cmp" "$tmp/ours.cmp"; then
		fail "dump differs from Samba's"
	fi
fi

# Every key of the table in src/common/ctdb_conf_keys.c is answered.
table="$abs_top_srcdir/src/common/ctdb_conf_keys.c"
rm -f "$base/ctdb.conf"
keys=$(sed -n 's/^	{ "\([a-z]*\)", "\([a-z ]*\)",.*/\1|\2/p' "$table")
if [ -z "$keys" ]; then
	fail "no keys read from $table"
fi
old_ifs=$IFS
IFS='
'
for k in $keys; do
	IFS=$old_ifs
	run "$ours" get "${k%%|*}" "${k#*|}"
	checks=$((checks + 1))
	if [ "$rc" -ne 0 ]; then
		fail "get ${k%%|*} '${k#*|}' (a key of $table): rc $rc"
	fi
done
IFS=$old_ifs

echo "ctdb-config: $checks checks, $compared compared with Samba's," \
	"$failed failed"
if [ "$failed" -ne 0 ]; then
	exit 1
fi
exit 0
