/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Run one child process: spawn, capture output, time out, kill. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(HAVE_PIDFD_OPEN) && defined(HAVE_SYS_PIDFD_H)
#include <sys/pidfd.h>
#endif

#include "common/run_proc.h"
#include "common/tevent_unix.h"

/*
 * Bytes asked for per read(2): the default pipe capacity, so one wakeup
 * empties a full pipe.
 */
#define RUN_PROC_CHUNK 65536

/*
 * The first output buffer. Most scripts print a line or nothing; making
 * room for a whole chunk per script put a 64 KiB block on the heap for
 * every run, which fragmented it under load (RSS crept up by some hundred
 * KiB per 10,000 requests in tests/integration/load_eventd.sh). The
 * buffer doubles from here, so a chatty script costs a few more reads.
 */
#define RUN_PROC_FIRST_BUF 512

extern char **environ;

static int run_proc_pidfd_open(pid_t pid)
{
#if defined(HAVE_PIDFD_OPEN) && defined(HAVE_SYS_PIDFD_H)
	return pidfd_open(pid, 0);
#elif defined(SYS_pidfd_open)
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* waitpid(2) that retries on EINTR. @return 0 or errno. */
static int run_proc_waitpid(pid_t pid, int *pstatus, int options)
{
	pid_t ret;

	do {
		ret = waitpid(pid, pstatus, options);
	} while (ret == -1 && errno == EINTR);

	if (ret == -1) {
		return errno;
	}
	if (ret == 0) {
		/* WNOHANG and still running. */
		return EAGAIN;
	}
	return 0;
}

/*
 * The child's file actions dup the write end onto 1 and 2 and then close
 * the read end. If either pipe end were itself 0, 1 or 2 (a daemon started
 * with closed stdio), those actions would clobber each other, so move it
 * above stdio first.
 */
static int run_proc_fd_above_stdio(int *pfd)
{
	int fd;

	if (*pfd > STDERR_FILENO) {
		return 0;
	}
	fd = fcntl(*pfd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (fd == -1) {
		return errno;
	}
	close(*pfd);
	*pfd = fd;
	return 0;
}

/*
 * Every signal but SIGKILL and SIGSTOP, built once: filling it per script
 * was some 750 instructions of sigaddset calls for every spawn.
 */
static const sigset_t *run_proc_sigdefault(void)
{
	static sigset_t sigdef;
	static bool ready = false;
	int sig;

	if (ready) {
		return &sigdef;
	}
	/*
	 * glibc refuses its internal real-time signals here (and resets them
	 * itself), so the return value of sigaddset is of no interest.
	 */
	sigemptyset(&sigdef);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP) {
			continue;
		}
		(void)sigaddset(&sigdef, sig);
	}
	ready = true;
	return &sigdef;
}

/*
 * posix_spawn the child in its own process group, with default signal
 * dispositions, an empty signal mask, out_fd as stdout and stderr and,
 * when in_fd is not -1, in_fd as stdin. glibc reports exec failures
 * (ENOENT, EACCES, ENOEXEC) as the return value and reaps the failed
 * child itself.
 *
 * Every pipe end is close-on-exec, so the ends the child must not keep
 * need no close action: each file action costs glibc a
 * getrlimit(RLIMIT_NOFILE) in the daemon (it checks the fd) and a
 * syscall in the child.
 */
static int run_proc_spawn(const char *path, const char **argv, int out_fd,
			  int in_fd, pid_t *ppid)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t sigmask;
	short flags;
	pid_t pid;
	int ret;

	ret = posix_spawn_file_actions_init(&actions);
	if (ret != 0) {
		return ret;
	}
	ret = posix_spawnattr_init(&attr);
	if (ret != 0) {
		posix_spawn_file_actions_destroy(&actions);
		return ret;
	}

	if (in_fd != -1) {
		ret = posix_spawn_file_actions_adddup2(&actions, in_fd,
						       STDIN_FILENO);
		if (ret != 0) {
			goto done;
		}
	}
	ret = posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
	if (ret != 0) {
		goto done;
	}
	ret = posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);
	if (ret != 0) {
		goto done;
	}
	flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
		POSIX_SPAWN_SETSIGMASK;
	ret = posix_spawnattr_setflags(&attr, flags);
	if (ret != 0) {
		goto done;
	}
	ret = posix_spawnattr_setpgroup(&attr, 0);
	if (ret != 0) {
		goto done;
	}

	/*
	 * Signals the daemon ignores would stay ignored across exec; a script
	 * must see them at their defaults.
	 */
	ret = posix_spawnattr_setsigdefault(&attr, run_proc_sigdefault());
	if (ret != 0) {
		goto done;
	}
	sigemptyset(&sigmask);
	ret = posix_spawnattr_setsigmask(&attr, &sigmask);
	if (ret != 0) {
		goto done;
	}

	ret = posix_spawn(&pid, path, &actions, &attr, (char *const *)argv,
			  environ);
	if (ret == 0) {
		*ppid = pid;
	}

