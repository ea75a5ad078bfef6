/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ctdb node commands as a library: status, ip, getvar, stop, ... */
#ifndef CTDB_TOOLS_NODE_TOOL_H
#define CTDB_TOOLS_NODE_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <talloc.h>

#include "protocol/node_protocol.h"

/*
 * Output and exit codes are Samba CTDB 4.17's, recorded from the real
 * binaries in tests/unit/fixtures/ctdb-4.17-*.txt. Where we differ, and
 * why, is listed at the top of node_tool.c.
 */

struct node_tool_options {
	bool machine_readable; /* -X */
	bool json;             /* --json; wins over -X */
	char separator;        /* for -X; 0 means '|' */
	unsigned timeout;      /* seconds per request; 0: the defaults */
	const char *socket;    /* NULL: path_socket(mem_ctx, "noded") */
	/* Printed before "Commands:" on a usage error; NULL for none. */
	void (*usage_header)(FILE *f);
};

struct node_tool_command {
	const char *name;
	const char *msg_args; /* CTDB's argument synopsis */
	const char *msg_help; /* CTDB's one-line help */
};

/** The node commands, for `ctdb`'s usage text; *num is set. */
const struct node_tool_command *node_tool_commands(size_t *num);

/** @return true if name is one of the node commands. */
bool node_tool_is_command(const char *name);

/*
 * Run one node command: argv[0] is the command name ("status"), the rest
 * its arguments. Results go to stdout, diagnostics to stderr, as CTDB's.
 * @return the process exit status.
 */
int node_tool_main(TALLOC_CTX *mem_ctx, int argc, const char **argv,
		   bool machine_readable);

/* The same with explicit streams and options. */
int node_tool_run(TALLOC_CTX *mem_ctx, FILE *out, FILE *err,
		  const struct node_tool_options *opts, int argc,
		  const char **argv);

/* One line of `ctdb ifaces`. */
struct node_iface {
	const char *name;
	bool link_up;
	/* The addresses held here that this interface carries. */
	uint32_t references;
};

/* What `ctdb ip -v` adds to an address: its interfaces' state. */
struct node_ip_links {
	const char *active;    /* carrying it here; "" if not held here */
	const char *available; /* comma-separated, link up; may be "" */
};

/*
 * Presentation, apart from the transport so it can be tested. One
 * vtable per output style; sep is the -X separator (unused by text and
 * JSON). Each returns 0, or ENOMEM when JSON output could not be built
 * (nothing is printed then).
 */
struct node_format {
	/* `ctdb status`: the node list, then (text) the rest. */
	int (*status)(FILE *f, char sep, const struct ctdb_node_status *st);
	/*
	 * `ctdb nodestatus`: the nodes in st (already selected); all adds
	 * the "Number of nodes" line, as for `nodestatus all`.
	 */
	int (*nodestatus)(FILE *f, char sep, const struct ctdb_node_status *st,
			  bool all);
	/* `ctdb ip [all]`: ips sorted as node_tool_sort_ips() does. */
	int (*ips)(FILE *f, char sep, uint32_t pnn, bool all,
		   const struct ctdb_public_ip_list *ips);
	int (*runstate)(FILE *f, uint32_t runstate);
	/* `ctdb ip -v [all]`: links[i] goes with ips->ip[i]. */
	int (*ips_verbose)(FILE *f, char sep, uint32_t pnn, bool all,
			   const struct ctdb_public_ip_list *ips,
			   const struct node_ip_links *links);
	/* `ctdb pnn`: this node's number, in every style a bare number. */
	int (*pnn)(FILE *f, uint32_t pnn);
	/* `ctdb listnodes`: the addresses of the nodes not deleted. */
	int (*listnodes)(FILE *f, char sep, const struct ctdb_node_status *st);
	/* `ctdb leader`: a bare number, or NODE_TOOL_UNKNOWN_PNN. */
	int (*leader)(FILE *f, uint32_t leader);
	/* `ctdb ifaces`: the public addresses' interfaces. */
	int (*ifaces)(FILE *f, char sep, uint32_t pnn,
		      const struct node_iface *ifaces, uint32_t num);
	/* `ctdb getvar`: name as the user typed it. */
	int (*var)(FILE *f, const char *name, uint32_t value);
	int (*vars)(FILE *f, const struct ctdb_var_list *vars);
	/* `ctdb setvar` done: nothing in text, as CTDB. */
	int (*set_var)(FILE *f, const char *name, uint32_t value);
	/*
	 * stop, continue or shutdown done (changed: false when the node
	 * was in that state already): nothing in text, as CTDB.
	 */
	int (*control)(FILE *f, const char *command, bool changed);
};

/* Plain text, as ctdb without options. */
extern const struct node_format node_format_text;
/* Delimited, as ctdb -X: the same as text where CTDB has no -X form. */
extern const struct node_format node_format_delimited;
/*
 * JSON, as ctdb --json: one compact document and a newline per command,
 * in the shapes of protocol/event_json.h; see ctdb(1).
 */
extern const struct node_format node_format_json;

/*
 * The text status has a line more than CTDB's after each UNHEALTHY
 * node's line: "Reason: " and that node's reason (the failing script,
 * its result and the first line of its output), cut at the first
 * newline, control characters shown as '?'. CTDB cannot say it for
 * other nodes; the cluster shares every node's reason. A node that takes
 * no part in the cluster says why after the node list, in a line of the
 * same kind.
 */
#define NODE_TOOL_REASON_PREFIX "Reason: "
#define NODE_TOOL_WHY_OUT_PREFIX "Takes no part: "

/* CTDB's "no node" pnn: no leader is known ("Leader:UNKNOWN"). */
#define NODE_TOOL_UNKNOWN_PNN CTDB_UNKNOWN_PNN

/* Public IPs in CTDB's order: IPv4 before IPv6, then numerically. */
void node_tool_sort_ips(struct ctdb_public_ip_list *ips);

/* CTDB's flag names: "OK", "UNHEALTHY", "STOPPED|INACTIVE", ... */
void node_tool_print_flags(FILE *f, uint32_t flags);

/*
 * `ctdb runstate STATE...`: prints what CTDB prints for the node's
 * runstate and the wanted states (argv without the command name).
 * @return the exit status.
 */
int node_tool_runstate_result(FILE *out, uint32_t runstate, int argc,
			      const char **argv);

/*
 * `ctdb nodestatus [all|PNN[,PNN...]]`: the nodes selected (a copy in
 * *out sharing st's strings, a child of mem_ctx) and whether all were
 * asked for. Prints CTDB's error to err for a bad or unknown node.
 * @return 0 or the exit status of the error.
 */
int node_tool_select_nodes(TALLOC_CTX *mem_ctx, FILE *err,
			   const struct ctdb_node_status *st, const char *arg,
			   struct ctdb_node_status **out, bool *all);

/* The exit status of `ctdb nodestatus`: the flags of the nodes shown. */
int node_tool_nodestatus_exit(const struct ctdb_node_status *st);

#endif
