/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded: main(), options and daemon wiring only. */
#include <errno.h>
#include <popt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/sock_daemon.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "noded/tickles.h"
#include "server/bus_start.h"

/*
 * The node keys are set from the start, before the bus exists: their
 * current values are published once, so a subscriber sees the state at
 * start-up.
 */
static const char *const noded_bus_keys[] = {
	"node.runstate", "node.health", "node.ips", "node.tunables", NULL,
};

/* ---------- observers of node_state that are only wiring ---------- */

/* An exit request ends the daemon's loop; the shutdown sequence follows. */
static void noded_exit_observer(const struct node_state_change *c,
				void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);

	if (c->what == NODE_STATE_EXIT && nctx->sd != NULL) {
		sock_daemon_exit(nctx->sd, c->exit_status);
	}
}

/* The cluster backend publishes this node's flags to the other nodes. */
static void noded_cluster_observer(const struct node_state_change *c,
				   void *private_data)
{
	struct cluster *cluster = talloc_get_type_abort(private_data,
							struct cluster);
	int ret;

	if (c->what != NODE_STATE_FLAGS) {
		return;
	}
	ret = cluster_set_this_flags(cluster, c->new_flags);
	if (ret != 0) {
		D_ERR("Failed to publish node flags to the cluster: %s",
		      strerror(ret));
	}
}

static void noded_reopen_logs(void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);
	int ret;

	ret = logging_reopen();
	if (ret != 0) {
		D_ERR("Failed to reopen log: %s", strerror(ret));
	}
	/* As ctdbd: the event daemon reopens its log with ours. */
	if (nctx->eventd != NULL) {
		eventd_signal(nctx->eventd, SIGHUP);
	}
}

/*
 * sock_daemon calls this once its loop has ended (SIGTERM, SIGINT, a
 * SHUTDOWN control or an error); the sequence still needs the loop, so
 * run it here until it is done.
 */
static void noded_shutdown(void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);
	struct tevent_req *req;
	bool ok;
	int err = 0;

	req = noded_shutdown_send(nctx, nctx->ev, nctx);
	if (req == NULL) {
		D_ERR("Cannot run the shutdown sequence: out of memory");
		return;
	}
	ok = tevent_req_poll_unix(req, nctx->ev, &err);
	if (ok) {
		ok = noded_shutdown_recv(req, &err);
	}
	if (!ok) {
		D_ERR("Shutdown sequence failed: %s", strerror(err));
	}
	talloc_free(req);
}

static const struct sock_daemon_funcs noded_funcs = {
	.client_connect = control_client_connect,
	.reopen_logs = noded_reopen_logs,
	.shutdown = noded_shutdown,
};

struct noded_options {
	int check;
};

static int parse_options(int argc, const char **argv,
			 struct noded_options *opts)
{
	struct poptOption options[] = {
		POPT_AUTOHELP
		{ "check", 'n', POPT_ARG_NONE, &opts->check, 0,
		  "check the configuration (ctdb.conf, ctdb.tunables, "
		  "public_addresses) and exit", NULL },
		POPT_TABLEEND
	};
	poptContext pc;
	const char *extra;
	int opt;

	pc = poptGetContext(argv[0], argc, argv, options, 0);
	opt = poptGetNextOpt(pc);
	if (opt < -1) {
		fprintf(stderr, "Invalid options %s: %s\n",
			poptBadOption(pc, 0), poptStrerror(opt));
		poptFreeContext(pc);
		return 1;
	}
	extra = poptGetArg(pc);
	if (extra != NULL) {
		fprintf(stderr, "Unexpected argument '%s'\n", extra);
		poptFreeContext(pc);
		return 1;
	}
	poptFreeContext(pc);
	return 0;
}

