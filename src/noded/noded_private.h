/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded internals: the node context and each module's prototypes. */
#ifndef CTDB_NODED_NODED_PRIVATE_H
#define CTDB_NODED_NODED_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <talloc.h>
#include <tevent.h>

#include "client/event_client.h"
#include "common/conf.h"
#include "common/keyspace.h"
#include "common/logging.h"
#include "common/sock_daemon.h"
#include "common/tunable.h"
#include "noded/cluster.h"
#include "noded/event_conn.h"
#include "noded/node_state.h"
#include "noded/public_ips.h"
#include "protocol/event_bus.h"
#include "protocol/event_protocol.h"
#include "protocol/node_protocol.h"

/* The component every node event goes to, as ctdbd. */
#define NODED_EVENT_COMPONENT "legacy"

/* ctdbd waits this long for the event daemon's startup notification. */
#define NODED_EVENTD_START_TIMEOUT 10
/* After SIGTERM, how long the event daemon gets before SIGKILL. */
#define NODED_EVENTD_STOP_TIMEOUT 10

/* The first monitor runs this long after startup succeeds (ctdbd). */
#define NODED_MONITOR_FIRST_INTERVAL 2
/* After a health change or a launch failure the next monitor is this far. */
#define NODED_MONITOR_RESET_INTERVAL 5

/* Notification hooks: at most this many events wait (the oldest goes). */
#define NOTIFICATION_QUEUE_MAX 256
/* How long after the hook deadline a missing reply is given up. */
#define NOTIFICATION_GRACE 10

struct eventd_handle;
struct hooks_context;
struct monitor_context;
struct noded_metrics;
struct sd_notify;
struct takeover_context;
struct watch_keys;
struct tickles;

/* Everything read from ctdb.conf, ctdb.tunables and public_addresses. */
struct noded_config {
	char *conf_path;
	char *tunables_path;
	char *ips_path;
	struct logging_config logging; /* [logging] */
	char *cluster_backend; /* [cluster] backend: "local" or "corosync" */
	char *node_address;  /* [cluster] node address */
	char *cpg_group;     /* [cluster] cpg group */
	char *nodes_path;    /* CTDB's nodes file, read for corosync */
	uint32_t num_nodes;  /* its lines: pnn = index */
	const char **nodes;  /* per pnn: address, NULL for a deleted line */
	uint32_t this_pnn;   /* the line of node address */
	struct event_bus_config bus; /* [events] nats url, node name */
	struct tunables tunables;
	struct public_ip_list *ips;
	struct conf_unknown unknown; /* keys and sections nobody reads */
};

/* Consecutive monitor results, for timeouts and hysteresis. */
struct health_state {
	unsigned timeouts; /* monitor timeouts in a row */
	unsigned failures; /* failed monitors in a row */
	unsigned successes; /* successful monitors in a row */
};

struct noded_context {
	struct tevent_context *ev;
	struct sock_daemon *sd;
	struct noded_config *config;
	struct tunables tunables; /* live values: `ctdb setvar` changes them */
	struct public_ip_list *ips;
	struct cluster *cluster;
	struct noded_cluster *corosync; /* backend = corosync, else NULL */

	/* runstate, flags, reason, held IPs, exit: the one owner */
	struct node_state *state;

	struct eventd_handle *eventd;
	struct event_conn *econn; /* legacy events; reconnects on demand */

	struct tevent_req *startup;      /* eventd, init, setup, startup */
	struct monitor_context *monitor; /* TALLOC_FREE stops monitoring */
	struct takeover_context *takeover;
	struct hooks_context *hooks;     /* notification hooks */
	struct sd_notify *sd_notify;     /* systemd notifications */
	struct noded_metrics *metrics;   /* NULL: nothing is counted */
	struct watch_keys *watch_keys;   /* node.* keys in ks */

	/* node.runstate, node.health, node.ips, node.tunables: `ctdb watch` */
	struct keyspace *ks;

	/* Interfaces `ctdb setifacelink IFACE down` reported (iface_link.c). */
	char **ifaces_down;
	struct announce_context *announce; /* gratuitous ARP after takeip */
	struct tickles *tickles; /* registered connections per public IP */
	struct tickle_failover *tickle_failover; /* resets after releaseip */
};

/* From noded/announce.c */

struct announce_context;
struct announce_context *announce_new(TALLOC_CTX *mem_ctx,
				      struct noded_context *nctx);
