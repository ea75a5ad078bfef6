/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Types of the CTDB event daemon wire protocol (ctdb-eventd socket). */
#ifndef CTDB_PROTOCOL_EVENT_PROTOCOL_H
#define CTDB_PROTOCOL_EVENT_PROTOCOL_H

#include <stdint.h>
#include <sys/time.h>

/*
 * The layout is CTDB's, byte for byte: host byte order, packed, no
 * padding. The header version is 0 on the wire in both directions (CTDB
 * defines a version constant but never sends it). CTDB's daemon never
 * checks it; ours logs another value but serves the request all the same
 * (src/server/srv_conn.h). Don't change any value here: Samba's tools and
 * ctdbd depend on them.
 */
#define CTDB_EVENT_WIRE_VERSION 0

/* ctdb-event starts its reqids here; ctdbd starts at 2. */
#define CTDB_EVENT_TOOL_REQID_START 2147483448U

enum ctdb_event_command {
	CTDB_EVENT_CMD_RUN = 1,
	CTDB_EVENT_CMD_STATUS = 2,
	CTDB_EVENT_CMD_SCRIPT = 3,
	/*
	 * Our extensions start at 100, far from CTDB's values. Samba's
	 * daemon closes the connection on them; our tools then say the
	 * daemon does not support the command.
	 */
	CTDB_EVENT_CMD_RUN_INPUT = 100, /* RUN with data for the scripts' stdin */
	CTDB_EVENT_CMD_HISTORY = 101,   /* the last runs of an event, as JSON */
	CTDB_EVENT_CMD_METRICS = 102,   /* OpenMetrics text */
	CTDB_EVENT_CMD_WATCH = 103,     /* follow keys: a stream of NOTIFY */
	CTDB_EVENT_CMD_NOTIFY = 104,    /* reply only: one key's new value */
};

#define CTDB_EVENT_RUN_ALL 0x1U

enum ctdb_event_script_action {
	CTDB_EVENT_SCRIPT_DISABLE = 0,
	CTDB_EVENT_SCRIPT_ENABLE = 1,
};

struct ctdb_event_header {
	uint32_t length;  /* of the whole packet, these 4 bytes included */
	uint32_t version;
	uint32_t reqid;
};

#define CTDB_EVENT_HEADER_LEN 12

struct ctdb_event_request_run {
	const char *component;
	const char *event;
	const char *args; /* NULL when there are none */
	uint32_t timeout; /* seconds */
	uint32_t flags;   /* CTDB_EVENT_RUN_ALL */
};

/*
 * RUN_INPUT (our extension): a RUN body followed by one stringn, the data
 * the event's scripts read on stdin. A NULL input (N = 0) means no data:
 * stdin is an empty pipe. The input is text (a stringn holds no NUL) of
 * at most CTDB_EVENT_INPUT_MAX bytes, the NUL not counted; a longer one is
 * refused by both _push and _pull with EINVAL.
 */
#define CTDB_EVENT_INPUT_MAX (64U * 1024U)

struct ctdb_event_request_run_input {
	struct ctdb_event_request_run run;
	const char *input;
};

struct ctdb_event_request_status {
	const char *component;
	const char *event;
};

struct ctdb_event_request_script {
	const char *component;
	const char *script;
	uint32_t action; /* enum ctdb_event_script_action */
};

struct ctdb_event_request {
	uint32_t cmd; /* enum ctdb_event_command */
	union {
		struct ctdb_event_request_run *run;
		struct ctdb_event_request_run_input *run_input;
		struct ctdb_event_request_status *status;
		struct ctdb_event_request_script *script;
		/* HISTORY: the same two strings as STATUS */
		struct ctdb_event_request_status *history;
		/* METRICS has no body */
	} data;
};

/*
 * Per-script result on the wire: 0 OK, a positive exit status (ERROR),
 * -ENOEXEC (DISABLED), -ETIMEDOUT, -ECANCELED, or another -errno
 * ("CANNOT RUN"). Inside the daemon results are an enum (see
 * protocol/script_result.h); this int exists only at the wire boundary.
 */
struct ctdb_event_script {
	const char *name;   /* file name without ".script" */
	struct timeval begin;
	struct timeval end;
	int32_t result;
	const char *output; /* NULL if the script wrote nothing */
};

struct ctdb_event_script_list {
	int32_t num_scripts;
	struct ctdb_event_script *script;
};

struct ctdb_event_reply_status {
	int32_t summary; /* 0, a negative errno or a positive exit status */
	struct ctdb_event_script_list *script_list;
};

struct ctdb_event_reply {
	uint32_t cmd;   /* echoes the request */
	int32_t result; /* 0 or a positive errno */
	union {
		/* only for CTDB_EVENT_CMD_STATUS with result 0 */
		struct ctdb_event_reply_status *status;
		/*
		 * HISTORY with result 0: a JSON array of runs, oldest first;
		 * METRICS with result 0: OpenMetrics text without "# EOF".
		 * One stringn on the wire, never NULL.
		 */
		const char *text;
	} data;
};

#endif
