/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A NATS publisher that never blocks the tevent loop that feeds it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/nats_bus.h"

static bool url_port_valid(const char *p, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i])) {
			return false;
		}
		v = v * 10 + (p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

static bool url_host_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* One server: [scheme://][userinfo@]host[:port]; NULL if fine. */
static const char *url_one_check(const char *s, size_t len)
{
	const char *end = s + len;
	const char *at, *p, *host_end;

	if (len == 0) {
		return "empty server address";
	}
	if (len >= 7 && strncmp(s, "nats://", 7) == 0) {
		s += 7;
	} else if (len >= 6 && strncmp(s, "tls://", 6) == 0) {
		s += 6;
	} else if (memmem(s, len, "://", 3) != NULL) {
		return "unsupported scheme (expected nats:// or tls://)";
	}
	at = NULL;
	for (p = s; p < end; p++) {
		if (*p == '@') {
			at = p;
		}
	}
	if (at != NULL) {
		s = at + 1;
	}
	if (s < end && *s == '[') {
		host_end = memchr(s, ']', end - s);
		if (host_end == NULL || host_end == s + 1) {
			return "bad IPv6 address (expected [ADDRESS])";
		}
		for (p = s + 1; p < host_end; p++) {
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.') {
				return "bad IPv6 address (expected [ADDRESS])";
			}
		}
		p = host_end + 1;
	} else {
		for (p = s; p < end && url_host_char(*p); p++) {
		}
		if (p == s) {
			return "missing host";
		}
	}
	if (p == end) {
		return NULL;
	}
	if (*p != ':') {
		return "unexpected character after the host";
	}
	p++;
	if (!url_port_valid(p, end - p)) {
		return "bad port (expected 1 to 65535)";
	}
	return NULL;
}

bool nats_bus_url_check(TALLOC_CTX *mem_ctx, const char *url, char **reason)
{
	const char *s = url, *comma, *why;
	size_t i;

	for (i = 0; url[i] != '\0'; i++) {
		if (isspace((unsigned char)url[i]) ||
		    !isprint((unsigned char)url[i])) {
			*reason = talloc_strdup(mem_ctx,
						"white space or control "
						"character in the URL");
			return false;
		}
	}
	for (;;) {
		comma = strchr(s, ',');
		why = url_one_check(s, comma != NULL ? (size_t)(comma - s)
						      : strlen(s));
		if (why != NULL) {
			*reason = talloc_strdup(mem_ctx, why);
			return false;
		}
		if (comma == NULL) {
			return true;
		}
		/* Not before this check: NULL + 1 is undefined (UBSan). */
		s = comma + 1;
	}
}

#ifndef HAVE_NATS

bool nats_bus_supported(void)
{
	return false;
}

const char *nats_bus_default_library(void)
{
	return NULL;
}

int nats_bus_load(TALLOC_CTX *mem_ctx, const char *library, char **reason)
{
	*reason = talloc_strdup(mem_ctx, "built without NATS support "
					 "(configure --with-nats)");
	return ENOTSUP;
}

int nats_bus_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		 const char *url, const char *name, nats_bus_state_fn state_fn,
		 void *private_data, struct nats_bus **out)
{
	return ENOTSUP;
}

int nats_bus_publish(struct nats_bus *bus, const char *subject,
		     const void *data, size_t len)
{
	return ENOTSUP;
}

void nats_bus_get_stats(struct nats_bus *bus, struct nats_bus_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
}

#else /* HAVE_NATS */

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <dlfcn.h>
#include <nats/nats.h>

/*
 * libnats is loaded when a bus is configured, not linked: it brings
 * libssl and libcrypto, megabytes of resident memory for every daemon
 * that has no bus (bench/README). Every function the bus calls goes
 * through this table, typed from nats.h so the compiler checks the calls.
 */
