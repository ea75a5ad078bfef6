/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A fake of noded_event.c for unit tests: records events, replies at once. */
#include <errno.h>
#include <string.h>

#include <talloc.h>
#include <tevent.h>

#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "tests/unit/fake_noded_event.h"

#define FAKE_MAX_RESULTS 16

static struct {
	TALLOC_CTX *mem;
	char *log;
	unsigned count;
	int send_error;
	char *monitor_output;
	struct {
		char *event;
		int result;
	} results[FAKE_MAX_RESULTS];
	unsigned num_results;
} fake;

void fake_event_reset(void)
{
	TALLOC_FREE(fake.mem);
	memset(&fake, 0, sizeof(fake));
	fake.mem = talloc_new(NULL);
	fake.log = talloc_strdup(fake.mem, "");
}

void fake_event_result(const char *event, int result)
{
	unsigned i;

	for (i = 0; i < fake.num_results; i++) {
		if (strcmp(fake.results[i].event, event) == 0) {
			fake.results[i].result = result;
			return;
		}
	}
	if (fake.num_results < FAKE_MAX_RESULTS) {
		fake.results[i].event = talloc_strdup(fake.mem, event);
		fake.results[i].result = result;
		fake.num_results += 1;
	}
}

void fake_event_send_error(int err)
{
	fake.send_error = err;
}

void fake_event_monitor_output(const char *output)
{
	talloc_free(fake.monitor_output);
	fake.monitor_output = talloc_strdup(fake.mem, output);
}

const char *fake_event_log(void)
{
	return fake.log;
}

unsigned fake_event_count(void)
{
	return fake.count;
}

static int fake_result_of(const char *event)
{
	unsigned i;

	for (i = 0; i < fake.num_results; i++) {
		if (strcmp(fake.results[i].event, event) == 0) {
			return fake.results[i].result;
		}
	}
	return 0;
}

struct fake_event_state {
	int result;
};

struct tevent_req *noded_event_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct noded_context *nctx,
				    const char *event, const char *args)
{
	struct tevent_req *req;
	struct fake_event_state *state;

	req = tevent_req_create(mem_ctx, &state, struct fake_event_state);
	if (req == NULL) {
		return NULL;
	}
	if (fake.send_error != 0) {
		tevent_req_error_unix(req, fake.send_error);
		return tevent_req_post(req, ev);
	}
	fake.count += 1;
	if (args != NULL && args[0] != '\0') {
		fake.log = talloc_asprintf_append(fake.log, "%s %s\n", event,
						  args);
	} else {
		fake.log = talloc_asprintf_append(fake.log, "%s\n", event);
	}
	state->result = fake_result_of(event);
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

bool noded_event_recv(struct tevent_req *req, int *perr, int *result)
{
	struct fake_event_state *state = tevent_req_data(
		req, struct fake_event_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		return false;
	}
	*result = state->result;
	return true;
}

struct fake_status_state {
	struct ctdb_event_reply_status *status;
};

/* One script, 50.service, failing with exit 1 and the configured output. */
static struct ctdb_event_reply_status *fake_status(TALLOC_CTX *mem_ctx)
{
	struct ctdb_event_reply_status *st;
	struct ctdb_event_script_list *list;

	st = talloc_zero(mem_ctx, struct ctdb_event_reply_status);
	list = talloc_zero(st, struct ctdb_event_script_list);
	if (st == NULL || list == NULL) {
		talloc_free(st);
		return NULL;
	}
	list->script = talloc_zero_array(list, struct ctdb_event_script, 1);
	if (list->script == NULL) {
		talloc_free(st);
		return NULL;
	}
	list->num_scripts = 1;
	list->script[0].name = "50.service";
	list->script[0].result = 1;
	list->script[0].output = fake.monitor_output;
	st->script_list = list;
	return st;
}

struct tevent_req *noded_event_status_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct noded_context *nctx,
					   const char *event)
{
	struct tevent_req *req;
	struct fake_status_state *state;

	req = tevent_req_create(mem_ctx, &state, struct fake_status_state);
	if (req == NULL) {
		return NULL;
	}
	state->status = fake_status(state);
	if (tevent_req_nomem(state->status, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

bool noded_event_status_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx,
			     struct ctdb_event_reply_status **status)
{
	struct fake_status_state *state = tevent_req_data(
		req, struct fake_status_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		return false;
	}
	*result = 0;
	*status = talloc_steal(mem_ctx, state->status);
	return true;
}

const char *noded_event_result_string(int result)
{
	return result == 0 ? "OK" : strerror(result);
}
