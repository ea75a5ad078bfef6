#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-eventd with our ctdb-event: run and status of succeeding,
# failing, multi-line, disabled, missing, never run and empty cases,
# RUN_ALL, script names in both forms, leftovers, names the tool refuses,
# and "ctdb event" printing what "ctdb-event" prints.
#
# Output formats are the newest Samba's (design.md): an OUTPUT block for
# every script that failed or wrote something, one line inline, several
# lines indented by four spaces.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours "$OUR_CTDB"
h_init

B=$(setup_base run) || h_die "setup_base failed"

add_script "$B" okc 01.first.script <<'EOF'
echo "first ok"
exit 0
EOF
add_script "$B" okc 02.second.script <<'EOF'
exit 0
EOF

add_script "$B" legacy 01.ok.script <<'EOF'
echo "ok output"
exit 0
EOF
add_script "$B" legacy 02.disabled.script 644 <<'EOF'
echo "disabled ran" >>"$CTDB_BASE/disabled.log"
exit 1
EOF
add_script "$B" legacy 03.fail.script <<'EOF'
if [ "$1" = monitor ]; then
	echo "stdout line"
	echo "stderr line" >&2
	exit 1
fi
echo "args: $*"
exit 0
EOF
add_script "$B" legacy 04.after.script <<'EOF'
echo "after"
exit 0
EOF

add_script "$B" multi 01.multi.script <<'EOF'
printf '\nline 2\n\nline 4\n\n\n'
exit 3
EOF

add_script "$B" silent 01.silent.script <<'EOF'
exit 7
EOF

add_script "$B" dis 01.off.script 644 <<'EOF'
exit 1
EOF
add_script "$B" dis 02.on.script <<'EOF'
exit 0
EOF

add_component "$B" empty

# The form of the events.d README (no .script) runs too, in byte order.
add_script "$B" old 01.first <<'EOF'
echo "first: $0 $*"
exit 0
EOF
add_script "$B" old 02.second.script <<'EOF'
echo "second"
exit 0
EOF
add_script "$B" old 10.last <<'EOF'
exit 0
EOF

# Editor and package-manager leftovers, in both forms, never run.
for f in 01.x.script~ 02.y.script.rpmsave 03.z.dpkg-old 04.a~ 05.b.rpmnew \
	06.c.rpmorig 07.d.dpkg-new 08.e.dpkg-dist 09.f.dpkg-tmp 11.g.swp \
	12.h.bak 13.i.orig 14.j.script.orig 16.l.script.dpkg-dist; do
	add_script "$B" left "$f" <<'EOF'
echo "$0" >>"$CTDB_BASE/left.log"
exit 1
EOF
done
add_script "$B" left 10.real.script <<'EOF'
echo "real"
EOF
add_script "$B" left 15.k <<'EOF'
echo "k"
EOF

daemon_start ours "$B" || h_die "our daemon did not start: $(cat "$B/daemon.stderr")"

# ------------------------------------------------------------ succeeding

expect "run okc monitor" tool_rc ours "$B" run 30 okc monitor <<'EOF'
rc=0
EOF
expect "status okc monitor" tool_rc ours "$B" status okc monitor <<'EOF'
01.first             OK         DUR DATE
  OUTPUT: first ok
02.second            OK         DUR DATE
rc=0
EOF

# --------------------------------------------------------------- failing

expect "run legacy monitor (fails)" tool_rc ours "$B" run 30 legacy monitor <<'EOF'
Event monitor in legacy failed
rc=8
EOF
# Stops at the failing script: 04.after is not listed. stdout and stderr
# share one pipe, in write order.
expect "status legacy monitor" tool_rc ours "$B" status legacy monitor <<'EOF'
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT:
    stdout line
    stderr line
rc=1
EOF
check "a disabled script never runs" test ! -e "$B/disabled.log"

# A failing script that wrote nothing: "OUTPUT: " with a trailing space.
expect "run silent monitor" tool_rc ours "$B" run 30 silent monitor <<'EOF'
Event monitor in silent failed
rc=8
EOF
expect "status silent monitor" tool_rc ours "$B" status silent monitor <<'EOF'
01.silent            ERROR      DUR DATE
  OUTPUT: 
rc=7
EOF

# ------------------------------------------------------------ multi-line

# Trailing newlines dropped, leading and inner blank lines kept.
expect "run multi monitor" tool_rc ours "$B" run 30 multi monitor <<'EOF'
Event monitor in multi failed
rc=8
EOF
expect "status multi monitor" tool_rc ours "$B" status multi monitor <<'EOF'
01.multi             ERROR      DUR DATE
  OUTPUT:
    
    line 2
    
    line 4
rc=3
EOF

# ------------------------------------------------------------- arguments

expect "run legacy takeip with args" \
	tool_rc ours "$B" run 30 legacy takeip eth0 10.0.0.1 24 <<'EOF'
rc=0
EOF
expect "status legacy takeip" tool_rc ours "$B" status legacy takeip <<'EOF'
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              OK         DUR DATE
  OUTPUT: args: takeip eth0 10.0.0.1 24
