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
#include "server/bus_start.h"

/*
 * The node keys are set from the start, before the bus exists: their
 * current values are published once, so a subscriber sees the state at
 * start-up.
 */
static const char *const noded_bus_keys[] = {
	"node.runstate", "node.health", "node.ips", "node.tunables", NULL,
};

void noded_exit(struct noded_context *nctx, int status)
{
	if (status != 0) {
		nctx->exiting = true;
	}
	sock_daemon_exit(nctx->sd, status);
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

static struct noded_context *noded_context_new(TALLOC_CTX *mem_ctx,
					       struct tevent_context *ev,
					       struct noded_config *config)
{
	struct noded_context *nctx;

	nctx = talloc_zero(mem_ctx, struct noded_context);
	if (nctx == NULL) {
		return NULL;
	}
	nctx->ev = ev;
	nctx->config = config;
	nctx->tunables = config->tunables;
	nctx->ips = config->ips;
	nctx->runstate = CTDB_RUNSTATE_UNKNOWN;
	/* As ctdbd, a node starts UNHEALTHY until a monitor event passes. */
	nctx->flags = CTDB_NODE_FLAGS_UNHEALTHY;
	nctx->unhealthy_reason = talloc_strdup(
		nctx, "no monitor event has completed yet");
	nctx->cluster = cluster_local_new(nctx, config->node_address);
	nctx->takeover = takeover_init(nctx, nctx);
	nctx->ks = keyspace_new(nctx, ev);
	nctx->notification = notification_init(nctx, nctx);
	if (nctx->unhealthy_reason == NULL || nctx->cluster == NULL ||
	    nctx->takeover == NULL || nctx->ks == NULL ||
	    nctx->notification == NULL) {
		talloc_free(nctx);
		return NULL;
	}
	if (noded_metrics_init(nctx) != 0) {
		talloc_free(nctx);
		return NULL;
	}
	(void)cluster_set_this_flags(nctx->cluster, nctx->flags);
	noded_keys_update(nctx);
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
