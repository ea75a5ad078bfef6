/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Publishing keyspace changes on the event bus: the daemons' side of it. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "common/logging.h"
#include "protocol/event_bus.h"
#include "server/bus_publish.h"

char *bus_default_node(TALLOC_CTX *mem_ctx)
{
	char host[HOST_NAME_MAX + 1];
	char *dot;
	int ret;

	ret = gethostname(host, sizeof(host));
	if (ret != 0 || host[0] == '\0') {
		return talloc_strdup(mem_ctx, "node");
	}
	host[sizeof(host) - 1] = '\0';
	/* The short name: a FQDN's dots would split the node's token. */
	dot = strchr(host, '.');
	if (dot != NULL && dot != host) {
		*dot = '\0';
	}
	return event_bus_token(mem_ctx, host);
}

char *bus_state_message(TALLOC_CTX *mem_ctx, enum nats_bus_event event,
			const char *url, const char *node, const char *detail,
			int *level)
{
	switch (event) {
	case NATS_BUS_CONNECTED:
		*level = DEBUG_NOTICE;
		return talloc_asprintf(mem_ctx,
				       "event bus: connected to %s, publishing "
				       "as ctdb.%s.>",
				       detail, node);
	case NATS_BUS_UNREACHABLE:
		*level = DEBUG_NOTICE;
		return talloc_asprintf(mem_ctx,
				       "event bus: %s unreachable (%s), "
				       "retrying",
				       url, detail);
	case NATS_BUS_ERROR:
		break;
	}
	*level = DEBUG_WARNING;
	return talloc_asprintf(mem_ctx, "event bus: %s: %s", url, detail);
}

int bus_publish_change(struct nats_bus *bus, const char *node,
		       const char *key, const char *value,
		       const struct timeval *time)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *subject, *payload;
	int ret;

	if (tmp == NULL) {
		return ENOMEM;
	}
	ret = event_bus_subject(tmp, node, key, &subject);
	if (ret == 0) {
		ret = event_bus_payload(tmp, node, key, value, time, &payload);
	}
	if (ret == 0) {
		ret = nats_bus_publish(bus, subject, payload, strlen(payload));
	}
	talloc_free(tmp);
	return ret;
}

void bus_publish_keyspace_observer(const char *key, const char *json_value,
				   const struct timeval *time,
				   void *private_data)
{
	struct bus_publish_observer *o = private_data;
	int ret;

	ret = bus_publish_change(o->bus, o->node, key, json_value, time);
	if (ret != 0 && ret != ENOENT) {
		o->unpublished++;
	}
}
