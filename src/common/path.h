/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where files live: configured directories, or CTDB_BASE in test mode. */
#ifndef CTDB_COMMON_PATH_H
#define CTDB_COMMON_PATH_H

#include <stdbool.h>
#include <talloc.h>

/*
 * Test mode is on when CTDB_TEST_MODE is set, even to the empty string.
 * Then every directory derives from CTDB_BASE; if CTDB_BASE is unset the
 * process prints "Broken CTDB setup, CTDB_BASE not set in test mode" and
 * aborts, exactly as CTDB does. Do not use test mode in production.
 */
bool path_test_mode(void);

const char *path_etcdir(void);    /* config, events/<component>/ */
const char *path_rundir(void);    /* sockets and pidfiles */
const char *path_datadir(void);   /* installed scripts: events/<component>/ */
const char *path_vardir(void);    /* persistent state */
const char *path_helperdir(void); /* ctdb-eventd and other helpers */

/* <etcdir>/<name>, e.g. ctdb.conf, ctdb.tunables, public_addresses */
char *path_etc_file(TALLOC_CTX *mem_ctx, const char *name);
/* <rundir>/<daemon>.socket and <rundir>/<daemon>.pid */
char *path_socket(TALLOC_CTX *mem_ctx, const char *daemon);
char *path_pidfile(TALLOC_CTX *mem_ctx, const char *daemon);
/* <etcdir>/events/<component> and <datadir>/events/<component> */
char *path_events_dir(TALLOC_CTX *mem_ctx, const char *component);
char *path_installed_events_dir(TALLOC_CTX *mem_ctx, const char *component);

#endif