/*
 * node_state observer: a taken IP is announced on its interface now and
 * twice more, 1.1 s apart; a release (or a new takeip) stops the rounds.
 */
void announce_observer(const struct node_state_change *c, void *private_data);
/* Rounds still to send for configured IP ip: 0 when none are due. */
unsigned announce_rounds_left(const struct announce_context *actx,
			      unsigned ip);

/* From noded/tickle_control.c */

/**
 * ADDTICKLE (add) or DELTICKLE: every connection of list, logged; a
 * full list is a warning. @return 0 or the first failure (tickles.h).
 */
int tickle_control_update(struct noded_context *nctx, bool add,
			  const struct ctdb_tickle_list *list);
/** GETTICKLES: a copy of addr's list. @return 0, ENOENT, ENOMEM. */
int tickle_control_get(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		       const struct net_endpoint *addr,
		       struct ctdb_tickle_list **out);

/* From noded/tickle_failover.c */

struct tickle_failover;
struct tickle_failover *tickle_failover_new(TALLOC_CTX *mem_ctx,
					    struct noded_context *nctx);
/*
 * node_state observer: when this node releases an address, the
 * connections registered for it are reset, in both directions, as
 * ctdb_killtcp does (for up to 5 s, in the background).
 */
void tickle_failover_observer(const struct node_state_change *c,
			      void *private_data);
/*
 * A tickle ACK to every client registered for configured IP ip, from the
 * address: their answer finds no connection here, our stack resets it,
 * and the client reconnects at once (announce.c, each round).
 * @return the number of tickles sent.
 */
unsigned tickle_failover_tickle(struct noded_context *nctx, unsigned ip);

/* From noded/tickles_sync.c (built with HAVE_COROSYNC) */

struct cluster_corosync;
struct cluster_tickles_msg;
/**
 * Every second, send the tickle list of each address held here that
 * changed since it was last sent. @return 0 or ENOMEM.
 */
int tickles_sync_start(struct noded_context *nctx,
		       struct cluster_corosync *cc);
/** Another member's list: replaces ours unless we hold the address. */
void tickles_sync_apply(struct noded_context *nctx,
			const struct cluster_tickles_msg *msg);

/* From noded/iface_link.c */

/* Is iface's link up (never reported down)? */
bool iface_link_is_up(const struct noded_context *nctx, const char *iface);
/*
 * `ctdb setifacelink`: var->name an interface of a public address (else
 * ENOENT), var->value 1 up or 0 down (else EINVAL). Logs a change and
 * says so in *changed: the caller then asks for a takeover run, since
 * addresses without a link leave and come back with it (the caller, so
 * that this module does not call takeover, which asks it about links).
 */
int iface_link_set(struct noded_context *nctx, const struct ctdb_var *var,
		   bool *changed);
/* The public addresses' interfaces, each once, with link 1 or 0. */
int iface_link_list(TALLOC_CTX *mem_ctx, const struct noded_context *nctx,
		    struct ctdb_var_list **out);

/* From noded/noded_config.c */

/**
 * Read ctdb.conf, ctdb.tunables and public_addresses from the etc
 * directory. Every file is checked even after an error in another, so a
 * check run reports all of them. Keys and sections of ctdb.conf that no
 * daemon reads are listed in (*out)->unknown, for the caller to log or
 * refuse; on error they lead *errors.
 * @return 0, or EINVAL with *errors (on mem_ctx) one line per problem,
 * "<file>:<line>: <reason>", and *num_errors; nothing else is returned on
 * error.
 */
int noded_config_load(TALLOC_CTX *mem_ctx, struct noded_config **out,
		      char ***errors, unsigned *num_errors);

/* From noded/eventd_launch.c */

/**
 * Start the event daemon as ctdbd does: remove a stale socket, then
 * `ctdb-eventd -P <our pid> -S <pipe>` and wait up to
 * NODED_EVENTD_START_TIMEOUT seconds for its 4-byte startup notice.
 * The binary is path_helperdir()/ctdb-eventd, or $CTDB_EVENTD in test mode.
 * On failure the daemon is killed and *reason (on mem_ctx) explains.
 */
struct tevent_req *eventd_start_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *sockpath);
bool eventd_start_recv(struct tevent_req *req, int *perr, TALLOC_CTX *mem_ctx,
		       struct eventd_handle **out, char **reason);

