/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ctdb node commands: CTDB 4.17's output over the noded socket. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <tevent.h>

#include "client/node_client.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"
#include "tools/node_tool.h"

/*
 * Where we differ from CTDB 4.17 (tests/unit/fixtures/ctdb-4.17-*.txt),
 * each on purpose:
 *  - status prints no "Generation:", "Size:" and "hash:" lines: they
 *    describe CTDB's database map, which the node daemon does not have,
 *    and inventing values would mislead. -X status is CTDB's exactly.
 *  - status of an UNHEALTHY node adds "Reason: ..." after the node list
 *    (design section 6).
 *  - stop returns once the node has stopped. On a single node CTDB's never
 *    returns: it waits for an IP reallocation that a node with no active
 *    peer never gets.
 *  - ip all on a stopped node lists the IPs; CTDB's fails silently with
 *    exit 1 when no node is active.
 *  - setvar takes only a whole number that fits a u32 ("5s", "-1" and
 *    values above 4294967295 are refused; CTDB's parser is laxer), and
 *    says why on stderr besides CTDB's exit 22. The daemon checks the
 *    tunable's range (CTDB does not): out of range is a message on
 *    stderr and exit 1, like every other refused control.
 *  - cannot connect adds the errno's text to CTDB's first line.
 *  - PartiallyOnline is always 0: the daemon reports no interface state.
 */

/* CTDB's "no node" pnn, as the leader of a cluster that has none. */
#define NODE_TOOL_UNKNOWN_PNN 0xffffffffU

/*
 * CTDB's NODE_FLAGS_UNKNOWN, its own "Unknown" column of -X output. Our
 * daemons never set it; it is printed so that the columns stay CTDB's.
 */
#define NODE_TOOL_FLAG_UNKNOWN 0x00000040U

/* CTDB's default -t: how long a control may take. */
#define NODE_TOOL_TIMEOUT 10
/* stop and continue wait for the node to get there: IPs, events. */
#define NODE_TOOL_CONTROL_TIMEOUT 120

/*
 * Flags
 */

void node_tool_print_flags(FILE *f, uint32_t flags)
{
	char word[CTDB_NODE_FLAGS_WORD_LEN];

	fputs(ctdb_node_flags_word(flags, word), f);
}

static bool node_is_deleted(const struct ctdb_node_info *node)
{
	return (node->flags & CTDB_NODE_FLAGS_DELETED) != 0;
}

static const struct ctdb_node_info *
this_node(const struct ctdb_node_status *st)
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
		if (node_is_deleted(&st->nodes[i])) {
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

static void text_node_lines(FILE *f, const struct ctdb_node_status *st)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		const struct ctdb_node_info *node = &st->nodes[i];

		if (node_is_deleted(node)) {
			continue;
		}
		fprintf(f, "pnn:%u %-16s ", node->pnn, node->address);
		node_tool_print_flags(f, node->flags);
		if (node->pnn == st->this_pnn) {
			fputs(" (THIS NODE)", f);
		}
		fputc('\n', f);
	}
}

/* The reason comes from a script's output: one line, nothing to the tty. */
static void text_reason(FILE *f, const char *reason)
{
	const unsigned char *p;

	fputs(NODE_TOOL_REASON_PREFIX, f);
	for (p = (const unsigned char *)reason; *p != '\0'; p++) {
		if (*p == '\n') {
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fputc('?', f);
			continue;
		}
		fputc(*p, f);
	}
	fputc('\n', f);
}

static const char *recovery_mode_string(uint32_t mode)
{
	return mode == 0 ? "NORMAL" : "RECOVERY";
}

