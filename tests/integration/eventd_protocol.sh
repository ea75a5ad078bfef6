#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-eventd on the wire, through proto_client.py (a client written
# from the protocol spec): header echo, names that could leave the events
# directory, the SCRIPT command, and malformed requests, after each of
# which the daemon must go on serving (Samba 4.17 crashes on a SCRIPT
# request without a name and accepts trailing bytes).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

command -v python3 >/dev/null 2>&1 || h_skip "python3 not installed"
h_require_ours
h_init

PROTO="$abs_top_srcdir/tests/integration/proto_client.py"

B=$(setup_base proto) || h_die "setup_base failed"
add_script "$B" legacy 01.ok.script <<'EOF'
echo "ok"
EOF
ln -s "$B/events/legacy/01.ok.script" "$B/events/legacy/00.link.script"

daemon_start ours "$B" || h_die "our daemon did not start: $(cat "$B/daemon.stderr")"

# proto ARGS...: one request, the decoded reply and the exit status.
proto()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$B" python3 "$PROTO" "$@" 2>&1 |
		sed -E -e 's/begin=[0-9]+\.[0-9]{6} dur=[0-9]+\.[0-9]{3}/begin=B dur=D/'
	echo "rc=${PIPESTATUS[0]}"
}

# Little-endian encoders for hand-made requests.
u32()
{
	printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}
hexstr()
{
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
}
str()
{
	u32 $((${#1} + 1))
	hexstr "$1"
	printf '00'
}
# req CMD BODY_HEX: header (length, version 0, reqid 1), cmd, body.
req()
{
	u32 $((16 + ${#2} / 2))
	u32 0
	u32 1
	u32 "$1"
	printf '%s' "$2"
}

still_serves()
{
	expect "$1: the daemon still serves" proto status nosuch monitor <<'EOF'
reply: length=20 version=0 reqid=1 cmd=2(STATUS) result=2(ENOENT)
rc=2
EOF
}

# ------------------------------------------------------------- header

expect "reqid echoed, version 0 in the reply whatever was sent" \
	proto --reqid 0x12345678 --version 7 status nosuch monitor <<'EOF'
reply: length=20 version=0 reqid=305419896 cmd=2(STATUS) result=2(ENOENT)
rc=2
EOF

expect "RUN" proto run 30 legacy monitor <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=0(OK)
rc=0
EOF
expect "STATUS body" proto status legacy monitor <<'EOF'
reply: length=138 version=0 reqid=1 cmd=2(STATUS) result=0(OK)
summary=0(OK) num_scripts=2
  00.link              result=0(OK) begin=B dur=D output='ok\n'
  01.ok                result=0(OK) begin=B dur=D output='ok\n'
rc=0
EOF

# ------------------------------------------- names outside the events dir

for a in "run 30 a/b monitor" "run 30 .x monitor" "run 30 ../legacy monitor"; do
	expect "RUN $a" proto $a <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=22(EINVAL)
rc=22
EOF
done
for a in "status ../events monitor" "status .legacy monitor"; do
	expect "STATUS $a" proto $a <<'EOF'
reply: length=20 version=0 reqid=1 cmd=2(STATUS) result=22(EINVAL)
rc=22
EOF
done
for a in "script legacy ../legacy/01.ok enable" "script legacy .01.ok enable" \
	"script a/b 01.ok disable" "script .legacy 01.ok disable"; do
	expect "SCRIPT $a" proto $a <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=22(EINVAL)
rc=22
EOF
done
expect "RUN with an empty component" proto run 30 "" monitor <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=22(EINVAL)
rc=22
EOF

# ------------------------------------------------------------- SCRIPT

expect "SCRIPT disable" proto script legacy 01.ok disable <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=0(OK)
rc=0
EOF
check "SCRIPT disable clears the x bits" \
	test "$(stat -c %A "$B/events/legacy/01.ok.script")" = -rw-r--r--
expect "SCRIPT enable" proto script legacy 01.ok enable <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=0(OK)
rc=0
EOF
check "SCRIPT enable sets the x bits" \
	test "$(stat -c %A "$B/events/legacy/01.ok.script")" = -rwxr-xr-x
expect "SCRIPT on a missing script" proto script legacy 99.nosuch enable <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=2(ENOENT)
rc=2
EOF
expect "SCRIPT on a symlink" proto script legacy 00.link disable <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=22(EINVAL)
rc=22
EOF
check "SCRIPT on a symlink changes nothing" \
	test "$(stat -L -c %A "$B/events/legacy/00.link.script")" = -rwxr-xr-x

# ------------------------------------------------------ malformed requests

# NULL names are answered with EINVAL.
expect "SCRIPT with a NULL script name" \
	proto raw "$(req 3 "$(str legacy)$(u32 0)$(u32 1)")" <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=22(EINVAL)
rc=22
EOF
still_serves "SCRIPT with a NULL script name"
expect "RUN with a NULL event" \
	proto raw "$(req 1 "$(str legacy)$(u32 0)$(u32 0)$(u32 30)$(u32 0)")" <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=22(EINVAL)
rc=22
EOF
expect "STATUS with a NULL component" \
	proto raw "$(req 2 "$(u32 0)$(str monitor)")" <<'EOF'
reply: length=20 version=0 reqid=1 cmd=2(STATUS) result=22(EINVAL)
rc=22
EOF

# Undecodable requests close the connection without a reply, as CTDB's
# daemon does; strict decoding also refuses what 4.17 lets through.
closed()
{
	expect "$1: connection closed" proto raw "$2" <<'EOF'
no reply: connection closed by daemon after 0 of 4 bytes
rc=1
EOF
	still_serves "$1"
}
closed "unknown cmd 9" "$(req 9 "$(str legacy)$(str monitor)")"
closed "SCRIPT with action 5" "$(req 3 "$(str legacy)$(str 01.ok)$(u32 5)")"
closed "trailing bytes" "$(req 2 "$(str nosuch)$(str monitor)0000")"
closed "string without its NUL" "$(req 2 "$(str nosuch)$(u32 7)$(hexstr monitor)")"
closed "string with an inner NUL" "$(req 2 "$(str nosuch)$(u32 8)$(hexstr mon)00$(hexstr itor)")"
closed "truncated body" "$(req 2 "$(str nosuch)$(u32 8)$(hexstr moni)")"
closed "a 4-byte packet" "04000000"

if ! daemon_stop "$B"; then
	h_fail "daemon did not exit on SIGTERM"
else
	check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
fi

h_finish
