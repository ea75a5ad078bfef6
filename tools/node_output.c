/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node commands' output: CTDB 4.17's text and -X, and our JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"
#include "tools/node_tool.h"
#include "tools/node_tool_private.h"
#include "tools/tool_format.h"

/*
 * CTDB's NODE_FLAGS_UNKNOWN, its own "Unknown" column of -X output. Our
 * daemons never set it; it is printed so that the columns stay CTDB's.
 */
#define NODE_TOOL_FLAG_UNKNOWN 0x00000040U


/*
 * Flags
 */

void node_tool_print_flags(FILE *f, uint32_t flags)
{
	char word[CTDB_NODE_FLAGS_WORD_LEN];

	fputs(ctdb_node_flags_word(flags, word), f);
}

bool node_tool_node_deleted(const struct ctdb_node_info *node)
{
	return (node->flags & CTDB_NODE_FLAGS_DELETED) != 0;
}

const struct ctdb_node_info *
node_tool_this_node(const struct ctdb_node_status *st)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (st->nodes[i].pnn == st->this_pnn) {
			return &st->nodes[i];
		}
	}
	return NULL;
}

/*
 * Text
 */

static void text_node_count(FILE *f, const struct ctdb_node_status *st)
{
	uint32_t deleted = 0;
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (node_tool_node_deleted(&st->nodes[i])) {
			deleted++;
		}
	}
	if (deleted > 0) {
		fprintf(f, "Number of nodes:%u (including %u deleted nodes)\n",
			st->num_nodes, deleted);
		return;
	}
	fprintf(f, "Number of nodes:%u\n", st->num_nodes);
}

/*
 * A reason comes from a script's output (or the cluster's words): one
 * line, nothing to the tty, and no separator to break -X columns.
 */
static void print_sanitised(FILE *f, const char *text, char sep)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '\n') {
			break;
		}
		if (*p < 0x20 || *p == 0x7f || (sep != '\0' && *p == sep)) {
			fputc('?', f);
			continue;
		}
		fputc(*p, f);
	}
}

static void text_reason(FILE *f, const char *prefix, const char *reason)
{
	fputs(prefix, f);
	print_sanitised(f, reason, '\0');
	fputc('\n', f);
}

/* The reason of an UNHEALTHY node, NULL for any other. */
static const char *node_reason(const struct ctdb_node_info *node)
{
	if ((node->flags & CTDB_NODE_FLAGS_UNHEALTHY) == 0) {
		return NULL;
	}
	return node->reason;
}

/* with_reasons: status's "Reason:" line after each UNHEALTHY node. */
static void text_node_lines(FILE *f, const struct ctdb_node_status *st,
			    bool with_reasons)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		const struct ctdb_node_info *node = &st->nodes[i];
		const char *reason = node_reason(node);

		if (node_tool_node_deleted(node)) {
			continue;
		}
		fprintf(f, "pnn:%u %-16s ", node->pnn, node->address);
		node_tool_print_flags(f, node->flags);
		if (node->pnn == st->this_pnn) {
			fputs(" (THIS NODE)", f);
		}
		fputc('\n', f);
		if (with_reasons && reason != NULL) {
			text_reason(f, NODE_TOOL_REASON_PREFIX, reason);
		}
	}
}

static const char *recovery_mode_string(uint32_t mode)
{
	return mode == 0 ? "NORMAL" : "RECOVERY";
}

static int text_status(FILE *f, char sep, const struct ctdb_node_status *st)
{
	text_node_count(f, st);
	text_node_lines(f, st, true);
	if (st->why_out != NULL) {
		text_reason(f, NODE_TOOL_WHY_OUT_PREFIX, st->why_out);
	}
	fprintf(f, "Recovery mode:%s (%u)\n",
		recovery_mode_string(st->recovery_mode), st->recovery_mode);
	if (st->leader == NODE_TOOL_UNKNOWN_PNN) {
		fputs("Leader:UNKNOWN\n", f);
	} else {
		fprintf(f, "Leader:%u\n", st->leader);
	}
	return 0;
}

static int text_nodestatus(FILE *f, char sep,
			   const struct ctdb_node_status *st, bool all)
{
	if (all) {
		text_node_count(f, st);
	}
	text_node_lines(f, st, false);
	return 0;
}