04.after             OK         DUR DATE
  OUTPUT: after
rc=0
EOF

# -------------------------------------------------------------- disabled

expect "run dis monitor" tool_rc ours "$B" run 30 dis monitor <<'EOF'
rc=0
EOF
expect "status dis monitor" tool_rc ours "$B" status dis monitor <<'EOF'
01.off               DISABLED  
02.on                OK         DUR DATE
rc=0
EOF

# ------------------------------------------------ missing, never run, empty

expect "run of a missing component" tool_rc ours "$B" run 30 nosuch monitor <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF
expect "status of a missing component" tool_rc ours "$B" status nosuch monitor <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF
expect "status of an event never run" tool_rc ours "$B" status legacy startup <<'EOF'
Event startup has never run in legacy
rc=22
EOF
expect "status of empty before any run" tool_rc ours "$B" status empty monitor <<'EOF'
Event monitor has never run in empty
rc=22
EOF
expect "run empty monitor" tool_rc ours "$B" run 30 empty monitor <<'EOF'
rc=0
EOF
expect "status empty monitor" tool_rc ours "$B" status empty monitor <<'EOF'
rc=0
EOF

# A component directory created after a first failed look is found.
expect "run of a component not yet created" tool_rc ours "$B" run 30 late monitor <<'EOF'
Event dir for late does not exist
rc=2
EOF
add_script "$B" late 01.late.script <<'EOF'
exit 0
EOF
expect "a component created later runs" tool_rc ours "$B" run 30 late monitor <<'EOF'
rc=0
EOF

# ---------------------------------------------------------------- RUN_ALL

# Only in test mode; the event takes the last failing script's result.
run_all_rc()
{
	CTDB_EVENT_RUN_ALL=1 tool_rc "$@"
}
expect "RUN_ALL run legacy monitor" run_all_rc ours "$B" run 30 legacy monitor <<'EOF'
Event monitor in legacy failed
rc=8
EOF
expect "RUN_ALL status legacy monitor" tool_rc ours "$B" status legacy monitor <<'EOF'
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT:
    stdout line
    stderr line
04.after             OK         DUR DATE
  OUTPUT: after
rc=1
EOF

# ---------------------------------------------------- NN.name, leftovers

expect "run old monitor (NN.name scripts)" tool_rc ours "$B" run 30 old monitor <<'EOF'
rc=0
EOF
expect "status old monitor" tool_rc ours "$B" status old monitor <<EOF
01.first             OK         DUR DATE
  OUTPUT: first: $B/events/old/01.first monitor
02.second            OK         DUR DATE
  OUTPUT: second
10.last              OK         DUR DATE
rc=0
EOF

expect "run left monitor" tool_rc ours "$B" run 30 left monitor <<'EOF'
rc=0
EOF
expect "status left monitor: leftovers are no scripts" tool_rc ours "$B" status left monitor <<'EOF'
10.real              OK         DUR DATE
  OUTPUT: real
15.k                 OK         DUR DATE
  OUTPUT: k
rc=0
EOF
check "no leftover ran" test ! -e "$B/left.log"

# ------------------------------------------------- names the tool refuses
# Refused by the tool itself, before any connection: run against a base
# without a daemon, where connecting would give exit 5.

NB=$(setup_base nodaemon) || h_die "setup_base failed"
add_component "$NB" legacy
for args in "run 30 a/b monitor" "run 30 .hidden monitor" "run 30 ../legacy monitor" \
	"status a/b monitor" "status .x monitor" "status /abs monitor"; do
	# shellcheck disable=SC2086
	set -- $args
	[ "$1" = run ] && shift
	# shellcheck disable=SC2086
	expect "ctdb-event $args: refused" tool_all ours "$NB" $args <<EOF
stderr: Invalid component name '$2'
rc=22
EOF
done

# ------------------------------------------- "ctdb event" == "ctdb-event"

same_output()
{
	local a b
	a=$(tool_rc ours "$B" "$@" 2>&1)
	b=$(tool_rc ctdb "$B" "$@" 2>&1)
	if [ "$a" = "$b" ]; then
		h_pass "ctdb event $*: same as ctdb-event"
	else
		h_fail "ctdb event $*: differs from ctdb-event"
		diff -u <(echo "$a") <(echo "$b") | tail -n +3 | sed -e 's/^/    /'
	fi
}

same_output status legacy monitor
same_output status multi monitor
same_output status okc monitor
same_output status nosuch monitor
same_output status legacy nosuchevent
same_output run 30 legacy monitor
same_output run 30 okc monitor
same_output run 30 nosuch monitor
same_output script list legacy
same_output status legacy
same_output -d NOTICE status okc monitor

if ! daemon_stop "$B"; then
	h_fail "daemon did not exit on SIGTERM"
else
	check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
fi
check "daemon wrote nothing on stderr" test ! -s "$B/daemon.stderr"

h_finish
