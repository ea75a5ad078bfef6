/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event tool's commands that ask ctdb-eventd: run, status, history. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <talloc.h>
#include <tevent.h>

#include "client/event_client.h"
#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "tools/event_history.h"
#include "tools/event_tool.h"
#include "tools/event_tool_private.h"

/*
 * Talking to the daemon.
 */

static void event_tool_disconnected(void *private_data)
{
	struct event_tool_context *ctx = talloc_get_type_abort(
		private_data, struct event_tool_context);

	ctx->disconnected = true;
}

static int event_tool_connect(struct event_tool_context *ctx)
{
	char *sockpath;
	int ret;

	ctx->ev = tevent_context_init(ctx);
	sockpath = path_socket(ctx, "eventd");
	if (ctx->ev == NULL || sockpath == NULL) {
		D_ERR("Failed to initialize event client, ret=%d\n", ENOMEM);
		return ENOMEM;
	}

	ret = ctdb_event_client_init(ctx, ctx->ev, sockpath,
				     CTDB_EVENT_TOOL_REQID_START,
				     &ctx->client);
	if (ret != 0) {
		/* CTDB's tool reports every failure to connect as EIO. */
		D_ERR("socket connect failed - %s\n", sockpath);
		D_ERR("Failed to initialize event client, ret=%d\n", EIO);
		return EIO;
	}
	ctdb_event_client_set_disconnect_fn(ctx->client,
					    event_tool_disconnected, ctx);
	return 0;
}

/* Wait for the reply; no timeout, as in CTDB. @return false with *perr. */
static bool event_tool_wait(struct event_tool_context *ctx,
			    struct tevent_req *req, int *perr)
{
	if (req == NULL) {
		*perr = ENOMEM;
		return false;
	}
	return tevent_req_poll_unix(req, ctx->ev, perr);
}

/*
 * A request that got no usable reply: say why, as CTDB's tool does.
 * EPROTO on a connection still up means a well-formed reply for another
 * command, which CTDB's tool shows as result EPROTO.
 * @return the exit status, or -1 to go on with result EPROTO.
 */
static int request_failed(struct event_tool_context *ctx, int err,
			  const char *what, const char *event,
			  const char *component)
{
	if (err == EPIPE) {
		D_NOTICE("connection to daemon closed, exiting\n");
		return 1;
	}
	if (err == EPROTO && !ctx->disconnected) {
		return -1;
	}
	D_ERR("Failed to %s %s in %s, ret=%d\n", what, event, component, err);
	return 1;
}

static char *join_args(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	char *args;
	int i;

	if (argc == 0) {
		return NULL;
	}
	args = talloc_strdup(mem_ctx, argv[0]);
	for (i = 1; i < argc && args != NULL; i++) {
		args = talloc_asprintf_append(args, " %s", argv[i]);
	}
	return args;
}

static uint32_t run_flags(void)
{
	const char *run_all = getenv("CTDB_EVENT_RUN_ALL");
	bool test_mode = path_test_mode();

	if (test_mode && run_all != NULL) {
		return CTDB_EVENT_RUN_ALL;
	}
	return 0;
}

int event_tool_cmd_run(struct event_tool_context *ctx, int argc,
			      const char **argv)
{
	struct ctdb_event_request_run run;
	struct tevent_req *req;
	int timeout;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc < 3) {
		event_tool_print_command_usage(ctx->msg, "run");
		return 1;
	}
	ok = event_tool_component_valid(argv[1]) && event_tool_event_valid(argv[2]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}

	timeout = atoi(argv[0]);
	run = (struct ctdb_event_request_run) {
		.component = argv[1],
		.event = argv[2],
		.args = join_args(ctx, argc - 3, &argv[3]),
		.timeout = timeout < 0 ? 0 : (uint32_t)timeout,
		.flags = run_flags(),
	};
	if (argc > 3 && run.args == NULL) {
		D_ERR("Failed to run event %s in %s, ret=%d\n", argv[2],
		      argv[1], ENOMEM);
		return 1;
	}

	req = ctdb_event_run_send(ctx, ctx->ev, ctx->client, &run);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_run_recv(req, &err, &result);
	}
	TALLOC_FREE(req);
	if (!ok) {
		ret = request_failed(ctx, err, "run event", argv[2], argv[1]);
		if (ret != -1) {
			return ret;
		}
		result = EPROTO;
	}

	D_NOTICE("Command run finished with result=%d\n", result);
	return ctx->fmt->run(ctx->out, ctx->msg, argv[1], argv[2], result);
}

int event_tool_cmd_status(struct event_tool_context *ctx, int argc,
				 const char **argv)
{
	struct ctdb_event_request_status request;
	struct ctdb_event_reply_status *status = NULL;
	struct tevent_req *req;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->msg, "status");
		return 1;
	}
	ok = event_tool_component_valid(argv[0]) && event_tool_event_valid(argv[1]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}

	request = (struct ctdb_event_request_status) {
		.component = argv[0],
		.event = argv[1],
	};
	req = ctdb_event_status_send(ctx, ctx->ev, ctx->client, &request);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_status_recv(req, &err, &result, ctx, &status);
	}
	TALLOC_FREE(req);
	if (!ok) {
		ret = request_failed(ctx, err, "get status for event", argv[1],
				     argv[0]);
		if (ret != -1) {
			return ret;
		}
		result = EPROTO;
	}

	D_NOTICE("Command status finished with result=%d\n", result);
	return ctx->fmt->status(ctx->out, ctx->msg, argv[0], argv[1], result,
				status);
}

/*
 * History: ours, so a daemon that closes the connection (Samba's does on
 * a command it does not know) simply does not support it.
 */

static int history_print(struct event_tool_context *ctx, const char *json)
{
	json_t *runs = NULL;
	int ret;

	ret = event_history_parse(json, &runs);
	if (ret != 0) {
		D_ERR("history: malformed reply from the daemon\n");
		return 1;
	}
	ret = ctx->fmt->history(ctx->out, ctx->msg, runs);
	json_decref(runs);
	return ret;
}

int event_tool_cmd_history(struct event_tool_context *ctx, int argc,
				  const char **argv)
{
	struct tevent_req *req;
	char *json = NULL;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->out, "history");
		return 1;
	}
	ok = event_tool_component_valid(argv[0]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}
	req = ctdb_event_history_send(ctx, ctx->ev, ctx->client, argv[0],
				      argv[1]);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_history_recv(req, &err, &result, ctx, &json);
	}
	TALLOC_FREE(req);
	if (!ok && (err == EPIPE || ctx->disconnected)) {
		D_ERR("history: not supported by this daemon\n");
		return 1;
	}
	if (!ok) {
		D_ERR("Failed to get history of event %s in %s, ret=%d\n",
		      argv[1], argv[0], err);
		return 1;
	}
	D_NOTICE("Command history finished with result=%d\n", result);
	if (result == EMSGSIZE) {
		fprintf(ctx->out, "History of event %s in %s is too large "
				  "for one reply\n", argv[1], argv[0]);
		return EMSGSIZE;
	}
	if (result != 0) {
		/* The same words as status, for the same results. */
		return event_tool_print_status_result(ctx->out, argv[0],
						      argv[1], result, NULL);
	}
	return history_print(ctx, json);
}

