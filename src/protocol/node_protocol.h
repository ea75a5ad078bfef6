/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Types of the ctdb-noded socket protocol (node status, IPs, tunables, control). */
#ifndef CTDB_PROTOCOL_NODE_PROTOCOL_H
#define CTDB_PROTOCOL_NODE_PROTOCOL_H

#include <stdint.h>

#include "protocol/tickle_wire.h"

/*
 * Same framing and 12-byte header as the event protocol (length, version,
 * reqid; host byte order, packed), then u32 cmd. Command values start at
 * 100 so they can never be mistaken for CTDB's event commands; a CTDB
 * daemon closes the connection on them and our tools then say "not
 * supported by this daemon". A reply is header + u32 cmd + i32 result
 * (0 or a positive errno) + a body only when result is 0 and the command
 * has one. Bump CTDB_NODE_PROTOCOL_VERSION if any layout here changes.
 * Every reply carries CTDB_NODE_PROTOCOL_VERSION; a request may carry it
 * or 0, and the daemon closes the connection on any other version
 * (src/server/srv_conn.h).
 */
#define CTDB_NODE_PROTOCOL_VERSION 2

enum ctdb_node_command {
	CTDB_NODE_CMD_STATUS = 100,   /* -> ctdb_node_status */
	CTDB_NODE_CMD_RUNSTATE = 101, /* -> u32 runstate */
	CTDB_NODE_CMD_IPS = 102,      /* -> ctdb_public_ip_list */
	CTDB_NODE_CMD_GETVAR = 103,   /* name -> u32 value */
	CTDB_NODE_CMD_SETVAR = 104,   /* name, value */
	CTDB_NODE_CMD_LISTVARS = 105, /* -> ctdb_var_list */
	CTDB_NODE_CMD_STOP = 106,
	CTDB_NODE_CMD_CONTINUE = 107,
	CTDB_NODE_CMD_SHUTDOWN = 108,
	CTDB_NODE_CMD_METRICS = 109, /* -> OpenMetrics text */
	CTDB_NODE_CMD_WATCH = 110,   /* keys -> a stream of NOTIFY replies */
	CTDB_NODE_CMD_NOTIFY = 111,  /* reply only: one key's new value */
	/* 140-159: what Samba's stock event scripts ask for. */
	CTDB_NODE_CMD_IFACES = 140,       /* -> ctdb_var_list: iface, link 1/0 */
	CTDB_NODE_CMD_SETIFACELINK = 141, /* var: iface, link 1 up / 0 down */
	CTDB_NODE_CMD_ADDTICKLE = 142,    /* ctdb_tickle_list */
	CTDB_NODE_CMD_DELTICKLE = 143,    /* ctdb_tickle_list */
	CTDB_NODE_CMD_GETTICKLES = 144,   /* endpoint -> ctdb_tickle_list */
};

/* CTDB's "no node": the leader of a node that knows none. */
#define CTDB_UNKNOWN_PNN 0xffffffffU

/* CTDB's node flags, same bits. */
#define CTDB_NODE_FLAGS_DISCONNECTED 0x00000001U
#define CTDB_NODE_FLAGS_UNHEALTHY 0x00000002U
#define CTDB_NODE_FLAGS_PERMANENTLY_DISABLED 0x00000004U
#define CTDB_NODE_FLAGS_BANNED 0x00000008U
#define CTDB_NODE_FLAGS_DELETED 0x00000010U
#define CTDB_NODE_FLAGS_STOPPED 0x00000020U
#define CTDB_NODE_FLAGS_INACTIVE                                          \
	(CTDB_NODE_FLAGS_DELETED | CTDB_NODE_FLAGS_DISCONNECTED |        \
	 CTDB_NODE_FLAGS_BANNED | CTDB_NODE_FLAGS_STOPPED)

/* CTDB's runstates, same values. */
enum ctdb_runstate {
	CTDB_RUNSTATE_UNKNOWN = 0,
	CTDB_RUNSTATE_INIT = 1,
	CTDB_RUNSTATE_SETUP = 2,
	CTDB_RUNSTATE_FIRST_RECOVERY = 3,
	CTDB_RUNSTATE_STARTUP = 4,
	CTDB_RUNSTATE_RUNNING = 5,
	CTDB_RUNSTATE_SHUTDOWN = 6,
};

struct ctdb_node_info {
	uint32_t pnn;
	uint32_t flags;
	const char *address;
	/*
	 * Why the node is UNHEALTHY, NULL when it is not: the failing
	 * script, its result and the first line of its output. Every node
	 * has its own, as the cluster shares them (version 2).
	 */
	const char *reason;
};

struct ctdb_node_status {
	uint32_t this_pnn;
	uint32_t runstate;
	uint32_t recovery_mode; /* 0 NORMAL, 1 ACTIVE */
	uint32_t leader;        /* pnn, CTDB_UNKNOWN_PNN for none */
	uint32_t num_nodes;
	struct ctdb_node_info *nodes;
	/*
	 * Why this node takes no part in the cluster (no quorum, corosync
	 * unreachable, nodes file differs, excluded), NULL when it does.
	 */
	const char *why_out;
};

struct ctdb_public_ip_info {
	const char *address; /* without /bits */
	uint32_t bits;
	const char *ifaces;  /* comma-separated, as in public_addresses */
	int32_t pnn;         /* the node hosting it, -1 for none */
};

struct ctdb_public_ip_list {
	uint32_t num;
	struct ctdb_public_ip_info *ip;
};

struct ctdb_var {
	const char *name;
	uint32_t value;
};

struct ctdb_var_list {
	uint32_t num;
	struct ctdb_var *var;
};

struct ctdb_node_request {
	uint32_t cmd;
	union {
		const char *name;     /* GETVAR */
		struct ctdb_var *var; /* SETVAR */
		struct ctdb_tickle_list *tickles; /* ADDTICKLE, DELTICKLE */
		struct net_endpoint *addr;        /* GETTICKLES */
	} data;
};

struct ctdb_node_reply {
	uint32_t cmd;
	int32_t result;
	union {
		struct ctdb_node_status *status;
		uint32_t runstate;
		struct ctdb_public_ip_list *ips;
		uint32_t value;
		struct ctdb_var_list *vars;
		const char *text; /* METRICS */
		struct ctdb_tickle_list *tickles; /* GETTICKLES */
	} data;
};

#endif