done:
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	return ret;
}

/*
 * Watches one process for its exit and calls fn once, with the process
 * still unreaped (a zombie) if it is our child. The exit is seen through a
 * pidfd. Where pidfd_open is refused (kernel < 5.3, a seccomp filter,
 * valgrind < 3.20), SIGCHLD in the tevent loop and waitid(WNOWAIT) on this
 * pid stand in; they can see only our own children, so for any other
 * process fn is called at once.
 */
typedef void (*run_proc_watch_fn)(void *private_data);

struct run_proc_watch {
	struct tevent_context *ev;
	pid_t pid;
	run_proc_watch_fn fn;
	void *private_data;
	struct tevent_fd *pidfd_fde;
	struct tevent_signal *sigchld;
	struct tevent_timer *check;
};

static void run_proc_watch_pidfd(struct tevent_context *ev,
				 struct tevent_fd *fde, uint16_t flags,
				 void *private_data)
{
	struct run_proc_watch *w = private_data;

	TALLOC_FREE(w->pidfd_fde);
	w->fn(w->private_data);
}

/* Has the child exited? Leaves it unreaped. */
static bool run_proc_watch_exited(struct run_proc_watch *w)
{
	siginfo_t info;
	int ret;

	do {
		memset(&info, 0, sizeof(info));
		ret = waitid(P_PID, (id_t)w->pid, &info,
			     WEXITED | WNOHANG | WNOWAIT);
	} while (ret == -1 && errno == EINTR);

	if (ret == -1) {
		/* ECHILD: not ours, or reaped already; nothing to wait for. */
		return true;
	}
	return info.si_pid != 0;
}

static void run_proc_watch_check(struct tevent_context *ev,
				 struct tevent_timer *te, struct timeval now,
				 void *private_data)
{
	struct run_proc_watch *w = private_data;
	bool exited;

	/* tevent frees the timer after this handler returns. */
	w->check = NULL;
	exited = run_proc_watch_exited(w);
	if (!exited) {
		return;
	}
	TALLOC_FREE(w->sigchld);
	w->fn(w->private_data);
}

/* Look from the loop: "now" rather than zero, so a past deadline is first. */
static bool run_proc_watch_arm(struct run_proc_watch *w)
{
	if (w->check != NULL) {
		return true;
	}
	w->check = tevent_add_timer(w->ev, w, tevent_timeval_current(),
				    run_proc_watch_check, w);
	return w->check != NULL;
}

/*
 * Only arm the check: fn may free other requests, and with them other
 * SIGCHLD handlers, which must not happen while tevent walks its list of
 * them.
 */
static void run_proc_watch_sigchld(struct tevent_context *ev,
				   struct tevent_signal *se, int signum,
				   int count, void *siginfo, void *private_data)
{
	struct run_proc_watch *w = private_data;

	(void)run_proc_watch_arm(w);
}

/*
 * @return the watch, or NULL with *perr (ESRCH if pid does not exist).
 * Freeing the watch stops it.
 */
