/* SPDX-License-Identifier: GPL-3.0-or-later */
/* systemd readiness and status notifications (sd_notify protocol). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "common/logging.h"
#include "noded/noded_private.h"

#ifdef HAVE_LIBSYSTEMD

static int notify_send(const char *msg)
{
	int ret;

	ret = sd_notify(0, msg);
	return ret < 0 ? -ret : 0;
}

#else

/*
 * The protocol without libsystemd: one datagram to $NOTIFY_SOCKET, a
 * path, or an abstract name when it starts with '@'.
 */
static int notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t addrlen;
	size_t len;
	ssize_t n;
	int fd;
	int ret = 0;

	if (path == NULL) {
		return 0;
	}
	len = strlen(path);
	if (len < 2 || len > sizeof(addr.sun_path) ||
	    (path[0] != '/' && path[0] != '@')) {
		return EINVAL;
	}
	memcpy(addr.sun_path, path, len);
	if (addr.sun_path[0] == '@') {
		addr.sun_path[0] = '\0';
	}
	addrlen = offsetof(struct sockaddr_un, sun_path) + len;
	if (path[0] == '/' && len < sizeof(addr.sun_path)) {
		addrlen += 1; /* the NUL */
	}

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		return errno;
	}
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
		   (struct sockaddr *)&addr, addrlen);
	if (n == -1) {
		ret = errno;
	}
	close(fd);
	return ret;
}

#endif

/* Notifications are a courtesy to the init system; failures do not stop us. */
static void noded_notify(const char *msg)
{
	int ret;

	ret = notify_send(msg);
	if (ret != 0) {
		D_WARNING("sd_notify '%s' failed: %s, ignoring", msg,
			  strerror(ret));
	}
}

static char *status_line(TALLOC_CTX *mem_ctx, struct noded_context *nctx)
{
	unsigned held = 0;

	if (nctx->takeover != NULL) {
		held = takeover_num_held(nctx->takeover);
	}
	return talloc_asprintf(mem_ctx, "STATUS=%s, %u public IPs",
			       noded_state_name(nctx->flags), held);
}

void noded_notify_ready(struct noded_context *nctx)
{
	char *status = status_line(nctx, nctx);
	char *msg;

	if (status == NULL) {
		return;
	}
	msg = talloc_asprintf(status, "READY=1\n%s", status);
	if (msg != NULL) {
		noded_notify(msg);
		talloc_free(msg);
	}
	talloc_free(nctx->notify_status);
	nctx->notify_status = status;
}

/* Only on a change, and only once the init system was told we are ready. */
void noded_notify_status(struct noded_context *nctx)
{
	char *status;

	if (nctx->notify_status == NULL ||
	    nctx->runstate != CTDB_RUNSTATE_RUNNING) {
		return;
	}
	status = status_line(nctx, nctx);
	if (status == NULL) {
		return;
	}
	if (strcmp(status, nctx->notify_status) == 0) {
		talloc_free(status);
		return;
	}
	noded_notify(status);
	talloc_free(nctx->notify_status);
	nctx->notify_status = status;
}

void noded_notify_stopping(struct noded_context *nctx)
{
	noded_notify("STOPPING=1");
}
