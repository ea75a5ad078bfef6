/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON forms of event and node protocol messages, shared by daemons and tools. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"

const char *ctdb_json_time_format(const struct timeval *tv,
				  char buf[CTDB_JSON_TIME_LEN])
{
	struct tm tm;
	time_t secs = tv->tv_sec;
	long usec = (long)tv->tv_usec;
	struct tm *ok;

	if (usec < 0 || usec > 999999) {
		usec = 0;
	}
	ok = gmtime_r(&secs, &tm);
	if (ok == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	snprintf(buf, CTDB_JSON_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, usec);
	return buf;
}

json_t *ctdb_json_time(const struct timeval *tv)
{
	char buf[CTDB_JSON_TIME_LEN];

	return json_string(ctdb_json_time_format(tv, buf));
}

const char *ctdb_event_result_word(int32_t result)
{
	if (result == 0) {
		return "OK";
	}
	if (result > 0) {
		return "ERROR";
	}
	if (result == -ENOEXEC) {
		return "DISABLED";
	}
	if (result == -ETIMEDOUT) {
		return "TIMEDOUT";
	}
	return "CANNOT RUN";
}

/* strerror() of -result, without overflowing on INT32_MIN. */
static json_t *result_error_json(int32_t result)
{
	int64_t err = -(int64_t)result;

	if (result >= 0 || result == -ENOEXEC) {
		return json_null();
	}
	if (err > INT_MAX) {
		err = INT_MAX;
	}
	return json_string(strerror((int)err));
}

static double timeval_seconds(const struct timeval *end,
			      const struct timeval *begin)
{
	return (double)(end->tv_sec - begin->tv_sec) +
	       (double)(end->tv_usec - begin->tv_usec) * 1.0e-6;
}

/*
 * Script output may hold anything but NUL; json_string() refuses invalid
 * UTF-8, so such bytes are shown as U+FFFD rather than losing the text.
 */
static json_t *output_json(const char *output)
{
	json_t *s;
	char *clean;
	size_t i, n, len;

	if (output == NULL) {
		return json_null();
	}
	s = json_string(output);
	if (s != NULL) {
		return s;
	}
	len = strlen(output);
	clean = malloc(len * 3 + 1);
	if (clean == NULL) {
		return NULL;
	}
	for (i = 0, n = 0; i < len; i++) {
		unsigned char c = (unsigned char)output[i];

		if (c < 0x80) {
			clean[n++] = (char)c;
			continue;
		}
		memcpy(clean + n, "\xef\xbf\xbd", 3);
		n += 3;
	}
	s = json_stringn(clean, n);
	free(clean);
	return s;
}

json_t *ctdb_event_script_json(const struct ctdb_event_script *script)
{
	return json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:f, s:o}",
			 "name", script->name == NULL ? "" : script->name,
			 "state", ctdb_event_result_word(script->result),
			 "result", (json_int_t)script->result,
			 "error", result_error_json(script->result),
			 "begin", ctdb_json_time(&script->begin),
			 "end", ctdb_json_time(&script->end),
			 "duration",
			 timeval_seconds(&script->end, &script->begin),
			 "output", output_json(script->output));
}

json_t *ctdb_event_status_json(const char *component, const char *event,
			       const struct ctdb_event_reply_status *status)
{
	const struct ctdb_event_script_list *list = status->script_list;
	json_t *scripts = json_array();
	json_t *script;
	int32_t i;
	int ret;

	if (scripts == NULL) {
		return NULL;
	}
	for (i = 0; list != NULL && i < list->num_scripts; i++) {
		script = ctdb_event_script_json(&list->script[i]);
		ret = json_array_append_new(scripts, script);
		if (script == NULL || ret != 0) {
			json_decref(scripts);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:i, s:s, s:o}", "component", component,
			 "event", event, "result", (json_int_t)status->summary,
			 "state", ctdb_event_result_word(status->summary),
			 "scripts", scripts);
}

json_t *ctdb_node_runstate_json(uint32_t runstate)
{
	return json_string(ctdb_runstate_to_string(runstate));
}

/* "eth0,eth1" as ["eth0", "eth1"]. */
static json_t *ifaces_json(const char *ifaces)
{
	json_t *list = json_array();
	const char *p = ifaces == NULL ? "" : ifaces;
	const char *comma;
	size_t len;
	int ret;

	while (list != NULL && *p != '\0') {
		comma = strchr(p, ',');
		len = comma == NULL ? strlen(p) : (size_t)(comma - p);
		if (len > 0) {
			ret = json_array_append_new(list, json_stringn(p, len));
			if (ret != 0) {
				json_decref(list);
				return NULL;
			}
		}
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	return list;
}

json_t *ctdb_node_ips_json(const struct ctdb_public_ip_list *ips)
{
	json_t *list = json_array();
	json_t *ip;
	uint32_t i;
	int ret;

	for (i = 0; list != NULL && ips != NULL && i < ips->num; i++) {
		const struct ctdb_public_ip_info *info = &ips->ip[i];

		ip = json_pack("{s:s, s:i, s:o, s:i}", "address",
			       info->address == NULL ? "" : info->address,
			       "bits", (json_int_t)info->bits, "ifaces",
			       ifaces_json(info->ifaces), "pnn",
			       (json_int_t)info->pnn);
		ret = json_array_append_new(list, ip);
		if (ip == NULL || ret != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

json_t *ctdb_node_vars_json(const struct ctdb_var_list *vars)
{
	json_t *obj = json_object();
	uint32_t i;
	int ret;

	for (i = 0; obj != NULL && vars != NULL && i < vars->num; i++) {
		ret = json_object_set_new(obj, vars->var[i].name,
					  json_integer(vars->var[i].value));
		if (ret != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

json_t *ctdb_node_health_json(uint32_t flags, const char *unhealthy_reason)
{
	bool unhealthy = (flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;

	return json_pack("{s:s, s:o}", "state",
			 unhealthy ? "UNHEALTHY" : "HEALTHY", "reason",
			 unhealthy && unhealthy_reason != NULL
				 ? json_string(unhealthy_reason)
				 : json_null());
}
