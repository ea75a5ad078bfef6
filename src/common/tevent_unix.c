/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tevent request errors as plain positive errno values. */
#include <errno.h>

#include "common/tevent_unix.h"

bool tevent_req_error_unix(struct tevent_req *req, int err)
{
	return tevent_req_error(req, (uint64_t)err);
}

bool tevent_req_is_unix_error(struct tevent_req *req, int *perr)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return false;
	}
	switch (state) {
	case TEVENT_REQ_TIMED_OUT:
		*perr = ETIMEDOUT;
		break;
	case TEVENT_REQ_NO_MEMORY:
		*perr = ENOMEM;
		break;
	case TEVENT_REQ_USER_ERROR:
		*perr = (int)err;
		break;
	default:
		*perr = EIO;
		break;
	}
	return true;
}

bool tevent_req_poll_unix(struct tevent_req *req, struct tevent_context *ev,
			  int *perr)
{
	bool ok;

	ok = tevent_req_poll(req, ev);
	if (!ok) {
		*perr = errno != 0 ? errno : EIO;
		return false;
	}
	return true;
}
