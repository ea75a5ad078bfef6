/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A connection to the event daemon that reconnects when it was lost. */
#include <errno.h>

#include "common/logging.h"
#include "common/path.h"
#include "noded/event_conn.h"

struct event_conn {
	struct tevent_context *ev;
	const char *lost_msg;
	struct ctdb_event_client *client;
	bool lost; /* reconnect before the next request */
};

struct event_conn *event_conn_new(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev,
				  const char *lost_msg)
{
	struct event_conn *c;

	c = talloc_zero(mem_ctx, struct event_conn);
	if (c == NULL) {
		return NULL;
	}
	c->ev = ev;
	c->lost_msg = lost_msg;
	return c;
}

static void event_conn_lost(void *private_data)
{
	struct event_conn *c = talloc_get_type_abort(private_data,
						     struct event_conn);

	if (c->lost_msg != NULL) {
		D_WARNING("%s", c->lost_msg);
	}
	c->lost = true;
}

int event_conn_connect(struct event_conn *c)
{
	struct ctdb_event_client *client = NULL;
	char *sockpath;
	int ret;

	sockpath = path_socket(c, "eventd");
	if (sockpath == NULL) {
		return ENOMEM;
	}
	/* reqids start at 2, as ctdbd's. */
	ret = ctdb_event_client_init(c, c->ev, sockpath, 2, &client);
	talloc_free(sockpath);
	if (ret != 0) {
		return ret;
	}
	ctdb_event_client_set_disconnect_fn(client, event_conn_lost, c);
	TALLOC_FREE(c->client);
	c->client = client;
	c->lost = false;
	return 0;
}

int event_conn_client(struct event_conn *c, struct ctdb_event_client **out)
{
	int ret;

	if (!event_conn_is_open(c)) {
		ret = event_conn_connect(c);
		if (ret != 0) {
			return ret;
		}
	}
	*out = c->client;
	return 0;
}

void event_conn_drop(struct event_conn *c)
{
	c->lost = true;
}

void event_conn_close(struct event_conn *c)
{
	TALLOC_FREE(c->client);
	c->lost = false;
}

bool event_conn_is_open(const struct event_conn *c)
{
	return c->client != NULL && !c->lost;
}
