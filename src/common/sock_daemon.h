/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Unix-socket daemon: pidfile, listener, peer check, signals, startup fd, parent watch. */
#ifndef CTDB_COMMON_SOCK_DAEMON_H
#define CTDB_COMMON_SOCK_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <talloc.h>
#include <tevent.h>

#include "common/sock_io.h"

struct sock_daemon;

struct sock_daemon_funcs {
	/*
	 * A client connected on fd and passed the peer check. Return true
	 * once something owns fd and serves it (the daemons hand it to
	 * srv_conn_accept()); return false to have fd closed.
	 */
	bool (*client_connect)(struct sock_daemon *sd, int fd,
			       void *private_data);
	/* SIGHUP (optional) */
	void (*reopen_logs)(void *private_data);
	/*
	 * The loop has ended (optional): kill children here. The loop may
	 * still be run from this callback until they are gone.
	 */
	void (*shutdown)(void *private_data);
};

/*
 * Exit statuses, as Samba's ctdb-eventd uses them.
 */
#define SOCK_DAEMON_EXIT_PID_GONE 3   /* ESRCH: the -P process went away */
#define SOCK_DAEMON_EXIT_SOCKET 5     /* EIO: socket could not be set up */
#define SOCK_DAEMON_EXIT_PIDFILE 17   /* EEXIST: pidfile busy or unwritable */

/**
 * Set up the daemon; nothing is created before sock_daemon_run(). There,
 * the run directory holding the socket is created with mode 0700 when
 * missing; the socket itself gets mode 0600, and a peer whose uid is
 * neither 0 nor ours is refused (logged, connection closed).
 * @return the daemon, or NULL on allocation failure.
 */
struct sock_daemon *sock_daemon_new(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const char *progname,
				    const struct sock_daemon_funcs *funcs,
				    void *private_data);

/**
 * Create the pidfile, listen on sockpath, write the startup notice to
 * startup_fd (4 bytes of native 0; -1 for none) and serve until SIGTERM,
 * SIGINT, sock_daemon_exit() or the death of watch_pid (<= 1: not
 * watched). SIGHUP calls reopen_logs; SIGUSR1 is logged and ignored.
 * @return the process exit status: 0 after a signal, the status given to
 * sock_daemon_exit(), 3 when watch_pid is gone, 5 when the socket could
 * not be set up, 17 for the pidfile, 1 when the event loop failed.
 */
int sock_daemon_run(struct sock_daemon *sd, const char *sockpath,
		    const char *pidfile, int startup_fd, pid_t watch_pid);

/** Stop serving at the next loop turn with the given exit status. */
void sock_daemon_exit(struct sock_daemon *sd, int status);

#endif