/* One line per problem, "<file>:<line>: <reason>", on stderr. */
static int noded_load_config(TALLOC_CTX *mem_ctx, struct noded_config **out)
{
	char **errors = NULL;
	unsigned num_errors = 0;
	unsigned i;
	int ret;

	ret = noded_config_load(mem_ctx, out, &errors, &num_errors);
	if (ret == 0) {
		return 0;
	}
	for (i = 0; i < num_errors; i++) {
		fprintf(stderr, "%s\n", errors[i]);
	}
	if (num_errors == 0) {
		fprintf(stderr, "ctdb-noded: cannot read the configuration: "
				"%s\n",
			strerror(ret));
	}
	talloc_free(errors);
	return ret;
}

/*
 * -n: keys and sections that no daemon reads are errors, as in Samba's
 * "ctdb-config validate"; at start they are only warnings, so a typo does
 * not keep a node down.
 */
static int noded_check_unknown(const struct noded_config *config)
{
	unsigned i;

	for (i = 0; i < config->unknown.num; i++) {
		fprintf(stderr, "%s\n", config->unknown.lines[i]);
	}
	return (config->unknown.num > 0) ? 1 : 0;
}

static void noded_warn_unknown(const struct noded_config *config)
{
	unsigned i;

	for (i = 0; i < config->unknown.num; i++) {
		D_WARNING("%s, ignored", config->unknown.lines[i]);
	}
}

/*
 * Every reaction to a change of this node's state, in the order they
 * run: hooks, watch keys (and through them the bus), metrics, the
 * cluster, sd_notify, the takeover trigger, announcements, and the exit.
 */
static bool noded_observe(struct noded_context *nctx)
{
	const struct {
		node_state_observer_fn fn;
		void *private_data;
	} observers[] = {
		{ hooks_observer, nctx->hooks },
		{ watch_keys_observer, nctx->watch_keys },
		{ noded_metrics_observer, nctx->metrics },
		{ noded_cluster_observer, nctx->cluster },
		{ sd_notify_observer, nctx->sd_notify },
		{ takeover_observer, nctx->takeover },
		{ announce_observer, nctx->announce },
		{ tickle_failover_observer, nctx->tickle_failover },
		{ noded_exit_observer, nctx },
	};
	size_t i;

	for (i = 0; i < sizeof(observers) / sizeof(observers[0]); i++) {
		struct node_state_observer *o;

		/* With corosync, the cluster decides where IPs go. */
		if (observers[i].fn == takeover_observer &&
		    nctx->corosync != NULL) {
			continue;
		}

		o = node_state_observe(nctx, nctx->state, observers[i].fn,
				       observers[i].private_data);
		if (o == NULL) {
			return false;
		}
	}
	return true;
}

/* The backend was checked with the configuration: it is built in. */
static struct cluster *noded_cluster_backend_new(struct noded_context *nctx,
						 const struct noded_config *config)
{
#ifdef HAVE_COROSYNC
	if (strcmp(config->cluster_backend, "corosync") == 0) {
		return noded_cluster_new(nctx, nctx);
	}
#endif
	return cluster_local_new(nctx, config->node_address);
}

static struct noded_context *noded_context_new(TALLOC_CTX *mem_ctx,
					       struct tevent_context *ev,
					       struct noded_config *config)
{
	struct noded_context *nctx;
	bool ok;