static int text_ips(FILE *f, char sep, uint32_t pnn, bool all,
		    const struct ctdb_public_ip_list *ips)
{
	uint32_t i;

	if (all) {
		fputs("Public IPs on ALL nodes\n", f);
	} else {
		fprintf(f, "Public IPs on node %u\n", pnn);
	}
	for (i = 0; i < ips->num; i++) {
		fprintf(f, "%s %d\n", ips->ip[i].address, (int)ips->ip[i].pnn);
	}
	return 0;
}

static int text_runstate(FILE *f, uint32_t runstate)
{
	fprintf(f, "%s\n", ctdb_runstate_to_string(runstate));
	return 0;
}

/* CTDB prints the bare number, with -X too. */
static int text_pnn(FILE *f, uint32_t pnn)
{
	fprintf(f, "%u\n", pnn);
	return 0;
}

static int text_listnodes(FILE *f, char sep,
			  const struct ctdb_node_status *st)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (!node_tool_node_deleted(&st->nodes[i])) {
			fprintf(f, "%s\n", st->nodes[i].address);
		}
	}
	return 0;
}

/* CTDB prints the bare number, with -X too; we say when there is none. */
static int text_leader(FILE *f, uint32_t leader)
{
	if (leader == NODE_TOOL_UNKNOWN_PNN) {
		fputs("UNKNOWN\n", f);
		return 0;
	}
	fprintf(f, "%u\n", leader);
	return 0;
}

static int text_ips_verbose(FILE *f, char sep, uint32_t pnn, bool all,
			    const struct ctdb_public_ip_list *ips,
			    const struct node_ip_links *links)
{
	uint32_t i;

	if (all) {
		fprintf(f, "Public IPs on ALL nodes\n");
	} else {
		fprintf(f, "Public IPs on node %u\n", pnn);
	}
	for (i = 0; i < ips->num; i++) {
		fprintf(f, "%s node[%d] active[%s] available[%s] "
			"configured[%s]\n", ips->ip[i].address,
			(int)ips->ip[i].pnn, links[i].active,
			links[i].available, ips->ip[i].ifaces);
	}
	return 0;
}

static int text_ifaces(FILE *f, char sep, uint32_t pnn,
		       const struct node_iface *ifaces, uint32_t num)
{
	uint32_t i;

	fprintf(f, "Interfaces on node %u\n", pnn);
	for (i = 0; i < num; i++) {
		fprintf(f, "name:%s link:%s references:%u\n", ifaces[i].name,
			ifaces[i].link_up ? "up" : "down",
			ifaces[i].references);
	}
	return 0;
}

static int text_var(FILE *f, const char *name, uint32_t value)
{
	fprintf(f, "%-26s = %u\n", name, value);
	return 0;
}

static int text_vars(FILE *f, const struct ctdb_var_list *vars)
{
	uint32_t i;

	for (i = 0; i < vars->num; i++) {
		text_var(f, vars->var[i].name, vars->var[i].value);
	}
	return 0;
}

/* What CTDB prints for setvar, stop, continue and shutdown: nothing. */
static int text_set_var(FILE *f, const char *name, uint32_t value)
{
	return 0;
}

static int text_control(FILE *f, const char *command, bool changed)
{
	return 0;
}

const struct node_format node_format_text = {
	.status = text_status,
	.nodestatus = text_nodestatus,
	.ips = text_ips,
	.runstate = text_runstate,
	.pnn = text_pnn,
	.listnodes = text_listnodes,
	.leader = text_leader,
	.ifaces = text_ifaces,
	.ips_verbose = text_ips_verbose,
	.var = text_var,
	.vars = text_vars,
	.set_var = text_set_var,
	.control = text_control,
};

/*
 * Delimited (-X)
 */

static int flag_bit(uint32_t flags, uint32_t mask)
{
	return (flags & mask) != 0 ? 1 : 0;
}

/*
 * CTDB's columns; status (with_reasons) adds two after them, so that a
 * reader of CTDB's columns by position still finds them: Reason (why an
 * UNHEALTHY node is) and WhyOut (on this node's row: why it takes no
 * part in the cluster), each empty when there is none.
 */