static struct run_proc_watch *run_proc_watch_start(TALLOC_CTX *mem_ctx,
						   struct tevent_context *ev,
						   pid_t pid,
						   run_proc_watch_fn fn,
						   void *private_data,
						   int *perr)
{
	struct run_proc_watch *w;
	int pidfd;
	int err;
	bool ok;

	w = talloc_zero(mem_ctx, struct run_proc_watch);
	if (w == NULL) {
		*perr = ENOMEM;
		return NULL;
	}
	w->ev = ev;
	w->pid = pid;
	w->fn = fn;
	w->private_data = private_data;

	pidfd = run_proc_pidfd_open(pid);
	if (pidfd != -1) {
		w->pidfd_fde = tevent_add_fd(ev, w, pidfd, TEVENT_FD_READ,
					     run_proc_watch_pidfd, w);
		if (w->pidfd_fde == NULL) {
			close(pidfd);
			talloc_free(w);
			*perr = ENOMEM;
			return NULL;
		}
		tevent_fd_set_auto_close(w->pidfd_fde);
		return w;
	}
	err = errno;
	if (err != ENOSYS && err != EPERM) {
		talloc_free(w);
		*perr = err;
		return NULL;
	}

	w->sigchld = tevent_add_signal(ev, w, SIGCHLD, SA_RESTART,
				       run_proc_watch_sigchld, w);
	if (w->sigchld == NULL) {
		talloc_free(w);
		*perr = ENOMEM;
		return NULL;
	}
	/* A SIGCHLD from before the handler existed is lost: look once. */
	ok = run_proc_watch_arm(w);
	if (!ok) {
		talloc_free(w);
		*perr = ENOMEM;
		return NULL;
	}
	return w;
}

struct run_proc_state {
	pid_t pid;
	/* True while this request must kill and reap the child if freed. */
	bool owns_child;
	struct tevent_fd *pipe_fde; /* NULL after EOF; closes pipe_fd */
	int pipe_fd;
	struct run_proc_watch *watch;
	struct tevent_timer *timer;
	size_t max_output;
	char *output;
	size_t output_len;
	size_t output_size;
	char *discard;
	bool truncated;
	size_t discarded;
	enum run_proc_how how;
	int status;
	/* stdin data: written from the loop, the pipe closed when done */
	struct tevent_fd *input_fde; /* NULL when done; closes input_fd */
	int input_fd;
	uint8_t *input;
	size_t input_len;
	size_t input_off;
};

static void run_proc_pipe_readable(struct tevent_context *ev,
				   struct tevent_fd *fde, uint16_t flags,
				   void *private_data);
static void run_proc_input_writable(struct tevent_context *ev,
				    struct tevent_fd *fde, uint16_t flags,
				    void *private_data);
static void run_proc_exited(void *private_data);
static void run_proc_timedout(struct tevent_context *ev,
			      struct tevent_timer *te, struct timeval now,
			      void *private_data);

/* SIGKILL the whole group and reap the leader; it dies at once. */
static void run_proc_abort(struct run_proc_state *state)
{
	int status;

	if (!state->owns_child) {
		return;
	}
	state->owns_child = false;
	(void)kill(-state->pid, SIGKILL);
	(void)run_proc_waitpid(state->pid, &status, 0);
}

static int run_proc_state_destructor(struct run_proc_state *state)
{
	run_proc_abort(state);
	return 0;
}

struct tevent_req *run_proc_send(TALLOC_CTX *mem_ctx,
				 struct tevent_context *ev, const char *path,
				 const char **argv,
				 const struct timeval *deadline,
				 size_t max_output)
{
	return run_proc_input_send(mem_ctx, ev, path, argv, deadline,
				   max_output, NULL, 0);
}

/*
 * A write to a pipe whose reader is gone raises SIGPIPE, and by default
 * that kills the writer: the daemon, for a script that exits without
 * reading its stdin. Ignored, the write fails with EPIPE instead. Only
 * the default action is replaced; a handler the program set stays.
 */
static void run_proc_ignore_sigpipe(void)
{
	struct sigaction old;
	int ret;

	ret = sigaction(SIGPIPE, NULL, &old);
	if (ret == 0 && (old.sa_flags & SA_SIGINFO) == 0 &&
	    old.sa_handler == SIG_DFL) {
		(void)signal(SIGPIPE, SIG_IGN);
	}
}

