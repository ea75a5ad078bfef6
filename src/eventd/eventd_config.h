/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event daemon's settings from ctdb.conf. */
#ifndef CTDB_EVENTD_EVENTD_CONFIG_H
#define CTDB_EVENTD_EVENTD_CONFIG_H

#include <stddef.h>
#include <talloc.h>

#include "common/conf.h"
#include "common/logging.h"
#include "protocol/event_bus.h"

struct eventd_config {
	struct logging_config logging; /* [logging] */
	char *debug_script;   /* [event] debug script, absolute, or NULL */
	unsigned kill_grace;  /* [event] kill grace period (ours) */
	size_t output_limit;  /* [event] output limit (ours) */
	unsigned history_length; /* [event] history length (ours) */
	struct event_bus_config bus; /* [events] nats url, node name */
	struct conf_unknown unknown; /* keys and sections nobody reads */
};

#define EVENTD_DEFAULT_KILL_GRACE 5
#define EVENTD_DEFAULT_OUTPUT_LIMIT (1024 * 1024)
#define EVENTD_DEFAULT_HISTORY_LENGTH 16

/**
 * Read <etcdir>/ctdb.conf (a missing file means defaults). Keys of other
 * daemons (ctdb-noded's, Samba's) are skipped; keys and sections that no
 * daemon reads are listed in (*out)->unknown as "<file>:<line>: unknown
 * ...", for the caller to log or refuse.
 * @return 0, or an errno with *errmsg naming file, line and reason.
 */
int eventd_config_load(TALLOC_CTX *mem_ctx, const char *path,
		       struct eventd_config **out, char **errmsg);

#endif
