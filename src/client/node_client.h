/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client for ctdb-noded: node status, IPs, tunables and controls. */
#ifndef CTDB_CLIENT_NODE_CLIENT_H
#define CTDB_CLIENT_NODE_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

#include "protocol/node_protocol.h"

struct ctdb_node_client;

/**
 * Connect to the node daemon's socket (path_socket(mem_ctx, "noded")).
 * Requests may be pipelined; replies are matched by reqid.
 * @return 0, or the connect errno (ENOENT, ECONNREFUSED, EACCES, ...).
 */
int ctdb_node_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			   const char *sockpath,
			   struct ctdb_node_client **out);

/**
 * Called once when the daemon closes the connection or sends something
 * that cannot be decoded; every outstanding request then fails with EPIPE
 * (closed) or EPROTO (bad packet).
 */
void ctdb_node_client_set_disconnect_fn(struct ctdb_node_client *client,
					void (*fn)(void *private_data),
					void *private_data);

/*
 * For every call below, _recv returns false with *perr a transport error:
 * EPIPE when the daemon closed the connection without answering (which
 * is what a daemon that does not know the command does), EPROTO when the
 * reply could not be decoded or is for another command, ETIMEDOUT when
 * the caller's tevent_req_set_endtime() passed, ENOMEM. When _recv
 * returns true, *result is the daemon's answer (0 or a positive errno)
 * and the outputs are set only when *result is 0. Outputs that are
 * pointers are talloc children of mem_ctx.
 */

struct tevent_req *ctdb_node_status_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client);
bool ctdb_node_status_recv(struct tevent_req *req, int *perr, int *result,
			   TALLOC_CTX *mem_ctx,
			   struct ctdb_node_status **status);

struct tevent_req *ctdb_node_runstate_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client);
bool ctdb_node_runstate_recv(struct tevent_req *req, int *perr, int *result,
			     uint32_t *runstate);

struct tevent_req *ctdb_node_ips_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      struct ctdb_node_client *client);
bool ctdb_node_ips_recv(struct tevent_req *req, int *perr, int *result,
			TALLOC_CTX *mem_ctx, struct ctdb_public_ip_list **ips);

/* *result is ENOENT for an unknown tunable. */
struct tevent_req *ctdb_node_getvar_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client,
					 const char *name);
bool ctdb_node_getvar_recv(struct tevent_req *req, int *perr, int *result,
			   uint32_t *value);

/* *result is ENOENT for an unknown tunable, ERANGE outside its limits. */
struct tevent_req *ctdb_node_setvar_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client,
					 const char *name, uint32_t value);
bool ctdb_node_setvar_recv(struct tevent_req *req, int *perr, int *result);

struct tevent_req *ctdb_node_listvars_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client);
bool ctdb_node_listvars_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx,
			     struct ctdb_var_list **vars);

/* The daemon answers STOP and CONTINUE once the node has got there. */
struct tevent_req *ctdb_node_stop_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct ctdb_node_client *client);
bool ctdb_node_stop_recv(struct tevent_req *req, int *perr, int *result);

struct tevent_req *ctdb_node_continue_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client);
bool ctdb_node_continue_recv(struct tevent_req *req, int *perr, int *result);

struct tevent_req *ctdb_node_shutdown_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client);
bool ctdb_node_shutdown_recv(struct tevent_req *req, int *perr, int *result);

/* The daemon's OpenMetrics families; *text (on mem_ctx) when *result is 0. */
struct tevent_req *ctdb_node_metrics_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct ctdb_node_client *client);
bool ctdb_node_metrics_recv(struct tevent_req *req, int *perr, int *result,
			    TALLOC_CTX *mem_ctx, char **text);

/*
 * The public addresses' interfaces and their link state (name, 1 up or
 * 0 down), in public_addresses order; SETIFACELINK of an interface no
 * address uses: result ENOENT.
 */
struct tevent_req *ctdb_node_ifaces_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client);
bool ctdb_node_ifaces_recv(struct tevent_req *req, int *perr, int *result,
			   TALLOC_CTX *mem_ctx, struct ctdb_var_list **links);
struct tevent_req *ctdb_node_setifacelink_send(TALLOC_CTX *mem_ctx,
					       struct tevent_context *ev,
					       struct ctdb_node_client *client,
					       const char *iface, bool up);
bool ctdb_node_setifacelink_recv(struct tevent_req *req, int *perr,
				 int *result);

/*
 * Tickles: the TCP connections registered for a public address (dst of
 * each connection; src is the client). ADDTICKLE's result is ENOENT for
 * a dst that is no public address, ENOSPC when its list is full;
 * DELTICKLE of an unknown connection succeeds; GETTICKLES of an address
 * that is no public one: ENOENT.
 */
struct tevent_req *ctdb_node_tickles_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct ctdb_node_client *client,
					  bool add,
					  const struct ctdb_tickle_list *list);
bool ctdb_node_tickles_recv(struct tevent_req *req, int *perr, int *result);
struct tevent_req *ctdb_node_gettickles_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct ctdb_node_client *client,
					     const struct net_endpoint *addr);
bool ctdb_node_gettickles_recv(struct tevent_req *req, int *perr,
			       int *result, TALLOC_CTX *mem_ctx,
			       struct ctdb_tickle_list **list);

#endif