	nctx = talloc_zero(mem_ctx, struct noded_context);
	if (nctx == NULL) {
		return NULL;
	}
	nctx->ev = ev;
	nctx->config = config;
	nctx->tunables = config->tunables;
	nctx->ips = config->ips;
	nctx->state = node_state_new(nctx, nctx->ips->num);
	nctx->econn = event_conn_new(nctx, ev,
				     "Connection to the event daemon lost");
	nctx->cluster = noded_cluster_backend_new(nctx, config);
	nctx->takeover = takeover_init(nctx, nctx);
	nctx->ks = keyspace_new(nctx, ev);
	if (nctx->state == NULL || nctx->econn == NULL ||
	    nctx->cluster == NULL || nctx->takeover == NULL ||
	    nctx->ks == NULL) {
		talloc_free(nctx);
		return NULL;
	}
	nctx->hooks = hooks_new(nctx, nctx);
	nctx->watch_keys = watch_keys_new(nctx, nctx);
	nctx->metrics = noded_metrics_new(nctx, nctx->state);
	nctx->sd_notify = sd_notify_new(nctx, nctx->state);
	nctx->announce = announce_new(nctx, nctx);
	nctx->tickles = tickles_new(nctx, nctx->ips, TICKLES_MAX_PER_IP);
	nctx->tickle_failover = tickle_failover_new(nctx, nctx);
	if (nctx->hooks == NULL || nctx->watch_keys == NULL ||
	    nctx->metrics == NULL || nctx->sd_notify == NULL ||
	    nctx->announce == NULL || nctx->tickles == NULL ||
	    nctx->tickle_failover == NULL) {
		talloc_free(nctx);
		return NULL;
	}
	ok = noded_observe(nctx);
	if (!ok) {
		talloc_free(nctx);
		return NULL;
	}
	(void)cluster_set_this_flags(nctx->cluster,
				     node_state_flags(nctx->state));
	return nctx;
}

static int noded_run(TALLOC_CTX *mem_ctx, struct noded_config *config)
{
	struct tevent_context *ev;
	struct noded_context *nctx;
	struct bus_start *bus = NULL;
	char *sockpath;
	char *pidfile;
	int ret;

	ev = tevent_context_init(mem_ctx);
	if (ev == NULL) {
		fprintf(stderr, "ctdb-noded: out of memory\n");
		return 1;
	}
	logging_setup(&config->logging, "ctdb-noded");
	noded_warn_unknown(config);
	nctx = noded_context_new(mem_ctx, ev, config);
	if (nctx == NULL) {
		D_ERR("out of memory");
		return 1;
	}
	nctx->sd = sock_daemon_new(nctx, ev, "ctdb-noded", &noded_funcs,
				   nctx);
	if (nctx->sd == NULL) {
		D_ERR("out of memory");
		return 1;
	}
	/* On the daemon: its destructor still needs them to unlink. */
	sockpath = path_socket(nctx->sd, "noded");
	pidfile = path_pidfile(nctx->sd, "noded");
	if (sockpath == NULL || pidfile == NULL) {
		D_ERR("out of memory");
		return 1;
	}
	ret = bus_start(nctx->ks, ev, &config->bus, "ctdb-noded",
			noded_bus_keys, &bus);
	if (ret != 0) {
		return 1;
	}
	D_NOTICE("Cluster backend %s, this node pnn %u, %u public IPs",
		 cluster_backend_name(nctx->cluster),
		 cluster_this_pnn(nctx->cluster), nctx->ips->num);
	ret = noded_lifecycle_start(nctx);
	if (ret != 0) {
		D_ERR("out of memory");
		return 1;
	}
	/* Foreground only: the init system supervises us. */
	return sock_daemon_run(nctx->sd, sockpath, pidfile, -1, -1);
}

int main(int argc, const char **argv)
{
	struct noded_options opts = { .check = 0 };
	struct noded_config *config = NULL;
	TALLOC_CTX *mem_ctx;
	int ret;

	ret = parse_options(argc, argv, &opts);
	if (ret != 0) {
		return ret;
	}
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "ctdb-noded: out of memory\n");
		return 1;
	}
	ret = noded_load_config(mem_ctx, &config);
	if (ret != 0) {
		/* Nothing half-applied: the daemon refuses to start. */
		talloc_free(mem_ctx);
		return 1;
	}
	if (opts.check != 0) {
		ret = noded_check_unknown(config);
		if (ret == 0) {
			printf("configuration OK\n");
		}
		talloc_free(mem_ctx);
		return ret;
	}
	/*
	 * Scripts find their configuration through CTDB_BASE, as under
	 * ctdbd; a value set by the caller wins.
	 */
	(void)setenv("CTDB_BASE", path_etcdir(), 0);
	ret = noded_run(mem_ctx, config);
	talloc_free(mem_ctx);
	return ret;
}