/** Call gone_fn once if the event daemon dies (EOF on the startup pipe). */
void eventd_watch(struct eventd_handle *h, void (*gone_fn)(void *),
		  void *private_data);

/** Forward a signal (SIGHUP: reopen logs). */
void eventd_signal(struct eventd_handle *h, int signum);

/**
 * SIGTERM, wait up to NODED_EVENTD_STOP_TIMEOUT seconds for the daemon to
 * exit, then SIGKILL; the daemon is reaped. Completes without error.
 */
struct tevent_req *eventd_stop_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct eventd_handle *h);
bool eventd_stop_recv(struct tevent_req *req, int *perr);

/* From noded/noded_event.c */

/**
 * Run one event in the event daemon, the only way ctdb-noded sends one.
 * As ctdbd: component "legacy", flags 0, timeout EventScriptTimeout; the
 * arguments are checked by word count first (takeip and releaseip 3,
 * updateip 4, every other event 0; NULL counts as 0), a mismatch is
 * logged and fails with EINVAL; ETIMEDOUT of startrecovery, recovered,
 * takeip and releaseip is logged and becomes 0.
 * @return via _recv: false with *perr when the event could not be sent
 * (EINVAL, no connection, the event daemon went away); true with *result,
 * the event daemon's reply (0, ENOEXEC, ETIMEDOUT, ECANCELED, ENOENT, ...).
 */
struct tevent_req *noded_event_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct noded_context *nctx,
				    const char *event, const char *args);
bool noded_event_recv(struct tevent_req *req, int *perr, int *result);

/** The last completed run of a legacy event (STATUS). */
struct tevent_req *noded_event_status_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct noded_context *nctx,
					   const char *event);
bool noded_event_status_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx,
			     struct ctdb_event_reply_status **status);

/** A reply result in words: "a script failed" for ENOEXEC, ... */
const char *noded_event_result_string(int result);

/**
 * Receive an event whose failure is only logged: NULL when it was sent and
 * succeeded, else why not in words (the errno's text when it could not be
 * sent, the reply result's when a script failed). Inline, built on the two
 * functions above, so a test's fake of noded_event.c serves it as well.
 */
static inline const char *noded_event_failure(struct tevent_req *req)
{
	bool ok;
	int result = 0;
	int err = 0;

	ok = noded_event_recv(req, &err, &result);
	if (!ok) {
		return strerror(err);
	}
	if (result != 0) {
		return noded_event_result_string(result);
	}
	return NULL;
}

/* From noded/runstate.c */

/**
 * Start the life cycle at the next loop turn: the event daemon, then
 * INIT (init), SETUP (setup), STARTUP (startup, retried every
 * StartupRetryInterval seconds until it succeeds) and RUNNING, where
 * monitoring starts and IPs are taken. A failure before STARTUP ends the
 * daemon with exit status 1.
 * @return 0 or ENOMEM.
 */
int noded_lifecycle_start(struct noded_context *nctx);

/**
 * The shutdown sequence: runstate SHUTDOWN, monitoring stopped, every held
 * IP released, the shutdown event, then the event daemon stopped. Runs
 * only what still makes sense (no events once exiting on an error).
 */
struct tevent_req *noded_shutdown_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct noded_context *nctx);
bool noded_shutdown_recv(struct tevent_req *req, int *perr);

/* From noded/health.c */

enum health_verdict {
	HEALTH_NO_CHANGE,
	HEALTH_BECOMES_UNHEALTHY,
	HEALTH_BECOMES_HEALTHY,
	/*
	 * A failure, MonitorFailCount or more in a row, on a node that was
	 * already UNHEALTHY (it starts so, or an OK streak was cut short):
	 * no change of state, but the reason may have changed.
	 */
	HEALTH_STAYS_UNHEALTHY,
};

/**
 * Fold one monitor result into the counters (pure: no I/O, no logging).
 * ECANCELED changes nothing. ETIMEDOUT below MonitorTimeoutCount in a row
 * changes nothing either ("pretend OK"); at the count it is a failure and
 * *timeout_limit is set. A failure needs MonitorFailCount in a row to make
 * a healthy node UNHEALTHY, a success MonitorOkCount in a row to make an
 * unhealthy one HEALTHY.
 */
enum health_verdict health_monitor_result(struct health_state *h,
					  const struct tunables *t,
					  bool unhealthy, int result,
					  bool *timeout_limit);

