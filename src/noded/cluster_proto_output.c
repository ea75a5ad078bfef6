/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The protocol's outputs: logs, view changes, refusals, messages to send. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/logging.h"
#include "noded/cluster_proto_private.h"

struct cluster_output *cluster_out_push(struct cluster_proto *p,
					enum cluster_output_type type)
{
	struct cluster_output **grown;
	struct cluster_output *out;

	grown = talloc_realloc(p, p->outputs, struct cluster_output *,
			       p->num_outputs + 1);
	if (grown == NULL) {
		return NULL;
	}
	p->outputs = grown;
	out = talloc_zero(p->outputs, struct cluster_output);
	if (out == NULL) {
		return NULL;
	}
	out->type = type;
	p->outputs[p->num_outputs++] = out;
	return out;
}

void cluster_out_log(struct cluster_proto *p, int level, const char *fmt, ...)
{
	struct cluster_output *out = cluster_out_push(p, CLUSTER_OUT_LOG);
	va_list ap;

	if (out == NULL) {
		return;
	}
	out->level = level;
	va_start(ap, fmt);
	out->text = talloc_vasprintf(out, fmt, ap);
	va_end(ap);
}

void cluster_out_view(struct cluster_proto *p)
{
	cluster_out_push(p, CLUSTER_OUT_VIEW);
}

void cluster_out_refused(struct cluster_proto *p, const char *text)
{
	struct cluster_output *out = cluster_out_push(p, CLUSTER_OUT_REFUSED);

	if (out != NULL) {
		out->text = talloc_strdup(out, text);
	}
}

void cluster_out_send(struct cluster_proto *p, const struct cluster_msg *msg)
{
	struct cluster_output *out = cluster_out_push(p, CLUSTER_OUT_SEND);
	int ret;

	if (out == NULL) {
		return;
	}
	ret = cluster_msg_marshall(out, msg, &out->buf, &out->len);
	if (ret != 0) {
		/* Our own state was checked in set_local: only ENOMEM. */
		out->type = CLUSTER_OUT_LOG;
		out->level = DEBUG_ERR;
		out->text = talloc_asprintf(out,
					    "cannot encode a %s message: %s",
					    cluster_msg_type_name(msg->type),
					    strerror(ret));
	}
}

bool cluster_proto_pop(struct cluster_proto *p, TALLOC_CTX *mem_ctx,
		       struct cluster_output **pout)
{
	if (p->num_outputs == 0) {
		return false;
	}
	*pout = talloc_steal(mem_ctx, p->outputs[0]);
	p->num_outputs--;
	memmove(p->outputs, p->outputs + 1,
		p->num_outputs * sizeof(p->outputs[0]));
	return true;
}

void cluster_proto_send_tickles(struct cluster_proto *p, const char *address,
				const struct ctdb_tickle_list *list)
{
	struct cluster_msg msg = {
		.type = CLUSTER_MSG_TICKLES,
		.pnn = p->config.this_pnn,
		.round = p->round,
		.body.tickles.address = address,
		.body.tickles.list = (struct ctdb_tickle_list *)(uintptr_t)list,
	};

	cluster_out_send(p, &msg);
}

void cluster_out_simple(struct cluster_proto *p, enum cluster_msg_type type)
{
	struct cluster_msg msg = {
		.type = type,
		.pnn = p->config.this_pnn,
		.round = p->round,
	};

	cluster_out_send(p, &msg);
}

void cluster_out_state(struct cluster_proto *p, enum cluster_state_kind kind)
{
	struct cluster_msg msg = {
		.type = CLUSTER_MSG_STATE,
		.pnn = p->config.this_pnn,
		.round = p->round,
	};
	struct cluster_state_msg *st = &msg.body.state;

	st->kind = kind;
	st->flags = p->local.flags;
	st->runstate = p->local.runstate;
	st->options = p->local.options;
	st->joined_round = p->joined_round;
	st->nodes_hash = p->nodes_hash;
	st->reason = p->local.reason;
	st->num_held = p->num_held;
	st->held = p->num_held > 0 ? p->held : NULL;
	st->num_public = p->local.num_public;
	st->public_ips = discard_const_p(const char *, p->local.public_ips);
	if (st->num_public == 0) {
		st->public_ips = NULL;
	}
	cluster_out_send(p, &msg);
}
