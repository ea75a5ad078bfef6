/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded configuration: ctdb.conf, ctdb.tunables and public_addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/logging.h"
#include "common/path.h"
#include "noded/noded_private.h"

#define NODED_DEFAULT_NODE_ADDRESS "127.0.0.1"

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

/* [logging]: the same keys and checks as the event daemon's. */
static bool logging_entry(TALLOC_CTX *mem_ctx, struct noded_config *c,
			  const char *key, const char *value, char **reason)
{
	bool ok;

	if (strcasecmp(key, "location") == 0) {
		ok = logging_location_valid(value);
		if (!ok) {
			*reason = talloc_asprintf(
				mem_ctx,
				"invalid log location '%s' (expected "
				"file:PATH, file: or syslog)",
				value);
			return false;
		}
		c->log_location = talloc_strdup(c, value);
		return c->log_location != NULL;
	}
	if (strcasecmp(key, "log level") == 0) {
		ok = debug_level_parse(value, &c->log_level);
		if (!ok) {
			*reason = talloc_asprintf(
				mem_ctx,
				"invalid log level '%s' (expected ERROR, "
				"WARNING, NOTICE, INFO or DEBUG)",
				value);
		}
		return ok;
	}
	return true;
}

static bool cluster_entry(TALLOC_CTX *mem_ctx, struct noded_config *c,
			  const char *key, const char *value, char **reason)
{
	bool ok;

	if (strcasecmp(key, "node address") != 0) {
		return true;
	}
	ok = address_valid(value);
	if (!ok) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid node address '%s' (expected "
					  "an IPv4 or IPv6 address)",
					  value);
		return false;
	}
	c->node_address = talloc_strdup(c, value);
	return c->node_address != NULL;
}

/* Unknown sections and keys belong to other daemons: ignored, as CTDB. */
static bool noded_conf_entry(TALLOC_CTX *mem_ctx, const char *section,
			     const char *key, const char *value,
			     void *private_data, char **reason)
{
	struct noded_config *c = private_data;

	if (strcasecmp(section, "logging") == 0) {
		return logging_entry(mem_ctx, c, key, value, reason);
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

static struct noded_config *config_new(TALLOC_CTX *mem_ctx)
{
	struct noded_config *c;

	c = talloc_zero(mem_ctx, struct noded_config);
	if (c == NULL) {
		return NULL;
	}
	c->conf_path = path_etc_file(c, "ctdb.conf");
	c->tunables_path = path_etc_file(c, "ctdb.tunables");
	c->ips_path = path_etc_file(c, "public_addresses");
	c->log_location = talloc_strdup(c, "file:" CTDB_LOGDIR "/log.ctdb");
	c->node_address = talloc_strdup(c, NODED_DEFAULT_NODE_ADDRESS);
	c->log_level = DEBUG_NOTICE;
	tunables_set_defaults(&c->tunables);
	if (c->conf_path == NULL || c->tunables_path == NULL ||
	    c->ips_path == NULL || c->log_location == NULL ||
	    c->node_address == NULL) {
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
	char *errmsg = NULL;
	int ret;

	c = config_new(mem_ctx);
	if (c == NULL) {
		return ENOMEM;
	}

	ret = conf_parse_file(c, c->conf_path, noded_conf_entry, c, &errmsg);
	if (ret != 0 && ret != ENOENT) {
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