static void delimited_reasons(FILE *f, char sep,
			      const struct ctdb_node_status *st,
			      const struct ctdb_node_info *n)
{
	const char *reason = node_reason(n);

	if (reason != NULL) {
		print_sanitised(f, reason, sep);
	}
	fputc(sep, f);
	if (n->pnn == st->this_pnn && st->why_out != NULL) {
		print_sanitised(f, st->why_out, sep);
	}
	fputc(sep, f);
}

static int delimited_nodes(FILE *f, char sep,
			   const struct ctdb_node_status *st, bool with_reasons)
{
	uint32_t i;

	fprintf(f,
		"%cNode%cIP%cDisconnected%cUnknown%cBanned%cDisabled"
		"%cUnhealthy%cStopped%cInactive%cPartiallyOnline"
		"%cThisNode%c",
		sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
	if (with_reasons) {
		fprintf(f, "Reason%cWhyOut%c", sep, sep);
	}
	fputc('\n', f);
	for (i = 0; i < st->num_nodes; i++) {
		const struct ctdb_node_info *n = &st->nodes[i];
		uint32_t fl = n->flags;

		if (node_tool_node_deleted(n)) {
			continue;
		}
		fprintf(f, "%c%u%c%s%c%d%c%d%c%d%c%d%c%d%c%d%c%d%c%d%c%c%c",
			sep, n->pnn, sep, n->address,
			sep, flag_bit(fl, CTDB_NODE_FLAGS_DISCONNECTED),
			sep, flag_bit(fl, NODE_TOOL_FLAG_UNKNOWN),
			sep, flag_bit(fl, CTDB_NODE_FLAGS_BANNED),
			sep, flag_bit(fl, CTDB_NODE_FLAGS_PERMANENTLY_DISABLED),
			sep, flag_bit(fl, CTDB_NODE_FLAGS_UNHEALTHY),
			sep, flag_bit(fl, CTDB_NODE_FLAGS_STOPPED),
			sep, flag_bit(fl, CTDB_NODE_FLAGS_INACTIVE),
			sep, 0,
			sep, n->pnn == st->this_pnn ? 'Y' : 'N', sep);
		if (with_reasons) {
			delimited_reasons(f, sep, st, n);
		}
		fputc('\n', f);
	}
	return 0;
}

static int delimited_status(FILE *f, char sep,
			    const struct ctdb_node_status *st)
{
	return delimited_nodes(f, sep, st, true);
}

static int delimited_nodestatus(FILE *f, char sep,
				const struct ctdb_node_status *st, bool all)
{
	return delimited_nodes(f, sep, st, false);
}

static int delimited_ips(FILE *f, char sep, uint32_t pnn, bool all,
			 const struct ctdb_public_ip_list *ips)
{
	uint32_t i;

	fprintf(f, "%cPublic IP%cNode%c\n", sep, sep, sep);
	for (i = 0; i < ips->num; i++) {
		fprintf(f, "%c%s%c%d%c\n", sep, ips->ip[i].address, sep,
			(int)ips->ip[i].pnn, sep);
	}
	return 0;
}

/* CTDB's -X listnodes has no header line: |pnn|address| per node. */
static int delimited_listnodes(FILE *f, char sep,
			       const struct ctdb_node_status *st)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (!node_tool_node_deleted(&st->nodes[i])) {
			fprintf(f, "%c%u%c%s%c\n", sep, st->nodes[i].pnn, sep,
				st->nodes[i].address, sep);
		}
	}
	return 0;
}

static int delimited_ips_verbose(FILE *f, char sep, uint32_t pnn, bool all,
				 const struct ctdb_public_ip_list *ips,
				 const struct node_ip_links *links)
{
	uint32_t i;

	fprintf(f, "%cPublic IP%cNode%cActiveInterfaces%cAvailableInterfaces"
		"%cConfiguredInterfaces%c\n", sep, sep, sep, sep, sep, sep);
	for (i = 0; i < ips->num; i++) {
		fprintf(f, "%c%s%c%d%c%s%c%s%c%s%c\n", sep,
			ips->ip[i].address, sep, (int)ips->ip[i].pnn, sep,
			links[i].active, sep, links[i].available, sep,
			ips->ip[i].ifaces, sep);
	}
	return 0;
}

