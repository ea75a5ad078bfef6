/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The corosync backend's glue: CPG and quorum callbacks in, cluster_proto outputs out. */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#include "common/logging.h"
#include "noded/cluster_corosync.h"

/* Facts measured with corosync 3.1.7: doc/cluster.md and the notes. */
#define RECONNECT_INTERVAL_US 1000000
#define SEND_RETRY_US 10000

/* talloc hands out const strings we own and later free. */
#define discard_const_p(type, ptr) ((type *)(uintptr_t)(ptr))

struct send_item {
	uint8_t *buf;
	size_t len;
};

struct cluster_corosync {
	struct tevent_context *ev;
	struct cluster_corosync_config config;
	struct cluster_corosync_hooks hooks;
	struct cluster_proto_local local;
	struct cluster_proto *proto;

	cpg_handle_t cpg;
	quorum_handle_t quorum;
	bool cpg_open;
	bool quorum_open;
	bool joined;
	bool said_unreachable;
	struct tevent_fd *cpg_fde;
	struct tevent_fd *quorum_fde;
	struct tevent_timer *reconnect_te;
	struct tevent_timer *tick_te;
	struct tevent_timer *send_te;

	struct send_item *sendq;
	unsigned sendq_len;
	bool draining;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t member_id(uint32_t nodeid, uint32_t pid)
{
	return ((uint64_t)nodeid << 32) | pid;
}

static void schedule_reconnect(struct cluster_corosync *cc);
static void flush_sendq(struct cluster_corosync *cc);

/* ---------- outputs of the protocol ---------- */

static void enqueue_send(struct cluster_corosync *cc, struct cluster_output *out)
{
	struct send_item *grown;

	grown = talloc_realloc(cc, cc->sendq, struct send_item,
			       cc->sendq_len + 1);
	if (grown == NULL) {
		D_ERR("cluster: out of memory queueing a message");
		return;
	}
	cc->sendq = grown;
	cc->sendq[cc->sendq_len].buf = talloc_steal(cc->sendq, out->buf);
	cc->sendq[cc->sendq_len].len = out->len;
	cc->sendq_len++;
}

static void handle_output(struct cluster_corosync *cc,
			  struct cluster_output *out)
{
	switch (out->type) {
	case CLUSTER_OUT_SEND:
		enqueue_send(cc, out);
		break;
	case CLUSTER_OUT_ACTION:
		cc->hooks.action(cc->hooks.private_data, out->action,
				 out->arg);
		break;
	case CLUSTER_OUT_LOG:
		DEBUG_AT(out->level, "cluster: %s", out->text);
		break;
	case CLUSTER_OUT_VIEW:
		cc->hooks.view_changed(cc->hooks.private_data);
		break;
	case CLUSTER_OUT_REFUSED:
		cc->hooks.refused(cc->hooks.private_data, out->text);
		break;
	case CLUSTER_OUT_TICKLES:
		if (cc->hooks.tickles != NULL) {
			cc->hooks.tickles(cc->hooks.private_data,
					  &out->msg->body.tickles);
		}
		break;
	}
}

/*
 * An action hook may answer at once (action_done inside it), which feeds
 * the protocol again: the outer loop picks up what that produced.
 */
static void drain(struct cluster_corosync *cc)
{
	struct cluster_output *out;

	if (cc->proto == NULL || cc->draining) {
		return;
	}
	cc->draining = true;
	while (cluster_proto_pop(cc->proto, cc, &out)) {
		handle_output(cc, out);
		talloc_free(out);
	}
	cc->draining = false;
	flush_sendq(cc);
}

/* ---------- sending ---------- */

static void send_retry(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct cluster_corosync *cc = private_data;

	cc->send_te = NULL;
	flush_sendq(cc);
}

/* CS_ERR_TRY_AGAIN means corosync's queue is full: retry, never block. */
static void flush_sendq(struct cluster_corosync *cc)
{
	while (cc->joined && cc->sendq_len > 0) {
		struct iovec iov = {
			.iov_base = cc->sendq[0].buf,
			.iov_len = cc->sendq[0].len,
		};
		cs_error_t rc;

		rc = cpg_mcast_joined(cc->cpg, CPG_TYPE_AGREED, &iov, 1);
		if (rc == CS_ERR_TRY_AGAIN) {
			if (cc->send_te == NULL) {
				cc->send_te = tevent_add_timer(
					cc->ev, cc,
					tevent_timeval_current_ofs(
						0, SEND_RETRY_US),
					send_retry, cc);
			}
			return;
		}
		if (rc != CS_OK) {
			D_WARNING("cluster: sending to the group failed "
				  "(corosync error %d)", (int)rc);
		}
		talloc_free(cc->sendq[0].buf);
		cc->sendq_len--;
		memmove(cc->sendq, cc->sendq + 1,
			cc->sendq_len * sizeof(cc->sendq[0]));
	}
}

/* ---------- callbacks from corosync ---------- */

static void cpg_deliver(cpg_handle_t handle, const struct cpg_name *group,
			uint32_t nodeid, uint32_t pid, void *msg,
			size_t msg_len)
{
	struct cluster_corosync *cc = NULL;

	if (cpg_context_get(handle, (void **)&cc) != CS_OK || cc == NULL) {
		return;
	}
	cluster_proto_deliver(cc->proto, member_id(nodeid, pid), msg,
			      msg_len, now_ms());
	drain(cc);
}

static bool current_quorate(struct cluster_corosync *cc)
{
	int quorate = 0;

	if (!cc->quorum_open ||
	    quorum_getquorate(cc->quorum, &quorate) != CS_OK) {
		return false;
	}
	return quorate != 0;
}

/* Quorum is read here, so every member decides on the same ring's value. */
static void cpg_confchg(cpg_handle_t handle, const struct cpg_name *group,
			const struct cpg_address *members, size_t num_members,
			const struct cpg_address *left, size_t num_left,
			const struct cpg_address *joined, size_t num_joined)
{
	struct cluster_corosync *cc = NULL;
	uint64_t *ids;
	struct cluster_proto_left *gone;
	size_t i;

	if (cpg_context_get(handle, (void **)&cc) != CS_OK || cc == NULL) {
		return;
	}
	ids = talloc_zero_array(cc, uint64_t, num_members + 1);
	gone = talloc_zero_array(cc, struct cluster_proto_left, num_left + 1);
	if (ids == NULL || gone == NULL) {
		D_ERR("cluster: out of memory in a membership change");
		talloc_free(ids);
		talloc_free(gone);
		return;
	}
	for (i = 0; i < num_members; i++) {
		ids[i] = member_id(members[i].nodeid, members[i].pid);
	}
	for (i = 0; i < num_left; i++) {
		gone[i].member = member_id(left[i].nodeid, left[i].pid);
		gone[i].reason = left[i].reason;
	}
	cluster_proto_confchg(cc->proto, ids, num_members, gone, num_left,
			      current_quorate(cc), now_ms());
	talloc_free(ids);
	talloc_free(gone);
	drain(cc);
}

static void quorum_notify(quorum_handle_t handle, uint32_t quorate,
			  struct quorum_ring_id ring_id, uint32_t num,
			  const uint32_t *nodes)
{
	struct cluster_corosync *cc = NULL;

	if (quorum_context_get(handle, (const void **)&cc) != CS_OK ||
	    cc == NULL || cc->proto == NULL) {
		return;
	}
	cluster_proto_quorum(cc->proto, quorate != 0, now_ms());
	drain(cc);
}

/* ---------- connection ---------- */

static void disconnect(struct cluster_corosync *cc)
{
	TALLOC_FREE(cc->cpg_fde);
	TALLOC_FREE(cc->quorum_fde);
	if (cc->cpg_open) {
		cpg_finalize(cc->cpg);
		cc->cpg_open = false;
	}
	if (cc->quorum_open) {
		quorum_finalize(cc->quorum);
		cc->quorum_open = false;
	}
	cc->joined = false;
}

static void engine_lost(struct cluster_corosync *cc, const char *what)
{
	D_ERR("cluster: lost corosync (%s): releasing all public IPs, "
	      "reconnecting", what);
	disconnect(cc);
	if (cc->proto != NULL) {
		cluster_proto_engine_lost(cc->proto, now_ms());
		drain(cc);
	}
	schedule_reconnect(cc);
}

static void cpg_readable(struct tevent_context *ev, struct tevent_fd *fde,
			 uint16_t flags, void *private_data)
{
	struct cluster_corosync *cc = private_data;
	cs_error_t rc;

	rc = cpg_dispatch(cc->cpg, CS_DISPATCH_ALL);
	if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
		engine_lost(cc, "cpg_dispatch failed");
	}
}

