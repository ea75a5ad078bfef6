/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `ctdb watch` and `ctdb wait`: follow the daemons' keys as JSON lines. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/watch_client.h"
#include "common/path.h"
#include "tools/watch_tool.h"

/*
 * Keys belong to the daemon that sets them: event.* to ctdb-eventd,
 * node.* to ctdb-noded. Without a key both are followed, whichever runs.
 */

enum { WATCH_EVENTD = 0, WATCH_NODED = 1, WATCH_NUM_DAEMONS = 2 };

/* How often wait tries again to reach a daemon that is not there. */
#define WAIT_RETRY_US 200000

struct watch_tool;

struct watch_conn {
	struct watch_tool *wt;
	const char *daemon;   /* "event daemon", "node daemon" */
	const char *sockpath;
	const struct ctdb_watch_cmds *cmds;
	const char **keys;
	uint32_t num_keys;
	bool wanted;
	bool running;
	bool retrying; /* wait: the daemon is not there yet */
	int err; /* why it ended */
	ctdb_watch_line_fn fn;
};

struct watch_tool {
	struct tevent_context *ev;
	const char *cmd;    /* "watch" or "wait" */
	bool optional;      /* no key: a daemon not there is no error */
	struct watch_conn conns[WATCH_NUM_DAEMONS];
	bool stop;
	int status;

	/* wait */
	const char *key;
	const char *value;
	json_t *value_json; /* value parsed as JSON, or NULL */
	bool negate;
};

static int key_daemon(const char *key)
{
	if (strncmp(key, "event.", 6) == 0) {
		return WATCH_EVENTD;
	}
	if (strncmp(key, "node.", 5) == 0 ||
	    strncmp(key, "cluster.", 8) == 0) {
		return WATCH_NODED;
	}
	return -1;
}

/* @return 0, or 2 (usage) after saying what is wrong with key. */
static int key_check(const struct watch_tool *wt, const char *key)
{
	if (!ctdb_watch_key_valid(key)) {
		fprintf(stderr, "%s: invalid key '%s'\n", wt->cmd, key);
		return 2;
	}
	if (key_daemon(key) < 0) {
		fprintf(stderr,
			"%s: unknown key '%s': keys start with \"event.\" "
			"(event daemon), \"node.\" or \"cluster.\" "
			"(node daemon)\n",
			wt->cmd, key);
		return 2;
	}
	return 0;
}

static void watch_tool_init(TALLOC_CTX *mem_ctx, struct watch_tool *wt,
			    const char *cmd)
{
	struct watch_conn *c;

	wt->cmd = cmd;
	c = &wt->conns[WATCH_EVENTD];
	c->wt = wt;
	c->daemon = "event daemon";
	c->sockpath = path_socket(mem_ctx, "eventd");
	c->cmds = &ctdb_watch_cmds_event;
	c = &wt->conns[WATCH_NODED];
	c->wt = wt;
	c->daemon = "node daemon";
	c->sockpath = path_socket(mem_ctx, "noded");
	c->cmds = &ctdb_watch_cmds_node;
}

static int conn_add_key(TALLOC_CTX *mem_ctx, struct watch_conn *c,
			const char *key)
{
	const char **keys;

	keys = talloc_realloc(mem_ctx, c->keys, const char *,
			      c->num_keys + 1);
	if (keys == NULL) {
		return ENOMEM;
	}
	keys[c->num_keys] = key;
	c->keys = keys;
	c->num_keys++;
	c->wanted = true;
	return 0;
}

/* ---------- the streams ---------- */

static void conn_report(const struct watch_conn *c)
{
	const struct watch_tool *wt = c->wt;

	switch (c->err) {
	case EOPNOTSUPP:
		fprintf(stderr, "%s: not supported by the %s at %s\n", wt->cmd,
			c->daemon, c->sockpath);
		break;
	case EPIPE:
		fprintf(stderr, "%s: the %s at %s went away\n", wt->cmd,
			c->daemon, c->sockpath);
		break;
	case EINVAL:
		fprintf(stderr, "%s: the %s refused the keys: %s\n", wt->cmd,
			c->daemon, strerror(c->err));
		break;
	default:
		fprintf(stderr, "%s: cannot watch the %s at %s: %s\n", wt->cmd,
			c->daemon, c->sockpath, strerror(c->err));
		break;
	}
}

