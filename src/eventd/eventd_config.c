/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsing and validation of the [logging] and [event] sections. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/conf.h"
#include "common/ctdb_conf_keys.h"
#include "common/logging.h"
#include "common/path.h"
#include "eventd/eventd_config.h"
#include "eventd/event_status.h"

static bool check_debug_script(TALLOC_CTX *mem_ctx, struct eventd_config *c,
			       const char *value, char **reason)
{
	const char *base = strrchr(value, '/');
	char *check;
	struct stat st;
	int ret;

	if (value[0] == '\0') {
		*reason = talloc_asprintf(mem_ctx, "debug script: empty path");
		return false;
	}
	/* CTDB checks <etcdir>/<basename> but runs <etcdir>/<value>. */
	base = (base != NULL) ? base + 1 : value;
	check = talloc_asprintf(mem_ctx, "%s/%s", path_etcdir(), base);
	ret = stat(check, &st);
	if (ret != 0) {
		*reason = talloc_asprintf(mem_ctx,
					  "debug script %s does not exist",
					  check);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		*reason = talloc_asprintf(mem_ctx,
					  "debug script %s is not a file",
					  check);
		return false;
	}
	if ((st.st_mode & S_IXUSR) == 0) {
		*reason = talloc_asprintf(mem_ctx,
					  "debug script %s is not executable",
					  check);
		return false;
	}
	c->debug_script = value[0] == '/'
				  ? talloc_strdup(c, value)
				  : talloc_asprintf(c, "%s/%s", path_etcdir(),
						    value);
	return c->debug_script != NULL;
}

static bool event_entry(TALLOC_CTX *mem_ctx, struct eventd_config *c,
			const char *key, const char *value, char **reason)
{
	unsigned long v;
	bool ok;

	if (strcasecmp(key, "debug script") == 0) {
		return check_debug_script(mem_ctx, c, value, reason);
	}
	if (strcasecmp(key, "kill grace period") == 0) {
		ok = conf_parse_uint(value, 3600, &v);
		if (!ok) {
			*reason = talloc_asprintf(
				mem_ctx,
				"invalid kill grace period '%s' (expected "
				"seconds, 0 to 3600)",
				value);
			return false;
		}
		c->kill_grace = v;
		return true;
	}
	if (strcasecmp(key, "output limit") == 0) {
		ok = conf_parse_uint(value, 1024UL * 1024 * 1024, &v);
		if (!ok) {
			*reason = talloc_asprintf(
				mem_ctx,
				"invalid output limit '%s' (expected bytes, "
				"0 for no limit, at most 1 GiB)",
				value);
			return false;
		}
		c->output_limit = v;
		return true;
	}
	if (strcasecmp(key, "history length") == 0) {
		ok = conf_parse_uint(value, EVENT_STATUS_HISTORY_MAX, &v);
		if (!ok) {
			*reason = talloc_asprintf(
				mem_ctx,
				"invalid history length '%s' (expected runs "
				"kept per event, 0 to %u)",
				value, EVENT_STATUS_HISTORY_MAX);
			return false;
		}
		c->history_length = v;
		return true;
	}
	return true;
}

static bool eventd_config_entry(TALLOC_CTX *mem_ctx, const char *section,
				const char *key, const char *value,
				void *private_data, char **reason)
{
	struct eventd_config *c = private_data;

	if (strcasecmp(section, "logging") == 0) {
		return logging_config_entry(mem_ctx, c, &c->logging, key,
					    value, reason);
	}
	if (strcasecmp(section, "event") == 0) {
		return event_entry(mem_ctx, c, key, value, reason);
	}
	if (strcasecmp(section, "events") == 0) {
		return event_bus_config_entry(mem_ctx, c, &c->bus, key, value,
					      reason);
	}
	return true;
}

int eventd_config_load(TALLOC_CTX *mem_ctx, const char *path,
		       struct eventd_config **out, char **errmsg)
{
	struct eventd_config *c;
	struct conf_schema schema;
	int ret;

	c = talloc_zero(mem_ctx, struct eventd_config);
	if (c == NULL) {
		return ENOMEM;
	}
	ret = logging_config_defaults(c, &c->logging);
	if (ret != 0) {
		talloc_free(c);
		return ret;
	}
	c->kill_grace = EVENTD_DEFAULT_KILL_GRACE;
	c->output_limit = EVENTD_DEFAULT_OUTPUT_LIMIT;
	c->history_length = EVENTD_DEFAULT_HISTORY_LENGTH;

	schema = ctdb_conf_schema(CTDB_CONF_EVENTD);
	ret = conf_parse_file_known(c, path, &schema, &c->unknown,
				    eventd_config_entry, c, errmsg);
	if (ret != 0 && ret != ENOENT) {
		if (*errmsg != NULL) {
			*errmsg = talloc_steal(mem_ctx, *errmsg);
		}
		talloc_free(c);
		return ret;
	}
	*out = c;
	return 0;
}