static void quorum_readable(struct tevent_context *ev, struct tevent_fd *fde,
			    uint16_t flags, void *private_data)
{
	struct cluster_corosync *cc = private_data;
	cs_error_t rc;

	rc = quorum_dispatch(cc->quorum, CS_DISPATCH_ALL);
	if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
		engine_lost(cc, "quorum_dispatch failed");
	}
}

/*
 * Two votes and no quorum device: either split brain (two_node keeps
 * both halves of a partition quorate) or no failover at all (without
 * it, losing either node loses quorum). Say which, every time we join.
 */
static void warn_two_node(uint32_t nodeid)
{
	votequorum_handle_t vq;
	struct votequorum_info info;
	bool two_node;

	if (votequorum_initialize(&vq, NULL) != CS_OK) {
		return;
	}
	if (votequorum_getinfo(vq, nodeid, &info) != CS_OK ||
	    (info.flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED) != 0) {
		votequorum_finalize(vq);
		return;
	}
	two_node = (info.flags & VOTEQUORUM_INFO_TWONODE) != 0;
	if (two_node) {
		D_WARNING("cluster: corosync runs with two_node and no quorum "
			  "device: after a partition both nodes stay quorate "
			  "and both serve every public IP (no protection "
			  "against split brain)");
	} else if (info.highest_expected == 2) {
		D_WARNING("cluster: two votes and no quorum device: when "
			  "either node is lost the other loses quorum and "
			  "releases every public IP (no failover); use a third "
			  "node or corosync-qdevice");
	}
	votequorum_finalize(vq);
}