static bool conn_never_started(int err)
{
	return err != EPIPE && err != EPROTO && err != ENOMEM;
}

/* No socket yet, or nobody listening on it: a daemon still starting. */
static bool conn_absent(int err)
{
	return err == ENOENT || err == ECONNREFUSED;
}

static int conn_start(TALLOC_CTX *mem_ctx, struct watch_conn *c);

static void conn_retry(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct watch_conn *c = private_data;
	int ret;

	c->retrying = false;
	ret = conn_start(c->wt, c);
	if (ret != 0) {
		c->err = ret;
		conn_report(c);
		c->wt->status = 2;
		c->wt->stop = true;
	}
}

/*
 * wait retries a daemon that is not there until its timeout (ctdb(1)),
 * so that it can be started before the daemon it waits for.
 */
static bool conn_retry_later(struct watch_conn *c)
{
	struct watch_tool *wt = c->wt;
	struct tevent_timer *te;

	if (strcmp(wt->cmd, "wait") != 0 || !conn_absent(c->err)) {
		return false;
	}
	te = tevent_add_timer(wt->ev, wt,
			      tevent_timeval_current_ofs(0,
							 WAIT_RETRY_US),
			      conn_retry, c);
	if (te == NULL) {
		return false;
	}
	c->retrying = true;
	return true;
}

static void conn_done(struct tevent_req *req)
{
	struct watch_conn *c = tevent_req_callback_data_void(req);
	struct watch_tool *wt = c->wt;
	size_t i;

	(void)ctdb_watch_recv(req, &c->err);
	TALLOC_FREE(req);
	c->running = false;
	if (conn_retry_later(c)) {
		return;
	}

	/* With no key, the other daemon may do alone. */
	if (wt->optional && conn_never_started(c->err)) {
		for (i = 0; i < WATCH_NUM_DAEMONS; i++) {
			const struct watch_conn *o = &wt->conns[i];

			if (o != c && (o->running || o->err == 0)) {
				return;
			}
		}
		for (i = 0; i < WATCH_NUM_DAEMONS; i++) {
			conn_report(&wt->conns[i]);
		}
	} else {
		conn_report(c);
	}
	/* wait: a connection problem is a usage-level failure (2). */
	wt->status = (strcmp(wt->cmd, "wait") == 0) ? 2 : 1;
	wt->stop = true;
}

static int conn_start(TALLOC_CTX *mem_ctx, struct watch_conn *c)
{
	struct watch_tool *wt = c->wt;
	struct tevent_req *req;

	if (c->sockpath == NULL) {
		return ENOMEM;
	}
	req = ctdb_watch_send(mem_ctx, wt->ev, c->sockpath, c->cmds, c->keys,
			      c->num_keys, c->fn, wt);
	if (req == NULL) {
		return ENOMEM;
	}
	tevent_req_set_callback(req, conn_done, c);
	c->running = true;
	return 0;
}

static int conns_start(TALLOC_CTX *mem_ctx, struct watch_tool *wt,
		       ctdb_watch_line_fn fn)
{
	size_t i;
	int ret;

	for (i = 0; i < WATCH_NUM_DAEMONS; i++) {
		struct watch_conn *c = &wt->conns[i];

		if (!c->wanted) {
			continue;
		}
		c->fn = fn;
		ret = conn_start(mem_ctx, c);
		if (ret != 0) {
			return ret;
		}
	}
	return 0;
}

static void stop_on_signal(struct tevent_context *ev,
			   struct tevent_signal *se, int signum, int count,
			   void *siginfo, void *private_data)
{
	struct watch_tool *wt = private_data;

	wt->status = 0;
	wt->stop = true;
}

static int watch_tool_run(struct watch_tool *wt)
{
	while (!wt->stop) {
		int ret = tevent_loop_once(wt->ev);

		if (ret != 0 && errno != EINTR) {
			fprintf(stderr, "%s: event loop failed\n", wt->cmd);
			return 1;
		}
	}
	return wt->status;
}

