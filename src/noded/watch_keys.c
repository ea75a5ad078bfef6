/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node.* watch keys, kept in step with node_state as its observer. */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "common/logging.h"
#include "noded/noded_private.h"
#include "protocol/event_json.h"

struct watch_keys {
	struct noded_context *nctx;
};

static void keys_set(struct watch_keys *wk, const char *key, json_t *value)
{
	int ret = ENOMEM;

	if (value != NULL) {
		ret = keyspace_set(wk->nctx->ks, key, value);
		json_decref(value);
	}
	if (ret != 0) {
		D_ERR("watch: failed to set %s: %s", key, strerror(ret));
	}
}

/*
 * node.health: {"state": WORD, "reason": ...}. The state is the node's
 * real one (STOPPED, INACTIVE, DISCONNECTED, BANNED, UNHEALTHY, HEALTHY),
 * not only the UNHEALTHY flag; the reason is the unhealthy reason while
 * the node is UNHEALTHY, whatever else it is.
 */
static json_t *health_json(const struct node_state *ns)
{
	const char *reason = node_state_reason(ns);

	return json_pack("{s:s, s:o}", "state",
			 node_state_name(node_state_flags(ns)), "reason",
			 reason != NULL ? ctdb_json_string(reason)
					: json_null());
}

static void keys_set_ips(struct watch_keys *wk)
{
	struct ctdb_public_ip_list *ips = NULL;
	int ret;

	ret = node_info_ips(wk, wk->nctx, &ips);
	keys_set(wk, "node.ips", ret == 0 ? ctdb_node_ips_json(ips) : NULL);
	talloc_free(ips);
}

static void keys_set_tunables(struct watch_keys *wk)
{
	struct ctdb_var_list *vars = NULL;
	int ret;

	ret = node_info_vars(wk, wk->nctx, &vars);
	keys_set(wk, "node.tunables",
		 ret == 0 ? ctdb_node_vars_json(vars) : NULL);
	talloc_free(vars);
}

static void keys_set_state(struct watch_keys *wk)
{
	const struct node_state *ns = wk->nctx->state;

	keys_set(wk, "node.runstate",
		 ctdb_node_runstate_json(node_state_runstate(ns)));
	keys_set(wk, "node.health", health_json(ns));
}

struct watch_keys *watch_keys_new(TALLOC_CTX *mem_ctx,
				  struct noded_context *nctx)
{
	struct watch_keys *wk;

	wk = talloc_zero(mem_ctx, struct watch_keys);
	if (wk == NULL) {
		return NULL;
	}
	wk->nctx = nctx;
	keys_set_state(wk);
	keys_set_ips(wk);
	keys_set_tunables(wk);
	return wk;
}

void watch_keys_observer(const struct node_state_change *c,
			 void *private_data)
{
	struct watch_keys *wk = talloc_get_type_abort(private_data,
						      struct watch_keys);

	switch (c->what) {
	case NODE_STATE_RUNSTATE:
	case NODE_STATE_FLAGS:
	case NODE_STATE_REASON:
		keys_set_state(wk);
		break;
	case NODE_STATE_IP:
		keys_set_ips(wk);
		break;
	case NODE_STATE_TUNABLES:
		keys_set_tunables(wk);
		break;
	case NODE_STATE_ANNOUNCE:
	case NODE_STATE_EXIT:
		break;
	}
}