/* The stdin pipe: the read end for the child, the write end non-blocking. */
static int run_proc_input_pipe(int fds[2])
{
	int ret;

	ret = pipe2(fds, O_CLOEXEC);
	if (ret == -1) {
		return errno;
	}
	ret = run_proc_fd_above_stdio(&fds[0]);
	if (ret == 0) {
		ret = run_proc_fd_above_stdio(&fds[1]);
	}
	if (ret == 0 && fcntl(fds[1], F_SETFL, O_NONBLOCK) == -1) {
		ret = errno;
	}
	if (ret != 0) {
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	return 0;
}

/* Start writing the input (closes in_fd, the write end, on failure). */
static int run_proc_input_start(struct run_proc_state *state,
				struct tevent_context *ev, int in_fd,
				struct tevent_req *req)
{
	state->input_fde = tevent_add_fd(ev, state, in_fd, TEVENT_FD_WRITE,
					 run_proc_input_writable, req);
	if (state->input_fde == NULL) {
		close(in_fd);
		return ENOMEM;
	}
	tevent_fd_set_auto_close(state->input_fde);
	state->input_fd = in_fd;
	if (state->input_len == 0) {
		/* Nothing to write: the child reads EOF at once. */
		TALLOC_FREE(state->input_fde);
	}
	return 0;
}

struct tevent_req *run_proc_input_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       const char *path, const char **argv,
				       const struct timeval *deadline,
				       size_t max_output, const void *input,
				       size_t input_len)
{
	struct tevent_req *req;
	struct run_proc_state *state;
	int fds[2] = {-1, -1};
	int in_fds[2] = {-1, -1};
	int ret;

	req = tevent_req_create(mem_ctx, &state, struct run_proc_state);
	if (req == NULL) {
		return NULL;
	}
	state->pid = -1;
	state->max_output = max_output;
	state->input_fd = -1;

	if (input != NULL) {
		state->input_len = input_len;
		if (input_len > 0) {
			state->input = talloc_memdup(state, input, input_len);
			if (tevent_req_nomem(state->input, req)) {
				return tevent_req_post(req, ev);
			}
		}
		run_proc_ignore_sigpipe();
		ret = run_proc_input_pipe(in_fds);
		if (ret != 0) {
			tevent_req_error_unix(req, ret);
			return tevent_req_post(req, ev);
		}
	}

	/*
	 * Close-on-exec, so that only the copies dup'ed onto 1 and 2 reach
	 * the child (and no other child spawned meanwhile gets a copy that
	 * would hold the pipe open).
	 */
	ret = pipe2(fds, O_CLOEXEC);
	if (ret == -1) {
		ret = errno;
		fds[1] = -1;
		goto spawn_failed;
	}
	ret = run_proc_fd_above_stdio(&fds[0]);
	if (ret == 0) {
		ret = run_proc_fd_above_stdio(&fds[1]);
	}
	if (ret == 0) {
		ret = run_proc_spawn(path, argv, fds[1], in_fds[0],
				     &state->pid);
	}
	close(fds[1]);
	if (ret != 0) {
		close(fds[0]);
		goto spawn_failed;
	}
	if (in_fds[0] != -1) {
		/* Only the child reads; our copy would hide its EOF/EPIPE. */
		close(in_fds[0]);
	}
	state->owns_child = true;
	talloc_set_destructor(state, run_proc_state_destructor);

	ret = fcntl(fds[0], F_SETFL, O_NONBLOCK);
	if (ret == -1) {
		ret = errno;
		close(fds[0]);
		goto fail;
	}
	state->pipe_fde = tevent_add_fd(ev, state, fds[0], TEVENT_FD_READ,
					run_proc_pipe_readable, req);
	if (state->pipe_fde == NULL) {
		close(fds[0]);
		ret = ENOMEM;
		goto fail;
	}
	tevent_fd_set_auto_close(state->pipe_fde);
	state->pipe_fd = fds[0];

	if (in_fds[1] != -1) {
		ret = run_proc_input_start(state, ev, in_fds[1], req);
		in_fds[1] = -1;
		if (ret != 0) {
			goto fail;
		}
	}

	/*
	 * The child is not reaped before the watch is set up, so its pid
	 * cannot have been reused.
	 */
	state->watch = run_proc_watch_start(state, ev, state->pid,
					    run_proc_exited, req, &ret);
	if (state->watch == NULL) {
		goto fail;
	}

	/*
	 * A deadline in the past fires on the next loop iteration, before any
	 * fd event, so the child times out at once.
	 */
	if (deadline != NULL) {
		state->timer = tevent_add_timer(ev, state, *deadline,
						run_proc_timedout, req);
		if (state->timer == NULL) {
			ret = ENOMEM;
			goto fail;
		}
	}

	return req;

spawn_failed:
	if (in_fds[0] != -1) {
		close(in_fds[0]);
		close(in_fds[1]);
	}
	tevent_req_error_unix(req, ret);
	return tevent_req_post(req, ev);

fail:
	if (in_fds[1] != -1) {
		close(in_fds[1]);
	}
	run_proc_abort(state);
	TALLOC_FREE(state->pipe_fde);
	TALLOC_FREE(state->input_fde);
	TALLOC_FREE(state->watch);
	tevent_req_error_unix(req, ret);
	return tevent_req_post(req, ev);
}

