/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What became of one script, and its CTDB wire encoding: the one decoder. */
#ifndef CTDB_PROTOCOL_SCRIPT_RESULT_H
#define CTDB_PROTOCOL_SCRIPT_RESULT_H

#include <stdbool.h>
#include <stdint.h>

enum script_state {
	SCRIPT_OK,
	SCRIPT_ERROR,      /* exited with a failure status; code = status */
	SCRIPT_DISABLED,   /* not executable, not found or not a program */
	SCRIPT_TIMEDOUT,
	SCRIPT_CANCELLED,
	SCRIPT_CANNOT_RUN, /* code = errno */
	/*
	 * Not run this time because an earlier script failed (Samba 4.24+
	 * stores such entries as -ENOMSG, "no data"). Not a failure: the
	 * failing script is the one before it, and CTDB's tool skips it.
	 */
	SCRIPT_NO_DATA,
};

struct script_result {
	enum script_state state;
	int code;
};

/*
 * Exit statuses follow CTDB's convention: 64 + errno means "errno", so
 * 64 is OK, 72 (ENOEXEC) and 77 (EACCES) DISABLED, 174 (ETIMEDOUT) timed
 * out and 189 (ECANCELED) cancelled. Scripts rely on it, so we keep it.
 */
struct script_result script_result_from_exit(int status);
/* Killed by a signal: CTDB reports EINTR. */
struct script_result script_result_from_signal(int signum);
/* The script could not be started (stat or exec failed). */
struct script_result script_result_from_errno(int err);

/*
 * A per-script result (or an event summary) as it travels on CTDB's
 * wire: 0, a positive exit status or a negative errno. Every reader of
 * the wire (tools, JSON, health, history, metrics) decodes through this.
 */
struct script_result script_result_from_wire(int32_t wire);

/* A failure is anything but OK, DISABLED and "no data", as in CTDB. */
bool script_result_failed(const struct script_result *r);

/* script_result_failed() of a wire value. */
bool script_wire_failed(int32_t wire);

/* 0, a positive exit status or a negative errno, as on CTDB's wire. */
int32_t script_result_to_wire(const struct script_result *r);

/*
 * The word CTDB's tool prints: "OK", "ERROR", "DISABLED", "TIMEDOUT" or
 * "CANNOT RUN" (cancelled included, as CTDB prints it); "NO DATA" for an
 * entry CTDB's tool does not print at all.
 */
const char *script_result_word(const struct script_result *r);

/*
 * strerror() of the errno behind a TIMEDOUT, CANCELLED or CANNOT RUN
 * result; NULL for the others, which carry no errno.
 */
const char *script_result_error(const struct script_result *r);

#endif
