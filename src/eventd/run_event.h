/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running an event's scripts in a component, one event at a time. */
#ifndef CTDB_EVENTD_RUN_EVENT_H
#define CTDB_EVENTD_RUN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <talloc.h>
#include <tevent.h>

#include "eventd/event_status.h"
#include "protocol/script_result.h"

struct run_event_options {
	const char *debug_script; /* absolute path, or NULL */
	unsigned kill_grace;      /* seconds from SIGTERM to SIGKILL */
	size_t output_limit;      /* bytes kept per script, 0 = no limit */
	unsigned debug_timeout;   /* seconds the debug script may take */
	unsigned history_length;  /* runs kept per event (0: the last one) */
};

#define RUN_EVENT_DEBUG_TIMEOUT 30

/*
 * One run_event_context per component. Events run strictly one at a time
 * in arrival order, and their scripts one after another in name order,
 * all sharing one deadline.
 *
 * The monitor policy is CTDB's:
 *  - any new event cancels a running "monitor": its scripts' process
 *    group is killed, it completes with ECANCELED and nothing is stored;
 *  - a "monitor" arriving while another event runs completes at once with
 *    ECANCELED and is never queued.
 *
 * A script still running at the deadline is reported TIMEDOUT at once;
 * then the debug script, if configured, runs with "<pid> <event>", after
 * which the script's process group gets SIGTERM and, kill_grace seconds
 * later, SIGKILL. No process outlives the termination.
 *
 * Requests must be allocated below the context (or freed before it),
 * since they point to it.
 *
 * Every run that completes (success, failure or timeout) replaces the
 * stored status of its event; cancelled runs and runs that could not list
 * the directory store nothing. Freeing a request withdraws it: if it was
 * running its scripts are killed and the next event starts, so a vanished
 * requester never wedges the component.
 */
struct run_event_context;

struct run_event_context *
run_event_context_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		      const char *component, const char *dir,
		      const struct run_event_options *opts);

struct event_status_store *run_event_status(struct run_event_context *rctx);

/** Kill every process this component started (daemon shutdown). */
void run_event_kill_all(struct run_event_context *rctx);

/**
 * @param args the argument string, split on spaces; NULL or "" for none.
 * @param deadline absolute; NULL means no limit.
 * @param run_all keep going after a failing script.
 */
struct tevent_req *run_event_send(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev,
				  struct run_event_context *rctx,
				  const char *event, const char *args,
				  const struct timeval *deadline, bool run_all);

/**
 * The same, with input for every script's stdin (each script gets all of
 * it, through its own pipe; see run_proc_input_send). input NULL is
 * run_event_send: stdin inherited.
 */
struct tevent_req *run_event_input_send(TALLOC_CTX *mem_ctx,
					struct tevent_context *ev,
					struct run_event_context *rctx,
					const char *event, const char *args,
					const struct timeval *deadline,
					bool run_all, const char *input);

/**
 * @return true when the scripts ran, with the event's summary (OK, or the
 * failing script's result: the last one with run_all); false with *perr
 * ECANCELED (cancelled or refused) or the errno of listing the directory.
 */
bool run_event_recv(struct tevent_req *req, int *perr,
		    struct script_result *summary);

#endif
