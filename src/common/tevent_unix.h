/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unix errno on tevent requests (Debian's libtevent lacks Samba's helpers). */
#ifndef CTDB_COMMON_TEVENT_UNIX_H
#define CTDB_COMMON_TEVENT_UNIX_H

#include <stdbool.h>
#include <tevent.h>

/** Finish req with errno err (err must be non-zero). @return true if err set. */
bool tevent_req_error_unix(struct tevent_req *req, int err);

/**
 * @return true if req failed, with the errno in *perr (ENOMEM for an
 * allocation failure, ETIMEDOUT for a tevent timeout).
 */
bool tevent_req_is_unix_error(struct tevent_req *req, int *perr);

/**
 * Run the loop until req is done (bound it with tevent_req_set_endtime).
 * @return true when req completed, false with *perr on a loop failure.
 */
bool tevent_req_poll_unix(struct tevent_req *req, struct tevent_context *ev,
			  int *perr);

#endif
