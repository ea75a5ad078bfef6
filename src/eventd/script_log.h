/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging script output without repeating identical consecutive failures. */
#ifndef CTDB_EVENTD_SCRIPT_LOG_H
#define CTDB_EVENTD_SCRIPT_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

/*
 * Each output line of a script is logged as "<script>: <line>", at NOTICE
 * when the script failed and at INFO when it succeeded. A failure that
 * repeats the previous run of the same script in the same event (same
 * result, same output) is not logged again; instead
 *   "<script>: failed again with the same output (N times in a row)"
 * appears at NOTICE when N is 2, 4, 8, 16, ... A failure with another
 * result or output is logged in full. The first success after failures
 * logs "<script>: <event> recovered after N failures" at NOTICE.
 *
 * Only failing scripts are remembered, each as one entry of a few dozen
 * bytes: a 64-bit digest (FNV-1a) of result and output, never the output.
 * The entry goes when the script succeeds.
 */
struct script_log;

struct script_log *script_log_new(TALLOC_CTX *mem_ctx);

enum script_log_verdict {
	SCRIPT_LOG_OK,        /* success; output at INFO */
	SCRIPT_LOG_RECOVERED, /* success after failures; output at INFO */
	SCRIPT_LOG_FAILED,    /* a new failure (or new output); at NOTICE */
	SCRIPT_LOG_REPEATED,  /* the same failure again; output not logged */
};

/**
 * Fold one script result into the memory (pure: no logging).
 * @param result the wire result (0, exit status or -errno)
 * @return the verdict; *count is the failures in a row before this
 * success (RECOVERED) or the identical failures in a row including this
 * one (REPEATED, FAILED: 1). On ENOMEM nothing is remembered and the
 * verdict is FAILED (the output is logged, never lost).
 */
enum script_log_verdict script_log_fold(struct script_log *sl,
					const char *event, const char *script,
					bool failed, int32_t result,
					const char *output, unsigned *count);

/** Fold, then log as described above. */
void script_log_result(struct script_log *sl, const char *event,
		       const char *script, bool failed, int32_t result,
		       const char *output);

/**
 * The same for a whole event: "<event> event failed" (or "timed out",
 * for the wire result -ETIMEDOUT) at NOTICE; the same failure again
 * (same result from the same failing script) only as
 *   "<event> event failed again (N times in a row)"
 * when N is 2, 4, 8, ...; the first success after failures as
 *   "<event> event recovered after N failures".
 * A success after a success logs nothing.
 */
void script_log_event(struct script_log *sl, const char *event, bool failed,
		      int32_t result, const char *failed_script);

#endif
