/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of ctdb.conf's sections and keys, and who reads each. */
#include <stddef.h>

#include "common/ctdb_conf_keys.h"

#define EVENTD CTDB_CONF_EVENTD
#define NODED CTDB_CONF_NODED
#define SAMBA CTDB_CONF_SAMBA

/*
 * Samba's keys are those `ctdb-config dump` lists in Samba 4.17; they are
 * accepted without a check, since Samba's daemons check them.
 */
static const struct conf_known_key ctdb_conf_keys[] = {
	{ "logging", "location", EVENTD | NODED | SAMBA },
	{ "logging", "log level", EVENTD | NODED | SAMBA },

	{ "cluster", "backend", NODED },
	{ "cluster", "node address", NODED | SAMBA },
	{ "cluster", "cpg group", NODED },
	{ "cluster", "transport", SAMBA },
	{ "cluster", "cluster lock", SAMBA },
	{ "cluster", "recovery lock", SAMBA },
	{ "cluster", "leader timeout", SAMBA },
	{ "cluster", "leader capability", SAMBA },

	{ "database", "volatile database directory", SAMBA },
	{ "database", "persistent database directory", SAMBA },
	{ "database", "state database directory", SAMBA },
	{ "database", "lock debug script", SAMBA },
	{ "database", "tdb mutexes", SAMBA },

	{ "event", "debug script", EVENTD | SAMBA },
	{ "event", "kill grace period", EVENTD },
	{ "event", "output limit", EVENTD },
	{ "event", "history length", EVENTD },

	{ "events", "nats url", EVENTD | NODED },
	{ "events", "node name", EVENTD | NODED },

	{ "failover", "disabled", SAMBA },

	{ "legacy", "realtime scheduling", SAMBA },
	{ "legacy", "lmaster capability", SAMBA },
	{ "legacy", "start as stopped", SAMBA },
	{ "legacy", "start as disabled", SAMBA },
	{ "legacy", "script log level", SAMBA },
};

struct conf_schema ctdb_conf_schema(enum ctdb_conf_reader reader)
{
	struct conf_schema schema = {
		.keys = ctdb_conf_keys,
		.num_keys = sizeof(ctdb_conf_keys) / sizeof(ctdb_conf_keys[0]),
		.reader = reader,
	};

	return schema;
}
