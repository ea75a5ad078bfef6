/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event daemon's settings from ctdb.conf. */
#ifndef CTDB_EVENTD_EVENTD_CONFIG_H
#define CTDB_EVENTD_EVENTD_CONFIG_H

#include <stddef.h>
#include <talloc.h>

#include "protocol/event_bus.h"

struct eventd_config {
	char *log_location;   /* [logging] location */
	int log_level;        /* [logging] log level */
	char *debug_script;   /* [event] debug script, absolute, or NULL */
	unsigned kill_grace;  /* [event] kill grace period (ours) */
	size_t output_limit;  /* [event] output limit (ours) */
	unsigned history_length; /* [event] history length (ours) */
	struct event_bus_config bus; /* [events] nats url, node name */
};

#define EVENTD_DEFAULT_KILL_GRACE 5
#define EVENTD_DEFAULT_OUTPUT_LIMIT (1024 * 1024)
#define EVENTD_DEFAULT_HISTORY_LENGTH 16

/**
 * Read <etcdir>/ctdb.conf (a missing file means defaults). Keys of other
 * daemons and unknown keys are ignored, as CTDB does.
 * @return 0, or an errno with *errmsg naming file, line and reason.
 */
int eventd_config_load(TALLOC_CTX *mem_ctx, const char *path,
		       struct eventd_config **out, char **errmsg);

#endif
