/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `ctdb metrics`: both daemons' OpenMetrics families, then "# EOF". */
#include <errno.h>
#include <string.h>

#include <tevent.h>

#include "client/event_client.h"
#include "client/node_client.h"
#include "common/path.h"
#include "tools/metrics_tool.h"

static void print_text(FILE *out, const char *text)
{
	size_t len;

	if (text == NULL) {
		return;
	}
	len = strlen(text);
	fputs(text, out);
	if (len > 0 && text[len - 1] != '\n') {
		fputc('\n', out);
	}
}

void metrics_tool_print(FILE *out, const char *eventd_text,
			const char *noded_text)
{
	print_text(out, eventd_text);
	print_text(out, noded_text);
	fputs("# EOF\n", out);
}

static bool wait_bounded(struct tevent_context *ev, struct tevent_req *req)
{
	struct timeval end = tevent_timeval_current_ofs(METRICS_TOOL_TIMEOUT,
							0);
	bool ok;

	if (req == NULL) {
		return false;
	}
	ok = tevent_req_set_endtime(req, ev, end);
	if (!ok) {
		return false;
	}
	return tevent_req_poll(req, ev);
}

/* Why a daemon gave nothing, in the words of the other tools. */
static void say_skipped(const char *daemon, int err)
{
	if (err == ENOENT || err == ECONNREFUSED) {
		fprintf(stderr, "metrics: %s: not running\n", daemon);
		return;
	}
	if (err == EPIPE) {
		fprintf(stderr, "metrics: %s: not supported by this daemon\n",
			daemon);
		return;
	}
	fprintf(stderr, "metrics: %s: %s\n", daemon, strerror(err));
}

/*
 * What differs between the daemons: the socket, and the client type.
 * The adapters hide the type, so one fetch serves both.
 */
struct metrics_daemon {
	const char *program; /* for messages */
	const char *socket;  /* the path_socket() name */
	int (*connect)(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		       const char *sockpath, void **pclient);
	struct tevent_req *(*send)(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev, void *client);
	bool (*recv)(struct tevent_req *req, int *perr, int *result,
		     TALLOC_CTX *mem_ctx, char **text);
};

static int eventd_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			  const char *sockpath, void **pclient)
{
	struct ctdb_event_client *client = NULL;
	int ret;

	ret = ctdb_event_client_init(mem_ctx, ev, sockpath,
				     CTDB_EVENT_TOOL_REQID_START, &client);
	*pclient = client;
	return ret;
}

static struct tevent_req *eventd_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev, void *client)
{
	return ctdb_event_metrics_send(mem_ctx, ev, client);
}

static int noded_connect(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			 const char *sockpath, void **pclient)
{
	struct ctdb_node_client *client = NULL;
	int ret;

	ret = ctdb_node_client_init(mem_ctx, ev, sockpath, &client);
	*pclient = client;
	return ret;
}

static struct tevent_req *noded_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev, void *client)
{
	return ctdb_node_metrics_send(mem_ctx, ev, client);
}

static const struct metrics_daemon metrics_eventd = {
	.program = "ctdb-eventd",
	.socket = "eventd",
	.connect = eventd_connect,
	.send = eventd_send,
	.recv = ctdb_event_metrics_recv,
};

static const struct metrics_daemon metrics_noded = {
	.program = "ctdb-noded",
	.socket = "noded",
	.connect = noded_connect,
	.send = noded_send,
	.recv = ctdb_node_metrics_recv,
};

/* One daemon's families, or NULL (said why on stderr). */
static char *daemon_metrics(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			    const struct metrics_daemon *d)
{
	void *client = NULL;
	struct tevent_req *req;
	char *sockpath = path_socket(mem_ctx, d->socket);
	char *text = NULL;
	int result = 0;
	int err = ENOMEM;
	bool ok = false;

	if (sockpath != NULL) {
		err = d->connect(mem_ctx, ev, sockpath, &client);
	}
	if (client != NULL) {
		req = d->send(mem_ctx, ev, client);
		ok = wait_bounded(ev, req);
		if (ok) {
			ok = d->recv(req, &err, &result, mem_ctx, &text);
		} else {
			err = (req == NULL) ? ENOMEM : EIO;
		}
		TALLOC_FREE(req);
		TALLOC_FREE(client);
	}
	if (ok && result != 0) {
		ok = false;
		err = result;
	}
	if (!ok) {
		say_skipped(d->program, err);
		return NULL;
	}
	return text;
}

int metrics_tool_run(TALLOC_CTX *mem_ctx, FILE *out, int argc,
		     const char **argv)
{
	TALLOC_CTX *tmp_ctx;
	struct tevent_context *ev;
	char *eventd_text;
	char *noded_text;

	if (argc != 1) {
		fprintf(stderr, "Usage: ctdb metrics\n");
		return 1;
	}
	(void)argv;
	tmp_ctx = talloc_new(mem_ctx);
	ev = tevent_context_init(tmp_ctx);
	if (tmp_ctx == NULL || ev == NULL) {
		fprintf(stderr, "Memory allocation error\n");
		talloc_free(tmp_ctx);
		return 1;
	}
	eventd_text = daemon_metrics(tmp_ctx, ev, &metrics_eventd);
	noded_text = daemon_metrics(tmp_ctx, ev, &metrics_noded);
	if (eventd_text == NULL && noded_text == NULL) {
		fprintf(stderr, "metrics: no daemon answered\n");
		talloc_free(tmp_ctx);
		return 1;
	}
	metrics_tool_print(out, eventd_text, noded_text);
	fflush(out);
	talloc_free(tmp_ctx);
	return 0;
}