#define LIBNATS_FUNCS(X) \
	X(natsOptions_Create) \
	X(natsOptions_SetURL) \
	X(natsOptions_SetName) \
	X(natsOptions_SetAllowReconnect) \
	X(natsOptions_SetMaxReconnect) \
	X(natsOptions_SetReconnectWait) \
	X(natsOptions_SetReconnectBufSize) \
	X(natsOptions_SetTimeout) \
	X(natsOptions_SetWriteDeadline) \
	X(natsOptions_SetPingInterval) \
	X(natsOptions_SetMaxPingsOut) \
	X(natsOptions_SetRetryOnFailedConnect) \
	X(natsOptions_SetReconnectedCB) \
	X(natsOptions_SetDisconnectedCB) \
	X(natsOptions_SetErrorHandler) \
	X(natsOptions_Destroy) \
	X(natsConnection_Connect) \
	X(natsConnection_GetConnectedUrl) \
	X(natsConnection_GetLastError) \
	X(natsConnection_Publish) \
	X(natsConnection_Status) \
	X(natsConnection_FlushTimeout) \
	X(natsConnection_Destroy) \
	X(natsStatus_GetText) \
	X(nats_GetLastError) \
	X(nats_CloseAndWait)

struct libnats_api {
#define LIBNATS_MEMBER(name) __typeof__(name) *name;
	LIBNATS_FUNCS(LIBNATS_MEMBER)
#undef LIBNATS_MEMBER
};

static const struct {
	const char *name;
	size_t offset;
} libnats_symbols[] = {
#define LIBNATS_SYMBOL(name) { #name, offsetof(struct libnats_api, name) },
	LIBNATS_FUNCS(LIBNATS_SYMBOL)
#undef LIBNATS_SYMBOL
};

/*
 * Filled once per process, and the library is never closed: after a
 * shutdown that timed out, libnats' threads may still run its code.
 */
static struct libnats_api libnats;
static bool libnats_loaded;

const char *nats_bus_default_library(void)
{
	return NATS_SONAME;
}

/* Every function of the table, or the name of the first one missing. */
static const char *libnats_resolve(void *handle, struct libnats_api *api)
{
	void *fn;
	size_t i;

	for (i = 0; i < sizeof(libnats_symbols) / sizeof(libnats_symbols[0]);
	     i++) {
		fn = dlsym(handle, libnats_symbols[i].name);
		if (fn == NULL) {
			return libnats_symbols[i].name;
		}
		/* POSIX: a function's address survives a trip via void *. */
		memcpy((char *)api + libnats_symbols[i].offset, &fn,
		       sizeof(fn));
	}
	return NULL;
}

int nats_bus_load(TALLOC_CTX *mem_ctx, const char *library, char **reason)
{
	const char *file = (library != NULL) ? library : NATS_SONAME;
	const char *missing;
	struct libnats_api api;
	void *handle;

	if (libnats_loaded) {
		return 0;
	}
	handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		/* dlerror() names the file and why (missing, wrong ELF...). */
		*reason = talloc_asprintf(mem_ctx,
					  "cannot load the NATS client "
					  "library: %s", dlerror());
		return ELIBACC;
	}
	missing = libnats_resolve(handle, &api);
	if (missing != NULL) {
		*reason = talloc_asprintf(mem_ctx,
					  "%s is not a usable NATS client "
					  "library: it lacks %s", file,
					  missing);
		dlclose(handle);
		return ELIBACC;
	}
	libnats = api;
	libnats_loaded = true;
	return 0;
}

/*
 * Bounds. The queue only grows while the publisher thread waits for a
 * libnats lock; libnats' own buffer keeps what is published while the
 * server is away and is sent after a reconnect.
 */
#define BUS_QUEUE_MAX_MSGS 1024
#define BUS_QUEUE_MAX_BYTES (1024 * 1024)
#define BUS_RECONNECT_BUF (1024 * 1024)
#define BUS_RECONNECT_WAIT_MS 1000
#define BUS_CONNECT_TIMEOUT_MS 2000
#define BUS_WRITE_DEADLINE_MS 1000
#define BUS_PING_INTERVAL_MS 10000
#define BUS_CLOSE_FLUSH_MS 500
#define BUS_CLOSE_WAIT_MS 1000
#define BUS_JOIN_WAIT_S 5
#define BUS_DETAIL_LEN 256

