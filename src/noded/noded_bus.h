/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded's event bus: node state published to NATS ([events]). */
#ifndef CTDB_NODED_NODED_BUS_H
#define CTDB_NODED_NODED_BUS_H

#include <talloc.h>
#include <tevent.h>

#include "common/keyspace.h"
#include "protocol/event_bus.h"

struct noded_bus;

/**
 * When config has a nats url, publish every change of ks (*out is NULL
 * otherwise). The bus belongs to ks; freeing it (or ks) stops it,
 * waiting a few seconds at most.
 * @return 0, or an errno (logged) if the bus could not be started.
 */
int noded_bus_start(struct keyspace *ks, struct tevent_context *ev,
		     const struct event_bus_config *config,
		     struct noded_bus **out);

#endif
