/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-component event queue, monitor cancellation and sequential scripts. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/dlist.h"
#include "common/logging.h"
#include "common/run_proc.h"
#include "common/tevent_unix.h"
#include "eventd/run_event.h"
#include "scriptdir/script_dir.h"
#include "eventd/script_log.h"

struct run_event_state;

struct reaper {
	struct reaper *prev, *next;
	struct run_event_context *rctx;
	pid_t pid;
	char *script;
	char *event;
};

struct run_event_context {
	struct tevent_context *ev;
	char *component;
	char *dir;
	struct run_event_options opts;
	struct event_status_store *store;
	struct script_log *script_log; /* repeated failures, summarised */

	/* Events run one at a time, in arrival order. */
	struct tevent_queue *queue;
	/*
	 * The requests in the queue, in the same order (the first is the
	 * one running or about to): for the log and run_event_kill_all,
	 * which a tevent_queue cannot be walked for.
	 */
	struct run_event_state *requests;
	/* The monitor in the queue, if any; it is always alone there. */
	struct run_event_state *monitor;

	struct reaper *reapers;
};

struct run_event_state {
	struct tevent_context *ev;
	struct tevent_req *req;
	struct run_event_context *rctx;
	struct run_event_state *prev, *next; /* rctx->requests */
	struct tevent_queue_entry *queue_entry; /* NULL once out */

	char *event;
	char *args;
	char *input; /* for the scripts' stdin; NULL: inherited */
	bool has_deadline;
	struct timeval deadline;
	bool run_all;

	struct script_list *list;
	unsigned index;
	struct event_record *rec;
	struct script_result summary;
	const char *failed_script; /* the one summary comes from */
	struct tevent_req *subreq; /* the running script */
};

static bool is_monitor(const char *event)
{
	return strcmp(event, "monitor") == 0;
}

struct run_event_context *
run_event_context_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		      const char *component, const char *dir,
		      const struct run_event_options *opts)
{
	struct run_event_context *rctx;

	rctx = talloc_zero(mem_ctx, struct run_event_context);
	if (rctx == NULL) {
		return NULL;
	}
	rctx->ev = ev;
	rctx->component = talloc_strdup(rctx, component);
	rctx->dir = talloc_strdup(rctx, dir);
	rctx->opts = *opts;
	if (opts->debug_script != NULL) {
		rctx->opts.debug_script = talloc_strdup(rctx,
							opts->debug_script);
	}
	rctx->store = event_status_store_new(rctx);
	if (rctx->store != NULL) {
		event_status_store_set_history(rctx->store,
					       opts->history_length);
	}
	rctx->script_log = script_log_new(rctx);
	rctx->queue = tevent_queue_create(rctx, rctx->component);
	if (rctx->component == NULL || rctx->dir == NULL ||
	    rctx->store == NULL || rctx->queue == NULL ||
	    rctx->script_log == NULL) {
		talloc_free(rctx);
		return NULL;
	}
	return rctx;
}

struct event_status_store *run_event_status(struct run_event_context *rctx)
{
	return rctx->store;
}

/* ---------- termination of timed-out scripts ---------- */

static void reaper_debug_done(struct tevent_req *subreq);
static void reaper_kill(struct reaper *r);
static void reaper_kill_done(struct tevent_req *subreq);

static int reaper_destructor(struct reaper *r)
{
	DLIST_REMOVE(r->rctx->reapers, r);
	return 0;
}

static void reaper_start(struct run_event_context *rctx, pid_t pid,
			 const char *script, const char *event)
{
	struct tevent_req *subreq;
	struct reaper *r;
	struct timeval deadline;
	const char *argv[4];
	char pidstr[16];

	r = talloc_zero(rctx, struct reaper);
	if (r == NULL) {
		/* Last resort: we cannot track it, so end it now. */
		(void)kill(-pid, SIGKILL);
		return;
	}
	r->rctx = rctx;
	r->pid = pid;
	r->script = talloc_strdup(r, script);
	r->event = talloc_strdup(r, event);
	DLIST_ADD(rctx->reapers, r);
	talloc_set_destructor(r, reaper_destructor);

	if (rctx->opts.debug_script == NULL) {
		reaper_kill(r);
		return;
	}
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	argv[0] = rctx->opts.debug_script;
	argv[1] = pidstr;
	argv[2] = event;
	argv[3] = NULL;
	D_DEBUG("Running debug %s with args \"%s %s\"",
		rctx->opts.debug_script, pidstr, event);
	deadline = tevent_timeval_current_ofs(rctx->opts.debug_timeout, 0);
	subreq = run_proc_send(r, rctx->ev, rctx->opts.debug_script, argv,
			       &deadline, rctx->opts.output_limit);
	if (subreq == NULL) {
		reaper_kill(r);
		return;
	}
	tevent_req_set_callback(subreq, reaper_debug_done, r);
}

