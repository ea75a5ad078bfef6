/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presentation of `ctdb event history`: text lines and JSON, apart from I/O. */
#ifndef CTDB_TOOLS_EVENT_HISTORY_H
#define CTDB_TOOLS_EVENT_HISTORY_H

#include <jansson.h>
#include <stdio.h>

/*
 * Decode what the daemon sent: a JSON array of runs, each an object with
 * integer "seq" and "result", string "state" and an array "scripts" of
 * objects with string "name", "state", "begin", integer "result", number
 * "duration" and string or null "output" (ctdb_event_status_json()).
 * @return 0 with *out (a new reference), or EPROTO for anything else.
 */
int event_history_parse(const char *text, json_t **out);

/*
 * One line per run, oldest first:
 *   #SEQ BEGIN DURATION STATE[ SCRIPT WHAT[: FIRST OUTPUT LINE]]
 * BEGIN is the first script's begin (RFC 3339, UTC), "-" for a run
 * without scripts; DURATION the sum of the scripts' durations in seconds;
 * the rest names the failing script of a failed run, e.g.
 *   #7 2026-11-22T07:01:02.123456Z 0.012 ERROR 03.fail exit 1: disk full
 */
void event_history_print_text(FILE *f, const json_t *runs);

/* The array as the daemon sent it, indented, with a final newline. */
int event_history_print_json(FILE *f, const json_t *runs);

#endif