/*
 * Write as much input as the pipe takes. Once all is written, or the
 * child has closed its end (EPIPE: it does not want the rest), close ours
 * so the child sees EOF. A child that never reads just leaves the pipe
 * full: nothing waits for it, and the pipe goes when the child exits.
 */
static void run_proc_input_writable(struct tevent_context *ev,
				    struct tevent_fd *fde, uint16_t flags,
				    void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_state *state =
		tevent_req_data(req, struct run_proc_state);
	size_t want = state->input_len - state->input_off;
	ssize_t n;

	if (want > RUN_PROC_CHUNK) {
		want = RUN_PROC_CHUNK;
	}
	n = write(state->input_fd, state->input + state->input_off, want);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n > 0) {
		state->input_off += (size_t)n;
		if (state->input_off < state->input_len) {
			return;
		}
	}
	TALLOC_FREE(state->input_fde);
}

/* Make room for need more bytes plus the terminating NUL. @return 0 or errno */
static int run_proc_grow(struct run_proc_state *state, size_t need)
{
	size_t size;
	char *p;

	if (state->output_len + need + 1 <= state->output_size) {
		return 0;
	}
	size = state->output_size * 2;
	if (size < state->output_len + need + 1) {
		size = state->output_len + need + 1;
	}
	p = talloc_realloc(state, state->output, char, size);
	if (p == NULL) {
		return ENOMEM;
	}
	state->output = p;
	state->output_size = size;
	return 0;
}

/*
 * One read(2) of at most limit bytes. Bytes beyond max_output are read
 * into a scratch buffer and dropped, so that a chatty child never blocks
 * on a full pipe.
 * @return the byte count, 0 at EOF, -1 with errno (EAGAIN: pipe empty).
 */
static ssize_t run_proc_read(struct run_proc_state *state, int fd,
			     size_t limit)
{
	size_t want = limit;
	size_t room;
	ssize_t n;
	char *p;
	ssize_t i;
	int ret;

	if (want > RUN_PROC_CHUNK) {
		want = RUN_PROC_CHUNK;
	}
	room = want;
	if (state->max_output != 0 &&
	    room > state->max_output - state->output_len) {
		room = state->max_output - state->output_len;
	}

	if (room == 0) {
		if (state->discard == NULL) {
			state->discard = talloc_size(state, RUN_PROC_CHUNK);
			if (state->discard == NULL) {
				errno = ENOMEM;
				return -1;
			}
		}
		n = read(fd, state->discard, want);
		if (n > 0) {
			state->truncated = true;
			state->discarded += (size_t)n;
		}
		return n;
	}

	if (state->output_len + 1 >= state->output_size) {
		size_t step = state->output_size > RUN_PROC_FIRST_BUF ?
				      state->output_size :
				      RUN_PROC_FIRST_BUF;

		ret = run_proc_grow(state, room < step ? room : step);
		if (ret != 0) {
			errno = ret;
			return -1;
		}
	}
	/* Read no more than fits: the buffer grows on the next call. */
	if (room > state->output_size - state->output_len - 1) {
		room = state->output_size - state->output_len - 1;
	}
	p = state->output + state->output_len;
	n = read(fd, p, room);
	if (n <= 0) {
		return n;
	}
	/* Keep the output one C string. */
	for (i = 0; i < n; i++) {
		if (p[i] == '\0') {
			p[i] = '?';
		}
	}
	state->output_len += n;
	return n;
}