struct bus_msg {
	struct bus_msg *next;
	char *subject; /* points into the same allocation */
	size_t len;
	char data[];
};

/*
 * What the threads and the loop share. Plain malloc, not talloc: it is
 * touched by threads, and may outlive the bus if libnats does not shut
 * down in time (then it is deliberately left behind).
 */
struct bus_shared {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int refs;
	bool stop;
	bool loop_gone;
	int wake_fd; /* write end; -1 once the loop is gone */

	struct bus_msg *head, *tail;
	size_t queue_msgs, queue_bytes;

	bool reachable;
	uint64_t changes; /* reachability changes, for the loop */
	char detail[BUS_DETAIL_LEN];
	uint64_t errors;
	char error[BUS_DETAIL_LEN];
	struct nats_bus_stats stats;

	char *url;
	char *name;
};

struct nats_bus {
	struct tevent_context *ev;
	struct bus_shared *s;
	struct tevent_fd *fde;
	int read_fd;
	pthread_t thread;
	nats_bus_state_fn state_fn;
	void *private_data;
	bool reported_reachable;
	bool reported_any;
	uint64_t seen_changes;
	uint64_t seen_errors;
	char last_error[BUS_DETAIL_LEN];
};

static bool bus_exists;

bool nats_bus_supported(void)
{
	return true;
}

static void shared_free(struct bus_shared *s)
{
	struct bus_msg *m;

	while (s->head != NULL) {
		m = s->head;
		s->head = m->next;
		free(m);
	}
	if (s->wake_fd != -1) {
		close(s->wake_fd);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s->url);
	free(s->name);
	free(s);
}

/* Drop one reference; the last one frees. Called without s->mu held. */
static void shared_unref(struct bus_shared *s)
{
	int refs;

	pthread_mutex_lock(&s->mu);
	refs = --s->refs;
	pthread_mutex_unlock(&s->mu);
	if (refs == 0) {
		shared_free(s);
	}
}

/* Wake the loop. Called with s->mu held, from any thread. */
static void shared_wake(struct bus_shared *s)
{
	char c = 0;
	ssize_t n;

	if (s->loop_gone || s->wake_fd == -1) {
		return;
	}
	/* Non-blocking: a full pipe already means "look". */
	n = write(s->wake_fd, &c, 1);
	(void)n;
}

static void shared_set_detail(char *buf, const char *text)
{
	snprintf(buf, BUS_DETAIL_LEN, "%s", text != NULL ? text : "");
}

static void shared_set_reachable(struct bus_shared *s, bool reachable,
				 const char *detail)
{
	pthread_mutex_lock(&s->mu);
	if (s->reachable != reachable || s->changes == 0) {
		s->reachable = reachable;
		s->changes++;
		shared_set_detail(s->detail, detail);
		shared_wake(s);
	}
	pthread_mutex_unlock(&s->mu);
}

/* ---------------------------------------------- libnats' threads */

static void cb_connected(natsConnection *nc, void *closure)
{
	char url[BUS_DETAIL_LEN];
	natsStatus st;

	st = libnats.natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	if (st != NATS_OK) {
		url[0] = '\0';
	}
	shared_set_reachable(closure, true, url);
}

static void cb_disconnected(natsConnection *nc, void *closure)
{
	const char *err = NULL;
	natsStatus st;

	st = libnats.natsConnection_GetLastError(nc, &err);
	if (st == NATS_OK || err == NULL || err[0] == '\0') {
		err = "connection lost";
	}
	shared_set_reachable(closure, false, err);
}

