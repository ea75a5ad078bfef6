/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mapping between script outcomes and CTDB's per-script result integers. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "protocol/script_result.h"

struct script_result script_result_from_errno(int err)
{
	struct script_result r = { .state = SCRIPT_CANNOT_RUN, .code = err };

	switch (err) {
	case 0:
		r.state = SCRIPT_OK;
		break;
	case ENOEXEC:
	case EACCES:
	case ENOENT:
		/* Newer CTDB treats a vanished script as disabled too. */
		r.state = SCRIPT_DISABLED;
		break;
	case ETIMEDOUT:
		r.state = SCRIPT_TIMEDOUT;
		break;
	case ECANCELED:
		r.state = SCRIPT_CANCELLED;
		break;
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
	switch (r.code) {
	case ENOEXEC:
		r.state = SCRIPT_DISABLED;
		break;
	case ETIMEDOUT:
		r.state = SCRIPT_TIMEDOUT;
		break;
	case ECANCELED:
		r.state = SCRIPT_CANCELLED;
		break;
	case ENOMSG:
		r.state = SCRIPT_NO_DATA;
		break;
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