static int text_status(FILE *f, char sep, const struct ctdb_node_status *st)
{
	const struct ctdb_node_info *me = this_node(st);
	bool unhealthy;

	text_node_count(f, st);
	text_node_lines(f, st);
	unhealthy = me != NULL &&
		    (me->flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;
	if (unhealthy && st->unhealthy_reason != NULL) {
		text_reason(f, st->unhealthy_reason);
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
	text_node_lines(f, st);
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

static int delimited_nodes(FILE *f, char sep,
			   const struct ctdb_node_status *st)
{
	uint32_t i;

	fprintf(f,
		"%cNode%cIP%cDisconnected%cUnknown%cBanned%cDisabled"
		"%cUnhealthy%cStopped%cInactive%cPartiallyOnline"
		"%cThisNode%c\n",
		sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep, sep);
	for (i = 0; i < st->num_nodes; i++) {
		const struct ctdb_node_info *n = &st->nodes[i];
		uint32_t fl = n->flags;

		if (node_is_deleted(n)) {
			continue;
		}
		fprintf(f, "%c%u%c%s%c%d%c%d%c%d%c%d%c%d%c%d%c%d%c%d%c%c%c\n",
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
	}
	return 0;
}

static int delimited_status(FILE *f, char sep,
			    const struct ctdb_node_status *st)
{
	return delimited_nodes(f, sep, st);
}

static int delimited_nodestatus(FILE *f, char sep,
				const struct ctdb_node_status *st, bool all)
{
	return delimited_nodes(f, sep, st);
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

const struct node_format node_format_delimited = {
	.status = delimited_status,
	.nodestatus = delimited_nodestatus,
	.ips = delimited_ips,
	.runstate = text_runstate,
	.var = text_var,
	.vars = text_vars,
	.set_var = text_set_var,
	.control = text_control,
};

/*
 * JSON (--json)
 */

/*
 * One compact document and a newline; takes the reference.
 * @return 0, or ENOMEM when j could not be built or written.
 */
static int json_emit(FILE *f, json_t *j)
{
	int ret;

	if (j == NULL) {
		return ENOMEM;
	}
	ret = json_dumpf(j, f, CTDB_JSON_DUMP_FLAGS);
	json_decref(j);
	if (ret != 0) {
		return ENOMEM;
	}
	fputc('\n', f);
	return 0;
}

static int json_status(FILE *f, char sep, const struct ctdb_node_status *st)
{
	return json_emit(f, ctdb_node_status_json(st));
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
		if (node_is_deleted(&st->nodes[i])) {
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
	return json_emit(f, json_pack("{s:o}", "nodes", nodes));
}

static int json_ips(FILE *f, char sep, uint32_t pnn, bool all,
		    const struct ctdb_public_ip_list *ips)
{
	return json_emit(f, json_pack("{s:I, s:b, s:o}", "pnn",
				      (json_int_t)pnn, "all", all, "ips",
				      ctdb_node_ips_json(ips)));
}

static int json_runstate(FILE *f, uint32_t runstate)
{
	return json_emit(f, json_pack("{s:o}", "runstate",
				      ctdb_node_runstate_json(runstate)));
}

/* {"MonitorInterval": 15}: listvars' shape, one entry. */
static int json_var(FILE *f, const char *name, uint32_t value)
{
	struct ctdb_var var = { .name = name, .value = value };
	struct ctdb_var_list vars = { .num = 1, .var = &var };

	return json_emit(f, ctdb_node_vars_json(&vars));
}

static int json_vars(FILE *f, const struct ctdb_var_list *vars)
{
	return json_emit(f, ctdb_node_vars_json(vars));
}

static int json_control(FILE *f, const char *command, bool changed)
{
	return json_emit(f, json_pack("{s:s, s:b, s:b}", "command", command,
				      "ok", true, "changed", changed));
}

const struct node_format node_format_json = {
	.status = json_status,
	.nodestatus = json_nodestatus,
	.ips = json_ips,
	.runstate = json_runstate,
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

/*
 * Is the runstate one of argv's (any, for none)? Prints CTDB's message
 * to msg when not. @return 0 or the exit status.
 */
static int runstate_check(FILE *msg, uint32_t runstate, int argc,
			  const char **argv)
{
	uint32_t wanted;
	bool ok;
	int i;

	/* As CTDB: the first match wins, later arguments are not checked. */
	for (i = 0; i < argc; i++) {
		ok = ctdb_runstate_from_string(argv[i], &wanted);
		if (!ok) {
			fprintf(msg, "Invalid run state (%s)\n", argv[i]);
			return 1;
		}
		if (wanted == runstate) {
			break;
		}
	}
	if (argc > 0 && i == argc) {
		fprintf(msg, "CTDB not in required run state (got %s)\n",
			ctdb_runstate_to_string(runstate));
		return 1;
	}
	return 0;
}

int node_tool_runstate_result(FILE *out, uint32_t runstate, int argc,
			      const char **argv)
{
	int ret;

	ret = runstate_check(out, runstate, argc, argv);
	if (ret != 0) {
		return ret;
	}
	return text_runstate(out, runstate);
}

/* One pnn of a list: digits only, as CTDB's parser. */
static bool parse_pnn(const char *s, size_t len, uint32_t *pnn)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > UINT32_MAX) {
		return false;
	}
	*pnn = (uint32_t)v;
	return true;
}

static const struct ctdb_node_info *
find_node(const struct ctdb_node_status *st, uint32_t pnn)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (st->nodes[i].pnn == pnn) {
			return &st->nodes[i];
		}
	}
	return NULL;
}

/* Appends the nodes of "0,2,..." to sel; prints CTDB's errors. */
static int select_pnn_list(FILE *err, const struct ctdb_node_status *st,
			   const char *arg, struct ctdb_node_status *sel)
{
	const char *p = arg;
	const struct ctdb_node_info *node;
	uint32_t pnn;
	size_t len;
	bool ok;

	while (true) {
		len = strcspn(p, ",");
		ok = parse_pnn(p, len, &pnn);
		if (!ok) {
			fprintf(err, "Invalid node %s\n", arg);
			return 1;
		}
		node = find_node(st, pnn);
		if (node == NULL || node_is_deleted(node)) {
			fprintf(err, "Node %u does not exist\n", pnn);
			return 1;
		}
		sel->nodes[sel->num_nodes] = *node;
		sel->num_nodes++;
		if (p[len] == '\0') {
			return 0;
		}
		p += len + 1;
	}
}

int node_tool_select_nodes(TALLOC_CTX *mem_ctx, FILE *err,
			   const struct ctdb_node_status *st, const char *arg,
			   struct ctdb_node_status **out, bool *all)
{
	struct ctdb_node_status *sel;
	const struct ctdb_node_info *me;
	size_t max = strlen(arg == NULL ? "" : arg) / 2 + 1;
	int ret;

	sel = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (sel == NULL) {
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	*sel = *st;
	*all = false;
	if (arg != NULL && strcmp(arg, "all") == 0) {
		*all = true;
		*out = sel;
		return 0;
	}

	/* A list of n pnns has at least 2n - 1 characters. */
	sel->num_nodes = 0;
	sel->nodes = talloc_zero_array(sel, struct ctdb_node_info, max);
	if (sel->nodes == NULL) {
		talloc_free(sel);
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	if (arg == NULL) {
		me = this_node(st);
		if (me == NULL) {
			talloc_free(sel);
			fprintf(err, "Node %u does not exist\n", st->this_pnn);
			return 1;
		}
		sel->nodes[0] = *me;
		sel->num_nodes = 1;
		*out = sel;
		return 0;
	}
	ret = select_pnn_list(err, st, arg, sel);
	if (ret != 0) {
		talloc_free(sel);
		return ret;
	}
	*out = sel;
	return 0;
}

int node_tool_nodestatus_exit(const struct ctdb_node_status *st)
{
	uint32_t flags = 0;
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (node_is_deleted(&st->nodes[i])) {
			continue;
		}
		flags |= st->nodes[i].flags;
	}
	/* The flags fit in 7 bits; keep a stray high bit from reading 0. */
	if (flags > 255) {
		return 255;
	}
	return (int)flags;
}

/*
 * Transport
 */

struct node_tool_ctx {
	struct tevent_context *ev;
	struct ctdb_node_client *client;
	const char *sockpath;
	const char *cmdname;
	FILE *out;
	FILE *err;
	/*
	 * Where the messages go that CTDB prints on stdout ("No such
	 * tunable"): out, or err under --json, whose stdout is JSON only.
	 */
	FILE *msg;
	const struct node_format *fmt;
	char sep;
	unsigned timeout;
};

/* Says what went wrong between us and the daemon. @return exit status. */
static int transport_error(struct node_tool_ctx *t, int err)
{
	switch (err) {
	case EPIPE:
		/* What a daemon that does not know the command does. */
		fprintf(t->err,
			"Command %s not supported by this daemon "
			"(%s closed the connection)\n",
			t->cmdname, t->sockpath);
		break;
	case ETIMEDOUT:
		fprintf(t->err, "Timed out waiting for the node daemon (%s)\n",
			t->sockpath);
		break;
	case EPROTO:
		fprintf(t->err, "Invalid reply from the node daemon (%s)\n",
			t->sockpath);
		break;
	default:
		fprintf(t->err, "Failed to talk to the node daemon (%s): %s\n",
			t->sockpath, strerror(err));
		break;
	}
	return 1;
}

/* The output could not be built (JSON only). @return the exit status. */
static int format_result(struct node_tool_ctx *t, int ret)
{
	if (ret != 0) {
		fprintf(t->err, "Failed to format the output of %s: %s\n",
			t->cmdname, strerror(ret));
		return 1;
	}
	return 0;
}

/*
 * Runs the loop until req is done or the timeout passes; _recv then
 * reports ETIMEDOUT.
 */
static bool node_tool_wait(struct node_tool_ctx *t, struct tevent_req *req)
{
	struct timeval end;
	bool ok;

	if (req == NULL) {
		return false;
	}
	if (t->timeout > 0) {
		end = tevent_timeval_current_ofs(t->timeout, 0);
		ok = tevent_req_set_endtime(req, t->ev, end);
		if (!ok) {
			return false;
		}
	}
	return tevent_req_poll(req, t->ev);
}

static bool get_status(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		       struct ctdb_node_status **st)
{
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;

	req = ctdb_node_status_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_status_recv(req, &err, &result, mem_ctx, st);
	}
	if (!ok) {
		transport_error(t, err);
		return false;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get nodemap\n");
		return false;
	}
	return true;
}

static int cmd_status(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;
	int ret;

	ok = get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = t->fmt->status(t->out, t->sep, st);
	return format_result(t, ret);
}

static int cmd_nodestatus(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			  int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	struct ctdb_node_status *sel = NULL;
	bool all = false;
	bool ok;
	int ret;

	ok = get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = node_tool_select_nodes(mem_ctx, t->err, st,
				     argc > 1 ? argv[1] : NULL, &sel, &all);
	if (ret != 0) {
		return ret;
	}
	ret = t->fmt->nodestatus(t->out, t->sep, sel, all);
	if (ret != 0) {
		return format_result(t, ret);
	}
	return node_tool_nodestatus_exit(sel);
}

static int cmd_runstate(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t runstate = CTDB_RUNSTATE_UNKNOWN;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_runstate_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_runstate_recv(req, &err, &result, &runstate);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get runstate\n");
		return 1;
	}
	ret = runstate_check(t->msg, runstate, argc - 1, argv + 1);
	if (ret != 0) {
		return ret;
	}
	ret = t->fmt->runstate(t->out, runstate);
	return format_result(t, ret);
}

static int cmd_ip(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv)
{
	struct ctdb_node_status *st = NULL;
	struct ctdb_public_ip_list *ips = NULL;
	struct tevent_req *req;
	bool all = argc > 1;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	/* The status gives the pnn for the heading. */
	ok = get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	req = ctdb_node_ips_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_ips_recv(req, &err, &result, mem_ctx, &ips);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to get Public IPs from node %u\n",
			st->this_pnn);
		return 1;
	}
	node_tool_sort_ips(ips);
	ret = t->fmt->ips(t->out, t->sep, st->this_pnn, all, ips);
	return format_result(t, ret);
}