static void run_proc_pipe_readable(struct tevent_context *ev,
				   struct tevent_fd *fde, uint16_t flags,
				   void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_state *state =
		tevent_req_data(req, struct run_proc_state);
	ssize_t n;

	n = run_proc_read(state, state->pipe_fd, RUN_PROC_CHUNK);
	if (n > 0) {
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n == -1 && errno == ENOMEM) {
		run_proc_abort(state);
		TALLOC_FREE(state->pipe_fde);
		TALLOC_FREE(state->input_fde);
		TALLOC_FREE(state->watch);
		TALLOC_FREE(state->timer);
		tevent_req_error_unix(req, ENOMEM);
		return;
	}
	/*
	 * EOF (or an unexpected read error): no more output will come. The
	 * exit is still seen through the pidfd.
	 */
	TALLOC_FREE(state->pipe_fde);
}

/*
 * Read what is in the pipe right now, but no more: FIONREAD bounds the
 * work, so a grandchild that keeps writing cannot keep us here.
 * @return 0 or ENOMEM.
 */
static int run_proc_drain(struct run_proc_state *state)
{
	int fd;
	int avail = 0;
	ssize_t n;
	int ret;

	if (state->pipe_fde == NULL) {
		return 0;
	}
	fd = state->pipe_fd;

	ret = ioctl(fd, FIONREAD, &avail);
	if (ret == -1) {
		avail = RUN_PROC_CHUNK;
	}
	while (avail > 0) {
		n = run_proc_read(state, fd, (size_t)avail);
		if (n > 0) {
			avail -= (int)n;
			continue;
		}
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n == -1 && errno == ENOMEM) {
			return ENOMEM;
		}
		break;
	}
	return 0;
}

static void run_proc_exited(void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_state *state =
		tevent_req_data(req, struct run_proc_state);
	int status = 0;
	int ret;

	/* The child is a zombie: this does not block. */
	ret = run_proc_waitpid(state->pid, &status, 0);
	state->owns_child = false;
	TALLOC_FREE(state->watch);
	TALLOC_FREE(state->timer);
	/* Input a grandchild might still read is of no use to anyone. */
	TALLOC_FREE(state->input_fde);
	if (ret != 0) {
		/* Someone else reaped it (ECHILD); the status is lost. */
		TALLOC_FREE(state->pipe_fde);
		tevent_req_error_unix(req, ret);
		return;
	}

	/*
	 * Take what the child wrote before exiting. Do not wait for EOF: a
	 * grandchild may hold the pipe open for as long as it likes.
	 */
	ret = run_proc_drain(state);
	TALLOC_FREE(state->pipe_fde);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return;
	}

	if (WIFSIGNALED(status)) {
		state->how = RUN_PROC_SIGNALED;
		state->status = WTERMSIG(status);
	} else {
		state->how = RUN_PROC_EXITED;
		state->status = WEXITSTATUS(status);
	}
	tevent_req_done(req);
}

static void run_proc_timedout(struct tevent_context *ev,
			      struct tevent_timer *te, struct timeval now,
			      void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_state *state =
		tevent_req_data(req, struct run_proc_state);
	int ret;

	/* tevent frees the timer after this handler returns. */
	state->timer = NULL;

	ret = run_proc_drain(state);
	if (ret != 0) {
		run_proc_abort(state);
		TALLOC_FREE(state->pipe_fde);
		TALLOC_FREE(state->input_fde);
		TALLOC_FREE(state->watch);
		tevent_req_error_unix(req, ret);
		return;
	}

	/*
	 * The child keeps running: the caller decides how to end it, so it
	 * is neither killed nor reaped here. Closing our read end means the
	 * child gets EPIPE (or SIGPIPE) if it writes again.
	 */
	state->owns_child = false;
	TALLOC_FREE(state->pipe_fde);
	TALLOC_FREE(state->input_fde);
	TALLOC_FREE(state->watch);
	state->how = RUN_PROC_TIMEDOUT;
	state->status = 0;
	tevent_req_done(req);
}

bool run_proc_recv(struct tevent_req *req, int *perr, TALLOC_CTX *mem_ctx,
		   struct run_proc_result *result)
{
	struct run_proc_state *state =
		tevent_req_data(req, struct run_proc_state);
	char *output = NULL;
	int err;
	bool failed;

	failed = tevent_req_is_unix_error(req, &err);
	if (failed) {
		if (perr != NULL) {
			*perr = err;
		}
		tevent_req_received(req);
		return false;
	}