static int open_quorum(struct cluster_corosync *cc)
{
	quorum_model_v1_data_t data = {
		.model = QUORUM_MODEL_V1,
		.quorum_notify_fn = quorum_notify,
	};
	uint32_t type = 0;
	int fd = -1;

	if (quorum_model_initialize(&cc->quorum, QUORUM_MODEL_V1,
				    (quorum_model_data_t *)&data, &type,
				    cc) != CS_OK) {
		return EIO;
	}
	cc->quorum_open = true;
	if (quorum_trackstart(cc->quorum, CS_TRACK_CURRENT |
					  CS_TRACK_CHANGES) != CS_OK ||
	    quorum_fd_get(cc->quorum, &fd) != CS_OK) {
		return EIO;
	}
	cc->quorum_fde = tevent_add_fd(cc->ev, cc, fd, TEVENT_FD_READ,
				       quorum_readable, cc);
	return cc->quorum_fde == NULL ? ENOMEM : 0;
}

static int open_cpg(struct cluster_corosync *cc, uint32_t *pnodeid)
{
	cpg_model_v1_data_t data = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = cpg_deliver,
		.cpg_confchg_fn = cpg_confchg,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	int fd = -1;

	if (cpg_model_initialize(&cc->cpg, CPG_MODEL_V1,
				 (cpg_model_data_t *)&data, cc) != CS_OK) {
		return EIO;
	}
	cc->cpg_open = true;
	if (cpg_local_get(cc->cpg, pnodeid) != CS_OK ||
	    cpg_fd_get(cc->cpg, &fd) != CS_OK) {
		return EIO;
	}
	cc->cpg_fde = tevent_add_fd(cc->ev, cc, fd, TEVENT_FD_READ,
				    cpg_readable, cc);
	return cc->cpg_fde == NULL ? ENOMEM : 0;
}