static int cmd_getvar(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t value = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_getvar_send(mem_ctx, t->ev, t->client, argv[1]);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_getvar_recv(req, &err, &result, &value);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result == ENOENT) {
		fprintf(t->msg, "No such tunable %s\n", argv[1]);
		return 1;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get tunable %s: %s\n", argv[1],
			strerror(result));
		return 1;
	}
	ret = t->fmt->var(t->out, argv[1], value);
	return format_result(t, ret);
}

/* A whole non-negative number in C notation (10, 0x10, 010) up to 2^32-1. */
static bool parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end = NULL;

	if (s[0] == '\0' || s[0] == '-' || isspace((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || n > UINT32_MAX) {
		return false;
	}
	*v = (uint32_t)n;
	return true;
}

static int cmd_setvar(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t value = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = parse_u32(argv[2], &value);
	if (!ok) {
		/* CTDB exits with EINVAL here, saying nothing. */
		fprintf(t->err, "Invalid value %s for tunable %s\n", argv[2],
			argv[1]);
		return EINVAL;
	}
	req = ctdb_node_setvar_send(mem_ctx, t->ev, t->client, argv[1], value);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_setvar_recv(req, &err, &result);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result == ENOENT) {
		fprintf(t->msg, "No such tunable %s\n", argv[1]);
		return 1;
	}
	if (result == ERANGE) {
		fprintf(t->err, "Value %u is out of range for tunable %s\n",
			value, argv[1]);
		return 1;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to set tunable %s: %s\n", argv[1],
			strerror(result));
		return 1;
	}
	ret = t->fmt->set_var(t->out, argv[1], value);
	return format_result(t, ret);
}

