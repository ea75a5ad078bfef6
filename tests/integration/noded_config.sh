#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad configuration: a malformed public_addresses line, an unknown or
# out-of-range tunable, a bad ctdb.conf value. The daemon refuses to start
# with "<file>:<line>: <reason>" and starts nothing; `ctdb-noded -n`
# reports the same problems (all of them at once). Keys and sections of
# ctdb.conf that no daemon reads: refused by `ctdb-noded -n` and
# `ctdb-eventd -n`, warnings naming file:line at start. Also the options.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

# noded_rc BASE ARGS...: run ctdb-noded in the foreground; stderr, then
# "rc=N". A daemon that does start is stopped by SHUTDOWN's absence: the
# cases below must all exit by themselves.
noded_rc()
{
	local b=$1 rc
	shift
	h_vg noded
	CTDB_TEST_MODE=yes CTDB_BASE="$b" CTDB_EVENTD="$(nl_eventd_path)" \
		timeout 30 "${H_VG[@]}" "$NODED" "$@" </dev/null 2>&1
	rc=$?
	echo "rc=$rc"
}

# refused NAME BASE EXPECTED-LINE: both the daemon and -n print exactly
# the line and exit 1, and the daemon started nothing.
refused()
{
	local name=$1 b=$2 line=$3

	expect "$name: the daemon refuses to start" noded_rc "$b" <<EOF
$line
rc=1
EOF
	check "$name: no event daemon, no event" test ! -e "$b/events.log"
	check "$name: no socket" test ! -e "$b/run/noded.socket"
	check "$name: no pidfile" test ! -e "$b/run/noded.pid"
	expect "$name: -n reports it" noded_rc "$b" -n <<EOF
$line
rc=1
EOF
	expect "$name: --check reports it" noded_rc "$b" --check <<EOF
$line
rc=1
EOF
}

B=$(nl_base ips) || h_die "nl_base failed"
printf '# public addresses\n%s/32 lo\n127.0.0.300/32 lo\n' "$NL_IP" \
	>"$B/public_addresses"
refused "malformed public_addresses line" "$B" \
	"$B/public_addresses:3: invalid address '127.0.0.300'"

B=$(nl_base unknown) || h_die "nl_base failed"
printf 'MonitorInterval=1\n# comment\nNoSuchTunable=1\n' >"$B/ctdb.tunables"
refused "unknown tunable" "$B" \
	"$B/ctdb.tunables:3: unknown tunable 'NoSuchTunable'"

B=$(nl_base range) || h_die "nl_base failed"
printf 'MonitorInterval=0\n' >"$B/ctdb.tunables"
refused "tunable out of range" "$B" \
	"$B/ctdb.tunables:1: MonitorInterval: value 0 out of range 1..3600"

B=$(nl_base rule) || h_die "nl_base failed"
printf 'ClusterHeartbeatTimeout=2000\nClusterHeartbeatInterval=2000\n' \
	>"$B/ctdb.tunables"
refused "heartbeat timeout not above its interval" "$B" \
	"$B/ctdb.tunables: ClusterHeartbeatTimeout must be larger than ClusterHeartbeatInterval (ClusterHeartbeatTimeout is 2000, ClusterHeartbeatInterval 2000)"

B=$(nl_base cpggroup) || h_die "nl_base failed"
conf_add "$B" "[cluster]" "	cpg group = $(printf 'g%.0s' $(seq 1 128))"
refused "cpg group name too long" "$B" \
	"$B/ctdb.conf:5: invalid cpg group '$(printf 'g%.0s' $(seq 1 128))' (1 to 127 characters)"

B=$(nl_base level) || h_die "nl_base failed"
conf_add "$B" "	log level = LOUD"
refused "bad ctdb.conf log level" "$B" \
	"$B/ctdb.conf:4: invalid log level 'LOUD' (expected ERROR, WARNING, NOTICE, INFO or DEBUG)"

B=$(nl_base address) || h_die "nl_base failed"
conf_add "$B" "[cluster]" "	node address = 10.0.0.999"
refused "bad [cluster] node address" "$B" \
	"$B/ctdb.conf:5: invalid node address '10.0.0.999' (expected an IPv4 or IPv6 address)"

