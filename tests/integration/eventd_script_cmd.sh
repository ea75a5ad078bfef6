#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# "ctdb-event script list|enable|disable": they work on the filesystem
# only, so no daemon runs here. The same sequence runs with our tool, with
# "ctdb event" and, when installed, with Samba's ctdb-event; all must print
# the expected text and leave the same files behind. Names with '/' or a
# leading '.' are refused by our tool (exit 22).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours "$OUR_CTDB"
h_init

# make_lst BASE: shipped scripts and a component mixing links to them,
# own files, a dangling link and a directory.
make_lst()
{
	local b=$1 s d f

	s="$b/share/events/lst"
	d="$b/events/lst"
	mkdir -p "$s" "$d" "$b/share/events/nocomp"
	for f in 00.ctdb 10.interface 20.multipathd 50.samba; do
		printf '#!/bin/sh\nexit 0\n' >"$s/$f.script"
		chmod 644 "$s/$f.script"
	done
	printf '#!/bin/sh\nexit 0\n' >"$b/share/events/nocomp/01.x.script"
	ln -s "$s/00.ctdb.script" "$d/00.ctdb.script"
	ln -s "$s/10.interface.script" "$d/10.interface.script"
	printf '#!/bin/sh\nexit 0\n' >"$d/05.local.script"
	chmod 755 "$d/05.local.script"
	printf '#!/bin/sh\nexit 0\n' >"$d/50.samba.script"
	chmod 644 "$d/50.samba.script"
	printf '#!/bin/sh\nexit 0\n' >"$d/60.localoff.script"
	chmod 644 "$d/60.localoff.script"
	ln -s "$b/nonexistent" "$d/70.dangling.script"
	mkdir "$d/80.dir.script"
	printf 'not a script\n' >"$d/README.script"
	printf 'not a script\n' >"$d/README"
	# Leftovers are never listed.
	printf '#!/bin/sh\nexit 0\n' >"$d/05.local.script~"
	printf '#!/bin/sh\nexit 0\n' >"$d/50.samba.script.rpmsave"
	chmod 755 "$d/05.local.script~" "$d/50.samba.script.rpmsave"
}

