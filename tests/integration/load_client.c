/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Load client for ctdb-eventd: many connections, mixed RUN/STATUS, checked. */

/*
 * Usage: load_client -s SOCKET -C COMP[,COMP...] [-c CLIENTS] [-n REQUESTS]
 *                    [-w WARMUP] [-p] [-k SCRIPTS] [-r SEED] [-t SECONDS]
 *
 * With -w, a warm-up phase first: CLIENTS connections send WARMUP requests
 * each and close. Then CLIENTS connections (default 200) each send
 * REQUESTS requests (default 50) and close. With -p the client prints
 * "PAUSE warm-up" after the warm-up and "PAUSE load" after the load and
 * waits for a line on stdin each time, so the caller can look at the
 * daemon while it is idle and no connection is open.
 *
 * In each phase the connections send one request after another, all at
 * once from one event loop: a
 * random mix of RUN monitor (50%), RUN startup (5%), RUN ipreallocated
 * (5%) and STATUS of one of those events (40%) on a random component
 * (each startup or ipreallocated keeps a component busy for three script
 * runs, and the monitors sent meanwhile are refused).
 * Every component must hold SCRIPTS scripts (default 3) that print
 * "$1 $2", i.e. "<event> <run id>": each RUN passes its run id as the
 * argument, so a STATUS reply names the run it reports.
 *
 * Checked, with a request's "sent" and "replied" times taken here and the
 * scripts' begin/end times from the daemon (the same clock):
 *  - every request gets a reply on its own connection;
 *  - a RUN replies 0; only a monitor may reply ECANCELED, and then another
 *    RUN on its component overlapped it in time (a new event cancels a
 *    running monitor; a monitor arriving during another event is refused);
 *    completed + cancelled = issued;
 *  - a STATUS replies 0 or EINVAL (never ran). EINVAL only while no run of
 *    that event has completed before the STATUS was sent. With 0: SCRIPTS
 *    scripts, all OK, names ascending, all from one completed run of the
 *    same component and event, timed within that run's request, and not
 *    older than a run of that event that started after it replied and
 *    completed before the STATUS was sent;
 *  - a connection never sees the status of an event go back in time;
 *  - at the end, with the daemon idle, the STATUS of every event that
 *    completed at least once is at least as new as any status seen.
 * Prints a summary; exit status 0 when every check passed, 1 otherwise,
 * 2 on usage or setup errors.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <talloc.h>
#include <tevent.h>
#include <unistd.h>

#include "client/event_client.h"

#define N_EVENTS 3
static const char *event_names[N_EVENTS] = {
	"monitor", "startup", "ipreallocated"
};
#define EV_MONITOR 0

/* Client and daemon read the same clock; allow for rounding only. */
#define SLACK_US 10000
#define MAX_REPORTS 20

enum req_kind { REQ_RUN, REQ_STATUS };

/* One request's record, indexed by its global id (also the run id). */
struct req_rec {
	uint8_t kind;
	uint8_t comp;
	uint16_t conn; /* phase * clients + connection index */
	uint8_t event;
	bool answered;
	int result;
	int64_t sent;    /* us */
	int64_t replied; /* us */
	/* STATUS with result 0: the run reported and its daemon times. */
	int64_t st_run;
	int64_t st_begin;
	int64_t st_end;
};

struct load_conn;

struct load_ctx {
	struct tevent_context *ev;
	const char *sockpath;
	char **comps;
	unsigned ncomps;
	unsigned nclients;
	unsigned nreq;   /* per connection, this phase */
	unsigned base;   /* first record of this phase */
	unsigned phase;
	unsigned total;  /* records of all phases */
	unsigned nscripts;
	struct req_rec *recs;
	struct load_conn **conns;
	struct tevent_timer *timer;
	unsigned finished;
	unsigned failures;
	bool timed_out;
};

struct load_conn {
	struct load_ctx *ctx;
	struct ctdb_event_client *client;
	unsigned index;
	unsigned seq;
	uint64_t rng;
	bool disconnected;
};

