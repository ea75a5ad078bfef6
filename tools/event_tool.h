/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ctdb-event tool as a library: used by ctdb-event and `ctdb event`. */
#ifndef CTDB_TOOLS_EVENT_TOOL_H
#define CTDB_TOOLS_EVENT_TOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <talloc.h>

#include "protocol/event_protocol.h"

/*
 * Run one ctdb-event command line (argv[0] is the program name, which is
 * not used: the usage always says ctdb-event, as CTDB's does). Results go
 * to stdout, diagnostics to stderr.
 * @return the process exit status (0-255).
 */
int event_tool_main(TALLOC_CTX *mem_ctx, int argc, const char **argv);

/* The same, with the results written to out instead of stdout. */
int event_tool_run(TALLOC_CTX *mem_ctx, FILE *out, int argc,
		   const char **argv);

/*
 * What `ctdb` passes on to `ctdb event`; ctdb-event itself has none of
 * these, so that its usage stays CTDB's.
 */
struct event_tool_options {
	/*
	 * --json: each result as one JSON document on stdout (see ctdb(1));
	 * the messages CTDB prints on stdout go to stderr instead.
	 */
	bool json;
};

/* event_tool_main() with options. */
int event_tool_main_opts(TALLOC_CTX *mem_ctx, int argc, const char **argv,
			 const struct event_tool_options *opts);

/* The same with explicit streams: results to out, messages to err. */
int event_tool_run_opts(TALLOC_CTX *mem_ctx, FILE *out, FILE *err, int argc,
			const char **argv,
			const struct event_tool_options *opts);

/*
 * Presentation, kept apart from the transport so it can be tested.
 */

/* The full usage text, as printed for no arguments, -h or a bad command. */
void event_tool_print_usage(FILE *f);

/*
 * The usage of one command ("run", "status", "script list", ...), as
 * printed when its argument count is wrong; our "history" too, though the
 * full usage, CTDB's, does not list it. Unknown names get the full usage.
 */
void event_tool_print_command_usage(FILE *f, const char *command);

/*
 * Print what `run` says for a reply result (nothing for 0).
 * @return the exit status.
 */
int event_tool_print_run_result(FILE *f, const char *component,
				const char *event, int result);

/*
 * Print what `status` says for a reply: the error line for a non-zero
 * result, otherwise the script list (status must then be non-NULL).
 * @return the exit status.
 */
int event_tool_print_status_result(
	FILE *f, const char *component, const char *event, int result,
	const struct ctdb_event_reply_status *status);

/*
 * The script list of a status reply: one line per script and its OUTPUT
 * block, skipping -ENOMSG entries and stopping at the first entry older
 * than the one printed before it (data left from an earlier run).
 */
void event_tool_print_status(FILE *f,
			     const struct ctdb_event_reply_status *status);

/*
 * --json forms of the above: the document goes to out and the messages
 * (those the text prints on its stdout) to msg. run prints a document
 * for the outcomes of a run (0, ENOEXEC, ETIMEDOUT, ECANCELED); status
 * for result 0, with the scripts event_tool_print_status() would show.
 * @return the exit status, as the text forms'.
 */
int event_tool_print_run_json(FILE *out, FILE *msg, const char *component,
			      const char *event, int result);
int event_tool_print_status_json(FILE *out, FILE *msg, const char *component,
				 const char *event, int result,
				 const struct ctdb_event_reply_status *status);

/* One script's line and, where due, its OUTPUT block. */
void event_tool_print_script(FILE *f, const struct ctdb_event_script *script);

#endif