static int cmd_listvars(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct ctdb_var_list *vars = NULL;
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_listvars_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_listvars_recv(req, &err, &result, mem_ctx,
					     &vars);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Unable to list tunables: %s\n",
			strerror(result));
		return 1;
	}
	ret = t->fmt->vars(t->out, vars);
	return format_result(t, ret);
}

/* Whether this node is stopped; false (with a message) on failure. */
static bool this_node_stopped(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			      bool *stopped, uint32_t *pnn)
{
	struct ctdb_node_status *st = NULL;
	const struct ctdb_node_info *me;
	bool ok;

	ok = get_status(t, mem_ctx, &st);
	if (!ok) {
		return false;
	}
	me = this_node(st);
	*pnn = st->this_pnn;
	*stopped = me != NULL && (me->flags & CTDB_NODE_FLAGS_STOPPED) != 0;
	return true;
}

static int cmd_stop(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		    const char **argv)
{
	struct tevent_req *req;
	bool stopped = false;
	uint32_t pnn = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = this_node_stopped(t, mem_ctx, &stopped, &pnn);
	if (!ok) {
		return 1;
	}
	if (stopped) {
		fprintf(t->err, "Node %u is already stopped\n", pnn);
		ret = t->fmt->control(t->out, "stop", false);
		return format_result(t, ret);
	}
	req = ctdb_node_stop_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_stop_recv(req, &err, &result);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	/* Stopped by someone else since we looked. */
	if (result == EALREADY) {
		fprintf(t->err, "Node %u is already stopped\n", pnn);
		ret = t->fmt->control(t->out, "stop", false);
		return format_result(t, ret);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to stop node %u\n", pnn);
		return 1;
	}
	ret = t->fmt->control(t->out, "stop", true);
	return format_result(t, ret);
}