static int64_t now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int64_t tv_us(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

static void fail(struct load_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct load_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->failures++;
	if (ctx->failures > MAX_REPORTS) {
		return;
	}
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* xorshift64*: reproducible from the seed, good enough for a mix. */
static unsigned rnd(struct load_conn *c, unsigned n)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (unsigned)((c->rng * 2685821657736338717ULL) >> 33) % n;
}

static void conn_send_next(struct load_conn *c);

static void conn_finished(struct load_conn *c)
{
	struct load_ctx *ctx = c->ctx;

	ctx->finished++;
	/* Closing the connection is part of the load. */
	ctx->conns[c->index] = NULL;
	talloc_free(c);
}

static void conn_disconnected(void *private_data)
{
	struct load_conn *c = private_data;

	c->disconnected = true;
}

/* Check one STATUS body and note which run it reports. */
static void status_check(struct load_ctx *ctx, unsigned id,
			 const struct ctdb_event_reply_status *st)
{
	struct req_rec *r = &ctx->recs[id];
	const char *ename = event_names[r->event];
	int64_t run = -1;
	int i;

	if (st->summary != 0 || st->script_list == NULL ||
	    st->script_list->num_scripts != (int32_t)ctx->nscripts) {
		fail(ctx, "status %u (%s %s): summary %d, %d scripts", id,
		     ctx->comps[r->comp], ename, (int)st->summary,
		     st->script_list != NULL ?
			     (int)st->script_list->num_scripts : -1);
		return;
	}
	for (i = 0; i < st->script_list->num_scripts; i++) {
		const struct ctdb_event_script *s = &st->script_list->script[i];
		char evbuf[32];
		unsigned long long sid;
		int n;

		n = s->output != NULL ?
			    sscanf(s->output, "%31s %llu", evbuf, &sid) : 0;
		if (s->result != 0 || n != 2 || strcmp(evbuf, ename) != 0 ||
		    (run != -1 && (int64_t)sid != run)) {
			fail(ctx, "status %u (%s %s): script %s result %d "
			     "output \"%s\"", id, ctx->comps[r->comp], ename,
			     s->name != NULL ? s->name : "?", (int)s->result,
			     s->output != NULL ? s->output : "");
			return;
		}
		if (i > 0 && strcmp(st->script_list->script[i - 1].name,
				    s->name) >= 0) {
			fail(ctx, "status %u: scripts out of order", id);
			return;
		}
		run = (int64_t)sid;
	}
	r->st_run = run;
	r->st_begin = tv_us(&st->script_list->script[0].begin);
	r->st_end = tv_us(&st->script_list->script[ctx->nscripts - 1].end);
}

static void conn_run_done(struct tevent_req *subreq)
{
	struct load_conn *c = tevent_req_callback_data(subreq,
						       struct load_conn);
	struct load_ctx *ctx = c->ctx;
	unsigned id = ctx->base + c->index * ctx->nreq + c->seq;
	struct req_rec *r = &ctx->recs[id];
	int err = 0, result = 0;
	bool ok;

	ok = ctdb_event_run_recv(subreq, &err, &result);
	TALLOC_FREE(subreq);
	r->replied = now_us();
	if (!ok) {
		fail(ctx, "run %u: no reply (%s)", id, strerror(err));
		conn_finished(c);
		return;
	}
	r->answered = true;
	r->result = result;
	c->seq++;
	conn_send_next(c);
}

static void conn_status_done(struct tevent_req *subreq)
{
	struct load_conn *c = tevent_req_callback_data(subreq,
						       struct load_conn);
	struct load_ctx *ctx = c->ctx;
	unsigned id = ctx->base + c->index * ctx->nreq + c->seq;
	struct req_rec *r = &ctx->recs[id];
	struct ctdb_event_reply_status *st = NULL;
	int err = 0, result = 0;
	bool ok;

	ok = ctdb_event_status_recv(subreq, &err, &result, c, &st);
	TALLOC_FREE(subreq);
	r->replied = now_us();
	if (!ok) {
		fail(ctx, "status %u: no reply (%s)", id, strerror(err));
		conn_finished(c);
		return;
	}
	r->answered = true;
	r->result = result;
	if (result == 0) {
		status_check(ctx, id, st);
	}
	TALLOC_FREE(st);
	c->seq++;
	conn_send_next(c);
}

static void conn_send_next(struct load_conn *c)
{
	struct load_ctx *ctx = c->ctx;
	unsigned id = ctx->base + c->index * ctx->nreq + c->seq;
	struct req_rec *r;
	struct tevent_req *subreq;
	unsigned pick;

	if (c->seq == ctx->nreq || c->disconnected) {
		conn_finished(c);
		return;
	}
	r = &ctx->recs[id];
	r->conn = ctx->phase * ctx->nclients + c->index;
	r->comp = rnd(c, ctx->ncomps);
	r->st_run = -1;
	pick = rnd(c, 10);
	if (pick < 4) {
		struct ctdb_event_request_status req;

		r->kind = REQ_STATUS;
		r->event = rnd(c, N_EVENTS);
		req.component = ctx->comps[r->comp];
		req.event = event_names[r->event];
		r->sent = now_us();
		subreq = ctdb_event_status_send(c, ctx->ev, c->client, &req);
		if (subreq == NULL) {
			fail(ctx, "status %u: out of memory", id);
			conn_finished(c);
			return;
		}
		tevent_req_set_callback(subreq, conn_status_done, c);
	} else {
		struct ctdb_event_request_run req = { .timeout = 30 };
		char args[24];

		r->kind = REQ_RUN;
		r->event = pick < 9 ? EV_MONITOR : 1 + rnd(c, 2);
		snprintf(args, sizeof(args), "%u", id);
		req.component = ctx->comps[r->comp];
		req.event = event_names[r->event];
		req.args = args;
		r->sent = now_us();
		subreq = ctdb_event_run_send(c, ctx->ev, c->client, &req);
		if (subreq == NULL) {
			fail(ctx, "run %u: out of memory", id);
			conn_finished(c);
			return;
		}
		tevent_req_set_callback(subreq, conn_run_done, c);
	}
}

/* ---------- checks over all records ---------- */

static bool is_ok_run(const struct req_rec *r, unsigned comp, unsigned event)
{
	return r->kind == REQ_RUN && r->answered && r->result == 0 &&
	       r->comp == comp && r->event == event;
}

/* Was the status a STATUS sent at `sent` reported (run `run`) stale? */
static bool status_stale(struct load_ctx *ctx, const struct req_rec *st,
			 int64_t sent)
{
	const struct req_rec *run = &ctx->recs[st->st_run];
	unsigned total = ctx->total, i;

	for (i = 0; i < total; i++) {
		const struct req_rec *o = &ctx->recs[i];

		if (is_ok_run(o, st->comp, st->event) &&
		    o->sent > run->replied + SLACK_US &&
		    o->replied + SLACK_US < sent) {
			return true;
		}
	}
	return false;
}

static void check_runs(struct load_ctx *ctx, unsigned *issued,
		       unsigned *completed, unsigned *cancelled)
{
	unsigned total = ctx->total, i, j;

	for (i = 0; i < total; i++) {
		const struct req_rec *r = &ctx->recs[i];
		bool overlap = false;

		if (r->kind != REQ_RUN || !r->answered) {
			continue;
		}
		issued[r->event]++;
		if (r->result == 0) {
			completed[r->event]++;
			continue;
		}
		if (r->result != ECANCELED || r->event != EV_MONITOR) {
			fail(ctx, "run %u (%s %s): result %d", i,
			     ctx->comps[r->comp], event_names[r->event],
			     r->result);
			continue;
		}
		cancelled[r->event]++;
		for (j = 0; j < total && !overlap; j++) {
			const struct req_rec *o = &ctx->recs[j];

			overlap = j != i && o->kind == REQ_RUN &&
				  o->comp == r->comp &&
				  o->sent <= r->replied + SLACK_US &&
				  o->replied + SLACK_US >= r->sent;
		}
		if (!overlap) {
			fail(ctx, "monitor %u on %s cancelled with no other "
			     "run on its component at the time", i,
			     ctx->comps[r->comp]);
		}
	}
}

static void check_one_status(struct load_ctx *ctx, unsigned i)
{
	const struct req_rec *r = &ctx->recs[i];
	const struct req_rec *run;
	unsigned total = ctx->total, j;

	if (r->result == EINVAL) {
		for (j = 0; j < total; j++) {
			const struct req_rec *o = &ctx->recs[j];

			if (is_ok_run(o, r->comp, r->event) &&
			    o->replied + SLACK_US < r->sent) {
				fail(ctx, "status %u: EINVAL after run %u "
				     "completed", i, j);
				return;
			}
		}
		return;
	}
	if (r->result != 0) {
		fail(ctx, "status %u: result %d", i, r->result);
		return;
	}
	if (r->st_run < 0) {
		return; /* already reported by status_check() */
	}
	if (r->st_run >= (int64_t)total ||
	    !is_ok_run(&ctx->recs[r->st_run], r->comp, r->event)) {
		fail(ctx, "status %u reports run %lld, not a completed run "
		     "of %s %s", i, (long long)r->st_run,
		     ctx->comps[r->comp], event_names[r->event]);
		return;
	}
	run = &ctx->recs[r->st_run];
	if (r->st_begin + SLACK_US < run->sent ||
	    r->st_end > run->replied + SLACK_US) {
		fail(ctx, "status %u: scripts of run %lld timed outside "
		     "its request", i, (long long)r->st_run);
		return;
	}
	if (status_stale(ctx, r, r->sent)) {
		fail(ctx, "status %u reports run %lld, older than a run "
		     "completed before the status was asked", i,
		     (long long)r->st_run);
	}
}

static void check_statuses(struct load_ctx *ctx, unsigned *nstatus,
			   int64_t *newest)
{
	unsigned total = ctx->total, i;
	int64_t *last;

	last = talloc_zero_array(ctx, int64_t,
				 2 * ctx->nclients * ctx->ncomps * N_EVENTS);
	if (last == NULL) {
		fail(ctx, "out of memory");
		return;
	}
	for (i = 0; i < total; i++) {
		const struct req_rec *r = &ctx->recs[i];
		unsigned key;

		if (r->kind != REQ_STATUS || !r->answered) {
			continue;
		}
		(*nstatus)++;
		check_one_status(ctx, i);
		if (r->st_run < 0) {
			continue;
		}
		key = r->comp * N_EVENTS + r->event;
		if (r->st_end > newest[key]) {
			newest[key] = r->st_end;
		}
		/* Records of one connection are in sending order. */
		key += r->conn * ctx->ncomps * N_EVENTS;
		if (r->st_end < last[key]) {
			fail(ctx, "status %u went back in time on its "
			     "connection", i);
		}
		last[key] = r->st_end;
	}
	talloc_free(last);
}

/* ---------- the final STATUS of every event, daemon idle ---------- */

static bool final_status(struct load_ctx *ctx,
			 struct ctdb_event_client *client, unsigned comp,
			 unsigned event, int64_t newest)
{
	struct ctdb_event_request_status req = {
		.component = ctx->comps[comp],
		.event = event_names[event],
	};
	struct ctdb_event_reply_status *st = NULL;
	struct tevent_req *subreq;
	unsigned total = ctx->total, i;
	struct req_rec fin = { .kind = REQ_STATUS, .comp = comp,
			       .event = event, .st_run = -1 };
	bool ever = false, ok;
	int err = 0;

	for (i = 0; i < total; i++) {
		ever = ever || is_ok_run(&ctx->recs[i], comp, event);
	}
	subreq = ctdb_event_status_send(ctx, ctx->ev, client, &req);
	if (subreq == NULL) {
		return false;
	}
	ok = tevent_req_poll(subreq, ctx->ev);
	if (!ok) {
		return false;
	}
	ok = ctdb_event_status_recv(subreq, &err, &fin.result, ctx, &st);
	TALLOC_FREE(subreq);
	if (!ok) {
		fail(ctx, "final status %s %s: no reply (%s)",
		     ctx->comps[comp], event_names[event], strerror(err));
		return true;
	}
	if (!ever) {
		if (fin.result != EINVAL) {
			fail(ctx, "final status %s %s: result %d, never ran",
			     ctx->comps[comp], event_names[event], fin.result);
		}
		return true;
	}
	if (fin.result != 0) {
		fail(ctx, "final status %s %s: result %d", ctx->comps[comp],
		     event_names[event], fin.result);
		return true;
	}
	/* Borrow a slot's checks: record it in place of a scratch copy. */
	ctx->recs[total] = fin;
	status_check(ctx, total, st);
	TALLOC_FREE(st);
	fin = ctx->recs[total];
	if (fin.st_run < 0) {
		return true;
	}
	if (fin.st_run >= (int64_t)total ||
	    !is_ok_run(&ctx->recs[fin.st_run], comp, event)) {
		fail(ctx, "final status %s %s reports run %lld, not a "
		     "completed run of it", ctx->comps[comp],
		     event_names[event], (long long)fin.st_run);
	} else if (fin.st_end < newest || status_stale(ctx, &fin, INT64_MAX)) {
		fail(ctx, "final status %s %s reports run %lld, not the "
		     "last completed", ctx->comps[comp], event_names[event],
		     (long long)fin.st_run);
	}
	return true;
}

static int final_statuses(struct load_ctx *ctx, int64_t *newest)
{
	struct ctdb_event_client *client = NULL;
	unsigned comp, event;
	int ret;

	ret = ctdb_event_client_init(ctx, ctx->ev, ctx->sockpath, 1, &client);
	if (ret != 0) {
		fail(ctx, "final connect: %s", strerror(ret));
		return ret;
	}
	for (comp = 0; comp < ctx->ncomps; comp++) {
		for (event = 0; event < N_EVENTS; event++) {
			bool ok = final_status(ctx, client, comp, event,
					       newest[comp * N_EVENTS + event]);
			if (!ok) {
				fail(ctx, "final status: out of memory");
				return ENOMEM;
			}
		}
	}
	talloc_free(client);
	return 0;
}

/* ---------- main ---------- */

static void overall_timeout(struct tevent_context *ev,
			    struct tevent_timer *te, struct timeval now,
			    void *private_data)
{
	struct load_ctx *ctx = private_data;

	/* tevent frees a timer once it has fired. */
	ctx->timer = NULL;
	ctx->timed_out = true;
}

static int split_comps(struct load_ctx *ctx, char *list)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		ctx->comps = talloc_realloc(ctx, ctx->comps, char *,
					    ctx->ncomps + 1);
		if (ctx->comps == NULL) {
			return ENOMEM;
		}
		ctx->comps[ctx->ncomps++] = tok;
	}
	return ctx->ncomps > 0 && ctx->ncomps < 256 ? 0 : EINVAL;
}

