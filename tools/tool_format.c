/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Choosing the output style shared by the node and the event commands. */
#include <errno.h>

#include "protocol/event_json.h"
#include "tools/tool_format.h"

const struct tool_format tool_format_text = {
	.node = &node_format_text,
	.event = &event_format_text,
};

const struct tool_format tool_format_delimited = {
	.node = &node_format_delimited,
	.event = &event_format_text,
};

const struct tool_format tool_format_json = {
	.node = &node_format_json,
	.event = &event_format_json,
};

const struct tool_format *tool_format_select(bool machine_readable,
					     bool json)
{
	if (json) {
		return &tool_format_json;
	}
	if (machine_readable) {
		return &tool_format_delimited;
	}
	return &tool_format_text;
}

int tool_json_emit(FILE *f, json_t *j)
{
	int ret;

	if (j == NULL) {
		return ENOMEM;
	}
	ret = json_dumpf(j, f, CTDB_JSON_DUMP_FLAGS);
	json_decref(j);
	if (ret != 0) {
		return ENOMEM;
	}
	fputc('\n', f);
	return 0;
}