# Every file is checked: three problems, three lines.
B=$(nl_base all) || h_die "nl_base failed"
conf_add "$B" "	location = nowhere"
printf 'NoIPFailback=2\n' >"$B/ctdb.tunables"
printf '%s/33 lo\n' "$NL_IP" >"$B/public_addresses"
expect "-n reports every broken file" noded_rc "$B" -n <<EOF
$B/ctdb.conf:4: invalid log location 'nowhere' (expected file:PATH, file: or syslog)
$B/ctdb.tunables:1: NoIPFailback: value 2 out of range 0..1
$B/public_addresses:1: invalid mask '/33' for IPv4 address '$NL_IP', expected 0..32
rc=1
EOF

# [cluster] backend: local, or corosync in a build with corosync. With
# corosync, the nodes file must list this node once, and no address twice.
if grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h"; then
	B=$(nl_base corosync) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync"
	refused "[cluster] backend = corosync without a nodes file" "$B" \
		"$B/nodes: missing: the corosync backend needs the list of nodes"

	B=$(nl_base nodes_this) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync" \
		"	node address = 10.9.0.7"
	printf '10.9.0.1\n#10.9.0.7\n10.9.0.3\n' >"$B/nodes"
	refused "node address not in nodes (a deleted line does not count)" \
		"$B" "$B/nodes: node address '10.9.0.7' ([cluster] in $B/ctdb.conf) is not a node of this file"

	B=$(nl_base nodes_dup) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync" \
		"	node address = 10.9.0.1"
	printf '10.9.0.1\n\n10.9.0.2\n 10.9.0.1\n' >"$B/nodes"
	refused "a duplicate address in nodes" "$B" \
		"$B/nodes:4: duplicate node address '10.9.0.1' (already pnn 0)"

	B=$(nl_base nodes_bad) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync" \
		"	node address = 10.9.0.1"
	printf '10.9.0.1\nnode2\n' >"$B/nodes"
	refused "a bad address in nodes" "$B" \
		"$B/nodes:2: invalid node address 'node2' (expected an IPv4 or IPv6 address)"

	B=$(nl_base nodes_ok) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync" \
		"	node address = 10.9.0.3" "	cpg group = ctdb-test"
	printf '10.9.0.1\n#10.9.0.2\n10.9.0.3\n' >"$B/nodes"
	expect "-n accepts backend = corosync with a good nodes file" \
		noded_rc "$B" -n <<'EOF'
configuration OK
rc=0
EOF
else
	B=$(nl_base corosync) || h_die "nl_base failed"
	conf_add "$B" "[cluster]" "	backend = corosync"
	refused "[cluster] backend = corosync without corosync support" "$B" \
		"$B/ctdb.conf:5: cluster backend 'corosync' is not available: ctdb-noded was built without corosync support"
fi

B=$(nl_base backend) || h_die "nl_base failed"
conf_add "$B" "[cluster]" "	backend = udp"
refused "bad [cluster] backend" "$B" \
	"$B/ctdb.conf:5: invalid cluster backend 'udp' (expected local or corosync)"

# Keys of the other daemon and of Samba's daemons are known: no complaint.
B=$(nl_base good) || h_die "nl_base failed"
conf_add "$B" "[event]" "	kill grace period = 3" \
	"[cluster]" "	backend = local" "	node address = 127.0.0.7" \
	"	cpg group = ctdb-test" "	recovery lock = /x" \
	"	Leader Timeout = 5" "[database]" "	tdb mutexes = true" \
	"[legacy]" "	start as stopped = false" "[failover]" \
	"	disabled = false"
expect "-n on a good configuration" noded_rc "$B" -n <<'EOF'
configuration OK
rc=0
EOF
check "-n starts nothing" test ! -e "$B/run/noded.pid"
nl_start "$B"
if nl_wait_running "$B"; then
	check "[cluster] node address is this node's address" \
		eval "nl_ctl '$B' status | grep '^node 0 127.0.0.7 flags=' >/dev/null"
	check "no warning about keys that are known" \
		eval "! grep -q 'unknown' '$B/log.ctdb'"
else
	h_fail "ctdb-noded did not start on a good configuration"
	nl_show "$B"
fi
nl_stop "$B" || h_fail "ctdb-noded did not stop"

