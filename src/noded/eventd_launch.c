/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start, watch and stop the event daemon exactly as Samba's ctdbd does. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"

extern char **environ;

/*
 * The event daemon writes 4 bytes (a native unsigned int 0) to the -S
 * pipe once it listens, and keeps the pipe open for its whole life: EOF
 * on our read end means it is gone.
 */
struct eventd_handle {
	struct tevent_context *ev;
	char *path;
	pid_t pid;  /* -1 once reaped */
	int fd;     /* read end of the startup pipe */
	struct tevent_fd *fde;
	bool gone;  /* EOF seen */
	bool stopping; /* we asked it to exit: EOF is expected */
	void (*gone_fn)(void *private_data);
	void *gone_data;
	struct tevent_req *stop_req; /* a stop waiting for EOF */
};

static void eventd_reap(struct eventd_handle *h, int *pstatus)
{
	pid_t pid;
	int status = 0;

	if (h->pid == -1) {
		return;
	}
	do {
		pid = waitpid(h->pid, &status, 0);
	} while (pid == -1 && errno == EINTR);
	h->pid = -1;
	if (pstatus != NULL) {
		*pstatus = status;
	}
}

/* Whatever path we take out, no event daemon outlives its handle. */
static int eventd_handle_destructor(struct eventd_handle *h)
{
	TALLOC_FREE(h->fde);
	if (h->pid != -1) {
		(void)kill(h->pid, SIGKILL);
		eventd_reap(h, NULL);
	}
	if (h->fd != -1) {
		close(h->fd);
		h->fd = -1;
	}
	return 0;
}

static char *eventd_binary(TALLOC_CTX *mem_ctx)
{
	bool test_mode = path_test_mode();
	const char *env;

	/* Samba 4.17's override; newer Samba only has the helper dir. */
	if (test_mode) {
		env = getenv("CTDB_EVENTD");
		if (env != NULL && env[0] != '\0') {
			return talloc_strdup(mem_ctx, env);
		}
	}
	return talloc_asprintf(mem_ctx, "%s/ctdb-eventd", path_helperdir());
}

static char *exit_description(TALLOC_CTX *mem_ctx, const char *path,
			      int status)
{
	if (WIFEXITED(status)) {
		return talloc_asprintf(mem_ctx, "%s exited with status %d",
				       path, WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status)) {
		return talloc_asprintf(mem_ctx, "%s killed by signal %d",
				       path, WTERMSIG(status));
	}
	return talloc_asprintf(mem_ctx, "%s ended", path);
}

/*
 * The write end is inherited (no close-on-exec); every other fd of ours
 * is close-on-exec. Signal dispositions and the mask are reset, so the
 * event daemon does not inherit our ignored SIGPIPE.
 */
static int eventd_spawn(struct eventd_handle *h, int write_fd)
{
	posix_spawnattr_t attr;
	sigset_t none;
	sigset_t all;
	char pidstr[32];
	char fdstr[32];
	char opt_pid[] = "-P";
	char opt_fd[] = "-S";
	char *argv[6];
	int ret;

	snprintf(pidstr, sizeof(pidstr), "%d", (int)getpid());
	snprintf(fdstr, sizeof(fdstr), "%d", write_fd);
	argv[0] = h->path;
	argv[1] = opt_pid;
	argv[2] = pidstr;
	argv[3] = opt_fd;
	argv[4] = fdstr;
	argv[5] = NULL;

	ret = posix_spawnattr_init(&attr);
	if (ret != 0) {
		return ret;
	}
	sigemptyset(&none);
	sigfillset(&all);
	ret = posix_spawnattr_setsigmask(&attr, &none);
	if (ret == 0) {
		ret = posix_spawnattr_setsigdefault(&attr, &all);
	}
	if (ret == 0) {
		ret = posix_spawnattr_setflags(
			&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	}
	if (ret == 0) {
		ret = posix_spawn(&h->pid, h->path, NULL, &attr, argv,
				  environ);
	}
	posix_spawnattr_destroy(&attr);
	if (ret != 0) {
		h->pid = -1;
	}
	return ret;
}

/* ---------- start ---------- */

struct eventd_start_state {
	struct eventd_handle *h;
	struct tevent_timer *te;
	uint8_t buf[4];
	size_t nread;
	char *reason;
};

static void eventd_start_readable(struct tevent_context *ev,
				  struct tevent_fd *fde, uint16_t flags,
				  void *private_data);
static void eventd_start_timeout(struct tevent_context *ev,
				 struct tevent_timer *te, struct timeval now,
				 void *private_data);

static void eventd_start_fail(struct tevent_req *req, int err,
			      char *reason)
{
	struct eventd_start_state *state = tevent_req_data(
		req, struct eventd_start_state);
	struct eventd_handle *h = state->h;
	int status = 0;

	TALLOC_FREE(h->fde);
	TALLOC_FREE(state->te);
	if (h->pid != -1) {
		/* As ctdbd: an event daemon that did not start is killed. */
		(void)kill(h->pid, SIGKILL);
		eventd_reap(h, &status);
		if (err == EPIPE) {
			reason = exit_description(state, h->path, status);
		}
	}
	state->reason = reason;
	tevent_req_error_unix(req, err);
}

struct tevent_req *eventd_start_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *sockpath)
{
	struct tevent_req *req;
	struct eventd_start_state *state;
	struct eventd_handle *h;
	int fds[2];
	int ret;