/* ---------- watch ---------- */

static void watch_line(const char *line, void *private_data)
{
	struct watch_tool *wt = private_data;
	int ret;

	if (wt->stop) {
		return;
	}
	(void)fputs(line, stdout);
	(void)fputc('\n', stdout);
	ret = fflush(stdout);
	if (ret != 0) {
		/* The reader went away (SIGPIPE is ignored): a normal end. */
		wt->status = 0;
		wt->stop = true;
	}
}

int watch_tool_watch(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	TALLOC_CTX *tmp_ctx = talloc_new(mem_ctx);
	struct watch_tool *wt;
	int i;
	int ret;

	wt = talloc_zero(tmp_ctx, struct watch_tool);
	if (wt == NULL) {
		talloc_free(tmp_ctx);
		return 1;
	}
	watch_tool_init(wt, wt, "watch");
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			fprintf(stderr, "Usage: ctdb watch [KEY...]\n");
			talloc_free(tmp_ctx);
			return 2;
		}
		ret = key_check(wt, argv[i]);
		if (ret != 0) {
			talloc_free(tmp_ctx);
			return ret;
		}
		ret = conn_add_key(wt, &wt->conns[key_daemon(argv[i])],
				   argv[i]);
		if (ret != 0) {
			talloc_free(tmp_ctx);
			return 1;
		}
	}
	if (argc == 1) {
		wt->optional = true;
		wt->conns[WATCH_EVENTD].wanted = true;
		wt->conns[WATCH_NODED].wanted = true;
	}

	wt->ev = tevent_context_init(wt);
	if (wt->ev == NULL) {
		talloc_free(tmp_ctx);
		return 1;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	if (tevent_add_signal(wt->ev, wt, SIGINT, 0, stop_on_signal, wt) ==
		    NULL ||
	    tevent_add_signal(wt->ev, wt, SIGTERM, 0, stop_on_signal, wt) ==
		    NULL ||
	    conns_start(wt, wt, watch_line) != 0) {
		fprintf(stderr, "watch: out of memory\n");
		talloc_free(tmp_ctx);
		return 1;
	}
	ret = watch_tool_run(wt);
	talloc_free(tmp_ctx);
	return ret;
}

/* ---------- wait ---------- */

/*
 * The matching rule, documented in ctdb(1): a value matches VALUE if it
 * is a JSON string equal to VALUE, or an object whose "state" member is
 * a string equal to VALUE, or if VALUE parses as JSON equal to it.
 */
static bool value_matches(const struct watch_tool *wt, json_t *v)
{
	json_t *state;

	if (json_is_string(v) && strcmp(json_string_value(v), wt->value) == 0) {
		return true;
	}
	state = json_is_object(v) ? json_object_get(v, "state") : NULL;
	if (json_is_string(state) &&
	    strcmp(json_string_value(state), wt->value) == 0) {
		return true;
	}
	return wt->value_json != NULL && json_equal(v, wt->value_json);
}

static void wait_line(const char *line, void *private_data)
{
	struct watch_tool *wt = private_data;
	json_t *notify;
	json_t *key;
	bool match;

	if (wt->stop) {
		return;
	}
	notify = json_loads(line, 0, NULL);
	key = json_object_get(notify, "key");
	if (!json_is_string(key) ||
	    strcmp(json_string_value(key), wt->key) != 0) {
		json_decref(notify);
		return;
	}
	match = value_matches(wt, json_object_get(notify, "value"));
	json_decref(notify);
	if (match != wt->negate) {
		wt->status = 0;
		wt->stop = true;
	}
}

static void wait_timeout(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct watch_tool *wt = private_data;
	size_t i;

	/* Never reached: say why, as without retries (exit status 2). */
	for (i = 0; i < WATCH_NUM_DAEMONS; i++) {
		if (wt->conns[i].retrying) {
			conn_report(&wt->conns[i]);
			wt->status = 2;
			wt->stop = true;
			return;
		}
	}

	fprintf(stderr, "wait: timed out waiting for %s%s%s\n", wt->key,
		wt->negate ? "!=" : "=", wt->value);
	wt->status = 1;
	wt->stop = true;
}