static int cmd_continue(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct tevent_req *req;
	bool stopped = false;
	uint32_t pnn = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = this_node_stopped(t, mem_ctx, &stopped, &pnn);
	if (!ok) {
		return 1;
	}
	if (!stopped) {
		fprintf(t->err, "Node %u is not stopped\n", pnn);
		ret = t->fmt->control(t->out, "continue", false);
		return format_result(t, ret);
	}
	req = ctdb_node_continue_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_continue_recv(req, &err, &result);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result == EALREADY) {
		fprintf(t->err, "Node %u is not stopped\n", pnn);
		ret = t->fmt->control(t->out, "continue", false);
		return format_result(t, ret);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to continue node %u\n", pnn);
		return 1;
	}
	ret = t->fmt->control(t->out, "continue", true);
	return format_result(t, ret);
}

static int cmd_shutdown(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_shutdown_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_shutdown_recv(req, &err, &result);
	}
	/*
	 * A daemon that is shutting down may close the connection before
	 * its reply gets out: that is the shutdown we asked for.
	 */
	if (!ok && err == EPIPE) {
		ret = t->fmt->control(t->out, "shutdown", true);
		return format_result(t, ret);
	}
	if (!ok) {
		return transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to shut down the node daemon: %s\n",
			strerror(result));
		return 1;
	}
	ret = t->fmt->control(t->out, "shutdown", true);
	return format_result(t, ret);
}

