/* SPDX-License-Identifier: GPL-3.0-or-later */
/* This node's state as the wire shows it: STATUS, IPS and LISTVARS. */
#include <errno.h>

#include "noded/noded_private.h"

int node_info_status(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		     struct ctdb_node_status **out)
{
	struct ctdb_node_status *status;
	int this_index = cluster_this_index(nctx->cluster);
	unsigned num = cluster_num_nodes(nctx->cluster);
	unsigned i;

	status = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (status == NULL) {
		return ENOMEM;
	}
	status->nodes = talloc_zero_array(status, struct ctdb_node_info,
					  num + 1);
	if (status->nodes == NULL) {
		talloc_free(status);
		return ENOMEM;
	}
	status->this_pnn = cluster_this_pnn(nctx->cluster);
	status->runstate = node_state_runstate(nctx->state);
	status->recovery_mode = 0;
	status->leader = cluster_leader(nctx->cluster);
	status->num_nodes = num;
	for (i = 0; i < num; i++) {
		const struct cluster_node *node = cluster_node(nctx->cluster,
							       i);

		status->nodes[i].pnn = node->pnn;
		status->nodes[i].flags = node->flags;
		status->nodes[i].address = node->address;
		status->nodes[i].reason = node->reason;
		if ((int)i == this_index) {
			status->nodes[i].flags = node_state_flags(nctx->state);
			status->nodes[i].reason =
				node_state_reason(nctx->state);
		}
		/* Only an UNHEALTHY node has one. */
		if ((status->nodes[i].flags & CTDB_NODE_FLAGS_UNHEALTHY) ==
		    0) {
			status->nodes[i].reason = NULL;
		}
	}
	status->why_out = cluster_why_out(nctx->cluster);
	*out = status;
	return 0;
}

int node_info_metrics(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		      char **out)
{
	struct ctdb_node_status *st = NULL;
	int ret;

	ret = node_info_status(mem_ctx, nctx, &st);
	if (ret != 0) {
		return ret;
	}
	ret = noded_metrics_render(mem_ctx, nctx->metrics, st,
				   cluster_quorate(nctx->cluster), out);
	talloc_free(st);
	return ret;
}

int node_info_ips(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		  struct ctdb_public_ip_list **out)
{
	struct ctdb_public_ip_list *list;
	int32_t this_pnn = (int32_t)cluster_this_pnn(nctx->cluster);
	unsigned i;
	unsigned j;

	list = talloc_zero(mem_ctx, struct ctdb_public_ip_list);
	if (list == NULL) {
		return ENOMEM;
	}
	list->ip = talloc_zero_array(list, struct ctdb_public_ip_info,
				     nctx->ips->num + 1);
	if (list->ip == NULL) {
		talloc_free(list);
		return ENOMEM;
	}
	list->num = nctx->ips->num;
	for (i = 0; i < nctx->ips->num; i++) {
		const struct public_ip *ip = &nctx->ips->ip[i];
		char *ifaces = talloc_strdup(list, ip->ifaces[0]);

		for (j = 1; j < ip->num_ifaces && ifaces != NULL; j++) {
			ifaces = talloc_asprintf_append(ifaces, ",%s",
							ip->ifaces[j]);
		}
		if (ifaces == NULL) {
			talloc_free(list);
			return ENOMEM;
		}
		list->ip[i].address = ip->address;
		list->ip[i].bits = ip->bits;
		list->ip[i].ifaces = ifaces;
		list->ip[i].pnn =
			node_state_ip_is_held(nctx->state, i) ? this_pnn
							      : -1;
#ifdef HAVE_COROSYNC
		/* Every node's addresses, as the cluster allocated them. */
		if (nctx->corosync != NULL) {
			list->ip[i].pnn = noded_cluster_ip_pnn(
				nctx->corosync, ip->address, list->ip[i].pnn);
		}
#endif
	}
	*out = list;
	return 0;
}

int node_info_vars(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		   struct ctdb_var_list **out)
{
	struct ctdb_var_list *list;
	unsigned i;

	list = talloc_zero(mem_ctx, struct ctdb_var_list);
	if (list == NULL) {
		return ENOMEM;
	}
	list->var = talloc_zero_array(list, struct ctdb_var, TUNABLE_COUNT);
	if (list->var == NULL) {
		talloc_free(list);
		return ENOMEM;
	}
	list->num = TUNABLE_COUNT;
	for (i = 0; i < TUNABLE_COUNT; i++) {
		list->var[i].name = tunable_table[i].name;
		list->var[i].value = nctx->tunables.value[tunable_table[i].id];
	}
	*out = list;
	return 0;
}
