#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Keeps ctdb-tunables(7) in step with the tunables table: every tunable of
# src/common/tunable.c, and no other, is in the page's SUMMARY table and
# has its own entry, with the table's default, range and unit.
#
# The table comes from tests/unit/dump_tunables, which links the real
# table ("name default min max unit" per line), so nothing here parses C.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"

dump="$abs_top_builddir/tests/unit/dump_tunables"
page="$abs_top_builddir/man/ctdb-tunables.7"
if [ ! -x "$dump" ]; then
	echo "ERROR: $dump is not built (make tests/unit/dump_tunables)"
	exit 99
fi
if [ ! -f "$page" ]; then
	# The template has the same tunable lines; only paths differ.
	page="$abs_top_srcdir/man/ctdb-tunables.7.in"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tunables_doc.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failed=0

if ! "$dump" | LC_ALL=C sort >"$tmp/table"; then
	echo "ERROR: $dump failed"
	exit 99
fi
if [ ! -s "$tmp/table" ]; then
	echo "FAIL: the tunables table is empty"
	exit 1
fi

# The SUMMARY table: ".It Va Name Ta default Ta min Ta max Ta unit".
awk '
	/^\.Sh / { in_summary = ($2 == "SUMMARY") }
	in_summary && /^\.It Va / {
		n = split($0, f, / Ta /)
		sub(/^\.It Va /, "", f[1])
		print f[1], f[2], f[3], f[4], f[5]
	}' "$page" | LC_ALL=C sort >"$tmp/summary"

# The entries of TUNABLES: ".It Va Name", then, before the next entry,
# a line "Default D, range MIN to MAX."; the unit comes from the table.
awk '
	/^\.Sh / { in_list = ($2 == "TUNABLES") }
	!in_list { next }
	/^\.It Va [^ ]+$/ {
		if (name != "") {
			print name, "missing"
		}
		name = $3
		next
	}
	name != "" && /^Default [0-9]+, range [0-9]+ to [0-9]+\.$/ {
		sub(/,$/, "", $2)
		sub(/\.$/, "", $6)
		print name, $2, $4, $6
		name = ""
	}
	END {
		if (name != "") {
			print name, "missing"
		}
	}' "$page" | LC_ALL=C sort >"$tmp/entries"

# compare WHAT EXPECTED GOT
compare()
{
	if cmp -s "$2" "$3"; then
		echo "ok: $1: as in the table"
	else
		echo "FAIL: $1: not as in the table ('-' table, '+' page):"
		diff -u "$2" "$3" | sed -e '1,2d' -e 's/^/    /'
		failed=$((failed + 1))
	fi
}

compare "$(basename "$page") SUMMARY" "$tmp/table" "$tmp/summary"
cut -d ' ' -f 1-4 "$tmp/table" >"$tmp/table4"
compare "$(basename "$page") TUNABLES entries" "$tmp/table4" "$tmp/entries"

echo "$(wc -l <"$tmp/table" | tr -d ' ') tunables, $failed mismatches"
[ "$failed" -eq 0 ]
