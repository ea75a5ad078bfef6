/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd's event bus: event results published to NATS ([events]). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/logging.h"
#include "common/nats_bus.h"
#include "eventd/eventd_bus.h"
#include "protocol/event_bus.h"

struct eventd_bus {
	struct keyspace *ks;
	struct nats_bus *bus;
	char *url;
	char *node;
	struct event_bus_observer observer;
	uint64_t lost_reported;
};

static void eventd_bus_state(enum nats_bus_event event, const char *detail,
			     void *private_data)
{
	struct eventd_bus *eb = private_data;
	struct nats_bus_stats st;
	uint64_t lost;
	char *msg;
	int level;

	msg = event_bus_state_message(eb, event, eb->url, eb->node, detail,
				      &level);
	if (msg != NULL) {
		DEBUG_AT(level, "%s", msg);
		talloc_free(msg);
	}
	if (event != NATS_BUS_CONNECTED) {
		return;
	}
	/* Say once, when it is over, what an outage cost. */
	nats_bus_get_stats(eb->bus, &st);
	lost = st.refused + st.dropped;
	if (lost > eb->lost_reported) {
		D_NOTICE("event bus: %llu messages lost while %s was away",
			 (unsigned long long)(lost - eb->lost_reported),
			 eb->url);
		eb->lost_reported = lost;
	}
}

static int eventd_bus_destructor(struct eventd_bus *eb)
{
	keyspace_set_observer(eb->ks, NULL, NULL);
	return 0;
}

int eventd_bus_start(struct keyspace *ks, struct tevent_context *ev,
		     const struct event_bus_config *config,
		     struct eventd_bus **out)
{
	struct eventd_bus *eb;
	int ret;

	*out = NULL;
	if (config->nats_url == NULL || config->nats_url[0] == '\0') {
		return 0;
	}
	/* A child of ks: the observer goes before the keyspace does. */
	eb = talloc_zero(ks, struct eventd_bus);
	if (eb == NULL) {
		return ENOMEM;
	}
	eb->ks = ks;
	eb->url = talloc_strdup(eb, config->nats_url);
	eb->node = (config->node_name != NULL)
			   ? talloc_strdup(eb, config->node_name)
			   : event_bus_default_node(eb);
	if (eb->url == NULL || eb->node == NULL) {
		talloc_free(eb);
		return ENOMEM;
	}
	ret = nats_bus_new(eb, ev, eb->url, "ctdb-eventd", eventd_bus_state,
			   eb, &eb->bus);
	if (ret != 0) {
		D_ERR("event bus: cannot start publishing to %s: %s", eb->url,
		      strerror(ret));
		talloc_free(eb);
		return ret;
	}
	eb->observer.bus = eb->bus;
	eb->observer.node = eb->node;
	keyspace_set_observer(ks, event_bus_keyspace_observer, &eb->observer);
	talloc_set_destructor(eb, eventd_bus_destructor);
	D_INFO("event bus: publishing to %s as node %s", eb->url, eb->node);
	*out = eb;
	return 0;
}