static int delimited_ifaces(FILE *f, char sep, uint32_t pnn,
			    const struct node_iface *ifaces, uint32_t num)
{
	uint32_t i;

	fprintf(f, "%cName%cLinkStatus%cReferences%c\n", sep, sep, sep, sep);
	for (i = 0; i < num; i++) {
		fprintf(f, "%c%s%c%d%c%u%c\n", sep, ifaces[i].name, sep,
			ifaces[i].link_up ? 1 : 0, sep, ifaces[i].references,
			sep);
	}
	return 0;
}

const struct node_format node_format_delimited = {
	.status = delimited_status,
	.nodestatus = delimited_nodestatus,
	.ips = delimited_ips,
	.runstate = text_runstate,
	.pnn = text_pnn,
	.listnodes = delimited_listnodes,
	.leader = text_leader,
	.ifaces = delimited_ifaces,
	.ips_verbose = delimited_ips_verbose,
	.var = text_var,
	.vars = text_vars,
	.set_var = text_set_var,
	.control = text_control,
};

/*
 * JSON (--json)
 */

static int json_status(FILE *f, char sep, const struct ctdb_node_status *st)
{
	return tool_json_emit(f, ctdb_node_status_json(st));
}

/* {"nodes": [node...]}: the nodes the text lists, deleted ones left out. */
static int json_nodestatus(FILE *f, char sep,
			   const struct ctdb_node_status *st, bool all)
{
	json_t *nodes = json_array();
	json_t *node;
	uint32_t i;
	int ret;

	for (i = 0; nodes != NULL && i < st->num_nodes; i++) {
		if (node_tool_node_deleted(&st->nodes[i])) {
			continue;
		}
		node = ctdb_node_info_json(&st->nodes[i], st->this_pnn);
		ret = json_array_append_new(nodes, node);
		if (node == NULL || ret != 0) {
			json_decref(nodes);
			return ENOMEM;
		}
	}
	if (nodes == NULL) {
		return ENOMEM;
	}
	return tool_json_emit(f, json_pack("{s:o}", "nodes", nodes));
}

static int json_ips(FILE *f, char sep, uint32_t pnn, bool all,
		    const struct ctdb_public_ip_list *ips)
{
	return tool_json_emit(f, json_pack("{s:I, s:b, s:o}", "pnn",
				      (json_int_t)pnn, "all", all, "ips",
				      ctdb_node_ips_json(ips)));
}

static int json_runstate(FILE *f, uint32_t runstate)
{
	return tool_json_emit(f, json_pack("{s:o}", "runstate",
				      ctdb_node_runstate_json(runstate)));
}

static int json_pnn(FILE *f, uint32_t pnn)
{
	return tool_json_emit(f, json_pack("{s:I}", "pnn", (json_int_t)pnn));
}

/* {"nodes": [{"pnn": 0, "address": "10.0.0.1"}, ...]} */
static int json_listnodes(FILE *f, char sep, const struct ctdb_node_status *st)
{
	json_t *nodes = json_array();
	json_t *node;
	uint32_t i;
	int ret;

	for (i = 0; nodes != NULL && i < st->num_nodes; i++) {
		if (node_tool_node_deleted(&st->nodes[i])) {
			continue;
		}
		node = json_pack("{s:I, s:o}", "pnn",
				 (json_int_t)st->nodes[i].pnn, "address",
				 ctdb_json_string(st->nodes[i].address));
		ret = json_array_append_new(nodes, node);
		if (node == NULL || ret != 0) {
			json_decref(nodes);
			return ENOMEM;
		}
	}
	if (nodes == NULL) {
		return ENOMEM;
	}
	return tool_json_emit(f, json_pack("{s:o}", "nodes", nodes));
}

/* {"leader": 0}, or null when there is none. */
static int json_leader(FILE *f, uint32_t leader)
{
	json_t *v = (leader == NODE_TOOL_UNKNOWN_PNN)
			    ? json_null()
			    : json_integer((json_int_t)leader);

	return tool_json_emit(f, json_pack("{s:o}", "leader", v));
}