static void reaper_debug_done(struct tevent_req *subreq)
{
	struct reaper *r = tevent_req_callback_data(subreq, struct reaper);
	struct run_proc_result result = { .output = NULL };
	bool ok;
	int err = 0;

	ok = run_proc_recv(subreq, &err, r, &result);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("debug script %s failed to start: %s",
		      r->rctx->opts.debug_script, strerror(err));
	} else {
		log_lines(DEBUG_ERR, "event_debug", result.output);
		if (result.how == RUN_PROC_TIMEDOUT) {
			/* Never debug the debugger: just end it. */
			D_ERR("debug script timed out, killing it");
			(void)kill(-result.pid, SIGKILL);
			(void)waitpid(result.pid, NULL, 0);
		}
	}
	reaper_kill(r);
}

static void reaper_kill(struct reaper *r)
{
	struct tevent_req *subreq;

	subreq = run_proc_kill_send(r, r->rctx->ev, r->pid,
				    tevent_timeval_set(r->rctx->opts.kill_grace,
						   0));
	if (subreq == NULL) {
		(void)kill(-r->pid, SIGKILL);
		talloc_free(r);
		return;
	}
	tevent_req_set_callback(subreq, reaper_kill_done, r);
}

static void reaper_kill_done(struct tevent_req *subreq)
{
	struct reaper *r = tevent_req_callback_data(subreq, struct reaper);
	bool killed = false;
	int err = 0;

	(void)run_proc_kill_recv(subreq, &err, &killed);
	TALLOC_FREE(subreq);
	D_NOTICE("%s: timed out in event %s, process group %d %s",
		 r->script, r->event, (int)r->pid,
		 killed ? "killed (ignored SIGTERM)" : "terminated");
	talloc_free(r);
}

void run_event_kill_all(struct run_event_context *rctx)
{
	/*
	 * Kill and reap each timed-out script at once; freeing its reaper
	 * also ends a debug script still looking at it.
	 */
	while (rctx->reapers != NULL) {
		struct reaper *r = rctx->reapers;

		(void)kill(-r->pid, SIGKILL);
		(void)waitpid(r->pid, NULL, 0);
		talloc_free(r);
	}
	/*
	 * Running scripts die with their requests (run_proc destructor);
	 * each request leaves the list as it completes.
	 */
	while (rctx->requests != NULL) {
		tevent_req_error_unix(rctx->requests->req, ECANCELED);
	}
}

/* ---------- the queue ---------- */

static void run_event_trigger(struct tevent_req *req, void *private_data);

/*
 * Out of the queue: the next event starts (tevent_queue triggers it from
 * an immediate event). Called when the request completes and when it is
 * freed, whichever comes first.
 */
static void queue_leave(struct run_event_state *state)
{
	struct run_event_context *rctx = state->rctx;

	if (state->queue_entry == NULL) {
		return;
	}
	TALLOC_FREE(state->queue_entry);
	DLIST_REMOVE(rctx->requests, state);
	if (rctx->monitor == state) {
		rctx->monitor = NULL;
	}
}

static bool queue_join(struct run_event_state *state)
{
	struct run_event_context *rctx = state->rctx;

	state->queue_entry = tevent_queue_add_entry(
		rctx->queue, state->ev, state->req, run_event_trigger, NULL);
	if (state->queue_entry == NULL) {
		return false;
	}
	DLIST_ADD_END(rctx->requests, state);
	if (is_monitor(state->event)) {
		rctx->monitor = state;
	}
	return true;
}

static int run_event_state_destructor(struct run_event_state *state)
{
	queue_leave(state);
	return 0;
}

static void run_event_cleanup(struct tevent_req *req,
			      enum tevent_req_state req_state)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);

	/*
	 * Done or failed: a script still running (a cancelled monitor) dies
	 * now, and the next event may start at once.
	 */
	TALLOC_FREE(state->subreq);
	queue_leave(state);
}

static void run_next_script(struct tevent_req *req);
static void run_script_done(struct tevent_req *subreq);

