/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output styles of every tool command: text, -X delimited and JSON. */
#ifndef CTDB_TOOLS_TOOL_FORMAT_H
#define CTDB_TOOLS_TOOL_FORMAT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "protocol/event_protocol.h"
#include "tools/node_tool.h"

/*
 * One line of `script list`: name, '*' or not, and whether it is an
 * installed script; a NULL name is the blank line between the groups.
 */
struct event_script_line {
	const char *name;
	bool enabled;
	bool installed;
};

struct event_script_listing {
	unsigned int num_lines;
	struct event_script_line *line;
};

/*
 * The event commands' presentation. out gets the results; msg the
 * messages CTDB prints on stdout (out itself in text, stderr in JSON,
 * whose stdout carries JSON only). Each returns the exit status.
 */
struct event_format {
	/* `run` got the reply result. */
	int (*run)(FILE *out, FILE *msg, const char *component,
		   const char *event, int result);
	/* `status` got the reply result and, for 0, the status. */
	int (*status)(FILE *out, FILE *msg, const char *component,
		      const char *event, int result,
		      const struct ctdb_event_reply_status *status);
	int (*script_list)(FILE *out, FILE *msg, const char *component,
			   const struct event_script_listing *listing);
	/* `script enable` or `script disable` done. */
	int (*script_state)(FILE *out, FILE *msg, const char *component,
			    const char *script, bool enabled);
	/* `history`: runs as event_history_parse() checked them. */
	int (*history)(FILE *out, FILE *msg, const json_t *runs);
};

/*
 * One style for both tools, so `ctdb -X` and `ctdb --json` mean the same
 * for node and event commands. The event commands have no -X form in
 * CTDB: their delimited style is the text.
 */
struct tool_format {
	const struct node_format *node;
	const struct event_format *event;
};

extern const struct tool_format tool_format_text;
extern const struct tool_format tool_format_delimited;
extern const struct tool_format tool_format_json;

extern const struct event_format event_format_text;
extern const struct event_format event_format_json;

/* The style the options ask for: --json wins over -X. */
const struct tool_format *tool_format_select(bool machine_readable,
					     bool json);

/*
 * One compact JSON document and a newline on f; takes the reference.
 * @return 0, or ENOMEM when j is NULL or could not be written.
 */
int tool_json_emit(FILE *f, json_t *j);

#endif