/**
 * Why a monitor failed, from its stored status: the first failing script,
 * what happened to it and the first line of its output, e.g.
 * "50.service failed (exit 1): disk full". status may be NULL.
 */
char *health_reason(TALLOC_CTX *mem_ctx, int result,
		    const struct ctdb_event_reply_status *status);

/* From noded/monitor.c */

/*
 * The monitor schedule as ctdbd's (pure): the first monitor
 * NODED_MONITOR_FIRST_INTERVAL seconds after startup; each wait is the
 * next one, which then doubles up to MonitorInterval (read each time, so
 * `ctdb setvar` counts from the next monitor). A health change or a
 * failure to launch resets it to NODED_MONITOR_RESET_INTERVAL.
 */
struct monitor_interval {
	uint32_t next; /* seconds to wait before the next monitor */
};
void monitor_interval_init(struct monitor_interval *mi);
void monitor_interval_reset(struct monitor_interval *mi);
/** The wait before the next monitor; the one after it doubles. */
uint32_t monitor_interval_take(struct monitor_interval *mi, uint32_t max);

/**
 * Start the monitor loop: the first monitor after
 * NODED_MONITOR_FIRST_INTERVAL seconds, as in ctdbd. Everything hangs off
 * the returned context; freeing it stops monitoring.
 */
struct monitor_context *monitor_start(TALLOC_CTX *mem_ctx,
				      struct noded_context *nctx);

/* From noded/noded_cluster.c (built with HAVE_COROSYNC) */

struct noded_cluster;

/**
 * The corosync backend as a cluster (view of every node of `nodes`);
 * sets nctx->corosync. Call noded_cluster_join_send() once the event
 * daemon has run init. @return NULL on allocation failure.
 */
struct cluster *noded_cluster_new(TALLOC_CTX *mem_ctx,
				  struct noded_context *nctx);

/**
 * Join the cluster, after init: release the public IPs still configured
 * on this host (an earlier daemon's, killed before it released them),
 * then connect to corosync (retrying) and follow its decisions. Until
 * then RUNDIR/noded.joining exists. Fails (EIO) when a leftover cannot
 * be released: joining would put it on two nodes.
 */
struct tevent_req *noded_cluster_join_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct noded_context *nctx);
bool noded_cluster_join_recv(struct tevent_req *req, int *perr);

/**
 * The pnn the cluster's last allocation gives address; held_pnn (what
 * this node knows of itself) while this node takes no part in it.
 */
int32_t noded_cluster_ip_pnn(const struct noded_cluster *nc,
			     const char *address, int32_t held_pnn);

/* From noded/takeover.c */

struct takeover_context *takeover_init(TALLOC_CTX *mem_ctx,
				       struct noded_context *nctx);

/**
 * Ask for a takeover run. Runs are serialised: a request while one waits
 * to start is already covered by it; a request while one runs queues one
 * more. Nothing runs unless the runstate is RUNNING.
 */
void takeover_request(struct takeover_context *tctx, const char *why);

/**
 * Queue req behind the takeover runs already asked for; trigger runs when
 * they are done, and the queue waits until req is freed.
 * @return true, or false on allocation failure.
 */
bool takeover_enqueue(struct takeover_context *tctx, struct tevent_req *req,
		      tevent_queue_trigger_fn_t trigger, void *private_data);

/**
 * node_state observer, the takeover trigger: a change of flags, or the
 * runstate becoming RUNNING, asks for a takeover run.
 */
void takeover_observer(const struct node_state_change *c, void *private_data);

/** Release every held IP (shutdown), after the runs already queued. */
struct tevent_req *takeover_release_all_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct takeover_context *tctx);
bool takeover_release_all_recv(struct tevent_req *req, int *perr);

/* From noded/control.c */

/* sock_daemon callback: serve a client of noded.socket. */
bool control_client_connect(struct sock_daemon *sd, int fd,
			    void *private_data);

/* From noded/node_info.c: the wire views of this node's state. */

/** STATUS: this node's runstate, flags and reason, with the cluster's. */
int node_info_status(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		     struct ctdb_node_status **out);
/** METRICS: noded_metrics_render with the cluster's state. */
int node_info_metrics(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		      char **out);
/** IPS: every configured IP with its holder (this pnn or -1). */
int node_info_ips(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		  struct ctdb_public_ip_list **out);
/** LISTVARS: every tunable's live value, in the table's order. */
int node_info_vars(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		   struct ctdb_var_list **out);