struct tevent_req *run_event_send(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev,
				  struct run_event_context *rctx,
				  const char *event, const char *args,
				  const struct timeval *deadline, bool run_all)
{
	return run_event_input_send(mem_ctx, ev, rctx, event, args, deadline,
				    run_all, NULL);
}

struct tevent_req *run_event_input_send(TALLOC_CTX *mem_ctx,
					struct tevent_context *ev,
					struct run_event_context *rctx,
					const char *event, const char *args,
					const struct timeval *deadline,
					bool run_all, const char *input)
{
	struct tevent_req *req;
	struct run_event_state *state;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct run_event_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->req = req;
	state->rctx = rctx;
	state->event = talloc_strdup(state, event);
	state->args = talloc_strdup(state, args != NULL ? args : "");
	if (tevent_req_nomem(state->event, req) ||
	    tevent_req_nomem(state->args, req)) {
		return tevent_req_post(req, ev);
	}
	if (input != NULL) {
		state->input = talloc_strdup(state, input);
		if (tevent_req_nomem(state->input, req)) {
			return tevent_req_post(req, ev);
		}
	}
	if (deadline != NULL) {
		state->has_deadline = true;
		state->deadline = *deadline;
	}
	state->run_all = run_all;
	talloc_set_destructor(state, run_event_state_destructor);
	tevent_req_set_cleanup_fn(req, run_event_cleanup);

	if (rctx->monitor != NULL) {
		D_NOTICE("%s: cancelling running monitor for event %s",
			 rctx->component, event);
		tevent_req_error_unix(rctx->monitor->req, ECANCELED);
	} else if (rctx->requests != NULL && is_monitor(event)) {
		D_INFO("%s: refusing monitor while %s runs", rctx->component,
		       rctx->requests->event);
		tevent_req_error_unix(req, ECANCELED);
		return tevent_req_post(req, ev);
	}
	ok = queue_join(state);
	if (!ok) {
		tevent_req_error_unix(req, ENOMEM);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* The queue's turn for this request: list the scripts and start. */
static void run_event_trigger(struct tevent_req *req, void *private_data)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	struct run_event_context *rctx = state->rctx;
	int ret;

	D_DEBUG("Running event %s with args \"%s\"", state->event,
		state->args);

	ret = script_list_get(state, rctx->dir, &state->list);
	if (ret != 0) {
		if (ret == ENOENT) {
			D_WARNING("event script dir %s removed", rctx->dir);
		}
		tevent_req_error_unix(req, ret);
		return;
	}
	state->rec = talloc_zero(state, struct event_record);
	if (tevent_req_nomem(state->rec, req)) {
		return;
	}
	state->rec->event = talloc_strdup(state->rec, state->event);
	state->rec->scripts = talloc_zero_array(state->rec,
						struct script_record,
						state->list->num + 1);
	if (tevent_req_nomem(state->rec->event, req) ||
	    tevent_req_nomem(state->rec->scripts, req)) {
		return;
	}
	run_next_script(req);
}

/* ---------- scripts ---------- */

static bool deadline_passed(struct run_event_state *state)
{
	struct timeval now = tevent_timeval_current();

	return state->has_deadline &&
	       tevent_timeval_compare(&now, &state->deadline) >= 0;
}

/* argv: the script's name, the event, then args split on spaces. */
static const char **script_argv(TALLOC_CTX *mem_ctx, const char *name,
				const char *event, char *args)
{
	const char **argv;
	size_t n = 2;
	char *save = NULL;
	char *tok;

	argv = talloc_array(mem_ctx, const char *, strlen(args) / 2 + 4);
	if (argv == NULL) {
		return NULL;
	}
	argv[0] = name;
	argv[1] = event;
	for (tok = strtok_r(args, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return argv;
}

/* Decide without spawning whether a script can run at all. */
static bool script_precheck(struct script_record *rec, const char *path)
{
	const char *reason;
	struct stat st;
	int ret;

	ret = stat(path, &st);
	if (ret != 0) {
		rec->result = script_result_from_errno(errno);
		return false;
	}
	if ((st.st_mode & S_IXUSR) == 0) {
		rec->result = script_result_from_errno(EACCES);
		return false;
	}
	reason = script_insecure_reason_stat(path, &st);
	if (reason != NULL) {
		rec->result = script_result_from_errno(EPERM);
		rec->output = talloc_asprintf(rec, "refusing to run: %s\n",
					      reason);
		return false;
	}
	return true;
}

static void script_finished(struct tevent_req *req)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	struct script_record *rec = &state->rec->scripts[state->index];
	bool failed = script_result_failed(&rec->result);

	rec->end = tevent_timeval_current();
	state->rec->num_scripts = state->index + 1;
	D_DEBUG("Script %s finished, result=%d", rec->name,
		(int)script_result_to_wire(&rec->result));
	script_log_result(state->rctx->script_log, state->event, rec->name,
			  failed, script_result_to_wire(&rec->result),
			  rec->output);

	if (failed) {
		state->summary = rec->result;
		state->failed_script = rec->name;
		if (!state->run_all) {
			state->index = state->list->num;
		}
	}
	state->index++;
	run_next_script(req);
}

static void run_event_finish(struct tevent_req *req)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	struct run_event_context *rctx = state->rctx;

	if (state->summary.state == SCRIPT_CANCELLED) {
		tevent_req_error_unix(req, ECANCELED);
		return;
	}
	state->rec->summary = state->summary;
	/* Before the record (holding failed_script) goes to the store. */
	script_log_event(rctx->script_log, state->event,
			 script_result_failed(&state->summary),
			 script_result_to_wire(&state->summary),
			 state->failed_script);
	event_status_store_put(rctx->store,
			       talloc_steal(rctx->store, state->rec));
	state->rec = NULL;
	state->failed_script = NULL;
	tevent_req_done(req);
}

static void run_next_script(struct tevent_req *req)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	struct script_entry *entry;
	struct script_record *rec;
	struct tevent_req *subreq;
	const char **argv;
	char *args;

	if (state->index >= state->list->num) {
		run_event_finish(req);
		return;
	}
	entry = &state->list->entries[state->index];
	rec = &state->rec->scripts[state->index];
	rec->name = talloc_strdup(state->rec, entry->name);
	rec->begin = tevent_timeval_current();
	if (tevent_req_nomem(rec->name, req)) {
		return;
	}
	if (deadline_passed(state)) {
		rec->result = script_result_from_errno(ETIMEDOUT);
		script_finished(req);
		return;
	}
	if (!script_precheck(rec, entry->path)) {
		script_finished(req);
		return;
	}
	args = talloc_strdup(state, state->args);
	argv = script_argv(args, entry->name, state->event, args);
	if (tevent_req_nomem(argv, req)) {
		return;
	}
	D_DEBUG("Running %s with args \"%s %s\"", entry->path, entry->name,
		state->event);
	subreq = run_proc_input_send(
		state, state->ev, entry->path, argv,
		state->has_deadline ? &state->deadline : NULL,
		state->rctx->opts.output_limit, state->input,
		state->input != NULL ? strlen(state->input) : 0);
	talloc_free(args);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, run_script_done, req);
	state->subreq = subreq;
}

