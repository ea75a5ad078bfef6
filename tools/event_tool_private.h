/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the event tool share: its context and its commands. */
#ifndef CTDB_TOOLS_EVENT_TOOL_PRIVATE_H
#define CTDB_TOOLS_EVENT_TOOL_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tevent.h>

#include "client/event_client.h"
#include "tools/tool_format.h"

struct event_tool_context {
	FILE *out;
	/*
	 * Where the messages go that CTDB prints on stdout ("Event dir for
	 * %s does not exist", usage): out, or stderr under --json, whose
	 * stdout carries JSON only.
	 */
	FILE *msg;
	const struct event_format *fmt;
	struct tevent_context *ev;
	struct ctdb_event_client *client;
	/* Set when the daemon closed the connection or sent garbage. */
	bool disconnected;
	char *debug;
};

/*
 * A command: a function taking the arguments after its name. Adding one
 * is an entry in the table of event_tool.c and a function here.
 */
typedef int (*event_tool_fn)(struct event_tool_context *ctx, int argc,
			     const char **argv);

/* Over the daemon's socket (event_transport.c). */
int event_tool_cmd_run(struct event_tool_context *ctx, int argc,
		       const char **argv);
int event_tool_cmd_status(struct event_tool_context *ctx, int argc,
			  const char **argv);
int event_tool_cmd_history(struct event_tool_context *ctx, int argc,
			   const char **argv);

/* On the local filesystem, as CTDB's tool (event_scripts.c). */
int event_tool_cmd_script_list(struct event_tool_context *ctx, int argc,
			       const char **argv);
int event_tool_cmd_script_enable(struct event_tool_context *ctx, int argc,
				 const char **argv);
int event_tool_cmd_script_disable(struct event_tool_context *ctx, int argc,
				  const char **argv);

/*
 * Names: ours are refused when they could leave the events directory.
 * Each says why on stderr.
 */
bool event_tool_component_valid(const char *component);
bool event_tool_event_valid(const char *event);
/* Both names checked, each reported. @return true if both are valid. */
bool event_tool_names_valid(const char *component, const char *script);

/* Exit statuses: the shell sees the value modulo 256, as with exit(). */
int event_tool_exit_status(int64_t value);
int event_tool_exit_status_abs(int64_t value);

#endif