# eventd_rc BASE ARGS...: ctdb-eventd in the foreground; stderr, "rc=N".
eventd_rc()
{
	local b=$1 rc
	shift
	h_vg eventd
	CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		timeout 30 "${H_VG[@]}" "$OUR_EVENTD" "$@" </dev/null 2>&1
	rc=$?
	echo "rc=$rc"
}
expect "ctdb-eventd -n on the same good configuration" eventd_rc "$B" -n <<'EOF'
configuration OK
rc=0
EOF

# Unknown keys and sections: a typo is refused by -n, with file:line ...
B=$(nl_base typo) || h_die "nl_base failed"
conf_add "$B" "	log levle = DEBUG" "[cluster]" "	bakend = corosync" \
	"[clustre]" "	backend = local" "	node address = 127.0.0.8" \
	"[event]" "	history length = 4"
expect "-n refuses unknown keys and sections" noded_rc "$B" -n <<EOF
$B/ctdb.conf:4: unknown key 'log levle' in section [logging]
$B/ctdb.conf:6: unknown key 'bakend' in section [cluster]
$B/ctdb.conf:7: unknown section [clustre]
rc=1
EOF
expect "ctdb-eventd -n refuses them too" eventd_rc "$B" -n <<EOF
ctdb-eventd: $B/ctdb.conf:4: unknown key 'log levle' in section [logging]
ctdb-eventd: $B/ctdb.conf:6: unknown key 'bakend' in section [cluster]
ctdb-eventd: $B/ctdb.conf:7: unknown section [clustre]
rc=22
EOF
check "-n starts nothing" test ! -e "$B/run/noded.pid"

# ... and only logged as warnings at start, which goes on.
nl_start "$B"
if nl_wait_running "$B"; then
	for who in ctdb-noded ctdb-eventd; do
		check "$who warns about the unknown key, naming file:line" \
			nl_log_has "$B" "$who\\[[0-9]+\\]: .*ctdb.conf:6: unknown key 'bakend' in section \\[cluster\\], ignored"
		check "$who warns about the unknown section" \
			nl_log_has "$B" "$who\\[[0-9]+\\]: .*ctdb.conf:7: unknown section \\[clustre\\], ignored"
	done
	check "keys of an unknown section are not applied" \
		eval "nl_ctl '$B' status | grep '^node 0 127.0.0.1 flags=' >/dev/null"
else
	h_fail "ctdb-noded did not start despite unknown keys"
	nl_show "$B"
fi
nl_stop "$B" || h_fail "ctdb-noded did not stop"

# With a broken file too, -n names every problem, unknown keys first.
B=$(nl_base typo_and_error) || h_die "nl_base failed"
conf_add "$B" "[cluster]" "	bakend = corosync" "	node address = x"
printf 'NoIPFailback=2\n' >"$B/ctdb.tunables"
expect "-n reports unknown keys with the errors" noded_rc "$B" -n <<EOF
$B/ctdb.conf:5: unknown key 'bakend' in section [cluster]
$B/ctdb.conf:6: invalid node address 'x' (expected an IPv4 or IPv6 address)
$B/ctdb.tunables:1: NoIPFailback: value 2 out of range 0..1
rc=1
EOF
B=$(nl_base eventd_value) || h_die "nl_base failed"
conf_add "$B" "	log level = LOUD"
expect "ctdb-eventd -n reports a bad value" eventd_rc "$B" -n <<EOF
ctdb-eventd: $B/ctdb.conf:4: invalid log level 'LOUD' (expected ERROR, WARNING, NOTICE, INFO or DEBUG)
rc=22
EOF

# Missing files: no tunables means defaults, no public_addresses no IPs.
B=$(nl_base missing) || h_die "nl_base failed"
rm -f "$B/ctdb.tunables" "$B/public_addresses" "$B/ctdb.conf"
expect "-n with no configuration files at all" noded_rc "$B" -n <<'EOF'
configuration OK
rc=0
EOF

# ---------------------------------------------------------------- options

expect "unknown option" noded_rc "$B" -x <<'EOF'
Invalid options -x: unknown option
rc=1
EOF
expect "extra argument" noded_rc "$B" foo <<'EOF'
Unexpected argument 'foo'
rc=1
EOF
expect "--help" noded_rc "$B" --help <<'EOF'
Usage: ctdb-noded [OPTION...]
  -n, --check     check the configuration (ctdb.conf, ctdb.tunables,
                  public_addresses) and exit

Help options:
  -?, --help      Show this help message
      --usage     Display brief usage message
rc=0
EOF

h_finish
