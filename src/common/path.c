/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Directory lookup with CTDB's test-mode override. */
#include <stdio.h>
#include <stdlib.h>

#include "common/path.h"

struct path_dirs {
	bool initialised;
	bool test_mode;
	char etc[4096];
	char run[4096];
	char data[4096];
	char var[4096];
	char helper[4096];
};

static struct path_dirs dirs;

static void path_init(void)
{
	const char *base;
	const char *helper;

	if (dirs.initialised) {
		return;
	}
	dirs.test_mode = (getenv("CTDB_TEST_MODE") != NULL);
	if (!dirs.test_mode) {
		snprintf(dirs.etc, sizeof(dirs.etc), "%s", CTDB_ETCDIR);
		snprintf(dirs.run, sizeof(dirs.run), "%s", CTDB_RUNDIR);
		snprintf(dirs.data, sizeof(dirs.data), "%s", CTDB_DATADIR);
		snprintf(dirs.var, sizeof(dirs.var), "%s", CTDB_VARDIR);
		snprintf(dirs.helper, sizeof(dirs.helper), "%s",
			 CTDB_HELPER_BINDIR);
		dirs.initialised = true;
		return;
	}

	base = getenv("CTDB_BASE");
	if (base == NULL) {
		fprintf(stderr,
			"Broken CTDB setup, CTDB_BASE not set in test mode\n");
		abort();
	}
	snprintf(dirs.etc, sizeof(dirs.etc), "%s", base);
	snprintf(dirs.run, sizeof(dirs.run), "%s/run", base);
	snprintf(dirs.data, sizeof(dirs.data), "%s/share", base);
	snprintf(dirs.var, sizeof(dirs.var), "%s/var", base);
	helper = getenv("CTDB_TEST_HELPER_BINDIR");
	snprintf(dirs.helper, sizeof(dirs.helper), "%s",
		 helper != NULL ? helper : CTDB_HELPER_BINDIR);
	dirs.initialised = true;
}

bool path_test_mode(void)
{
	path_init();
	return dirs.test_mode;
}

const char *path_etcdir(void)
{
	path_init();
	return dirs.etc;
}

const char *path_rundir(void)
{
	path_init();
	return dirs.run;
}

const char *path_datadir(void)
{
	path_init();
	return dirs.data;
}

const char *path_vardir(void)
{
	path_init();
	return dirs.var;
}

const char *path_helperdir(void)
{
	path_init();
	return dirs.helper;
}

char *path_etc_file(TALLOC_CTX *mem_ctx, const char *name)
{
	return talloc_asprintf(mem_ctx, "%s/%s", path_etcdir(), name);
}

char *path_socket(TALLOC_CTX *mem_ctx, const char *daemon)
{
	return talloc_asprintf(mem_ctx, "%s/%s.socket", path_rundir(), daemon);
}

char *path_pidfile(TALLOC_CTX *mem_ctx, const char *daemon)
{
	return talloc_asprintf(mem_ctx, "%s/%s.pid", path_rundir(), daemon);
}

char *path_events_dir(TALLOC_CTX *mem_ctx, const char *component)
{
	return talloc_asprintf(mem_ctx, "%s/events/%s", path_etcdir(),
			       component);
}

char *path_installed_events_dir(TALLOC_CTX *mem_ctx, const char *component)
{
	return talloc_asprintf(mem_ctx, "%s/events/%s", path_datadir(),
			       component);
}