static void cb_error(natsConnection *nc, natsSubscription *sub,
		     natsStatus err, void *closure)
{
	struct bus_shared *s = closure;
	const char *text = NULL;

	(void)libnats.natsConnection_GetLastError(nc, &text);
	pthread_mutex_lock(&s->mu);
	s->errors++;
	shared_set_detail(s->error, (text != NULL && text[0] != '\0')
					    ? text
					    : libnats.natsStatus_GetText(err));
	shared_wake(s);
	pthread_mutex_unlock(&s->mu);
}

/* ---------------------------------------------- the publisher thread */

static natsStatus bus_options(struct bus_shared *s, natsOptions **out)
{
	natsOptions *o = NULL;
	natsStatus st;

	st = libnats.natsOptions_Create(&o);
	if (st != NATS_OK) {
		return st;
	}
	st = libnats.natsOptions_SetURL(o, s->url);
	if (st == NATS_OK && s->name != NULL) {
		st = libnats.natsOptions_SetName(o, s->name);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetAllowReconnect(o, true);
	}
	if (st == NATS_OK) {
		/* Negative: forever. */
		st = libnats.natsOptions_SetMaxReconnect(o, -1);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetReconnectWait(
			o, BUS_RECONNECT_WAIT_MS);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetReconnectBufSize(
			o, BUS_RECONNECT_BUF);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetTimeout(o, BUS_CONNECT_TIMEOUT_MS);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetWriteDeadline(
			o, BUS_WRITE_DEADLINE_MS);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetPingInterval(
			o, BUS_PING_INTERVAL_MS);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetMaxPingsOut(o, 2);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetRetryOnFailedConnect(
			o, true, cb_connected, s);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetReconnectedCB(o, cb_connected, s);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetDisconnectedCB(o, cb_disconnected,
							    s);
	}
	if (st == NATS_OK) {
		st = libnats.natsOptions_SetErrorHandler(o, cb_error, s);
	}
	if (st != NATS_OK) {
		libnats.natsOptions_Destroy(o);
		return st;
	}
	*out = o;
	return NATS_OK;
}

static void bus_connect(struct bus_shared *s, natsConnection **pnc)
{
	natsOptions *opts = NULL;
	natsConnection *nc = NULL;
	natsStatus st;
	char url[BUS_DETAIL_LEN];

	st = bus_options(s, &opts);
	if (st == NATS_OK) {
		st = libnats.natsConnection_Connect(&nc, opts);
		libnats.natsOptions_Destroy(opts);
	}
	if (st == NATS_OK) {
		st = libnats.natsConnection_GetConnectedUrl(nc, url,
							    sizeof(url));
		shared_set_reachable(s, true, st == NATS_OK ? url : s->url);
	} else if (st == NATS_NOT_YET_CONNECTED) {
		/* libnats goes on trying in the background. */
		shared_set_reachable(s, false, libnats.nats_GetLastError(NULL));
	} else {
		shared_set_reachable(s, false, libnats.nats_GetLastError(&st));
		nc = NULL;
	}
	*pnc = nc;
}

/* Take the next message, or NULL to stop. */
static struct bus_msg *bus_next(struct bus_shared *s)
{
	struct bus_msg *m;

	pthread_mutex_lock(&s->mu);
	while (s->head == NULL && !s->stop) {
		pthread_cond_wait(&s->cond, &s->mu);
	}
	m = s->head;
	if (m != NULL) {
		s->head = m->next;
		if (s->head == NULL) {
			s->tail = NULL;
		}
		s->queue_msgs--;
		s->queue_bytes -= m->len;
	}
	pthread_mutex_unlock(&s->mu);
	return m;
}

static void bus_send(struct bus_shared *s, natsConnection *nc,
		     struct bus_msg *m)
{
	natsStatus st = NATS_CONNECTION_CLOSED;

	if (nc != NULL) {
		st = libnats.natsConnection_Publish(nc, m->subject, m->data,
						    (int)m->len);
	}
	pthread_mutex_lock(&s->mu);
	if (st == NATS_OK) {
		s->stats.published++;
	} else {
		s->stats.dropped++;
	}
	pthread_mutex_unlock(&s->mu);
	free(m);
}

