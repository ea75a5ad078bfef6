/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded's event bus: node state published to NATS ([events]). */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/nats_bus.h"
#include "noded/noded_bus.h"
#include "protocol/event_bus.h"

struct noded_bus {
	struct nats_bus *bus;
	char *url;
	char *node;
	struct event_bus_observer observer;
};

static void noded_bus_state(enum nats_bus_event event, const char *detail,
			     void *private_data)
{
	struct noded_bus *eb = private_data;
	char *msg;
	int level;

	msg = event_bus_state_message(eb, event, eb->url, eb->node, detail,
				      &level);
	if (msg != NULL) {
		DEBUG_AT(level, "%s", msg);
		talloc_free(msg);
	}
}

int noded_bus_start(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		     const struct event_bus_config *config,
		     struct noded_bus **out)
{
	struct noded_bus *eb;
	int ret;

	*out = NULL;
	if (config->nats_url == NULL || config->nats_url[0] == '\0') {
		return 0;
	}
	eb = talloc_zero(mem_ctx, struct noded_bus);
	if (eb == NULL) {
		return ENOMEM;
	}
	eb->url = talloc_strdup(eb, config->nats_url);
	eb->node = (config->node_name != NULL)
			   ? talloc_strdup(eb, config->node_name)
			   : event_bus_default_node(eb);
	if (eb->url == NULL || eb->node == NULL) {
		talloc_free(eb);
		return ENOMEM;
	}
	ret = nats_bus_new(eb, ev, eb->url, "ctdb-noded", noded_bus_state,
			   eb, &eb->bus);
	if (ret != 0) {
		D_ERR("event bus: cannot start publishing to %s: %s", eb->url,
		      strerror(ret));
		talloc_free(eb);
		return ret;
	}
	eb->observer.bus = eb->bus;
	eb->observer.node = eb->node;
	D_INFO("event bus: publishing to %s as node %s", eb->url, eb->node);
	*out = eb;
	return 0;
}