	req = tevent_req_create(mem_ctx, &state, struct eventd_start_state);
	if (req == NULL) {
		return NULL;
	}
	h = talloc_zero(state, struct eventd_handle);
	if (tevent_req_nomem(h, req)) {
		return tevent_req_post(req, ev);
	}
	h->ev = ev;
	h->pid = -1;
	h->fd = -1;
	talloc_set_destructor(h, eventd_handle_destructor);
	state->h = h;
	h->path = eventd_binary(h);
	if (tevent_req_nomem(h->path, req)) {
		return tevent_req_post(req, ev);
	}

	/* A stale socket would connect us to nothing, or to an old daemon. */
	(void)unlink(sockpath);

	ret = pipe2(fds, 0);
	if (ret != 0) {
		eventd_start_fail(req, errno,
				  talloc_asprintf(state, "pipe: %s",
						  strerror(errno)));
		return tevent_req_post(req, ev);
	}
	h->fd = fds[0];
	(void)fcntl(h->fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(h->fd, F_SETFL, O_NONBLOCK);

	D_NOTICE("Starting event daemon %s -P %d -S %d", h->path,
		 (int)getpid(), fds[1]);
	ret = eventd_spawn(h, fds[1]);
	close(fds[1]);
	if (ret != 0) {
		eventd_start_fail(req, ret,
				  talloc_asprintf(state, "cannot run %s: %s",
						  h->path, strerror(ret)));
		return tevent_req_post(req, ev);
	}

	h->fde = tevent_add_fd(ev, h, h->fd, TEVENT_FD_READ,
			       eventd_start_readable, req);
	state->te = tevent_add_timer(ev, state,
				     tevent_timeval_current_ofs(
					     NODED_EVENTD_START_TIMEOUT, 0),
				     eventd_start_timeout, req);
	if (h->fde == NULL || state->te == NULL) {
		eventd_start_fail(req, ENOMEM, NULL);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void eventd_start_readable(struct tevent_context *ev,
				  struct tevent_fd *fde, uint16_t flags,
				  void *private_data)
{
	struct tevent_req *req = talloc_get_type_abort(private_data,
						       struct tevent_req);
	struct eventd_start_state *state = tevent_req_data(
		req, struct eventd_start_state);
	unsigned int value;
	ssize_t n;

	n = read(state->h->fd, state->buf + state->nread,
		 sizeof(state->buf) - state->nread);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n <= 0) {
		eventd_start_fail(req, EPIPE, NULL);
		return;
	}
	state->nread += n;
	if (state->nread < sizeof(state->buf)) {
		return;
	}
	TALLOC_FREE(state->h->fde);
	TALLOC_FREE(state->te);
	memcpy(&value, state->buf, sizeof(value));
	if (value != 0) {
		eventd_start_fail(req, EIO,
				  talloc_asprintf(state,
						  "startup status %u from %s",
						  value, state->h->path));
		return;
	}
	tevent_req_done(req);
}

static void eventd_start_timeout(struct tevent_context *ev,
				 struct tevent_timer *te, struct timeval now,
				 void *private_data)
{
	struct tevent_req *req = talloc_get_type_abort(private_data,
						       struct tevent_req);
	struct eventd_start_state *state = tevent_req_data(
		req, struct eventd_start_state);

	eventd_start_fail(req, ETIMEDOUT,
			  talloc_asprintf(state,
					  "no startup notice from %s within "
					  "%d seconds",
					  state->h->path,
					  NODED_EVENTD_START_TIMEOUT));
}

bool eventd_start_recv(struct tevent_req *req, int *perr, TALLOC_CTX *mem_ctx,
		       struct eventd_handle **out, char **reason)
{
	struct eventd_start_state *state = tevent_req_data(
		req, struct eventd_start_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		if (state->reason != NULL) {
			*reason = talloc_steal(mem_ctx, state->reason);
		} else {
			*reason = talloc_strdup(mem_ctx, strerror(*perr));
		}
		return false;
	}
	*out = talloc_steal(mem_ctx, state->h);
	return true;
}

/* ---------- watch ---------- */

static void eventd_watch_readable(struct tevent_context *ev,
				  struct tevent_fd *fde, uint16_t flags,
				  void *private_data)
{
	struct eventd_handle *h = talloc_get_type_abort(private_data,
							struct eventd_handle);
	uint8_t buf[64];
	ssize_t n;

	n = read(h->fd, buf, sizeof(buf));
	if (n > 0 || (n == -1 && (errno == EAGAIN || errno == EINTR))) {
		/* Nothing more is expected, but extra bytes are harmless. */
		return;
	}
	TALLOC_FREE(h->fde);
	h->gone = true;
	if (h->stop_req != NULL) {
		tevent_req_done(h->stop_req);
		return;
	}
	if (!h->stopping && h->gone_fn != NULL) {
		h->gone_fn(h->gone_data);
	}
}

void eventd_watch(struct eventd_handle *h, void (*gone_fn)(void *),
		  void *private_data)
{
	h->gone_fn = gone_fn;
	h->gone_data = private_data;
	if (h->fde == NULL && !h->gone) {
		h->fde = tevent_add_fd(h->ev, h, h->fd, TEVENT_FD_READ,
				       eventd_watch_readable, h);
		if (h->fde == NULL) {
			D_ERR("Cannot watch the event daemon: out of memory, "
			      "ignoring");
		}
	}
}

void eventd_signal(struct eventd_handle *h, int signum)
{
	if (h->pid != -1 && !h->gone) {
		(void)kill(h->pid, signum);
	}
}

/* ---------- stop ---------- */

struct eventd_stop_state {
	struct eventd_handle *h;
};

static void eventd_stop_timeout(struct tevent_context *ev,
				struct tevent_timer *te, struct timeval now,
				void *private_data);
static int eventd_stop_state_destructor(struct eventd_stop_state *state);

struct tevent_req *eventd_stop_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct eventd_handle *h)
{
	struct tevent_req *req;
	struct eventd_stop_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct eventd_stop_state);
	if (req == NULL) {
		return NULL;
	}
	state->h = h;
	h->stopping = true;
	if (h->gone || h->pid == -1) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	if (h->fde == NULL) {
		h->fde = tevent_add_fd(ev, h, h->fd, TEVENT_FD_READ,
				       eventd_watch_readable, h);
	}
	te = tevent_add_timer(ev, state,
			      tevent_timeval_current_ofs(
				      NODED_EVENTD_STOP_TIMEOUT, 0),
			      eventd_stop_timeout, req);
	if (tevent_req_nomem(h->fde, req) || tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	h->stop_req = req;
	talloc_set_destructor(state, eventd_stop_state_destructor);
	(void)kill(h->pid, SIGTERM);
	return req;
}

static int eventd_stop_state_destructor(struct eventd_stop_state *state)
{
	state->h->stop_req = NULL;
	return 0;
}

static void eventd_stop_timeout(struct tevent_context *ev,
				struct tevent_timer *te, struct timeval now,
				void *private_data)
{
	struct tevent_req *req = talloc_get_type_abort(private_data,
						       struct tevent_req);
	struct eventd_stop_state *state = tevent_req_data(
		req, struct eventd_stop_state);

	D_ERR("Event daemon did not exit within %d seconds, killing it",
	      NODED_EVENTD_STOP_TIMEOUT);
	if (state->h->pid != -1) {
		(void)kill(state->h->pid, SIGKILL);
	}
	tevent_req_done(req);
}

bool eventd_stop_recv(struct tevent_req *req, int *perr)
{
	struct eventd_stop_state *state = tevent_req_data(
		req, struct eventd_stop_state);
	struct eventd_handle *h = state->h;
	bool failed;
	int status = 0;

	failed = tevent_req_is_unix_error(req, perr);
	if (h->pid != -1) {
		/*
		 * Gone already (EOF), or past its grace, or we could not wait
		 * for it: either way the wait below must not block.
		 */
		if (!h->gone) {
			(void)kill(h->pid, SIGKILL);
		}
		eventd_reap(h, &status);
		D_INFO("%s", exit_description(state, h->path, status));
	}
	return !failed;
}