static void bus_close(struct bus_shared *s, natsConnection *nc)
{
	natsConnStatus cs;
	natsStatus st;

	if (nc != NULL) {
		/* Give what was just published a chance to leave. */
		cs = libnats.natsConnection_Status(nc);
		if (cs == NATS_CONN_STATUS_CONNECTED) {
			(void)libnats.natsConnection_FlushTimeout(
				nc, BUS_CLOSE_FLUSH_MS);
		}
		libnats.natsConnection_Destroy(nc);
	}
	st = libnats.nats_CloseAndWait(BUS_CLOSE_WAIT_MS);
	if (st != NATS_OK) {
		/*
		 * A libnats thread may still call us back with s: keep it
		 * (and the thread's reference) for the rest of the process.
		 */
		return;
	}
	shared_unref(s);
}

static void *bus_thread(void *arg)
{
	struct bus_shared *s = arg;
	natsConnection *nc = NULL;
	struct bus_msg *m;

	bus_connect(s, &nc);
	while (true) {
		m = bus_next(s);
		if (m == NULL) {
			break;
		}
		bus_send(s, nc, m);
	}
	bus_close(s, nc);
	return NULL;
}

/* ---------------------------------------------- the loop's side */

static void bus_report(struct nats_bus *bus)
{
	struct bus_shared *s = bus->s;
	bool reachable, changed, new_error;
	char detail[BUS_DETAIL_LEN], error[BUS_DETAIL_LEN];

	pthread_mutex_lock(&s->mu);
	changed = s->changes != bus->seen_changes;
	bus->seen_changes = s->changes;
	reachable = s->reachable;
	memcpy(detail, s->detail, sizeof(detail));
	new_error = s->errors != bus->seen_errors;
	bus->seen_errors = s->errors;
	memcpy(error, s->error, sizeof(error));
	pthread_mutex_unlock(&s->mu);

	/* Only transitions: a flapping link between two looks is no news. */
	if (changed &&
	    (!bus->reported_any || reachable != bus->reported_reachable)) {
		bus->reported_any = true;
		bus->reported_reachable = reachable;
		if (bus->state_fn != NULL) {
			bus->state_fn(reachable ? NATS_BUS_CONNECTED
						: NATS_BUS_UNREACHABLE,
				      detail, bus->private_data);
		}
	}
	if (new_error && strcmp(error, bus->last_error) != 0) {
		memcpy(bus->last_error, error, sizeof(error));
		if (bus->state_fn != NULL) {
			bus->state_fn(NATS_BUS_ERROR, error,
				      bus->private_data);
		}
	}
}

static void bus_wakeup(struct tevent_context *ev, struct tevent_fd *fde,
		       uint16_t flags, void *private_data)
{
	struct nats_bus *bus = talloc_get_type_abort(private_data,
						     struct nats_bus);
	char buf[64];
	ssize_t n;

	do {
		n = read(bus->read_fd, buf, sizeof(buf));
	} while (n == (ssize_t)sizeof(buf));
	bus_report(bus);
}

static int bus_destructor(struct nats_bus *bus)
{
	struct bus_shared *s = bus->s;
	struct timespec deadline;
	int ret;

	TALLOC_FREE(bus->fde);
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	s->loop_gone = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += BUS_JOIN_WAIT_S;
	ret = pthread_timedjoin_np(bus->thread, NULL, &deadline);
	if (ret != 0) {
		/* Leave it to finish (or not) on its own. */
		pthread_detach(bus->thread);
	}
	close(bus->read_fd);
	shared_unref(s);
	bus_exists = false;
	return 0;
}

static int bus_pipe(int fds[2])
{
	int ret, i, fl;

	ret = pipe(fds);
	if (ret != 0) {
		return errno;
	}
	for (i = 0; i < 2; i++) {
		fl = fcntl(fds[i], F_GETFL);
		if (fl == -1 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) != 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
			ret = errno;
			close(fds[0]);
			close(fds[1]);
			return ret;
		}
	}
	return 0;
}

