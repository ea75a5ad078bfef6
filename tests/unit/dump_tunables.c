/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Print the tunables table, "name default min max unit" per line, for tunables_doc.sh. */
#include <stdio.h>

#include "common/tunable.h"

/*
 * The man page ctdb-tunables(7) is checked against this output, so the
 * table stays the one source of truth: a tunable added, removed or given
 * another default or range fails `make check` until the page follows.
 */
int main(void)
{
	unsigned i;
	int ret;

	for (i = 0; i < TUNABLE_COUNT; i++) {
		const struct tunable_def *t = &tunable_table[i];

		ret = printf("%s %u %u %u %s\n", t->name, (unsigned)t->def,
			     (unsigned)t->min, (unsigned)t->max, t->unit);
		if (ret < 0) {
			return 1;
		}
	}
	ret = fflush(stdout);
	return ret == 0 ? 0 : 1;
}
