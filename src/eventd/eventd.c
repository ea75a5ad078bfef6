/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd: main(), options and daemon wiring only. */
#include <errno.h>
#include <fcntl.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/sock_daemon.h"
#include "eventd/eventd_private.h"
#include "server/bus_start.h"

static void eventd_reopen_logs(void *private_data);

static const struct sock_daemon_funcs eventd_funcs = {
	.client_connect = eventd_client_connect,
	.reopen_logs = eventd_reopen_logs,
	.shutdown = eventd_shutdown,
};

static void eventd_reopen_logs(void *private_data)
{
	int ret = logging_reopen();

	if (ret != 0) {
		D_ERR("Failed to reopen log: %s", strerror(ret));
	}
}

struct eventd_options {
	int pid;
	int startup_fd;
	int check;
};

static int parse_options(int argc, const char **argv,
			 struct eventd_options *opts)
{
	struct poptOption options[] = {
		POPT_AUTOHELP
		{ "pid", 'P', POPT_ARG_INT, &opts->pid, 0,
		  "pid to wait for", "PID" },
		{ "startup-fd", 'S', POPT_ARG_INT, &opts->startup_fd, 0,
		  "file descriptor to notify of successful start", "FD" },
		{ "check", 'n', POPT_ARG_NONE, &opts->check, 0,
		  "check the configuration (ctdb.conf) and exit", NULL },
		POPT_TABLEEND
	};
	poptContext pc;
	int opt;

	pc = poptGetContext(argv[0], argc, argv, options, 0);
	opt = poptGetNextOpt(pc);
	if (opt < -1) {
		fprintf(stderr, "Invalid options %s: %s\n",
			poptBadOption(pc, 0), poptStrerror(opt));
		poptFreeContext(pc);
		return 1;
	}
	/* Extra arguments are ignored, as CTDB does. */
	poptFreeContext(pc);
	return 0;
}

/*
 * -n: unknown keys and sections are errors here, as in Samba's
 * "ctdb-config validate", since nobody would read them.
 */
static int eventd_check(const struct eventd_config *config)
{
	unsigned i;

	for (i = 0; i < config->unknown.num; i++) {
		fprintf(stderr, "ctdb-eventd: %s\n", config->unknown.lines[i]);
	}
	if (config->unknown.num > 0) {
		return EINVAL;
	}
	printf("configuration OK\n");
	return 0;
}

/* At start they are only warnings: a typo must not stop a running node. */
static void eventd_warn_unknown(const struct eventd_config *config)
{
	unsigned i;

	for (i = 0; i < config->unknown.num; i++) {
		D_WARNING("%s, ignored", config->unknown.lines[i]);
	}
}

/* stdout is for nothing; scripts must not write into our caller's pipe. */
static void stdout_to_devnull(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd != -1) {
		(void)dup2(fd, STDOUT_FILENO);
		close(fd);
	}
}

int main(int argc, const char **argv)
{
	struct eventd_options opts = { .pid = -1, .startup_fd = -1 };
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct eventd_config *config = NULL;
	struct eventd_context *ectx;
	struct bus_start *bus = NULL;
	struct sock_daemon *sd;
	char *errmsg = NULL;
	int ret;

	ret = parse_options(argc, argv, &opts);
	if (ret != 0) {
		return ret;
	}
	mem_ctx = talloc_new(NULL);
	ev = tevent_context_init(mem_ctx);
	if (mem_ctx == NULL || ev == NULL) {
		fprintf(stderr, "ctdb-eventd: out of memory\n");
		return ENOMEM;
	}

	ret = eventd_config_load(mem_ctx, path_etc_file(mem_ctx, "ctdb.conf"),
				 &config, &errmsg);
	if (ret != 0) {
		fprintf(stderr, "ctdb-eventd: %s\n",
			errmsg != NULL ? errmsg : strerror(ret));
		talloc_free(mem_ctx);
		return ret;
	}
	if (opts.check != 0) {
		ret = eventd_check(config);
		talloc_free(mem_ctx);
		return ret;
	}
	logging_setup(&config->logging, "ctdb-eventd");
	eventd_warn_unknown(config);
	stdout_to_devnull();

	ectx = eventd_context_new(mem_ctx, ev, config);
	sd = sock_daemon_new(mem_ctx, ev, "ctdb-eventd", &eventd_funcs, ectx);
	if (ectx == NULL || sd == NULL) {
		D_ERR("out of memory");
		talloc_free(mem_ctx);
		return ENOMEM;
	}
	ret = bus_start(ectx->ks, ev, &config->bus, "ctdb-eventd", NULL, &bus);
	if (ret != 0) {
		talloc_free(mem_ctx);
		return ret;
	}
	ret = sock_daemon_run(sd, path_socket(mem_ctx, "eventd"),
			      path_pidfile(mem_ctx, "eventd"), opts.startup_fd,
			      opts.pid);
	talloc_free(mem_ctx);
	return ret;
}