static struct bus_shared *shared_new(const char *url, const char *name)
{
	struct bus_shared *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return NULL;
	}
	s->wake_fd = -1;
	s->url = strdup(url);
	s->name = (name != NULL) ? strdup(name) : NULL;
	if (s->url == NULL || (name != NULL && s->name == NULL)) {
		free(s->url);
		free(s->name);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cond, NULL);
	return s;
}

/*
 * Start the thread with every signal blocked, so that it and the
 * libnats threads it creates never take the daemon's signals.
 */
static int bus_start_thread(struct nats_bus *bus)
{
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&bus->thread, NULL, bus_thread, bus->s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int nats_bus_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		 const char *url, const char *name, nats_bus_state_fn state_fn,
		 void *private_data, struct nats_bus **out)
{
	struct nats_bus *bus;
	struct bus_shared *s;
	char *why = NULL;
	int fds[2], ret;

	if (bus_exists) {
		return EBUSY;
	}
	if (!libnats_loaded) {
		ret = nats_bus_load(mem_ctx, NULL, &why);
		if (ret != 0) {
			talloc_free(why);
			return ret;
		}
	}
	bus = talloc_zero(mem_ctx, struct nats_bus);
	if (bus == NULL) {
		return ENOMEM;
	}
	bus->ev = ev;
	bus->state_fn = state_fn;
	bus->private_data = private_data;

	s = shared_new(url, name);
	if (s == NULL) {
		talloc_free(bus);
		return ENOMEM;
	}
	ret = bus_pipe(fds);
	if (ret != 0) {
		shared_free(s);
		talloc_free(bus);
		return ret;
	}
	bus->read_fd = fds[0];
	s->wake_fd = fds[1];
	bus->s = s;

	bus->fde = tevent_add_fd(ev, bus, bus->read_fd, TEVENT_FD_READ,
				 bus_wakeup, bus);
	if (bus->fde == NULL) {
		close(bus->read_fd);
		shared_free(s);
		talloc_free(bus);
		return ENOMEM;
	}
	s->refs = 2;
	ret = bus_start_thread(bus);
	if (ret != 0) {
		TALLOC_FREE(bus->fde);
		close(bus->read_fd);
		shared_free(s);
		talloc_free(bus);
		return ret;
	}
	bus_exists = true;
	talloc_set_destructor(bus, bus_destructor);
	*out = bus;
	return 0;
}

int nats_bus_publish(struct nats_bus *bus, const char *subject,
		     const void *data, size_t len)
{
	struct bus_shared *s = bus->s;
	struct bus_msg *m = NULL;
	size_t slen;
	bool full;

	if (subject == NULL || subject[0] == '\0') {
		return EINVAL;
	}
	slen = strlen(subject);
	if (len <= BUS_QUEUE_MAX_BYTES) {
		m = malloc(sizeof(*m) + len + slen + 1);
	}
	if (m != NULL) {
		m->next = NULL;
		m->len = len;
		if (len > 0) {
			memcpy(m->data, data, len);
		}
		m->subject = m->data + len;
		memcpy(m->subject, subject, slen + 1);
	}

	pthread_mutex_lock(&s->mu);
	full = s->queue_msgs >= BUS_QUEUE_MAX_MSGS ||
	       s->queue_bytes + len > BUS_QUEUE_MAX_BYTES;
	if (m == NULL || full) {
		s->stats.refused++;
		pthread_mutex_unlock(&s->mu);
		free(m);
		return ENOBUFS;
	}
	if (s->tail != NULL) {
		s->tail->next = m;
	} else {
		s->head = m;
	}
	s->tail = m;
	s->queue_msgs++;
	s->queue_bytes += len;
	s->stats.queued++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

void nats_bus_get_stats(struct nats_bus *bus, struct nats_bus_stats *stats)
{
	pthread_mutex_lock(&bus->s->mu);
	*stats = bus->s->stats;
	pthread_mutex_unlock(&bus->s->mu);
}

#endif /* HAVE_NATS */
