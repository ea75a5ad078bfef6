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

struct sd_notify {
	const struct node_state *ns;
	char *status; /* the last STATUS= sent; NULL until READY=1 */
};

struct sd_notify *sd_notify_new(TALLOC_CTX *mem_ctx,
				const struct node_state *ns)
{
	struct sd_notify *sn;

	sn = talloc_zero(mem_ctx, struct sd_notify);
	if (sn == NULL) {
		return NULL;
	}
	sn->ns = ns;
	return sn;
}

static char *status_line(TALLOC_CTX *mem_ctx, const struct node_state *ns)
{
	return talloc_asprintf(mem_ctx, "STATUS=%s, %u public IPs",
			       node_state_name(node_state_flags(ns)),
			       node_state_num_held(ns));
}

static void sd_notify_ready(struct sd_notify *sn)
{
	char *status = status_line(sn, sn->ns);
	char *msg;

	if (status == NULL) {
		return;
	}
	msg = talloc_asprintf(status, "READY=1\n%s", status);
	if (msg != NULL) {
		noded_notify(msg);
		talloc_free(msg);
	}
	talloc_free(sn->status);
	sn->status = status;
}

/* Only on a change, and only once the init system was told we are ready. */
static void sd_notify_status(struct sd_notify *sn)
{
	char *status;

	if (sn->status == NULL ||
	    node_state_runstate(sn->ns) != CTDB_RUNSTATE_RUNNING) {
		return;
	}
	status = status_line(sn, sn->ns);
	if (status == NULL) {
		return;
	}
	if (strcmp(status, sn->status) == 0) {
		talloc_free(status);
		return;
	}
	noded_notify(status);
	talloc_free(sn->status);
	sn->status = status;
}

void sd_notify_observer(const struct node_state_change *c,
			void *private_data)
{
	struct sd_notify *sn = talloc_get_type_abort(private_data,
						     struct sd_notify);

	switch (c->what) {
	case NODE_STATE_RUNSTATE:
		if (c->new_runstate == CTDB_RUNSTATE_RUNNING) {
			sd_notify_ready(sn);
		} else if (c->new_runstate == CTDB_RUNSTATE_SHUTDOWN) {
			noded_notify("STOPPING=1");
		}
		break;
	case NODE_STATE_FLAGS:
	case NODE_STATE_IP:
		sd_notify_status(sn);
		break;
	default:
		break;
	}
}