static int usage(void)
{
	fprintf(stderr, "usage: load_client -s SOCKET -C COMP[,COMP...] "
		"[-c CLIENTS] [-n REQUESTS] [-k SCRIPTS] [-r SEED] "
		"[-t SECONDS]\n");
	return 2;
}

static int connect_all(struct load_ctx *ctx, unsigned long seed)
{
	unsigned i;

	for (i = 0; i < ctx->nclients; i++) {
		struct load_conn *c = talloc_zero(ctx, struct load_conn);
		int ret;

		if (c == NULL) {
			return ENOMEM;
		}
		c->ctx = ctx;
		c->index = i;
		c->rng = (seed + 1) * 0x9E3779B97F4A7C15ULL +
			 (ctx->phase * ctx->nclients + i) * 7919ULL + 1;
		ret = ctdb_event_client_init(c, ctx->ev, ctx->sockpath,
					     1 + i * 1000, &c->client);
		if (ret != 0) {
			fprintf(stderr, "connect %u to %s: %s\n", i,
				ctx->sockpath, strerror(ret));
			return ret;
		}
		ctdb_event_client_set_disconnect_fn(c->client,
						    conn_disconnected, c);
		ctx->conns[i] = c;
	}
	return 0;
}

/* One phase: connect every client, run them all, wait until all closed. */
static int run_phase(struct load_ctx *ctx, unsigned nreq, unsigned long seed,
		     unsigned timeout, const char *name)
{
	int64_t t0;
	unsigned i;
	int ret;

	ctx->nreq = nreq;
	ctx->finished = 0;
	ret = connect_all(ctx, seed);
	if (ret != 0) {
		return ret;
	}
	ctx->timer = tevent_add_timer(ctx->ev, ctx,
				      tevent_timeval_current_ofs(timeout, 0),
				      overall_timeout, ctx);
	if (ctx->timer == NULL) {
		return ENOMEM;
	}
	t0 = now_us();
	for (i = 0; i < ctx->nclients; i++) {
		conn_send_next(ctx->conns[i]);
	}
	while (ctx->finished < ctx->nclients && !ctx->timed_out) {
		if (tevent_loop_once(ctx->ev) != 0) {
			fail(ctx, "event loop: %s", strerror(errno));
			break;
		}
	}
	TALLOC_FREE(ctx->timer);
	printf("%s: %u clients x %u requests in %.1f s\n", name,
	       ctx->nclients, nreq, (now_us() - t0) / 1e6);
	if (ctx->timed_out) {
		fail(ctx, "%s: timed out after %u s with %u of %u connections "
		     "done", name, timeout, ctx->finished, ctx->nclients);
		return ETIMEDOUT;
	}
	ctx->base += ctx->nclients * nreq;
	ctx->phase++;
	return 0;
}

