/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Link state of the public addresses' interfaces: `ctdb setifacelink`. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/logging.h"
#include "noded/noded_private.h"

/* Is iface named by any public address? */
static bool iface_configured(const struct public_ip_list *ips,
			     const char *iface)
{
	unsigned i;
	unsigned j;

	for (i = 0; ips != NULL && i < ips->num; i++) {
		for (j = 0; j < ips->ip[i].num_ifaces; j++) {
			if (strcmp(ips->ip[i].ifaces[j], iface) == 0) {
				return true;
			}
		}
	}
	return false;
}

bool iface_link_is_up(const struct noded_context *nctx, const char *iface)
{
	size_t i;
	size_t n = talloc_array_length(nctx->ifaces_down);

	for (i = 0; i < n; i++) {
		if (strcmp(nctx->ifaces_down[i], iface) == 0) {
			return false;
		}
	}
	return true;
}

/* Appends one name to the list of interfaces reported down. */
static int iface_mark_down(struct noded_context *nctx, const char *iface)
{
	size_t n = talloc_array_length(nctx->ifaces_down);
	char **down;

	down = talloc_realloc(nctx, nctx->ifaces_down, char *, n + 1);
	if (down == NULL) {
		return ENOMEM;
	}
	nctx->ifaces_down = down;
	down[n] = talloc_strdup(down, iface);
	if (down[n] == NULL) {
		nctx->ifaces_down = talloc_realloc(nctx, down, char *, n);
		return ENOMEM;
	}
	return 0;
}

static void iface_mark_up(struct noded_context *nctx, const char *iface)
{
	size_t n = talloc_array_length(nctx->ifaces_down);
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(nctx->ifaces_down[i], iface) == 0) {
			break;
		}
	}
	if (i == n) {
		return;
	}
	talloc_free(nctx->ifaces_down[i]);
	memmove(&nctx->ifaces_down[i], &nctx->ifaces_down[i + 1],
		(n - i - 1) * sizeof(char *));
	/* Shrinking never fails in talloc; an empty array stays allocated. */
	nctx->ifaces_down = talloc_realloc(nctx, nctx->ifaces_down, char *,
					   n - 1);
}

int iface_link_set(struct noded_context *nctx, const struct ctdb_var *var,
		   bool *changed)
{
	bool up;
	bool was_up;
	int ret;

	*changed = false;
	if (var == NULL || var->name == NULL || var->value > 1) {
		return EINVAL;
	}
	if (!iface_configured(nctx->ips, var->name)) {
		return ENOENT;
	}
	up = var->value == 1;
	was_up = iface_link_is_up(nctx, var->name);
	if (up == was_up) {
		return 0;
	}
	if (up) {
		iface_mark_up(nctx, var->name);
	} else {
		ret = iface_mark_down(nctx, var->name);
		if (ret != 0) {
			return ret;
		}
	}
	D_NOTICE("Interface \"%s\" link %s -> %s", var->name,
		 was_up ? "up" : "down", up ? "up" : "down");
	*changed = true;
	return 0;
}

/* Has an earlier address already listed iface? */
static bool iface_seen(const struct ctdb_var_list *links, const char *iface)
{
	uint32_t i;

	for (i = 0; i < links->num; i++) {
		if (strcmp(links->var[i].name, iface) == 0) {
			return true;
		}
	}
	return false;
}

int iface_link_list(TALLOC_CTX *mem_ctx, const struct noded_context *nctx,
		    struct ctdb_var_list **out)
{
	const struct public_ip_list *ips = nctx->ips;
	struct ctdb_var_list *links;
	unsigned max = 0;
	unsigned i;
	unsigned j;

	for (i = 0; ips != NULL && i < ips->num; i++) {
		max += ips->ip[i].num_ifaces;
	}
	links = talloc_zero(mem_ctx, struct ctdb_var_list);
	if (links == NULL) {
		return ENOMEM;
	}
	links->var = talloc_zero_array(links, struct ctdb_var, max);
	if (max > 0 && links->var == NULL) {
		talloc_free(links);
		return ENOMEM;
	}
	for (i = 0; ips != NULL && i < ips->num; i++) {
		for (j = 0; j < ips->ip[i].num_ifaces; j++) {
			const char *iface = ips->ip[i].ifaces[j];

			if (iface_seen(links, iface)) {
				continue;
			}
			links->var[links->num].name = iface;
			links->var[links->num].value =
				iface_link_is_up(nctx, iface) ? 1 : 0;
			links->num++;
		}
	}
	*out = links;
	return 0;
}
