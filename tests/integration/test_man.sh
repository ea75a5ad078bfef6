#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders every generated man page with groff; any warning or leftover placeholder fails.
#
# The page list comes from the templates in the source tree, so a new page
# is checked without touching this file. Skips (77) when groff is missing.
#
# Each page is rendered twice: the template with the default /usr/local
# paths under exactly `groff -ww -mandoc -Tutf8`, and the page this build
# generated with every warning but "can't break line", since a long
# configured prefix (make distcheck's, for one) is an unbreakable word that
# is no fault of the page.

set -u

: "${abs_top_builddir:?abs_top_builddir must be set (run through make check)}"
: "${abs_top_srcdir:?abs_top_srcdir must be set (run through make check)}"

if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

status=0
checked=0

# The template with the paths of a default ./configure.
default_page()
{
	sed -e 's|@ETCDIR@|/usr/local/etc/ctdb|g' \
		-e 's|@RUNDIR@|/usr/local/var/run/ctdb|g' \
		-e 's|@DATADIR@|/usr/local/share/ctdb|g' \
		-e 's|@HELPERDIR@|/usr/local/libexec/ctdb|g' \
		-e 's|@VARDIR@|/usr/local/var/lib/ctdb|g' \
		-e 's|@LOGDIR@|/usr/local/var/log/ctdb|g' \
		-e 's|@SBINDIR@|/usr/local/sbin|g' \
		-e 's|@BINDIR@|/usr/local/bin|g' "$1"
}

# check_page NAME PAGE [GROFF-FLAGS]: 0 if the page is clean, 1 after
# reporting problems.
check_page()
{
	# sh has no locals: these names must not clash with the caller's.
	cp_name=$1
	page=$2
	flags=${3:-}
	bad=0

	if [ ! -f "$page" ]; then
		echo "FAIL: $cp_name: not generated (expected $page)"
		return 1
	fi

	# A placeholder the build did not substitute, such as @ETCDIR@.
	if grep -n '@[A-Za-z_][A-Za-z0-9_]*@' "$page" >"$tmp/left"; then
		echo "FAIL: $cp_name: placeholder left:"
		sed 's/^/    /' "$tmp/left"
		bad=1
	fi

	# -ww turns on every warning; the mdoc macros report their own
	# problems on stderr too. Either counts.
	# shellcheck disable=SC2086 # flags are words
	LC_ALL=C groff -ww $flags -mandoc -Tutf8 "$page" >"$tmp/out" \
		2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: $cp_name: groff exited with $rc"
		bad=1
	fi
	if [ -s "$tmp/err" ]; then
		echo "FAIL: $cp_name: groff warnings:"
		sed 's/^/    /' "$tmp/err"
		bad=1
	fi
	if [ ! -s "$tmp/out" ]; then
		echo "FAIL: $cp_name: rendered to nothing"
		bad=1
	fi
	return "$bad"
}

for template in "$abs_top_srcdir"/man/*.in; do
	[ -e "$template" ] || continue
	name=$(basename "$template" .in)
	checked=$((checked + 1))
	default_page "$template" >"$tmp/$name"
	if check_page "$name (default paths)" "$tmp/$name" &&
		check_page "$name" "$abs_top_builddir/man/$name" -Wbreak; then
		echo "ok: $name"
	else
		status=1
	fi
done

if [ "$checked" -eq 0 ]; then
	echo "FAIL: no man page templates in $abs_top_srcdir/man"
	exit 1
fi
exit "$status"