/* From noded/watch_keys.c */

/**
 * Keep the watch keys node.runstate, node.health, node.ips and
 * node.tunables in nctx->ks; they are set at once. node.health's state is
 * node_state_name(): HEALTHY, UNHEALTHY, STOPPED, INACTIVE, ...
 */
struct watch_keys *watch_keys_new(TALLOC_CTX *mem_ctx,
				  struct noded_context *nctx);
/** node_state observer: a key whose value is the same wakes nobody. */
void watch_keys_observer(const struct node_state_change *c,
			 void *private_data);

/* From noded/sd_notify.c */

/* systemd notifications; nothing happens unless NOTIFY_SOCKET is set. */
struct sd_notify *sd_notify_new(TALLOC_CTX *mem_ctx,
				const struct node_state *ns);
/**
 * node_state observer: READY=1 when RUNNING, STOPPING=1 at SHUTDOWN, and
 * STATUS=<state>, <n> public IPs when that line changes while RUNNING.
 */
void sd_notify_observer(const struct node_state_change *c,
			void *private_data);

/* From noded/noded_metrics.c */

/*
 * The families `ctdb metrics` shows for the node daemon:
 *   ctdb_noded_start_time_seconds        gauge
 *   ctdb_health_transitions_total{to}    counter, to="healthy"|"unhealthy"
 *   ctdb_node_healthy                    gauge, 1 or 0
 *   ctdb_ip_moves_total{action}          counter, "takeip"|"releaseip"
 *   ctdb_public_ips_hosted               gauge
 *   ctdb_runstate{runstate}              gauge, 1 for the current one
 *   ctdb_cluster_nodes{state}            gauge, nodes ok or by flag
 *   ctdb_cluster_node_flags{pnn,address} gauge, CTDB's flag bits
 *   ctdb_cluster_quorate                 gauge, 1 or 0
 *   ctdb_cluster_taking_part             gauge, 1 or 0 (why_out NULL)
 */
struct noded_metrics *noded_metrics_new(TALLOC_CTX *mem_ctx,
					const struct node_state *ns);
/** node_state observer: counts health transitions and IP moves. */
void noded_metrics_observer(const struct node_state_change *c,
			    void *private_data);
/*
 * OpenMetrics text without "# EOF", the cluster's gauges from st (as
 * node_info_status builds it). @return 0 or ENOMEM.
 */
int noded_metrics_render(TALLOC_CTX *mem_ctx, struct noded_metrics *nm,
			 const struct ctdb_node_status *st, bool quorate,
			 char **out);

/* From noded/hooks.c */

/*
 * Notification hooks (the scripts of events/notification/, see
 * ctdb-events(7)): node events are queued as JSON unless the directory is
 * missing; delivery is asynchronous, one event at a time, in order.
 * Results are logged and never change anything. All accept a NULL
 * context.
 */
struct hooks_context *hooks_new(TALLOC_CTX *mem_ctx,
				struct noded_context *nctx);
/**
 * node_state observer: startup (RUNNING), healthy and unhealthy (the
 * UNHEALTHY flag changes), reason (a new reason, health unchanged),
 * continued (STOPPED cleared), takeip and releaseip, and the announced
 * stopped and shutdown. Nothing is queued after shutdown.
 */
void hooks_observer(const struct node_state_change *c, void *private_data);
/**
 * Complete when every queued event is delivered, or EventScriptTimeout +
 * NOTIFICATION_GRACE seconds from now (what is left is logged).
 */
struct tevent_req *hooks_drain_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct hooks_context *n);
bool hooks_drain_recv(struct tevent_req *req, int *perr);
/** Drop what is queued and close the connection (before eventd stops). */
void hooks_close(struct hooks_context *n);
/**
 * Queue a hook event (doc, a new reference, is consumed) unless the hooks
 * are off: event, args for hooks without stdin, reason, and the members
 * the event adds to the common document.
 */
void hooks_queue(struct hooks_context *n, const char *event,
		 const char *args, const char *reason, json_t *doc);

/* From noded/hooks_members.c */

struct hooks_members;
/** nodeup and nodedown for the other nodes, queued through hooks. */
struct hooks_members *hooks_members_new(TALLOC_CTX *mem_ctx,
					struct hooks_context *hooks,
					struct noded_context *nctx);
/** cluster_change_fn: compare the nodes that are up with the last view. */
void hooks_members_changed(void *private_data);

#endif
