/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Run one child process asynchronously: spawn, capture output, time out, kill. */
#ifndef CTDB_COMMON_RUN_PROC_H
#define CTDB_COMMON_RUN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <sys/types.h>
#include <talloc.h>
#include <tevent.h>

/*
 * The child is started with posix_spawn (never a fork of the daemon):
 *  - it leads a new process group (pgid == pid), so a whole script tree
 *    can be signalled at once;
 *  - stdout and stderr share one pipe, so output interleaves in write
 *    order; stdin is inherited; every signal is reset to its default and
 *    the signal mask is cleared; the daemon's other fds are close-on-exec.
 * The child's exit is seen through a pidfd in the tevent loop, so there is
 * no global SIGCHLD handler. (Only where pidfd_open is refused -- kernel
 * before 5.3, a seccomp filter, valgrind before 3.20 -- a tevent SIGCHLD
 * handler and waitid() on the child's own pid stand in.) When the child
 * exits, whatever is buffered in the pipe is read once more and the
 * request completes: a grandchild that keeps the pipe open neither delays
 * completion nor is waited for.
 */

enum run_proc_how {
	RUN_PROC_EXITED,   /* status = exit code */
	RUN_PROC_SIGNALED, /* status = signal number */
	RUN_PROC_TIMEDOUT, /* deadline passed; child still running, see pid */
};

struct run_proc_result {
	enum run_proc_how how;
	int status;
	pid_t pid;      /* also the process group id */
	char *output;   /* NUL-terminated; NULL if the child wrote nothing */
	size_t output_len;
	bool truncated; /* more than max_output bytes were written */
	size_t discarded; /* bytes read past max_output and dropped */
};

/**
 * Start path with argv (argv[0] included; NULL-terminated).
 *
 * @param deadline absolute time (CLOCK_REALTIME, as tevent timers) after
 *        which the request completes with RUN_PROC_TIMEDOUT; NULL for none.
 *        On timeout the child is left running (unreaped) and its pid
 *        returned: the caller decides how to end it (run_proc_kill_send).
 *        The output pipe is closed then, so later writes of the child get
 *        EPIPE (SIGPIPE).
 * @param max_output keep at most this many bytes of output (0 = no limit);
 *        the rest is read and discarded, and the result says truncated
 *        and how many bytes were dropped (only those read before the
 *        child exited or timed out).
 *        NUL bytes in the output are replaced by '?', so output stays one
 *        C string.
 *
 * Spawn failures (ENOENT, EACCES, ENOEXEC, ...) fail the request with
 * that errno. Freeing the request before it completes kills the child's
 * process group with SIGKILL and reaps it.
 */
struct tevent_req *run_proc_send(TALLOC_CTX *mem_ctx,
				 struct tevent_context *ev, const char *path,
				 const char **argv,
				 const struct timeval *deadline,
				 size_t max_output);

/**
 * As run_proc_send, with data for the child's stdin (run_proc_recv reads
 * the result). With input NULL, stdin is inherited as by run_proc_send;
 * otherwise stdin is a pipe that gets input_len bytes of input (copied;
 * 0 bytes: EOF at once) and is then closed. The data is written from the
 * tevent loop through a non-blocking pipe, so a child that reads slowly
 * or never does blocks nothing: what does not fit waits in memory, and
 * the pipe is closed when everything is written, when the child closes
 * its end (EPIPE), when the child exits or times out, whichever comes
 * first. A child that exits without reading is no error. Because a write
 * to a pipe without reader raises SIGPIPE, this sets SIGPIPE to SIG_IGN
 * when its action is still the default (a daemon usually ignores it
 * already); the child gets the default action back.
 */
struct tevent_req *run_proc_input_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       const char *path, const char **argv,
				       const struct timeval *deadline,
				       size_t max_output, const void *input,
				       size_t input_len);

bool run_proc_recv(struct tevent_req *req, int *perr, TALLOC_CTX *mem_ctx,
		   struct run_proc_result *result);

/**
 * End a process group that is still running: SIGTERM to the group, wait
 * up to grace for the leader (pid) to exit, then SIGKILL to the group.
 * The leader is reaped. Completes when the leader is gone.
 * @return via _recv: true, *killed true if SIGKILL was needed.
 */
struct tevent_req *run_proc_kill_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev, pid_t pid,
				      struct timeval grace);
bool run_proc_kill_recv(struct tevent_req *req, int *perr, bool *killed);

#endif