# state BASE: modes and link targets of the component, base path hidden.
state()
{
	local f
	for f in "$1"/events/lst/*; do
		if [ -L "$f" ]; then
			echo "$(basename "$f") -> $(readlink "$f")"
		else
			echo "$(basename "$f") $(stat -c %A "$f")"
		fi
	done | sed -e "s|$1|BASE|g"
}

# sequence TOOL BASE: the commands, their stdout, stderr and exit codes.
sequence()
{
	local t=$1 b=$2

	step()
	{
		echo "# $*"
		run_tool "$t" "$b" "$@" 2>"$b/step.stderr"
		echo "rc=$?"
		sed -e 's/^/stderr: /' "$b/step.stderr"
	}

	step script list lst
	step script enable lst 20.multipathd
	step script list lst
	step script disable lst 20.multipathd
	step script disable lst 05.local
	step script enable lst 60.localoff
	step script list lst
	step script enable lst 05.local
	step script enable lst 00.ctdb
	step script disable lst 99.nosuch
	step script enable lst 99.nosuch
	step script enable lst 10.interface.script
	step script enable lst 80.dir
	step script disable lst 80.dir
	step script enable lst README
	step script disable lst README
	step script enable nocomp 01.x
	step script list nocomp
	step script list nosuch
	step script list
	step script enable lst
	state "$b"
} 

expected="$TESTDIR/expected.seq"
cat >"$expected" <<'EOF'
# script list lst
* 00.ctdb
* 10.interface
  20.multipathd
  50.samba

* 05.local
  50.samba
  60.localoff
  70.dangling
* 80.dir
rc=0
# script enable lst 20.multipathd
rc=0
# script list lst
* 00.ctdb
* 10.interface
* 20.multipathd
  50.samba

* 05.local
  50.samba
  60.localoff
  70.dangling
* 80.dir
rc=0
# script disable lst 20.multipathd
rc=0
# script disable lst 05.local
rc=0
# script enable lst 60.localoff
rc=0
# script list lst
* 00.ctdb
* 10.interface
  20.multipathd
  50.samba

  05.local
  50.samba
* 60.localoff
  70.dangling
* 80.dir
rc=0
# script enable lst 05.local
rc=0
# script enable lst 00.ctdb
rc=0
# script disable lst 99.nosuch
rc=0
# script enable lst 99.nosuch
Script 99.nosuch does not exist in lst
rc=2
# script enable lst 10.interface.script
Script 10.interface.script does not exist in lst
rc=2
# script enable lst 80.dir
Script BASE/events/lst/80.dir.script is not a file or a link
rc=22
# script disable lst 80.dir
Script BASE/events/lst/80.dir.script is not a file or a link
rc=22
# script enable lst README
Script README is invalid in lst
rc=22
# script disable lst README
Script README is invalid in lst
rc=22
# script enable nocomp 01.x
Failed to create symlink BASE/events/nocomp/01.x.script
rc=5
# script list nocomp
rc=2
stderr: Command script list finished with result=2
# script list nosuch
rc=2
stderr: NO DATADIR MESSAGE
# script list
Usage: ctdb-event [-h] [-h|--help]
        [-d|--debug=ERROR|WARNING|NOTICE|INFO|DEBUG] <command> [<args>]

  script list <component>     List event scripts
rc=1
# script enable lst
Usage: ctdb-event [-h] [-h|--help]
        [-d|--debug=ERROR|WARNING|NOTICE|INFO|DEBUG] <command> [<args>]

  script enable <component> <script>     Enable an event script
rc=1
00.ctdb.script -> BASE/share/events/lst/00.ctdb.script
05.local.script -rwxr-xr-x
05.local.script~ -rwxr-xr-x
10.interface.script -> BASE/share/events/lst/10.interface.script
50.samba.script -rw-r--r--
50.samba.script.rpmsave -rwxr-xr-x
60.localoff.script -rwxr-xr-x
70.dangling.script -> BASE/nonexistent
80.dir.script drwxr-xr-x
README -rw-r--r--
README.script -rw-r--r--
EOF

flavours="ours ctdb"
if [ -x "$SAMBA_EVENT" ]; then
	flavours="$flavours samba"
else
	h_skip_step "script commands with Samba's tool: $SAMBA_EVENT not installed"
fi
# A missing directory of shipped scripts: 4.17 says only
# "Command script list finished with result=2"; 4.24+ (spec section 9),
# and so our tool, names the directory.
sed -e 's|^stderr: NO DATADIR MESSAGE$|stderr: Command script list finished with result=2|' \
	"$expected" >"$expected.samba"
sed -e 's|^stderr: NO DATADIR MESSAGE$|stderr: Unable to find event script installation directory: BASE/share/events/nosuch|' \
	"$expected" >"$expected.ours"
umask 022
for t in $flavours; do
	b=$(setup_base "s-$t") || h_die "setup_base failed"
	make_lst "$b"
	sequence "$t" "$b" | sed -e "s|$b|BASE|g" >"$TESTDIR/seq.$t"
	case "$t" in
	samba) e="$expected.samba" ;;
	*) e="$expected.ours" ;;
	esac
	check_output "script commands with the $t tool" "$e" "$TESTDIR/seq.$t"
done

# The older NN.name form is a script too: listed with the others (enable
# and disable act on NN.name.script only, see ctdb-event(1) CAVEATS).
b=$(setup_base old) || h_die "setup_base failed"
mkdir -p "$b/share/events/old" "$b/events/old"
printf '#!/bin/sh\nexit 0\n' >"$b/events/old/01.first"
printf '#!/bin/sh\nexit 0\n' >"$b/events/old/02.second.script"
printf '#!/bin/sh\nexit 0\n' >"$b/events/old/03.third"
printf '#!/bin/sh\nexit 0\n' >"$b/events/old/04.fourth~"
chmod 755 "$b/events/old/01.first" "$b/events/old/02.second.script" \
	"$b/events/old/04.fourth~"
chmod 644 "$b/events/old/03.third"
expect "script list shows NN.name scripts" tool_rc ours "$b" script list old <<'EOF'
* 01.first
* 02.second
  03.third
rc=0
EOF

# Names with '/' or a leading '.' never reach the filesystem.
b=$(setup_base refuse) || h_die "setup_base failed"
make_lst "$b"
state "$b" >"$TESTDIR/refuse.before"
refused()
{
	local what=$1
	shift
	expect "ctdb-event $*: refused" tool_all ours "$b" "$@" <<EOF
stderr: Invalid $what
rc=22
EOF
}
refused "script name '../x'" script enable lst ../x
refused "script name '.hidden'" script enable lst .hidden
refused "script name '../lst/05.local'" script disable lst ../lst/05.local
refused "script name '.05.local'" script disable lst .05.local
refused "component name 'a/b'" script enable a/b 01.x
refused "component name '../events/lst'" script disable ../events/lst 05.local
refused "component name '.lst'" script enable .lst 05.local
refused "component name '../events/lst'" script list ../events/lst
refused "component name '.lst'" script list .lst
state "$b" >"$TESTDIR/refuse.after"
check_output "refused names changed nothing" "$TESTDIR/refuse.before" "$TESTDIR/refuse.after"

h_finish