/*
 * Commands
 */

struct node_command {
	struct node_tool_command info;
	int (*fn)(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv);
	int min_args;
	int max_args; /* -1: any number */
	/* Only this word may be the argument (ip all); NULL: anything. */
	const char *only_arg;
	unsigned timeout; /* the default */
};

/* CTDB's order, names, synopses and help texts. */
static const struct node_command node_commands[] = {
	{ { "status", "", "show node status" }, cmd_status, 0, 0, NULL,
	  NODE_TOOL_TIMEOUT },
	{ { "runstate", "[setup|first_recovery|startup|running]",
	    "get/check runstate of a node" },
	  cmd_runstate, 0, -1, NULL, NODE_TOOL_TIMEOUT },
	{ { "getvar", "<name>", "get a tunable variable" }, cmd_getvar, 1, 1,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "setvar", "<name> <value>", "set a tunable variable" },
	  cmd_setvar, 2, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "listvars", "", "list tunable variables" }, cmd_listvars, 0, 0,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "ip", "[all]", "show public ips" }, cmd_ip, 0, 1, "all",
	  NODE_TOOL_TIMEOUT },
	{ { "stop", "", "stop a node" }, cmd_stop, 0, 0, NULL,
	  NODE_TOOL_CONTROL_TIMEOUT },
	{ { "continue", "", "continue a stopped node" }, cmd_continue, 0, 0,
	  NULL, NODE_TOOL_CONTROL_TIMEOUT },
	{ { "shutdown", "", "shutdown ctdb daemon" }, cmd_shutdown, 0, 0,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "nodestatus", "[all|<pnn-list>]", "show and return node status" },
	  cmd_nodestatus, 0, 1, NULL, NODE_TOOL_TIMEOUT },
};

#define NUM_NODE_COMMANDS (sizeof(node_commands) / sizeof(node_commands[0]))

const struct node_tool_command *node_tool_commands(size_t *num)
{
	static struct node_tool_command infos[NUM_NODE_COMMANDS];
	size_t i;

	for (i = 0; i < NUM_NODE_COMMANDS; i++) {
		infos[i] = node_commands[i].info;
	}
	*num = NUM_NODE_COMMANDS;
	return infos;
}

static const struct node_command *node_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NUM_NODE_COMMANDS; i++) {
		if (strcmp(node_commands[i].info.name, name) == 0) {
			return &node_commands[i];
		}
	}
	return NULL;
}