static int create_proto(struct cluster_corosync *cc, uint32_t nodeid)
{
	struct cluster_proto_config config = {
		.this_pnn = cc->config.this_pnn,
		.this_member = member_id(nodeid, (uint32_t)getpid()),
		.num_nodes = cc->config.num_nodes,
		.nodes = cc->config.nodes,
		.heartbeat_interval_ms = cc->config.heartbeat_interval_ms,
		.heartbeat_timeout_ms = cc->config.heartbeat_timeout_ms,
		.grace_ms = cc->config.grace_ms,
	};
	const char *err = NULL;
	int ret;

	ret = cluster_proto_new(cc, &config, &cc->local, now_ms(), &cc->proto,
				&err);
	if (ret != 0) {
		D_ERR("cluster: %s", err != NULL ? err : strerror(ret));
	}
	return ret;
}

static int join_group(struct cluster_corosync *cc)
{
	struct cpg_name name;
	size_t len = strlen(cc->config.group);
	cs_error_t rc;

	memset(&name, 0, sizeof(name));
	memcpy(name.value, cc->config.group, len);
	name.length = (uint32_t)len;
	rc = cpg_join(cc->cpg, &name);
	if (rc != CS_OK) {
		return EIO;
	}
	cc->joined = true;
	return 0;
}

static int try_connect(struct cluster_corosync *cc)
{
	uint32_t nodeid = 0;
	int ret;

	ret = open_quorum(cc);
	if (ret == 0) {
		ret = open_cpg(cc, &nodeid);
	}
	if (ret == 0 && cc->proto == NULL) {
		ret = create_proto(cc, nodeid);
	}
	if (ret == 0) {
		ret = join_group(cc);
	}
	if (ret != 0) {
		disconnect(cc);
		return ret;
	}
	D_NOTICE("cluster: joined CPG group \"%s\" as pnn %u (corosync node "
		 "%u)", cc->config.group, cc->config.this_pnn, nodeid);
	cc->said_unreachable = false;
	warn_two_node(nodeid);
	return 0;
}

static void reconnect(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	struct cluster_corosync *cc = private_data;
	int ret;

	cc->reconnect_te = NULL;
	ret = try_connect(cc);
	if (ret == 0) {
		return;
	}
	if (!cc->said_unreachable) {
		/* Logged once: the retries every second would flood. */
		D_ERR("cluster: cannot reach corosync (is it running?): "
		      "retrying every second, taking no public IPs meanwhile");
		cc->said_unreachable = true;
	}
	schedule_reconnect(cc);
}

static void schedule_reconnect(struct cluster_corosync *cc)
{
	if (cc->reconnect_te != NULL) {
		return;
	}
	cc->reconnect_te = tevent_add_timer(
		cc->ev, cc, tevent_timeval_current_ofs(0, RECONNECT_INTERVAL_US),
		reconnect, cc);
}

static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
	struct cluster_corosync *cc = private_data;
	uint32_t interval_us = cc->config.heartbeat_interval_ms * 1000 / 2;

	cc->tick_te = tevent_add_timer(
		cc->ev, cc, tevent_timeval_current_ofs(0, interval_us), tick,
		cc);
	if (cc->proto != NULL) {
		cluster_proto_tick(cc->proto, now_ms());
		drain(cc);
	}
}

static int cc_destructor(struct cluster_corosync *cc)
{
	disconnect(cc);
	return 0;
}

/* ---------- the interface ---------- */

/* Kept for the protocol created at the first connection. */
static int copy_local(struct cluster_corosync *cc,
		      const struct cluster_proto_local *local)
{
	const char **old = discard_const_p(const char *,
					    cc->local.public_ips);
	const char **ips;
	uint32_t i;

	ips = talloc_zero_array(cc, const char *, local->num_public + 1);
	if (ips == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < local->num_public; i++) {
		ips[i] = talloc_strdup(ips, local->public_ips[i]);
		if (ips[i] == NULL) {
			talloc_free(ips);
			return ENOMEM;
		}
	}
	cc->local = *local;
	cc->local.public_ips = ips;
	if (local->reason != NULL) {
		cc->local.reason = talloc_strdup(ips, local->reason);
	}
	talloc_free(discard_const_p(char *, old));
	return 0;
}

/* The protocol is created at the first connection: keep our own copy. */
static const char *const *copy_nodes(TALLOC_CTX *mem_ctx,
				     const char *const *nodes, uint32_t num)
{
	const char **copy;
	uint32_t i;

	copy = talloc_zero_array(mem_ctx, const char *, num + 1);
	if (copy == NULL) {
		return NULL;
	}
	for (i = 0; i < num; i++) {
		if (nodes[i] == NULL) {
			continue;
		}
		copy[i] = talloc_strdup(copy, nodes[i]);
		if (copy[i] == NULL) {
			talloc_free(copy);
			return NULL;
		}
	}
	return copy;
}

