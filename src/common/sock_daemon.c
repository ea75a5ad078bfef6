/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Daemon life cycle shared by ctdb-eventd and ctdb-noded. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/sock_daemon.h"

struct sock_daemon {
	struct tevent_context *ev;
	const char *progname;
	const struct sock_daemon_funcs *funcs;
	void *private_data;

	const char *sockpath;
	const char *pidfile;
	int listen_fd;
	int pid_fd;
	pid_t watch_pid;

	bool done;
	int exit_status;
};

static int sock_daemon_destructor(struct sock_daemon *sd)
{
	if (sd->listen_fd != -1) {
		close(sd->listen_fd);
		(void)unlink(sd->sockpath);
	}
	if (sd->pid_fd != -1) {
		(void)unlink(sd->pidfile);
		close(sd->pid_fd);
	}
	return 0;
}

struct sock_daemon *sock_daemon_new(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const char *progname,
				    const struct sock_daemon_funcs *funcs,
				    void *private_data)
{
	struct sock_daemon *sd;

	sd = talloc_zero(mem_ctx, struct sock_daemon);
	if (sd == NULL) {
		return NULL;
	}
	sd->ev = ev;
	sd->progname = progname;
	sd->funcs = funcs;
	sd->private_data = private_data;
	sd->listen_fd = -1;
	sd->pid_fd = -1;
	talloc_set_destructor(sd, sock_daemon_destructor);
	return sd;
}

void sock_daemon_exit(struct sock_daemon *sd, int status)
{
	sd->exit_status = status;
	sd->done = true;
}

/* Create and lock the pidfile; a live holder of the lock means EEXIST. */
static int pidfile_create(struct sock_daemon *sd, const char *path)
{
	struct flock lock = {
		.l_type = F_WRLCK,
		.l_whence = SEEK_SET,
	};
	char buf[32];
	int fd;
	int len;
	int ret;

	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd == -1) {
		return errno;
	}
	ret = fcntl(fd, F_SETLK, &lock);
	if (ret != 0) {
		close(fd);
		return EEXIST;
	}
	ret = ftruncate(fd, 0);
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ret != 0 || write(fd, buf, len) != len) {
		ret = errno;
		close(fd);
		(void)unlink(path);
		return ret;
	}
	sd->pid_fd = fd;
	sd->pidfile = path;
	return 0;
}

/* The socket directory is created private; an existing one is left alone. */
static int rundir_ensure(const char *sockpath)
{
	char *dir = strdup(sockpath);
	char *slash;
	int ret = 0;

	if (dir == NULL) {
		return ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			ret = errno;
		}
	}
	free(dir);
	return ret;
}

static int listen_socket(struct sock_daemon *sd, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;
	int ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		D_ERR("socket path too long: %s", path);
		return ENAMETOOLONG;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		return errno;
	}
	(void)unlink(path);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	if (ret == 0) {
		ret = chmod(path, 0600);
	}
	if (ret == 0) {
		ret = listen(fd, 10);
	}
	if (ret != 0) {
		ret = errno;
		D_ERR("failed to listen on %s: %s", path, strerror(ret));
		close(fd);
		return ret;
	}
	sd->listen_fd = fd;
	sd->sockpath = path;
	return 0;
}

static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int ret;

	ret = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
	if (ret != 0) {
		return false;
	}
	if (cred.uid == 0 || cred.uid == geteuid()) {
		return true;
	}
	D_ERR("refusing client pid=%d uid=%d: not root or uid %d",
	      (int)cred.pid, (int)cred.uid, (int)geteuid());
	return false;
}

static void sock_daemon_accept(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data)
{
	struct sock_daemon *sd = talloc_get_type_abort(private_data,
						       struct sock_daemon);
	bool ok;
	int fd;

	fd = accept4(sd->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		return;
	}
	ok = peer_allowed(fd);
	if (!ok) {
		close(fd);
		return;
	}
	ok = sd->funcs->client_connect(sd, fd, sd->private_data);
	if (!ok) {
		close(fd);
	}
}

static void sock_daemon_signal(struct tevent_context *ev,
			       struct tevent_signal *se, int signum, int count,
			       void *siginfo, void *private_data)
{
	struct sock_daemon *sd = talloc_get_type_abort(private_data,
						       struct sock_daemon);

	if (signum == SIGHUP) {
		D_NOTICE("Received SIGHUP, reopening logs");
		if (sd->funcs->reopen_logs != NULL) {
			sd->funcs->reopen_logs(sd->private_data);
		}
		return;
	}
	if (signum == SIGUSR1) {
		D_NOTICE("Received SIGUSR1, nothing to reload");
		return;
	}
	D_NOTICE("Received signal %d", signum);
	sock_daemon_exit(sd, 0);
}

static int watch_pid_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static void watch_pid_gone(struct sock_daemon *sd)
{
	D_ERR("PID %d gone away, exiting", (int)sd->watch_pid);
	sock_daemon_exit(sd, SOCK_DAEMON_EXIT_PID_GONE);
}