bool node_tool_is_command(const char *name)
{
	return node_command_find(name) != NULL;
}

static bool args_ok(const struct node_command *cmd, int argc,
		    const char **argv)
{
	int nargs = argc - 1;

	if (nargs < cmd->min_args) {
		return false;
	}
	if (cmd->max_args >= 0 && nargs > cmd->max_args) {
		return false;
	}
	if (cmd->only_arg != NULL && nargs == 1 &&
	    strcmp(argv[1], cmd->only_arg) != 0) {
		return false;
	}
	return true;
}

/* CTDB prints the usage to stdout, ending with the command's line. */
static int usage(FILE *out, const struct node_tool_options *opts,
		 const struct node_command *cmd)
{
	if (opts->usage_header != NULL) {
		opts->usage_header(out);
	}
	fprintf(out, "Commands:\n  %-15s %-27s  %s\n", cmd->info.name,
		cmd->info.msg_args, cmd->info.msg_help);
	return 1;
}

static int node_tool_connect(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx)
{
	int ret;

	ret = ctdb_node_client_init(mem_ctx, t->ev, t->sockpath, &t->client);
	if (ret != 0) {
		fprintf(t->err, "connect() failed, errno=%d (%s)\n", ret,
			strerror(ret));
		fprintf(t->err, "Failed to connect to CTDB daemon (%s)\n",
			t->sockpath);
		return 1;
	}
	return 0;
}

static void node_tool_ctx_init(struct node_tool_ctx *t, FILE *out, FILE *err,
			       const struct node_tool_options *opts,
			       const struct node_command *cmd)
{
	t->out = out;
	t->err = err;
	t->cmdname = cmd->info.name;
	t->msg = opts->json ? err : out;
	if (opts->json) {
		t->fmt = &node_format_json;
	} else if (opts->machine_readable) {
		t->fmt = &node_format_delimited;
	} else {
		t->fmt = &node_format_text;
	}
	t->sep = opts->separator != '\0' ? opts->separator : '|';
	t->timeout = opts->timeout != 0 ? opts->timeout : cmd->timeout;
}

int node_tool_run(TALLOC_CTX *mem_ctx, FILE *out, FILE *err,
		  const struct node_tool_options *opts, int argc,
		  const char **argv)
{
	const struct node_command *cmd;
	struct node_tool_ctx t = { 0 };
	TALLOC_CTX *tmp_ctx;
	int ret;

	cmd = argc > 0 ? node_command_find(argv[0]) : NULL;
	if (cmd == NULL) {
		fprintf(err, "Unknown command '%s'\n",
			argc > 0 ? argv[0] : "");
		return 1;
	}
	if (!args_ok(cmd, argc, argv)) {
		return usage(opts->json ? err : out, opts, cmd);
	}

	tmp_ctx = talloc_new(mem_ctx);
	if (tmp_ctx == NULL) {
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	node_tool_ctx_init(&t, out, err, opts, cmd);
	t.sockpath = opts->socket != NULL ? opts->socket
					  : path_socket(tmp_ctx, "noded");
	t.ev = tevent_context_init(tmp_ctx);
	if (t.sockpath == NULL || t.ev == NULL) {
		fprintf(err, "Memory allocation error\n");
		talloc_free(tmp_ctx);
		return 1;
	}

	ret = node_tool_connect(&t, tmp_ctx);
	if (ret == 0) {
		ret = cmd->fn(&t, tmp_ctx, argc, argv);
	}
	fflush(out);
	talloc_free(tmp_ctx);
	return ret;
}

int node_tool_main(TALLOC_CTX *mem_ctx, int argc, const char **argv,
		   bool machine_readable)
{
	struct node_tool_options opts = {
		.machine_readable = machine_readable,
	};

	return node_tool_run(mem_ctx, stdout, stderr, &opts, argc, argv);
}
