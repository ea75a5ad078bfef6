/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Messages ctdb-noded daemons exchange over the cluster engine (corosync CPG). */
#ifndef CTDB_PROTOCOL_CLUSTER_PROTOCOL_H
#define CTDB_PROTOCOL_CLUSTER_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "protocol/tickle_wire.h"

/*
 * Every message starts with the same 20 bytes: u32 magic, u32 version,
 * u32 type, u32 pnn (the sender's line in `nodes`), u32 round (the
 * takeover round the sender is in). Host byte order, as the rest of our
 * wire formats; a peer of the other byte order shows a swapped magic and
 * is refused with EPROTONOSUPPORT. The bodies are in cluster_protocol.c.
 * Bump CLUSTER_PROTOCOL_VERSION when any layout changes: a daemon ignores
 * (and logs) messages of any other version.
 */
#define CLUSTER_PROTOCOL_MAGIC 0x43544e43U /* "CNTC" read little-endian */
#define CLUSTER_PROTOCOL_VERSION 1U
#define CLUSTER_MSG_HEADER_LEN 20

enum cluster_msg_type {
	CLUSTER_MSG_STATE = 1,     /* a node's whole state */
	CLUSTER_MSG_HEARTBEAT = 2, /* "still here", every HeartbeatInterval */
	CLUSTER_MSG_RELEASED = 3,  /* release phase of the round done here */
	CLUSTER_MSG_TAKEN = 4,     /* take phase of the round done here */
	CLUSTER_MSG_SUSPECT = 5,   /* "this member has been silent too long" */
	CLUSTER_MSG_TICKLES = 6,   /* the connections registered for an IP */
};

/* Why a STATE was sent: the answer to a barrier, or news of a change. */
enum cluster_state_kind {
	CLUSTER_STATE_SYNC = 0,   /* answers a barrier; starts nothing */
	CLUSTER_STATE_CHANGE = 1, /* flags, runstate, IPs or options changed */
};

/* Per-node settings the allocation needs, as bits of STATE's options. */
#define CLUSTER_OPT_NO_IP_TAKEOVER 0x1U
#define CLUSTER_OPT_NO_IP_FAILBACK 0x2U
#define CLUSTER_OPT_NO_IP_HOST_ON_ALL_DISABLED 0x4U
#define CLUSTER_OPT_ALL                                                   \
	(CLUSTER_OPT_NO_IP_TAKEOVER | CLUSTER_OPT_NO_IP_FAILBACK |        \
	 CLUSTER_OPT_NO_IP_HOST_ON_ALL_DISABLED)

struct cluster_state_msg {
	uint32_t kind;         /* enum cluster_state_kind */
	uint32_t flags;        /* CTDB_NODE_FLAGS_*, DISCONNECTED and DELETED never */
	uint32_t runstate;     /* enum ctdb_runstate */
	uint32_t options;      /* CLUSTER_OPT_* */
	uint32_t joined_round; /* first round this daemon completed, 0: none */
	uint64_t nodes_hash;   /* cluster_nodes_hash() of the sender's nodes */
	const char *reason;    /* why UNHEALTHY, NULL when healthy */
	uint32_t num_held;     /* addresses configured on the node now */
	const char **held;
	uint32_t num_public;   /* addresses in its public_addresses */
	const char **public_ips;
};

/* A SUSPECT's target that has not sent its STATE yet: no pnn known. */
#define CLUSTER_PNN_NONE UINT32_MAX

struct cluster_suspect_msg {
	uint32_t target_pnn;    /* or CLUSTER_PNN_NONE */
	uint64_t target_member; /* the CPG member id (nodeid << 32 | pid) */
	uint32_t target_seq;    /* the newest heartbeat the sender saw from it */
};

/*
 * The whole list of connections registered for one public address, sent
 * by its holder when it changed (noded/tickles_sync.c): every member
 * replaces its copy, so the next holder can tickle them.
 */
struct cluster_tickles_msg {
	const char *address;
	struct ctdb_tickle_list *list;
};

struct cluster_msg {
	uint32_t type; /* enum cluster_msg_type */
	uint32_t pnn;
	uint32_t round;
	union {
		struct cluster_state_msg state;
		uint32_t heartbeat_seq;
		struct cluster_suspect_msg suspect;
		struct cluster_tickles_msg tickles;
	} body;
};

/**
 * Encode into a new talloc buffer of exactly the right size.
 * @return 0, EINVAL for a message the strict decoder would refuse (an
 * unknown type, a bad address, flag or runstate, a duplicate address),
 * EOVERFLOW when too big, or ENOMEM.
 */
int cluster_msg_marshall(TALLOC_CTX *mem_ctx, const struct cluster_msg *msg,
			 uint8_t **pbuf, size_t *plen);

/**
 * Strict decoding of one delivered message. Strings and lists hang off
 * *pmsg, a new child of mem_ctx; nothing is written or left allocated on
 * failure.
 * @param num_nodes lines in our `nodes`: a pnn at or above it is unknown.
 * @return 0, or
 *   EPROTONOSUPPORT another protocol version, or another byte order;
 *   ERANGE          the sender's pnn (or a SUSPECT's target) is unknown;
 *   EPROTO          not one of our messages, truncated, or bytes left over;
 *   EINVAL          an unknown type, or a field out of range;
 *   ENOMEM.
 */
int cluster_msg_pull(const uint8_t *buf, size_t len, uint32_t num_nodes,
		     TALLOC_CTX *mem_ctx, struct cluster_msg **pmsg);

/**
 * Read just the version, type and pnn, so that a refused message can be
 * logged with what it claims to be. @return 0 or EPROTO (too short or
 * not ours; a byte-swapped magic still decodes, with swapped fields).
 */
int cluster_msg_peek(const uint8_t *buf, size_t len, uint32_t *version,
		     uint32_t *type, uint32_t *pnn);

/** "state", "heartbeat", ...; "unknown" for anything else. */
const char *cluster_msg_type_name(uint32_t type);

/** A sentence fragment for a cluster_msg_pull() error, for the log. */
const char *cluster_msg_error_string(int err);

/**
 * A 64-bit FNV-1a hash of a `nodes` file as parsed: one entry per line,
 * the address, or NULL for a deleted line. Daemons compare it to find a
 * node whose file differs.
 */
uint64_t cluster_nodes_hash(const char *const *addresses, uint32_t num);

#endif
