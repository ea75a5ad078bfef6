/* SPDX-License-Identifier: GPL-3.0-or-later */
/* This node's state, with one owner: runstate, flags, reason, IPs, exit. */
#ifndef CTDB_NODED_NODE_STATE_H
#define CTDB_NODED_NODE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

/*
 * node_state is the only place where this node's runstate, flags
 * (CTDB_NODE_FLAGS_*), unhealthy reason, held public IPs and exit request
 * live. The modules that decide (runstate, monitor, takeover, control)
 * change it through the setters below; the modules that react (watch
 * keys, metrics, sd_notify, hooks, the bus, the cluster backend, the
 * takeover trigger) register as observers and are told what changed, with
 * the old and the new values. node_state itself does no I/O and never
 * calls another noded module, so it links on its own.
 *
 * A setter that changes nothing notifies nobody. Observers run in the
 * order they registered, synchronously, inside the setter; an observer may
 * call the getters but must not call a setter (that would re-enter the
 * fan-out): it schedules its reaction instead, as the takeover trigger
 * does with its queue.
 */

struct node_state;

/* What a change is about; one change carries exactly one of these. */
enum node_state_what {
	NODE_STATE_RUNSTATE,  /* old/new_runstate */
	NODE_STATE_FLAGS,     /* old/new_flags; old/new_reason as well */
	NODE_STATE_REASON,    /* old/new_reason; the flags stay the same */
	NODE_STATE_IP,        /* ip, ip_held: one IP taken or released */
	NODE_STATE_TUNABLES,  /* a tunable's live value changed (setvar) */
	NODE_STATE_ANNOUNCE,  /* an administrative event completed: announce */
	NODE_STATE_EXIT,      /* exit requested with exit_status */
};

struct node_state_change {
	enum node_state_what what;
	const char *why;       /* a sentence for logs and hooks; never NULL */

	uint32_t old_runstate; /* CTDB_RUNSTATE_*; equal unless RUNSTATE */
	uint32_t new_runstate;
	uint32_t old_flags;    /* equal unless FLAGS */
	uint32_t new_flags;
	const char *old_reason; /* NULL while not UNHEALTHY */
	const char *new_reason;

	unsigned ip;           /* IP: index in the configured list */
	bool ip_held;          /* IP: true for taken, false for released */

	const char *announce;  /* ANNOUNCE: "stopped", "continued", ... */

	int exit_status;       /* EXIT: 0 or 1 */
};

typedef void (*node_state_observer_fn)(const struct node_state_change *c,
				       void *private_data);

struct node_state_observer;

/**
 * A new state for a node with num_ips configured public IPs: runstate
 * UNKNOWN, flags UNHEALTHY with reason "no monitor event has completed
 * yet" (as ctdbd, a node starts UNHEALTHY), no IP held, no exit request.
 * @return NULL on allocation failure.
 */
struct node_state *node_state_new(TALLOC_CTX *mem_ctx, unsigned num_ips);

/**
 * Register an observer. The returned handle is a talloc child of mem_ctx;
 * freeing it (or mem_ctx) unregisters the observer.
 * @return NULL on allocation failure.
 */
struct node_state_observer *node_state_observe(TALLOC_CTX *mem_ctx,
					       struct node_state *ns,
					       node_state_observer_fn fn,
					       void *private_data);

/* ---------- getters ---------- */

uint32_t node_state_runstate(const struct node_state *ns);
uint32_t node_state_flags(const struct node_state *ns);
/** The unhealthy reason, NULL unless the node is UNHEALTHY. */
const char *node_state_reason(const struct node_state *ns);
bool node_state_unhealthy(const struct node_state *ns);
bool node_state_stopped(const struct node_state *ns);
/** RUNNING and not INACTIVE (STOPPED, BANNED, ...): may monitor and host. */
bool node_state_active(const struct node_state *ns);
unsigned node_state_num_ips(const struct node_state *ns);
/** Does this node hold configured IP number i? false if i is too big. */
bool node_state_ip_is_held(const struct node_state *ns, unsigned i);
unsigned node_state_num_held(const struct node_state *ns);
/** Has an exit been requested (an error decided it: no more events)? */
bool node_state_exiting(const struct node_state *ns);

/**
 * The node's state in one word, most important first: "DISCONNECTED",
 * "BANNED", "STOPPED", "INACTIVE" (another inactive flag), "UNHEALTHY",
 * "HEALTHY". This is node.health's "state" and what the logs say.
 */
const char *node_state_name(uint32_t flags);

/* ---------- setters: each notifies the observers of a change ---------- */

/** Set the runstate (logged at NOTICE). */
void node_state_set_runstate(struct node_state *ns, uint32_t runstate);

/**
 * Change the flags; logs "node OLD -> NEW: why" at NOTICE (the state
 * words of node_state_name()). When the node becomes UNHEALTHY, why
 * becomes the unhealthy reason; when it stops being UNHEALTHY, the reason
 * goes.
 */
void node_state_set_flags(struct node_state *ns, uint32_t flags,
			  const char *why);
/** Set or clear some flags, keeping the others (node_state_set_flags). */
void node_state_add_flags(struct node_state *ns, uint32_t flags,
			  const char *why);
void node_state_clear_flags(struct node_state *ns, uint32_t flags,
			    const char *why);

/**
 * A new reason for an UNHEALTHY node whose flags stay the same (logged at
 * NOTICE). Ignored while the node is not UNHEALTHY or when the reason is
 * the same.
 * @return 0, EINVAL (not UNHEALTHY) or ENOMEM.
 */
int node_state_set_reason(struct node_state *ns, const char *reason);

/** IP number i was taken (held) or released; why is for the hooks. */
void node_state_ip_held(struct node_state *ns, unsigned i, const char *why);
void node_state_ip_released(struct node_state *ns, unsigned i,
			    const char *why);

/** A live tunable changed (`ctdb setvar`): node.tunables, ... follow. */
void node_state_tunables_changed(struct node_state *ns, const char *why);

/**
 * An administrative event completed that is not a change of state by
 * itself: "stopped" (the stopped event ran), "continued", "startup",
 * "shutdown". Hooks announce it.
 */
void node_state_announce(struct node_state *ns, const char *announce,
			 const char *why);

/**
 * Ask the daemon to exit with status. A non-zero status means an error
 * decided it: from then on node_state_exiting() is true and no more
 * events are sent. Every request reaches the observers (the daemon's
 * loop ends at the first).
 */
void node_state_request_exit(struct node_state *ns, int status,
			     const char *why);

#endif
