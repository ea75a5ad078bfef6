/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `ctdb watch` and `ctdb wait`: follow the daemons' keys as JSON lines. */
#ifndef CTDB_TOOLS_WATCH_TOOL_H
#define CTDB_TOOLS_WATCH_TOOL_H

#include <talloc.h>

/*
 * argv[0] is the command's name. watch: 0 after SIGINT or when stdout is
 * closed, 1 when a daemon cannot be watched or goes away, 2 for a bad
 * key. wait: 0 once the condition holds, 1 on timeout, 2 for usage and
 * connection errors.
 */
int watch_tool_watch(TALLOC_CTX *mem_ctx, int argc, const char **argv);
int watch_tool_wait(TALLOC_CTX *mem_ctx, int argc, const char **argv);

#endif
