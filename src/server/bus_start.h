/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Starting a daemon's event bus: its keyspace published to NATS ([events]). */
#ifndef CTDB_SERVER_BUS_START_H
#define CTDB_SERVER_BUS_START_H

#include <talloc.h>
#include <tevent.h>

#include "common/keyspace.h"
#include "protocol/event_bus.h"

struct bus_start;

/**
 * When config has a nats url, publish every change of ks as program
 * (the client name NATS sees), and *out is the bus; otherwise *out is
 * NULL. current_keys, NULL-terminated or NULL, names keys that already
 * hold values: they are published once at the start, so a subscriber
 * sees the state the daemon started with. The bus belongs to ks; freeing
 * it (or ks) stops it, waiting a few seconds at most. Connection changes
 * are logged, and once reconnected, how many messages the outage lost.
 * The NATS client library is loaded here, only when a url is set (see
 * nats_bus_load); in test mode CTDB_TEST_NATS_LIBRARY overrides its file.
 * @return 0, or an errno (logged) if the bus could not be started:
 * ELIBACC when the library cannot be loaded, the log line saying which
 * file and why.
 */
int bus_start(struct keyspace *ks, struct tevent_context *ev,
	      const struct event_bus_config *config, const char *program,
	      const char *const *current_keys, struct bus_start **out);

#endif
