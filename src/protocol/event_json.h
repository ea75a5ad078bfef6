/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON forms of event and node protocol messages, shared by daemons and tools. */
#ifndef CTDB_PROTOCOL_EVENT_JSON_H
#define CTDB_PROTOCOL_EVENT_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "protocol/event_protocol.h"
#include "protocol/node_protocol.h"

/*
 * One shape per thing, used everywhere it appears: `ctdb --json ...`,
 * the values of `ctdb watch` keys, history entries and the event bus.
 * The functions return a new reference, or NULL on ENOMEM. Times are
 * RFC 3339 strings in UTC with microseconds ("2026-11-22T07:01:02.123456Z").
 */

/*
 * A JSON string of text, each byte that is not part of valid UTF-8 shown
 * as U+FFFD (json_string() would refuse the whole), NULL as "".
 */
json_t *ctdb_json_string(const char *text);

/*
 * Flags for every JSON text we write: jansson's default prints reals with
 * 17 significant digits, so a duration of 0.056163 s would come out as
 * 0.056162999999999998; 12 digits keep microseconds up to 10^6 s.
 */
#define CTDB_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | \
			      JSON_REAL_PRECISION(12))

/* Render tv as above into buf. @return buf. */
#define CTDB_JSON_TIME_LEN 64
const char *ctdb_json_time_format(const struct timeval *tv,
				  char buf[CTDB_JSON_TIME_LEN]);
/* @return a JSON string of tv in the format above. */
json_t *ctdb_json_time(const struct timeval *tv);

/*
 * The word `ctdb event status` prints for a wire result: "OK", "ERROR",
 * "DISABLED", "TIMEDOUT" or "CANNOT RUN" (cancelled included, as CTDB),
 * "NO DATA" for -ENOMSG: script_result_word() of the wire value.
 */
const char *ctdb_event_result_word(int32_t result);

/*
 * One script:
 *   {"name": "01.test", "state": "ERROR", "result": 1,
 *    "error": null | strerror of -result for CANNOT RUN and TIMEDOUT
 *             (script_result_error()),
 *    "begin": time, "end": time, "duration": seconds (number),
 *    "output": null | "text"}
 */
json_t *ctdb_event_script_json(const struct ctdb_event_script *script);

/*
 * One completed event, as `ctdb --json event status` prints it and as
 * the watch key event.<component>.<event> holds it:
 *   {"component": c, "event": e, "result": summary (wire int),
 *    "state": word of the summary, "scripts": [script...]}
 */
json_t *ctdb_event_status_json(const char *component, const char *event,
			       const struct ctdb_event_reply_status *status);

/* CTDB's runstate name ("RUNNING"), as a JSON string. */
json_t *ctdb_node_runstate_json(uint32_t runstate);

/* [{"address": "10.0.0.1", "bits": 24, "ifaces": ["eth0"], "pnn": 0|-1}...] */
json_t *ctdb_node_ips_json(const struct ctdb_public_ip_list *ips);

/* {"MonitorInterval": 15, ...} in the list's order. */
json_t *ctdb_node_vars_json(const struct ctdb_var_list *vars);

/*
 * Health of this node, the value of the watch key node.health:
 *   {"state": "HEALTHY" | "UNHEALTHY", "reason": null | "text"}
 */
json_t *ctdb_node_health_json(uint32_t flags, const char *unhealthy_reason);

/*
 * CTDB's flag word for a node, as `ctdb status` prints it: "OK",
 * "UNHEALTHY", "STOPPED|INACTIVE", ... in CTDB's order (not the bits').
 * 0x40 is CTDB's NODE_FLAGS_UNKNOWN, named "UNKNOWN" as there.
 * @return buf.
 */
#define CTDB_NODE_FLAGS_WORD_LEN 96
const char *ctdb_node_flags_word(uint32_t flags,
				 char buf[CTDB_NODE_FLAGS_WORD_LEN]);

/*
 * One node of a node list:
 *   {"pnn": 0, "address": "10.0.0.1", "flags": 2 (the bits),
 *    "status": ctdb_node_flags_word(flags), "this": true|false,
 *    "reason": null | why it is UNHEALTHY}
 */
json_t *ctdb_node_info_json(const struct ctdb_node_info *node,
			    uint32_t this_pnn);

/*
 * `ctdb --json status`: what `ctdb status` shows, deleted nodes left out
 * of "nodes" as there:
 *   {"pnn": this node, "runstate": "RUNNING",
 *    "num_nodes": all nodes, deleted included, "deleted_nodes": N,
 *    "nodes": [node...], "recovery_mode": "NORMAL" | "RECOVERY",
 *    "leader": pnn | null (none known),
 *    "health": ctdb_node_health_json() of this node,
 *    "why_out": null | why this node takes no part in the cluster}
 */
json_t *ctdb_node_status_json(const struct ctdb_node_status *st);

/*
 * The reply of an event run, as `ctdb --json event run` prints it:
 *   {"component": c, "event": e, "result": 0 or the positive errno of
 *    the reply, "state": "OK" | "FAILED" (ENOEXEC: a script failed) |
 *    "TIMEDOUT" | "CANCELLED" | "ERROR" (anything else)}
 */
json_t *ctdb_event_run_json(const char *component, const char *event,
			    int result);

/*
 * One entry of `ctdb --json event script list`:
 *   {"name": "01.test", "enabled": bool, "installed": bool}
 * installed: the script is one of the installed (share) scripts, and
 * enabled then means linked into the events directory; otherwise it is a
 * script of the events directory, enabled when executable.
 */
json_t *ctdb_event_script_entry_json(const char *name, bool enabled,
				     bool installed);

#endif