static void watch_pid_fd_handler(struct tevent_context *ev,
				 struct tevent_fd *fde, uint16_t flags,
				 void *private_data)
{
	struct sock_daemon *sd = talloc_get_type_abort(private_data,
						       struct sock_daemon);

	TALLOC_FREE(fde);
	watch_pid_gone(sd);
}

/* Without pidfds, poll as Samba does: after 1 s, then every 5 s. */
static void watch_pid_timer(struct tevent_context *ev, struct tevent_timer *te,
			    struct timeval now, void *private_data)
{
	struct sock_daemon *sd = talloc_get_type_abort(private_data,
						       struct sock_daemon);
	int ret;

	ret = kill(sd->watch_pid, 0);
	if (ret == -1 && errno == ESRCH) {
		watch_pid_gone(sd);
		return;
	}
	(void)tevent_add_timer(ev, sd, tevent_timeval_current_ofs(5, 0),
			       watch_pid_timer, sd);
}

static int watch_pid_setup(struct sock_daemon *sd, pid_t pid)
{
	struct tevent_fd *fde;
	struct tevent_timer *te;
	int fd;

	sd->watch_pid = pid;
	fd = watch_pid_open(pid);
	if (fd == -1 && errno == ESRCH) {
		watch_pid_gone(sd);
		return 0;
	}
	if (fd != -1) {
		fde = tevent_add_fd(sd->ev, sd, fd, TEVENT_FD_READ,
				    watch_pid_fd_handler, sd);
		if (fde == NULL) {
			close(fd);
			return ENOMEM;
		}
		tevent_fd_set_auto_close(fde);
		return 0;
	}
	te = tevent_add_timer(sd->ev, sd, tevent_timeval_current_ofs(1, 0),
			      watch_pid_timer, sd);
	return te == NULL ? ENOMEM : 0;
}

static int signals_setup(struct sock_daemon *sd)
{
	static const int signums[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	size_t i;

	(void)signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(signums) / sizeof(signums[0]); i++) {
		struct tevent_signal *se;

		se = tevent_add_signal(sd->ev, sd, signums[i], 0,
				       sock_daemon_signal, sd);
		if (se == NULL) {
			return ENOMEM;
		}
	}
	return 0;
}

static void startup_notify(int fd)
{
	unsigned int zero = 0;
	ssize_t n;

	if (fd < 0) {
		return;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	n = write(fd, &zero, sizeof(zero));
	if (n != sizeof(zero)) {
		D_ERR("failed to write to startup fd %d", fd);
	}
	/* The fd stays open: the parent sees EOF when we die. */
}

int sock_daemon_run(struct sock_daemon *sd, const char *sockpath,
		    const char *pidfile, int startup_fd, pid_t watch_pid)
{
	struct tevent_fd *fde;
	int ret;

	/*
	 * Our own copies: the destructor unlinks both paths, possibly after
	 * the caller's strings are gone (freed with the same parent).
	 */
	sockpath = talloc_strdup(sd, sockpath);
	pidfile = talloc_strdup(sd, pidfile);
	if (sockpath == NULL || pidfile == NULL) {
		return SOCK_DAEMON_EXIT_SOCKET;
	}
	ret = rundir_ensure(pidfile);
	if (ret == 0) {
		ret = pidfile_create(sd, pidfile);
	}
	if (ret != 0) {
		D_ERR("cannot create pidfile %s: %s", pidfile, strerror(ret));
		return SOCK_DAEMON_EXIT_PIDFILE;
	}
	ret = rundir_ensure(sockpath);
	if (ret == 0) {
		ret = listen_socket(sd, sockpath);
	}
	if (ret != 0) {
		return SOCK_DAEMON_EXIT_SOCKET;
	}
	fde = tevent_add_fd(sd->ev, sd, sd->listen_fd, TEVENT_FD_READ,
			    sock_daemon_accept, sd);
	ret = signals_setup(sd);
	if (fde == NULL || ret != 0) {
		return SOCK_DAEMON_EXIT_SOCKET;
	}
	if (watch_pid > 1) {
		ret = watch_pid_setup(sd, watch_pid);
		if (ret != 0) {
			return SOCK_DAEMON_EXIT_SOCKET;
		}
	}

	D_NOTICE("daemon started, pid=%d", (int)getpid());
	D_NOTICE("startup completed successfully");
	D_NOTICE("listening on %s", sockpath);
	startup_notify(startup_fd);

	while (!sd->done) {
		ret = tevent_loop_once(sd->ev);
		if (ret != 0 && errno != EINTR) {
			D_ERR("event loop failed: %s", strerror(errno));
			sd->exit_status = 1;
			break;
		}
	}
	D_NOTICE("Shutting down");
	if (sd->funcs->shutdown != NULL) {
		sd->funcs->shutdown(sd->private_data);
	}
	return sd->exit_status;
}
