/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `ctdb metrics`: both daemons' OpenMetrics families, then "# EOF". */
#ifndef CTDB_TOOLS_METRICS_TOOL_H
#define CTDB_TOOLS_METRICS_TOOL_H

#include <stdio.h>
#include <talloc.h>

/* Seconds each daemon gets to answer; a scrape must never hang. */
#define METRICS_TOOL_TIMEOUT 10

/*
 * `ctdb metrics` (argv[0] is "metrics"): asks ctdb-eventd, then
 * ctdb-noded, and prints what each answered, then "# EOF". A daemon that
 * is not running, or does not know the command (Samba's closes the
 * connection), is skipped with a note on stderr; only when neither
 * answers is the exit status 1, with nothing on out.
 */
int metrics_tool_run(TALLOC_CTX *mem_ctx, FILE *out, int argc,
		     const char **argv);

/*
 * The exposition from the daemons' texts (NULL for one that did not
 * answer): each as it is, with a newline added if it lacks one, then
 * "# EOF\n". Kept apart from the transport so it can be tested.
 */
void metrics_tool_print(FILE *out, const char *eventd_text,
			const char *noded_text);

#endif
