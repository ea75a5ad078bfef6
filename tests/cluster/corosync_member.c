/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test driver: one cluster member on real corosync, the glue and protocol with pretend actions. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <tevent.h>

#include "common/logging.h"
#include "noded/cluster_corosync.h"
#include "protocol/node_protocol.h"

/*
 * usage: corosync_member GROUP PNN NODES IPS STATUS
 *   NODES, IPS  comma-separated addresses (`nodes` lines, public IPs)
 *   STATUS      file rewritten (atomically) after every change:
 *               "phase P", "round R", "quorate 0|1", "held A B ...";
 *               the log goes to STATUS.log
 * Actions succeed after one turn of the loop; the addresses "held" are
 * only remembered, nothing is configured. SIGUSR1 toggles UNHEALTHY.
 * It exits on SIGTERM or SIGINT, or with status 3 when refused.
 */

struct member {
	struct tevent_context *ev;
	struct cluster_corosync *cc;
	const char *status_path;
	char **held;
	unsigned num_held;
	enum cluster_action_type type;
	char *arg;
	bool unhealthy;
	const char **ips;
	unsigned num_ips;
	bool done;
	int exit_status;
};

static char **split(TALLOC_CTX *mem, const char *list, unsigned *pnum)
{
	char *copy = talloc_strdup(mem, list);
	char **out = talloc_array(mem, char *, 64);
	char *save = NULL;
	char *tok;
	unsigned n = 0;

	if (copy == NULL || out == NULL) {
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL && n < 64;
	     tok = strtok_r(NULL, ",", &save)) {
		out[n++] = tok;
	}
	*pnum = n;
	return out;
}

static void write_status(struct member *m)
{
	const struct cluster_proto *p = cluster_corosync_proto(m->cc);
	char *tmp = talloc_asprintf(m, "%s.tmp", m->status_path);
	FILE *f;
	unsigned i;

	if (tmp == NULL || p == NULL) {
		talloc_free(tmp);
		return;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		talloc_free(tmp);
		return;
	}
	fprintf(f, "phase %s\nround %u\nquorate %d\nheld",
		cluster_phase_name(cluster_proto_phase(p)),
		cluster_proto_round(p), cluster_proto_quorate(p) ? 1 : 0);
	for (i = 0; i < m->num_held; i++) {
		fprintf(f, " %s", m->held[i]);
	}
	fprintf(f, "\n");
	fclose(f);
	rename(tmp, m->status_path);
	talloc_free(tmp);
}

static void set_held(struct member *m, const char *ip, bool held)
{
	unsigned i;

	for (i = 0; i < m->num_held; i++) {
		if (strcmp(m->held[i], ip) == 0) {
			if (!held) {
				talloc_free(m->held[i]);
				m->held[i] = m->held[--m->num_held];
			}
			return;
		}
	}
	if (held) {
		m->held = talloc_realloc(m, m->held, char *, m->num_held + 1);
		m->held[m->num_held++] = talloc_strdup(m->held, ip);
	}
}

static void finish_action(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct member *m = private_data;

	if (m->type == CLUSTER_ACTION_TAKE_IP) {
		set_held(m, m->arg, true);
	} else if (m->type == CLUSTER_ACTION_RELEASE_IP) {
		set_held(m, m->arg, false);
	}
	D_NOTICE("done: %s %s",
		 m->type == CLUSTER_ACTION_EVENT ? "event" :
		 m->type == CLUSTER_ACTION_TAKE_IP ? "takeip" : "releaseip",
		 m->arg);
	TALLOC_FREE(m->arg);
	cluster_corosync_action_done(m->cc, 0);
	write_status(m);
}

static void on_action(void *private_data, enum cluster_action_type type,
		      const char *arg)
{
	struct member *m = private_data;

	m->type = type;
	m->arg = talloc_strdup(m, arg);
	tevent_add_timer(m->ev, m, tevent_timeval_current_ofs(0, 1000),
			 finish_action, m);
}

static void on_view(void *private_data)
{
	write_status(private_data);
}

static void on_refused(void *private_data, const char *why)
{
	struct member *m = private_data;

	D_ERR("refused: %s", why);
	m->exit_status = 3;
	m->done = true;
}

static struct cluster_proto_local member_local(struct member *m)
{
	struct cluster_proto_local local = {
		.flags = m->unhealthy ? CTDB_NODE_FLAGS_UNHEALTHY : 0,
		.runstate = CTDB_RUNSTATE_RUNNING,
		.reason = m->unhealthy ? "SIGUSR1" : NULL,
		.num_public = m->num_ips,
		.public_ips = m->ips,
	};

	return local;
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
		      int signum, int count, void *siginfo,
		      void *private_data)
{
	struct member *m = private_data;
	struct cluster_proto_local local;

	if (signum != SIGUSR1) {
		m->done = true;
		return;
	}
	m->unhealthy = !m->unhealthy;
	local = member_local(m);
	cluster_corosync_set_local(m->cc, &local);
}

static int start(struct member *m, char **argv)
{
	struct cluster_corosync_config config = {
		.group = argv[1],
		.this_pnn = (uint32_t)strtoul(argv[2], NULL, 10),
		.heartbeat_interval_ms = CLUSTER_HEARTBEAT_INTERVAL_MS,
		.heartbeat_timeout_ms = CLUSTER_HEARTBEAT_TIMEOUT_MS,
		.grace_ms = CLUSTER_GRACE_MS,
	};
	struct cluster_corosync_hooks hooks = {
		.action = on_action,
		.view_changed = on_view,
		.refused = on_refused,
		.private_data = m,
	};
	struct cluster_proto_local local;
	const char *err = NULL;
	char **nodes;
	int ret;

	nodes = split(m, argv[3], &config.num_nodes);
	m->ips = (const char **)split(m, argv[4], &m->num_ips);
	m->status_path = argv[5];
	if (nodes == NULL || m->ips == NULL) {
		return ENOMEM;
	}
	config.nodes = (const char *const *)nodes;
	local = member_local(m);
	ret = cluster_corosync_start(m, m->ev, &config, &local, &hooks,
				     &m->cc, &err);
	if (ret != 0) {
		fprintf(stderr, "corosync_member: %s\n",
			err != NULL ? err : strerror(ret));
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct member *m;
	char *log_location;
	int signals[] = { SIGTERM, SIGINT, SIGUSR1 };
	unsigned i;

	if (argc != 6) {
		fprintf(stderr, "usage: corosync_member GROUP PNN NODES IPS "
				"STATUS\n");
		return 2;
	}
	m = talloc_zero(NULL, struct member);
	if (m == NULL) {
		return 1;
	}
	log_location = talloc_asprintf(m, "file:%s.log", argv[5]);
	if (log_location == NULL ||
	    logging_init(log_location, DEBUG_INFO, "corosync_member") != 0) {
		fprintf(stderr, "corosync_member: cannot log to %s.log\n",
			argv[5]);
		return 1;
	}
	m->ev = tevent_context_init(m);
	if (m->ev == NULL) {
		return 1;
	}
	for (i = 0; i < 3; i++) {
		tevent_add_signal(m->ev, m, signals[i], 0, on_signal, m);
	}
	if (start(m, argv) != 0) {
		talloc_free(m);
		return 1;
	}
	while (!m->done) {
		if (tevent_loop_once(m->ev) != 0) {
			break;
		}
	}
	i = (unsigned)m->exit_status;
	talloc_free(m);
	return (int)i;
}
