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
#include "protocol/script_result.h"
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
	struct script_result r = script_result_from_wire(result);

	return script_result_word(&r);
}

/* The errno's text of a result that has one, else JSON null. */
static json_t *result_error_json(int32_t result)
{
	struct script_result r = script_result_from_wire(result);
	const char *error = script_result_error(&r);

	if (error == NULL) {
		return json_null();
	}
	return json_string(error);
}

static double timeval_seconds(const struct timeval *end,
			      const struct timeval *begin)
{
	return (double)(end->tv_sec - begin->tv_sec) +
	       (double)(end->tv_usec - begin->tv_usec) * 1.0e-6;
}

/*
 * The length of the valid UTF-8 sequence at p (at most len bytes), or 0.
 * Overlong forms, surrogates and values above U+10FFFF are invalid, as
 * for jansson.
 */
static size_t utf8_seq_len(const unsigned char *p, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80) {
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;
		hi = p[0] == 0xed ? 0x9f : 0xbf;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		lo = p[0] == 0xf0 ? 0x90 : 0x80;
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (n > len || p[1] < lo || p[1] > hi) {
		return 0;
	}
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf) {
			return 0;
		}
	}
	return n;
}

/*
 * Names and script output may hold anything but NUL; json_string()
 * refuses invalid UTF-8, so each invalid byte is shown as U+FFFD rather
 * than losing the text. NULL is "".
 */
static json_t *text_json(const char *text)
{
	json_t *s;
	char *clean;
	size_t i, n, len;

	if (text == NULL) {
		return json_string("");
	}
	s = json_string(text);
	if (s != NULL) {
		return s;
	}
	len = strlen(text);
	clean = malloc(len * 3 + 1);
	if (clean == NULL) {
		return NULL;
	}
	for (i = 0, n = 0; i < len;) {
		const unsigned char *p = (const unsigned char *)text + i;
		size_t seq = utf8_seq_len(p, len - i);

		if (seq > 0) {
			memcpy(clean + n, p, seq);
			n += seq;
			i += seq;
			continue;
		}
		memcpy(clean + n, "\xef\xbf\xbd", 3);
		n += 3;
		i++;
	}
	s = json_stringn(clean, n);
	free(clean);
	return s;
}

json_t *ctdb_json_string(const char *text)
{
	return text_json(text);
}

/* Output is null when the script wrote nothing. */
static json_t *output_json(const char *output)
{
	if (output == NULL) {
		return json_null();
	}
	return text_json(output);
}