static int wait_usage(const char *why)
{
	if (why != NULL) {
		fprintf(stderr, "wait: %s\n", why);
	}
	fprintf(stderr,
		"Usage: ctdb wait KEY=VALUE|KEY!=VALUE [--timeout SECONDS]\n");
	return 2;
}

/* @return 0, or 2 after a message. */
static int wait_parse_timeout(const char *arg, double *timeout)
{
	char *end = NULL;
	double t;

	errno = 0;
	t = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(t > 0) ||
	    t > 1e9) {
		fprintf(stderr, "wait: invalid timeout '%s': a positive number "
				"of seconds\n",
			arg);
		return wait_usage(NULL);
	}
	*timeout = t;
	return 0;
}

/* Split KEY=VALUE or KEY!=VALUE; the key is a copy on wt. */
static int wait_parse_condition(struct watch_tool *wt, const char *arg)
{
	const char *ne = strstr(arg, "!=");
	const char *eq = strchr(arg, '=');
	const char *sep = eq;
	size_t seplen = 1;

	if (ne != NULL && ne < eq) {
		sep = ne;
		seplen = 2;
		wt->negate = true;
	}
	if (sep == NULL || sep == arg) {
		return wait_usage("expected KEY=VALUE or KEY!=VALUE");
	}
	wt->key = talloc_strndup(wt, arg, sep - arg);
	if (wt->key == NULL) {
		return 1;
	}
	wt->value = sep + seplen;
	wt->value_json = json_loads(wt->value, JSON_DECODE_ANY, NULL);
	return key_check(wt, wt->key);
}

static int wait_parse(struct watch_tool *wt, int argc, const char **argv,
		      double *timeout)
{
	const char *cond = NULL;
	int i;
	int ret;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--timeout") == 0 ||
		    strcmp(argv[i], "-t") == 0) {
			if (i + 1 >= argc) {
				return wait_usage("--timeout needs a value");
			}
			ret = wait_parse_timeout(argv[++i], timeout);
		} else if (strncmp(argv[i], "--timeout=", 10) == 0) {
			ret = wait_parse_timeout(argv[i] + 10, timeout);
		} else if (argv[i][0] == '-' || cond != NULL) {
			return wait_usage(NULL);
		} else {
			cond = argv[i];
			ret = 0;
		}
		if (ret != 0) {
			return ret;
		}
	}
	if (cond == NULL) {
		return wait_usage(NULL);
	}
	return wait_parse_condition(wt, cond);
}

int watch_tool_wait(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	TALLOC_CTX *tmp_ctx = talloc_new(mem_ctx);
	struct watch_tool *wt;
	double timeout = 0;
	int ret;

	wt = talloc_zero(tmp_ctx, struct watch_tool);
	if (wt == NULL) {
		talloc_free(tmp_ctx);
		return 2;
	}
	watch_tool_init(wt, wt, "wait");
	ret = wait_parse(wt, argc, argv, &timeout);
	if (ret == 0) {
		ret = conn_add_key(wt, &wt->conns[key_daemon(wt->key)],
				   wt->key);
	}
	if (ret != 0) {
		json_decref(wt->value_json);
		talloc_free(tmp_ctx);
		return 2;
	}

	wt->ev = tevent_context_init(wt);
	ret = (wt->ev == NULL) ? ENOMEM : conns_start(wt, wt, wait_line);
	if (ret == 0 && timeout > 0) {
		struct timeval tv = tevent_timeval_current_ofs(
			(uint32_t)timeout,
			(uint32_t)((timeout - (uint32_t)timeout) * 1e6));

		if (tevent_add_timer(wt->ev, wt, tv, wait_timeout, wt) ==
		    NULL) {
			ret = ENOMEM;
		}
	}
	if (ret != 0) {
		fprintf(stderr, "wait: out of memory\n");
		json_decref(wt->value_json);
		talloc_free(tmp_ctx);
		return 2;
	}
	ret = watch_tool_run(wt);
	json_decref(wt->value_json);
	talloc_free(tmp_ctx);
	return ret;
}