/* {"pnn": 0, "ifaces": [{"name": "eth0", "link": "up", "references": 2}]} */
/* json_ips' document, each address with "active" and "available" added. */
static int json_ips_verbose(FILE *f, char sep, uint32_t pnn, bool all,
			    const struct ctdb_public_ip_list *ips,
			    const struct node_ip_links *links)
{
	json_t *list = ctdb_node_ips_json(ips);
	json_t *ip;
	uint32_t i;
	int ret = 0;

	for (i = 0; list != NULL && i < ips->num; i++) {
		ip = json_array_get(list, i);
		ret |= json_object_set_new(ip, "active",
					   json_string(links[i].active));
		ret |= json_object_set_new(ip, "available",
					   json_string(links[i].available));
	}
	if (list == NULL || ret != 0) {
		json_decref(list);
		return ENOMEM;
	}
	return tool_json_emit(f, json_pack("{s:I, s:b, s:o}", "pnn",
				      (json_int_t)pnn, "all", all, "ips",
				      list));
}

static int json_ifaces(FILE *f, char sep, uint32_t pnn,
		       const struct node_iface *ifaces, uint32_t num)
{
	json_t *list = json_array();
	json_t *one;
	uint32_t i;
	int ret;

	for (i = 0; list != NULL && i < num; i++) {
		one = json_pack("{s:s, s:s, s:I}", "name", ifaces[i].name,
				"link", ifaces[i].link_up ? "up" : "down",
				"references", (json_int_t)ifaces[i].references);
		ret = json_array_append_new(list, one);
		if (one == NULL || ret != 0) {
			json_decref(list);
			return ENOMEM;
		}
	}
	if (list == NULL) {
		return ENOMEM;
	}
	return tool_json_emit(f, json_pack("{s:I, s:o}", "pnn",
				      (json_int_t)pnn, "ifaces", list));
}

/* {"MonitorInterval": 15}: listvars' shape, one entry. */
static int json_var(FILE *f, const char *name, uint32_t value)
{
	struct ctdb_var var = { .name = name, .value = value };
	struct ctdb_var_list vars = { .num = 1, .var = &var };

	return tool_json_emit(f, ctdb_node_vars_json(&vars));
}

static int json_vars(FILE *f, const struct ctdb_var_list *vars)
{
	return tool_json_emit(f, ctdb_node_vars_json(vars));
}

static int json_control(FILE *f, const char *command, bool changed)
{
	return tool_json_emit(f, json_pack("{s:s, s:b, s:b}", "command", command,
				      "ok", true, "changed", changed));
}

const struct node_format node_format_json = {
	.status = json_status,
	.nodestatus = json_nodestatus,
	.ips = json_ips,
	.runstate = json_runstate,
	.pnn = json_pnn,
	.listnodes = json_listnodes,
	.leader = json_leader,
	.ifaces = json_ifaces,
	.ips_verbose = json_ips_verbose,
	.var = json_var,
	.vars = json_vars,
	.set_var = json_var,
	.control = json_control,
};

/*
 * Pure helpers
 */

struct ip_key {
	int rank; /* 0 IPv4, 1 IPv6, 2 not an address */
	uint8_t addr[16];
};

static void ip_key_make(const char *address, struct ip_key *key)
{
	int ret;

	memset(key, 0, sizeof(*key));
	ret = inet_pton(AF_INET, address, key->addr);
	if (ret == 1) {
		key->rank = 0;
		return;
	}
	ret = inet_pton(AF_INET6, address, key->addr);
	if (ret == 1) {
		key->rank = 1;
		return;
	}
	key->rank = 2;
}

static int ip_info_cmp(const void *a, const void *b)
{
	const struct ctdb_public_ip_info *ia = a;
	const struct ctdb_public_ip_info *ib = b;
	struct ip_key ka;
	struct ip_key kb;
	int cmp;

	ip_key_make(ia->address, &ka);
	ip_key_make(ib->address, &kb);
	if (ka.rank != kb.rank) {
		return ka.rank - kb.rank;
	}
	if (ka.rank == 2) {
		return strcmp(ia->address, ib->address);
	}
	cmp = memcmp(ka.addr, kb.addr, sizeof(ka.addr));
	if (cmp != 0) {
		return cmp;
	}
	return strcmp(ia->address, ib->address);
}

void node_tool_sort_ips(struct ctdb_public_ip_list *ips)
{
	if (ips->num < 2) {
		return;
	}
	qsort(ips->ip, ips->num, sizeof(ips->ip[0]), ip_info_cmp);
}
