/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client for ctdb-eventd: RUN, STATUS and SCRIPT as tevent requests. */
#ifndef CTDB_CLIENT_EVENT_CLIENT_H
#define CTDB_CLIENT_EVENT_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

#include "protocol/event_protocol.h"

struct ctdb_event_client;

/**
 * Connect to the event daemon's socket. Requests may be pipelined; replies
 * are matched by reqid, which counts up from reqid_start
 * (CTDB_EVENT_TOOL_REQID_START for a one-shot tool, 2 as ctdbd).
 * @return 0, or the connect errno (ENOENT, ECONNREFUSED, EACCES, ...).
 */
int ctdb_event_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			   const char *sockpath, uint32_t reqid_start,
			   struct ctdb_event_client **out);

/**
 * Called once when the daemon closes the connection or sends something
 * that cannot be decoded; every outstanding request then fails with EPIPE
 * (closed) or EPROTO (bad packet).
 */
void ctdb_event_client_set_disconnect_fn(struct ctdb_event_client *client,
					 void (*fn)(void *private_data),
					 void *private_data);

/*
 * For the three calls below, *perr is a transport error (EPIPE: the
 * daemon closed the connection; EPROTO: the reply could not be decoded or
 * its cmd does not match). When _recv returns true, *result is the
 * daemon's reply result (0 or a positive errno).
 */
struct tevent_req *ctdb_event_run_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct ctdb_event_client *client,
				       const struct ctdb_event_request_run *run);
bool ctdb_event_run_recv(struct tevent_req *req, int *perr, int *result);

/*
 * RUN_INPUT (our extension): RUN, with input (at most
 * CTDB_EVENT_INPUT_MAX bytes, else EINVAL at once) for the scripts'
 * stdin. Samba's ctdb-eventd does not know the command and closes the
 * connection: *perr is then EPIPE, and every other request outstanding
 * on this client fails the same way (use a connection of its own until
 * the daemon is known to support it).
 */
struct tevent_req *
ctdb_event_run_input_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			  struct ctdb_event_client *client,
			  const struct ctdb_event_request_run *run,
			  const char *input);
bool ctdb_event_run_input_recv(struct tevent_req *req, int *perr,
			       int *result);

struct tevent_req *
ctdb_event_status_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		       struct ctdb_event_client *client,
		       const struct ctdb_event_request_status *status);
/* *status is set (a child of mem_ctx) only when *result is 0. */
bool ctdb_event_status_recv(struct tevent_req *req, int *perr, int *result,
			    TALLOC_CTX *mem_ctx,
			    struct ctdb_event_reply_status **status);

struct tevent_req *
ctdb_event_script_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		       struct ctdb_event_client *client,
		       const struct ctdb_event_request_script *script);
bool ctdb_event_script_recv(struct tevent_req *req, int *perr, int *result);

/*
 * Our extensions. Samba's daemon closes the connection on them, so
 * *perr EPIPE means "not supported by this daemon" there.
 *
 * HISTORY: *json (on mem_ctx, when *result is 0) is a JSON array of the
 * kept runs of event, oldest first, each ctdb_event_status_json() plus
 * "seq"; *result is ENOENT for an unknown component and EINVAL for an
 * event that never completed, as for STATUS.
 */
struct tevent_req *
ctdb_event_history_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			struct ctdb_event_client *client, const char *component,
			const char *event);
bool ctdb_event_history_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx, char **json);

/* METRICS: *text is OpenMetrics families without the final "# EOF". */
struct tevent_req *ctdb_event_metrics_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_event_client *client);
bool ctdb_event_metrics_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx, char **text);

#endif