/* Let the caller look at the idle daemon; go on after a line on stdin. */
static void pause_for_caller(const char *what)
{
	char line[16];

	printf("PAUSE %s\n", what);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		/* The caller went away: carry on to the checks. */
	}
}

int main(int argc, char **argv)
{
	struct load_ctx *ctx;
	unsigned long seed = 1;
	unsigned timeout = 120, warm = 0, nreq = 50, i;
	unsigned issued[N_EVENTS] = { 0 }, completed[N_EVENTS] = { 0 };
	unsigned cancelled[N_EVENTS] = { 0 }, nstatus = 0, answered = 0;
	int64_t *newest;
	char *comps = NULL;
	bool pause = false;
	int opt, ret;

	ctx = talloc_zero(NULL, struct load_ctx);
	if (ctx == NULL) {
		return 2;
	}
	ctx->nclients = 200;
	ctx->nscripts = 3;
	while ((opt = getopt(argc, argv, "s:C:c:n:w:pk:r:t:")) != -1) {
		switch (opt) {
		case 's': ctx->sockpath = optarg; break;
		case 'C': comps = optarg; break;
		case 'c': ctx->nclients = strtoul(optarg, NULL, 10); break;
		case 'n': nreq = strtoul(optarg, NULL, 10); break;
		case 'w': warm = strtoul(optarg, NULL, 10); break;
		case 'p': pause = true; break;
		case 'k': ctx->nscripts = strtoul(optarg, NULL, 10); break;
		case 'r': seed = strtoul(optarg, NULL, 10); break;
		case 't': timeout = strtoul(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (ctx->sockpath == NULL || comps == NULL || ctx->nclients == 0 ||
	    ctx->nclients > 30000 || nreq == 0 || ctx->nscripts == 0 ||
	    split_comps(ctx, comps) != 0) {
		return usage();
	}
	ctx->total = ctx->nclients * (warm + nreq);
	ctx->ev = tevent_context_init(ctx);
	/* One spare record for the final statuses' checks. */
	ctx->recs = talloc_zero_array(ctx, struct req_rec, ctx->total + 1);
	ctx->conns = talloc_zero_array(ctx, struct load_conn *,
				       ctx->nclients);
	newest = talloc_zero_array(ctx, int64_t, ctx->ncomps * N_EVENTS);
	if (ctx->ev == NULL || ctx->recs == NULL || ctx->conns == NULL ||
	    newest == NULL) {
		return 2;
	}
	printf("seed %lu\n", seed);
	ret = 0;
	if (warm > 0) {
		ret = run_phase(ctx, warm, seed, timeout, "warm-up");
		if (ret == 0 && pause) {
			pause_for_caller("warm-up");
		}
	}
	if (ret == 0) {
		ret = run_phase(ctx, nreq, seed, timeout, "load");
		if (ret == 0 && pause) {
			pause_for_caller("load");
		}
	}
	if (ret != 0 && ret != ETIMEDOUT) {
		return 2;
	}
	for (i = 0; i < ctx->total; i++) {
		answered += ctx->recs[i].answered ? 1 : 0;
	}
	printf("%u of %u requests answered\n", answered, ctx->total);
	if (answered != ctx->total) {
		fail(ctx, "%u requests unanswered", ctx->total - answered);
	}

	check_runs(ctx, issued, completed, cancelled);
	check_statuses(ctx, &nstatus, newest);
	if (!ctx->timed_out) {
		final_statuses(ctx, newest);
	}
	for (i = 0; i < N_EVENTS; i++) {
		printf("run %s: %u issued, %u completed, %u cancelled\n",
		       event_names[i], issued[i], completed[i], cancelled[i]);
		if (completed[i] + cancelled[i] != issued[i]) {
			fail(ctx, "run %s: completed + cancelled != issued",
			     event_names[i]);
		}
	}
	printf("status: %u answered\n", nstatus);
	printf("%u failures\n", ctx->failures);
	ret = ctx->failures == 0 ? 0 : 1;
	/*
	 * After a timeout requests are still pending on the connections;
	 * freeing them would run their callbacks mid-free. Exit instead.
	 */
	if (!ctx->timed_out) {
		talloc_free(ctx);
	}
	return ret;
}
