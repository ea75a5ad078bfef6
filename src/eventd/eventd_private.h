/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd internals shared by main and the command handlers. */
#ifndef CTDB_EVENTD_EVENTD_PRIVATE_H
#define CTDB_EVENTD_EVENTD_PRIVATE_H

#include <stdbool.h>
#include <talloc.h>
#include <tevent.h>

#include "common/keyspace.h"
#include "common/sock_daemon.h"
#include "eventd/eventd_config.h"
#include "eventd/run_event.h"

struct eventd_component;
struct eventd_metrics;

struct eventd_context {
	struct tevent_context *ev;
	struct eventd_config *config;
	struct run_event_options opts;
	struct eventd_component *components;
	/* event.<component>.<event>: the last run, for `ctdb watch` */
	struct keyspace *ks;
	struct eventd_metrics *metrics;
};

/* From eventd/eventd_cmd.c */

struct eventd_context *eventd_context_new(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct eventd_config *config);

/* sock_daemon callback: serve a new client connection. */
bool eventd_client_connect(struct sock_daemon *sd, int fd, void *private_data);

/* sock_daemon callback: kill every script before exiting. */
void eventd_shutdown(void *private_data);

#endif