json_t *ctdb_event_script_json(const struct ctdb_event_script *script)
{
	return json_pack("{s:o, s:s, s:I, s:o, s:o, s:o, s:f, s:o}",
			 "name", text_json(script->name),
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
	return json_pack("{s:o, s:o, s:I, s:s, s:o}", "component",
			 text_json(component), "event", text_json(event),
			 "result", (json_int_t)status->summary,
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

		ip = json_pack("{s:o, s:I, s:o, s:I}", "address",
			       text_json(info->address),
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
				 ? text_json(unhealthy_reason)
				 : json_null());
}

/* CTDB's order, which is not the order of the bits. */
static const struct {
	uint32_t flag;
	const char *name;
} node_flag_names[] = {
	{ CTDB_NODE_FLAGS_DISCONNECTED, "DISCONNECTED" },
	{ 0x00000040U, "UNKNOWN" },
	{ CTDB_NODE_FLAGS_PERMANENTLY_DISABLED, "DISABLED" },
	{ CTDB_NODE_FLAGS_BANNED, "BANNED" },
	{ CTDB_NODE_FLAGS_UNHEALTHY, "UNHEALTHY" },
	{ CTDB_NODE_FLAGS_DELETED, "DELETED" },
	{ CTDB_NODE_FLAGS_STOPPED, "STOPPED" },
	{ CTDB_NODE_FLAGS_INACTIVE, "INACTIVE" },
};

const char *ctdb_node_flags_word(uint32_t flags,
				 char buf[CTDB_NODE_FLAGS_WORD_LEN])
{
	size_t n = sizeof(node_flag_names) / sizeof(node_flag_names[0]);
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((flags & node_flag_names[i].flag) == 0) {
			continue;
		}
		if (buf[0] != '\0') {
			strcat(buf, "|");
		}
		strcat(buf, node_flag_names[i].name);
	}
	if (buf[0] == '\0') {
		strcpy(buf, "OK");
	}
	return buf;
}

json_t *ctdb_node_info_json(const struct ctdb_node_info *node,
			    uint32_t this_pnn)
{
	char word[CTDB_NODE_FLAGS_WORD_LEN];

	bool unhealthy = (node->flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;

	return json_pack("{s:I, s:o, s:I, s:s, s:b, s:o}", "pnn",
			 (json_int_t)node->pnn, "address",
			 text_json(node->address), "flags",
			 (json_int_t)node->flags, "status",
			 ctdb_node_flags_word(node->flags, word), "this",
			 node->pnn == this_pnn, "reason",
			 unhealthy && node->reason != NULL
				 ? text_json(node->reason)
				 : json_null());
}

static json_t *node_list_json(const struct ctdb_node_status *st,
			      uint32_t *deleted)
{
	json_t *nodes = json_array();
	json_t *node;
	uint32_t i;
	int ret;

	*deleted = 0;
	for (i = 0; nodes != NULL && i < st->num_nodes; i++) {
		if ((st->nodes[i].flags & CTDB_NODE_FLAGS_DELETED) != 0) {
			(*deleted)++;
			continue;
		}
		node = ctdb_node_info_json(&st->nodes[i], st->this_pnn);
		ret = json_array_append_new(nodes, node);
		if (node == NULL || ret != 0) {
			json_decref(nodes);
			return NULL;
		}
	}
	return nodes;
}

/* The leader's pnn, or null for CTDB's "no node" (Leader:UNKNOWN). */
static json_t *leader_json(uint32_t leader)
{
	if (leader == 0xffffffffU) {
		return json_null();
	}
	return json_integer((json_int_t)leader);
}

json_t *ctdb_node_status_json(const struct ctdb_node_status *st)
{
	uint32_t flags = 0;
	const char *reason = NULL;
	uint32_t deleted = 0;
	json_t *nodes;
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (st->nodes[i].pnn == st->this_pnn) {
			flags = st->nodes[i].flags;
			reason = st->nodes[i].reason;
		}
	}
	nodes = node_list_json(st, &deleted);
	if (nodes == NULL) {
		return NULL;
	}
	return json_pack("{s:I, s:o, s:I, s:I, s:o, s:s, s:o, s:o, s:o}",
			 "pnn",
			 (json_int_t)st->this_pnn, "runstate",
			 ctdb_node_runstate_json(st->runstate), "num_nodes",
			 (json_int_t)st->num_nodes, "deleted_nodes",
			 (json_int_t)deleted, "nodes", nodes, "recovery_mode",
			 st->recovery_mode == 0 ? "NORMAL" : "RECOVERY",
			 "leader", leader_json(st->leader), "health",
			 ctdb_node_health_json(flags, reason), "why_out",
			 st->why_out != NULL ? text_json(st->why_out)
					     : json_null());
}

static const char *run_result_word(int result)
{
	switch (result) {
	case 0:
		return "OK";
	case ENOEXEC:
		return "FAILED";
	case ETIMEDOUT:
		return "TIMEDOUT";
	case ECANCELED:
		return "CANCELLED";
	default:
		return "ERROR";
	}
}

json_t *ctdb_event_run_json(const char *component, const char *event,
			    int result)
{
	return json_pack("{s:o, s:o, s:i, s:s}", "component",
			 text_json(component), "event", text_json(event),
			 "result", result, "state",
			 run_result_word(result));
}

json_t *ctdb_event_script_entry_json(const char *name, bool enabled,
				     bool installed)
{
	return json_pack("{s:o, s:b, s:b}", "name", text_json(name),
			 "enabled", enabled,
			 "installed", installed);
}
