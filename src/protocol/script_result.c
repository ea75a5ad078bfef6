/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mapping between script outcomes and CTDB's per-script result integers. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "protocol/script_result.h"

/* The states an errno means wherever it comes from. */
static enum script_state errno_state(int err)
{
	switch (err) {
	case 0:
		return SCRIPT_OK;
	case ENOEXEC:
		return SCRIPT_DISABLED;
	case ETIMEDOUT:
		return SCRIPT_TIMEDOUT;
	case ECANCELED:
		return SCRIPT_CANCELLED;
	default:
		return SCRIPT_CANNOT_RUN;
	}
}

struct script_result script_result_from_errno(int err)
{
	struct script_result r = { .state = errno_state(err), .code = err };

	/* Not executable, or vanished (newer CTDB): disabled too. */
	if (err == EACCES || err == ENOENT) {
		r.state = SCRIPT_DISABLED;
	}
	return r;
}

struct script_result script_result_from_exit(int status)
{
	struct script_result r = { .state = SCRIPT_OK, .code = 0 };

	if (status == 0) {
		return r;
	}
	if (status >= 64 && status <= 254) {
		int err = status - 64;

		/* ENOENT as an exit code is a real error, not "vanished". */
		if (err == ENOENT) {
			r.state = SCRIPT_CANNOT_RUN;
			r.code = err;
			return r;
		}
		return script_result_from_errno(err);
	}
	r.state = SCRIPT_ERROR;
	r.code = status;
	return r;
}

struct script_result script_result_from_signal(int signum)
{
	struct script_result r = { .state = SCRIPT_CANNOT_RUN, .code = EINTR };

	(void)signum;
	return r;
}

struct script_result script_result_from_wire(int32_t wire)
{
	/* -INT32_MIN does not fit an int32_t; no errno is that large. */
	int64_t err = -(int64_t)wire;
	struct script_result r = { .state = SCRIPT_CANNOT_RUN };

	if (wire >= 0) {
		r.state = wire == 0 ? SCRIPT_OK : SCRIPT_ERROR;
		r.code = wire;
		return r;
	}
	r.code = err > INT_MAX ? INT_MAX : (int)err;
	r.state = errno_state(r.code);
	/*
	 * -ENOMSG is Samba 4.24's "no data". -EACCES and -ENOENT stay
	 * errors here: a daemon sends what it meant as disabled as -ENOEXEC.
	 */
	if (r.code == ENOMSG) {
		r.state = SCRIPT_NO_DATA;
	}
	return r;
}

bool script_result_failed(const struct script_result *r)
{
	return r->state != SCRIPT_OK && r->state != SCRIPT_DISABLED &&
	       r->state != SCRIPT_NO_DATA;
}

bool script_wire_failed(int32_t wire)
{
	struct script_result r = script_result_from_wire(wire);

	return script_result_failed(&r);
}

int32_t script_result_to_wire(const struct script_result *r)
{
	switch (r->state) {
	case SCRIPT_OK:
		return 0;
	case SCRIPT_ERROR:
		return r->code;
	case SCRIPT_DISABLED:
		return -ENOEXEC;
	case SCRIPT_TIMEDOUT:
		return -ETIMEDOUT;
	case SCRIPT_CANCELLED:
		return -ECANCELED;
	case SCRIPT_CANNOT_RUN:
		return -r->code;
	case SCRIPT_NO_DATA:
		return -ENOMSG;
	}
	return -EIO;
}

const char *script_result_word(const struct script_result *r)
{
	switch (r->state) {
	case SCRIPT_OK:
		return "OK";
	case SCRIPT_ERROR:
		return "ERROR";
	case SCRIPT_DISABLED:
		return "DISABLED";
	case SCRIPT_TIMEDOUT:
		return "TIMEDOUT";
	case SCRIPT_CANCELLED:
	case SCRIPT_CANNOT_RUN:
		return "CANNOT RUN";
	case SCRIPT_NO_DATA:
		return "NO DATA";
	}
	return "CANNOT RUN";
}

const char *script_result_error(const struct script_result *r)
{
	switch (r->state) {
	case SCRIPT_TIMEDOUT:
		return strerror(ETIMEDOUT);
	case SCRIPT_CANCELLED:
		return strerror(ECANCELED);
	case SCRIPT_CANNOT_RUN:
		return strerror(r->code);
	default:
		return NULL;
	}
}