/* Refuse a bad configuration at start, before corosync is even reached. */
static int check_config(struct cluster_corosync *cc, const char **perr)
{
	struct cluster_proto_config check = {
		.this_pnn = cc->config.this_pnn,
		.num_nodes = cc->config.num_nodes,
		.nodes = cc->config.nodes,
		.heartbeat_interval_ms = cc->config.heartbeat_interval_ms,
		.heartbeat_timeout_ms = cc->config.heartbeat_timeout_ms,
		.grace_ms = cc->config.grace_ms,
	};
	struct cluster_proto *probe = NULL;
	int ret;

	ret = cluster_proto_new(cc, &check, &cc->local, 0, &probe, perr);
	talloc_free(probe);
	return ret;
}

int cluster_corosync_start(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			   const struct cluster_corosync_config *config,
			   const struct cluster_proto_local *local,
			   const struct cluster_corosync_hooks *hooks,
			   struct cluster_corosync **pcc, const char **perr)
{
	struct cluster_corosync *cc;
	size_t len = strlen(config->group);
	int ret;

	*perr = NULL;
	if (len == 0 || len >= CPG_MAX_NAME_LENGTH) {
		*perr = "cpg group: the name must have 1 to 127 characters";
		return EINVAL;
	}
	cc = talloc_zero(mem_ctx, struct cluster_corosync);
	if (cc == NULL) {
		return ENOMEM;
	}
	cc->ev = ev;
	cc->config = *config;
	cc->config.group = talloc_strdup(cc, config->group);
	cc->config.nodes = copy_nodes(cc, config->nodes, config->num_nodes);
	cc->hooks = *hooks;
	if (cc->config.group == NULL || cc->config.nodes == NULL ||
	    copy_local(cc, local) != 0) {
		talloc_free(cc);
		return ENOMEM;
	}
	talloc_set_destructor(cc, cc_destructor);
	ret = check_config(cc, perr);
	if (ret != 0) {
		talloc_free(cc);
		return ret;
	}
	tick(ev, NULL, tevent_timeval_zero(), cc);
	reconnect(ev, NULL, tevent_timeval_zero(), cc);
	*pcc = cc;
	return 0;
}

int cluster_corosync_set_local(struct cluster_corosync *cc,
			       const struct cluster_proto_local *local)
{
	int ret;

	if (cc->proto != NULL) {
		ret = cluster_proto_set_local(cc->proto, local, now_ms());
		if (ret != 0) {
			return ret;
		}
	}
	ret = copy_local(cc, local);
	drain(cc);
	return ret;
}

int cluster_corosync_set_timings(struct cluster_corosync *cc,
				 uint32_t interval_ms, uint32_t timeout_ms,
				 uint32_t grace_ms)
{
	int ret = 0;

	if (cc->proto != NULL) {
		ret = cluster_proto_set_timings(cc->proto, interval_ms,
						timeout_ms, grace_ms);
	}
	if (ret == 0) {
		cc->config.heartbeat_interval_ms = interval_ms;
		cc->config.heartbeat_timeout_ms = timeout_ms;
		cc->config.grace_ms = grace_ms;
	}
	return ret;
}

void cluster_corosync_action_done(struct cluster_corosync *cc, int result)
{
	if (cc->proto == NULL) {
		return;
	}
	cluster_proto_action_done(cc->proto, result, now_ms());
	drain(cc);
}

const struct cluster_proto *cluster_corosync_proto(
	const struct cluster_corosync *cc)
{
	return cc->proto;
}

void cluster_corosync_send_tickles(struct cluster_corosync *cc,
				   const char *address,
				   const struct ctdb_tickle_list *list)
{
	if (cc->proto == NULL) {
		return;
	}
	cluster_proto_send_tickles(cc->proto, address, list);
	drain(cc);
}

bool cluster_corosync_connected(const struct cluster_corosync *cc)
{
	return cc->joined;
}
