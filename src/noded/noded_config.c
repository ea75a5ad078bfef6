/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded configuration: ctdb.conf, ctdb.tunables and public_addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/ctdb_conf_keys.h"
#include "common/logging.h"
#include "common/line_file.h"
#include "common/path.h"
#include "noded/noded_private.h"

#define NODED_DEFAULT_CLUSTER_BACKEND "local"
#define NODED_DEFAULT_NODE_ADDRESS "127.0.0.1"
#define NODED_DEFAULT_CPG_GROUP "ctdb-noded"

static bool address_valid(const char *value)
{
	struct in6_addr addr6;
	struct in_addr addr4;
	int ret;

	ret = inet_pton(AF_INET, value, &addr4);
	if (ret == 1) {
		return true;
	}
	ret = inet_pton(AF_INET6, value, &addr6);
	return ret == 1;
}

/* The corosync backend exists only when configure found its libraries. */
static bool backend_entry(TALLOC_CTX *mem_ctx, struct noded_config *c,
			  const char *value, char **reason)
{
	bool corosync = (strcmp(value, "corosync") == 0);
	bool local = (strcmp(value, "local") == 0);

	if (!local && !corosync) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid cluster backend '%s' "
					  "(expected local or corosync)",
					  value);
		return false;
	}
#ifndef HAVE_COROSYNC
	if (corosync) {
		*reason = talloc_strdup(mem_ctx,
					"cluster backend 'corosync' is not "
					"available: ctdb-noded was built "
					"without corosync support");
		return false;
	}
#endif
	talloc_free(c->cluster_backend);
	c->cluster_backend = talloc_strdup(c, value);
	return c->cluster_backend != NULL;
}

static bool node_address_entry(TALLOC_CTX *mem_ctx, struct noded_config *c,
			       const char *value, char **reason)
{
	bool ok = address_valid(value);

	if (!ok) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid node address '%s' (expected "
					  "an IPv4 or IPv6 address)",
					  value);
		return false;
	}
	talloc_free(c->node_address);
	c->node_address = talloc_strdup(c, value);
	return c->node_address != NULL;
}

/* "cpg group" is checked here too, so that -n finds a bad one. */
static bool cluster_entry(TALLOC_CTX *mem_ctx, struct noded_config *c,
			  const char *key, const char *value, char **reason)
{
	if (strcasecmp(key, "backend") == 0) {
		return backend_entry(mem_ctx, c, value, reason);
	}
	if (strcasecmp(key, "node address") == 0) {
		return node_address_entry(mem_ctx, c, value, reason);
	}
	if (strcasecmp(key, "cpg group") == 0) {
		size_t len = strlen(value);

		/* CPG_MAX_NAME_LENGTH is 128 with the NUL. */
		if (len == 0 || len > 127) {
			*reason = talloc_asprintf(mem_ctx,
						  "invalid cpg group '%s' (1 "
						  "to 127 characters)",
						  value);
			return false;
		}
		talloc_free(c->cpg_group);
		c->cpg_group = talloc_strdup(c, value);
		return c->cpg_group != NULL;
	}
	return true;
}

/* Only this daemon's keys of ctdb.conf come here (see ctdb_conf_keys.c). */
static bool noded_conf_entry(TALLOC_CTX *mem_ctx, const char *section,
			     const char *key, const char *value,
			     void *private_data, char **reason)
{
	struct noded_config *c = private_data;

	if (strcasecmp(section, "logging") == 0) {
		return logging_config_entry(mem_ctx, c, &c->logging, key,
					    value, reason);
	}
	if (strcasecmp(section, "cluster") == 0) {
		return cluster_entry(mem_ctx, c, key, value, reason);
	}
	if (strcasecmp(section, "events") == 0) {
		return event_bus_config_entry(mem_ctx, c, &c->bus, key, value,
					      reason);
	}
	return true;
}

/* ---------- the nodes file (CTDB's format), for the corosync backend ---------- */

/*
 * One address per line; the pnn counts the lines that are not blank,
 * as CTDB does. A line starting with '#' keeps its pnn and marks that
 * node deleted.
 */
static int nodes_line(TALLOC_CTX *mem_ctx, char *line, unsigned lineno,
		      void *private_data, char **reason)
{
	struct noded_config *c = private_data;
	const char **nodes;
	const char *address = NULL;
	uint32_t i;

	(void)lineno;
	if (line[0] != '#') {
		if (!address_valid(line)) {
			*reason = talloc_asprintf(mem_ctx,
						  "invalid node address '%s' "
						  "(expected an IPv4 or IPv6 "
						  "address)",
						  line);
			return EINVAL;
		}
		for (i = 0; i < c->num_nodes; i++) {
			if (c->nodes[i] != NULL &&
			    strcmp(c->nodes[i], line) == 0) {
				*reason = talloc_asprintf(
					mem_ctx,
					"duplicate node address '%s' "
					"(already pnn %u)",
					line, (unsigned)i);
				return EINVAL;
			}
		}
		address = talloc_strdup(c, line);
		if (address == NULL) {
			return ENOMEM;
		}
	}
	nodes = talloc_realloc(c, c->nodes, const char *, c->num_nodes + 1);
	if (nodes == NULL) {
		return ENOMEM;
	}
	c->nodes = nodes;
	c->nodes[c->num_nodes] = address;
	c->num_nodes += 1;
	return 0;
}

