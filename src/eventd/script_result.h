/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What became of one script, and its CTDB wire encoding. */
#ifndef CTDB_EVENTD_SCRIPT_RESULT_H
#define CTDB_EVENTD_SCRIPT_RESULT_H

#include <stdbool.h>
#include <stdint.h>

enum script_state {
	SCRIPT_OK,
	SCRIPT_ERROR,      /* exited with a failure status; code = status */
	SCRIPT_DISABLED,   /* not executable, not found or not a program */
	SCRIPT_TIMEDOUT,
	SCRIPT_CANCELLED,
	SCRIPT_CANNOT_RUN, /* code = errno */
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

/* A failure is anything but OK and DISABLED. */
bool script_result_failed(const struct script_result *r);

/* 0, a positive exit status or a negative errno, as on CTDB's wire. */
int32_t script_result_to_wire(const struct script_result *r);

#endif