/*
 * Output cut at the limit says so itself, so that whoever reads the status
 * or the log knows it is incomplete. Without memory for the marker the
 * output is kept as it is.
 */
static char *output_mark_truncated(char *output, size_t discarded)
{
	char *marked;

	if (output == NULL) {
		return NULL;
	}
	marked = talloc_asprintf_append_buffer(
		output, "\n[output truncated: %zu bytes discarded]",
		discarded);
	return marked != NULL ? marked : output;
}

static void run_script_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	struct script_record *rec = &state->rec->scripts[state->index];
	struct run_proc_result result = { .output = NULL };
	bool ok;
	int err = 0;

	ok = run_proc_recv(subreq, &err, state->rec, &result);
	TALLOC_FREE(subreq);
	state->subreq = NULL;
	if (!ok) {
		rec->result = script_result_from_errno(err);
		script_finished(req);
		return;
	}
	rec->output = result.output;
	if (result.truncated) {
		rec->output = output_mark_truncated(result.output,
						    result.discarded);
	}
	switch (result.how) {
	case RUN_PROC_EXITED:
		rec->result = script_result_from_exit(result.status);
		break;
	case RUN_PROC_SIGNALED:
		rec->result = script_result_from_signal(result.status);
		break;
	case RUN_PROC_TIMEDOUT:
		rec->result = script_result_from_errno(ETIMEDOUT);
		reaper_start(state->rctx, result.pid, rec->name, state->event);
		break;
	}
	script_finished(req);
}

bool run_event_recv(struct tevent_req *req, int *perr,
		    struct script_result *summary)
{
	struct run_event_state *state = tevent_req_data(
		req, struct run_event_state);
	int err;

	if (tevent_req_is_unix_error(req, &err)) {
		*perr = err;
		return false;
	}
	*summary = state->summary;
	return true;
}