	if (state->output_len > 0) {
		state->output[state->output_len] = '\0';
		/* Give back the slack of the geometric growth. */
		output = talloc_realloc(state, state->output, char,
					state->output_len + 1);
		if (output == NULL) {
			output = state->output;
		}
		state->output = NULL;
		output = talloc_steal(mem_ctx, output);
	}

	result->how = state->how;
	result->status = state->status;
	result->pid = state->pid;
	result->output = output;
	result->output_len = state->output_len;
	result->truncated = state->truncated;
	result->discarded = state->discarded;

	tevent_req_received(req);
	return true;
}

struct run_proc_kill_state {
	pid_t pid;
	bool killed;
	struct run_proc_watch *watch;
	struct tevent_timer *timer;
};

static void run_proc_kill_grace_over(struct tevent_context *ev,
				     struct tevent_timer *te,
				     struct timeval now, void *private_data);
static void run_proc_kill_exited(void *private_data);

struct tevent_req *run_proc_kill_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev, pid_t pid,
				      struct timeval grace)
{
	struct tevent_req *req;
	struct run_proc_kill_state *state;
	struct timeval until;
	int ret = 0;

	req = tevent_req_create(mem_ctx, &state, struct run_proc_kill_state);
	if (req == NULL) {
		return NULL;
	}
	state->pid = pid;

	if (pid <= 1) {
		/* kill(-pid) of these would hit far more than one group. */
		tevent_req_error_unix(req, EINVAL);
		return tevent_req_post(req, ev);
	}

	/*
	 * Watch before signalling, so that the exit cannot be missed; a pidfd
	 * also works on a zombie (it is readable at once).
	 */
	state->watch = run_proc_watch_start(state, ev, pid,
					    run_proc_kill_exited, req, &ret);
	if (state->watch == NULL && ret == ESRCH) {
		/*
		 * Already gone and reaped. Members may remain, and the group
		 * id cannot have been taken by anyone else while they do.
		 */
		(void)kill(-pid, SIGKILL);
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	if (state->watch == NULL) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}

	(void)kill(-pid, SIGTERM);

	if (grace.tv_sec < 0 || grace.tv_usec < 0) {
		grace = tevent_timeval_zero();
	}
	until = tevent_timeval_current_ofs((uint32_t)grace.tv_sec,
					   (uint32_t)grace.tv_usec);
	state->timer = tevent_add_timer(ev, state, until,
					run_proc_kill_grace_over, req);
	if (state->timer == NULL) {
		/* Do not leave a group behind that got only SIGTERM. */
		TALLOC_FREE(state->watch);
		(void)kill(-pid, SIGKILL);
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void run_proc_kill_grace_over(struct tevent_context *ev,
				     struct tevent_timer *te,
				     struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_kill_state *state =
		tevent_req_data(req, struct run_proc_kill_state);

	/* tevent frees the timer after this handler returns. */
	state->timer = NULL;
	state->killed = true;
	(void)kill(-state->pid, SIGKILL);
}

/*
 * The leader has exited. SIGKILL the group while the leader is still an
 * unreaped zombie, so that the group id cannot belong to anyone else yet;
 * this ends members that ignored SIGTERM. Then reap. ECHILD from waitpid
 * only means the pid was not our child or is already reaped.
 */
static void run_proc_kill_exited(void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct run_proc_kill_state *state =
		tevent_req_data(req, struct run_proc_kill_state);
	int status;

	TALLOC_FREE(state->watch);
	TALLOC_FREE(state->timer);
	(void)kill(-state->pid, SIGKILL);
	(void)run_proc_waitpid(state->pid, &status, 0);
	tevent_req_done(req);
}

bool run_proc_kill_recv(struct tevent_req *req, int *perr, bool *killed)
{
	struct run_proc_kill_state *state =
		tevent_req_data(req, struct run_proc_kill_state);
	int err;
	bool failed;

	failed = tevent_req_is_unix_error(req, &err);
	if (failed) {
		if (perr != NULL) {
			*perr = err;
		}
		tevent_req_received(req);
		return false;
	}
	if (killed != NULL) {
		*killed = state->killed;
	}
	tevent_req_received(req);
	return true;
}
