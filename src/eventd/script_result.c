/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mapping between script outcomes and CTDB's per-script result integers. */
#include <errno.h>

#include "eventd/script_result.h"

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

bool script_result_failed(const struct script_result *r)
{
	return r->state != SCRIPT_OK && r->state != SCRIPT_DISABLED;
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
	}
	return -EIO;
}