/* Which line of nodes is this node; every error is one sentence. */
static int nodes_find_this(TALLOC_CTX *mem_ctx, struct noded_config *c,
			   char **errmsg)
{
	uint32_t i;

	for (i = 0; i < c->num_nodes; i++) {
		if (c->nodes[i] != NULL &&
		    strcmp(c->nodes[i], c->node_address) == 0) {
			c->this_pnn = i;
			return 0;
		}
	}
	*errmsg = talloc_asprintf(mem_ctx,
				  "%s: node address '%s' ([cluster] in %s) is "
				  "not a node of this file",
				  c->nodes_path, c->node_address,
				  c->conf_path);
	return EINVAL;
}

static int nodes_load(TALLOC_CTX *mem_ctx, struct noded_config *c,
		      char **errmsg)
{
	int ret;

	ret = line_file_parse(mem_ctx, c->nodes_path, "", nodes_line, c,
			      errmsg);
	if (ret == ENOENT) {
		*errmsg = talloc_asprintf(mem_ctx,
					  "%s: missing: the corosync backend "
					  "needs the list of nodes",
					  c->nodes_path);
		return ret;
	}
	if (ret != 0) {
		return ret;
	}
	if (c->num_nodes == 0) {
		*errmsg = talloc_asprintf(mem_ctx, "%s: lists no node",
					  c->nodes_path);
		return EINVAL;
	}
	return nodes_find_this(mem_ctx, c, errmsg);
}

struct config_errors {
	bool failed; /* even if no line could be allocated */
	char **lines;
	unsigned num;
};

static void config_error(TALLOC_CTX *mem_ctx, struct config_errors *e,
			 const char *path, int ret, char *errmsg)
{
	char **lines;
	char *line = errmsg;

	e->failed = true;
	if (line == NULL) {
		line = talloc_asprintf(mem_ctx, "%s: %s", path, strerror(ret));
	}
	if (line == NULL) {
		return;
	}
	lines = talloc_realloc(mem_ctx, e->lines, char *, e->num + 1);
	if (lines == NULL) {
		return;
	}
	e->lines = lines;
	e->lines[e->num] = talloc_steal(lines, line);
	e->num += 1;
}

/* With a broken ctdb.conf, its unknown keys are problems to report too. */
static void unknown_errors(TALLOC_CTX *mem_ctx, struct config_errors *e,
			   const char *path, const struct conf_unknown *unknown)
{
	unsigned i;

	for (i = 0; i < unknown->num; i++) {
		char *line = talloc_strdup(mem_ctx, unknown->lines[i]);

		config_error(mem_ctx, e, path, ENOMEM, line);
	}
}

static struct noded_config *config_new(TALLOC_CTX *mem_ctx)
{
	struct noded_config *c;
	int ret;

	c = talloc_zero(mem_ctx, struct noded_config);
	if (c == NULL) {
		return NULL;
	}
	c->conf_path = path_etc_file(c, "ctdb.conf");
	c->tunables_path = path_etc_file(c, "ctdb.tunables");
	c->ips_path = path_etc_file(c, "public_addresses");
	c->nodes_path = path_etc_file(c, "nodes");
	c->cluster_backend = talloc_strdup(c, NODED_DEFAULT_CLUSTER_BACKEND);
	c->node_address = talloc_strdup(c, NODED_DEFAULT_NODE_ADDRESS);
	c->cpg_group = talloc_strdup(c, NODED_DEFAULT_CPG_GROUP);
	tunables_set_defaults(&c->tunables);
	ret = logging_config_defaults(c, &c->logging);
	if (c->conf_path == NULL || c->tunables_path == NULL ||
	    c->ips_path == NULL || c->nodes_path == NULL || ret != 0 || c->cluster_backend == NULL ||
	    c->node_address == NULL || c->cpg_group == NULL) {
		talloc_free(c);
		return NULL;
	}
	return c;
}

int noded_config_load(TALLOC_CTX *mem_ctx, struct noded_config **out,
		      char ***errors, unsigned *num_errors)
{
	struct config_errors e = { .failed = false };
	struct noded_config *c;
	struct conf_schema schema;
	char *errmsg = NULL;
	int ret;

	c = config_new(mem_ctx);
	if (c == NULL) {
		return ENOMEM;
	}

	schema = ctdb_conf_schema(CTDB_CONF_NODED);
	ret = conf_parse_file_known(c, c->conf_path, &schema, &c->unknown,
				    noded_conf_entry, c, &errmsg);
	if (ret != 0 && ret != ENOENT) {
		unknown_errors(mem_ctx, &e, c->conf_path, &c->unknown);
		config_error(mem_ctx, &e, c->conf_path, ret, errmsg);
	}
	errmsg = NULL;
	ret = tunables_load_file(c, c->tunables_path, &c->tunables, &errmsg);
	if (ret != 0) {
		config_error(mem_ctx, &e, c->tunables_path, ret, errmsg);
	}
	errmsg = NULL;
	ret = public_ips_load(c, c->ips_path, &c->ips, &errmsg);
	if (ret != 0) {
		config_error(mem_ctx, &e, c->ips_path, ret, errmsg);
	}
	errmsg = NULL;
	if (strcmp(c->cluster_backend, "corosync") == 0) {
		ret = nodes_load(c, c, &errmsg);
		if (ret != 0) {
			config_error(mem_ctx, &e, c->nodes_path, ret, errmsg);
		}
	}

	if (e.failed) {
		talloc_free(c);
		*errors = e.lines;
		*num_errors = e.num;
		return EINVAL;
	}
	talloc_free(e.lines);
	*out = c;
	return 0;
}
