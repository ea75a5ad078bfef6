#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# doc/protocol.md against the code: its command numbers and limits are the
# headers' (src/protocol/*.h), and its example requests, sent byte for
# byte to our ctdb-eventd and ctdb-noded, get the replies it shows.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

DOC="$abs_top_srcdir/doc/protocol.md"
CHECK="$abs_top_srcdir/tests/integration/doc_protocol.py"

# doc_check NAME ARGS...: run the checker; each of its findings is a
# check of its own, and a silent failure is one too.
doc_check()
{
	local name=$1 out rc line
	shift
	out=$(python3 "$CHECK" "$DOC" "$abs_top_srcdir" "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok: "*) h_pass "${line#ok: }" ;;
		"FAIL: "*) h_fail "${line#FAIL: }" ;;
		*) echo "    $line" ;;
		esac
	done <<<"$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' <<<"$out"; then
		h_fail "$name: the checker exited with $rc"
	fi
}

doc_check "numbers" numbers

# ------------------------------------------------------- the event socket

# legacy has no scripts, so its monitor key is never set; the RUN_INPUT
# example runs notification/startup, whose script keeps its stdin.
E=$(setup_base ev) || h_die "setup_base failed"
add_component "$E" legacy
add_script "$E" notification 01.stdin.script <<'EOF'
cat >"$CTDB_BASE/stdin.$1"
EOF
daemon_start ours "$E" || h_die "ctdb-eventd did not start: $(cat "$E/daemon.stderr")"
ES="$E/run/eventd.socket"

doc_check "RUN_INPUT" example "$ES" event run_input
check "RUN_INPUT: the script read the example's input on stdin" \
	test "$(cat "$E/stdin.startup" 2>/dev/null)" = '{"e": "start"}'
doc_check "METRICS" example "$ES" event metrics
doc_check "WATCH" example "$ES" event watch

# -------------------------------------------------------- the node socket

B=$(nl_base node) || h_die "nl_base failed"
# The tunables' defaults: the example reads MonitorInterval's.
: >"$B/ctdb.tunables"
nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
NS="$B/run/noded.socket"

doc_check "GETVAR" example "$NS" node getvar
doc_check "SETVAR" example "$NS" node setvar
# decodes_as NAME EXPECTED: the checker decodes the reply to NAME into
# exactly EXPECTED (the node may still be taking its address: polled).
decodes_as()
{
	local got
	got=$(python3 "$CHECK" "$DOC" "$abs_top_srcdir" request "$NS" node "$1" 2>&1)
	[ "$got" = "$2" ] && return 0
	LAST_DECODED=$got
	return 1
}
status_want="pnn=0 runstate=5 recmode=0 leader=0
node 0 127.0.0.1 flags=0x0 reason=None
why_out=None"
if ! check "STATUS decodes with section 5.1's layout" \
	wait_until 10 decodes_as status "$status_want"; then
	echo "    got: $LAST_DECODED"
fi
if ! check "IPS decodes with section 5.2's layout" \
	wait_until 10 decodes_as ips "$NL_IP/32 lo 0"; then
	echo "    got: $LAST_DECODED"
fi

nl_stop "$B" || h_fail "ctdb-noded did not stop"
daemon_stop "$E" || h_fail "ctdb-eventd did not stop"
h_finish
