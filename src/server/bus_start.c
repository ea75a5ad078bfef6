/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Starting a daemon's event bus: its keyspace published to NATS ([events]). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/logging.h"
#include "common/nats_bus.h"
#include "common/path.h"
#include "protocol/event_bus.h"
#include "server/bus_publish.h"
#include "server/bus_start.h"

struct bus_start {
	struct keyspace *ks;
	struct nats_bus *bus;
	char *url;
	char *node;
	struct bus_publish_observer observer;
	uint64_t lost_reported;
};

static void bus_start_state(enum nats_bus_event event, const char *detail,
			    void *private_data)
{
	struct bus_start *eb = private_data;
	struct nats_bus_stats st;
	uint64_t lost;
	char *msg;
	int level;

	msg = bus_state_message(eb, event, eb->url, eb->node, detail,
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

/*
 * Keys set before the bus existed changed while nobody published them:
 * publish their current values once.
 */
static void bus_start_publish_current(struct bus_start *eb,
				      const char *const *keys)
{
	struct timeval tv;
	const char *value;
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++) {
		value = keyspace_get(eb->ks, keys[i], &tv);
		if (value != NULL) {
			bus_publish_keyspace_observer(keys[i], value, &tv,
						      &eb->observer);
		}
	}
}

/*
 * The NATS client is loaded only now that a url is set. In test mode
 * CTDB_TEST_NATS_LIBRARY names another file, so that the tests can show
 * what a missing library does on a machine that has it.
 */
static int bus_start_load(struct bus_start *eb)
{
	const char *library = NULL;
	const char *soname = nats_bus_default_library();
	char *reason = NULL;
	int ret;

	if (path_test_mode()) {
		library = getenv("CTDB_TEST_NATS_LIBRARY");
	}
	ret = nats_bus_load(eb, library, &reason);
	if (ret != 0) {
		D_ERR("event bus: nats url '%s' is set, but %s; install the "
		      "NATS C client (%s) or remove the url from [events]",
		      eb->url, reason != NULL ? reason : strerror(ret),
		      soname != NULL ? soname : "libnats");
	}
	return ret;
}

static int bus_start_destructor(struct bus_start *eb)
{
	keyspace_set_observer(eb->ks, NULL, NULL);
	return 0;
}

int bus_start(struct keyspace *ks, struct tevent_context *ev,
	      const struct event_bus_config *config, const char *program,
	      const char *const *current_keys, struct bus_start **out)
{
	struct bus_start *eb;
	int ret;

	*out = NULL;
	if (config->nats_url == NULL || config->nats_url[0] == '\0') {
		return 0;
	}
	/* A child of ks: the observer goes before the keyspace does. */
	eb = talloc_zero(ks, struct bus_start);
	if (eb == NULL) {
		return ENOMEM;
	}
	eb->ks = ks;
	eb->url = talloc_strdup(eb, config->nats_url);
	eb->node = (config->node_name != NULL)
			   ? talloc_strdup(eb, config->node_name)
			   : bus_default_node(eb);
	if (eb->url == NULL || eb->node == NULL) {
		talloc_free(eb);
		return ENOMEM;
	}
	ret = bus_start_load(eb);
	if (ret != 0) {
		talloc_free(eb);
		return ret;
	}
	ret = nats_bus_new(eb, ev, eb->url, program, bus_start_state, eb,
			   &eb->bus);
	if (ret != 0) {
		D_ERR("event bus: cannot start publishing to %s: %s", eb->url,
		      strerror(ret));
		talloc_free(eb);
		return ret;
	}
	eb->observer.bus = eb->bus;
	eb->observer.node = eb->node;
	keyspace_set_observer(ks, bus_publish_keyspace_observer,
			      &eb->observer);
	bus_start_publish_current(eb, current_keys);
	talloc_set_destructor(eb, bus_start_destructor);
	D_INFO("event bus: publishing to %s as node %s", eb->url, eb->node);
	*out = eb;
	return 0;
}
