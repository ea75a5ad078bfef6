/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A fake of noded_event.c for unit tests: records events, replies at once. */
#ifndef CTDB_TESTS_FAKE_NODED_EVENT_H
#define CTDB_TESTS_FAKE_NODED_EVENT_H

#include <stdbool.h>

/*
 * Linked instead of src/noded/noded_event.c (the event-client seam): every
 * noded_event_send() is recorded as "<event>" or "<event> <args>", in
 * order, and completes at the next loop turn with the result set for that
 * event (0 unless fake_event_result() said otherwise), or fails to be
 * sent with fake_event_send_error(). The stored status of the last
 * monitor names one failing script with fake_event_monitor_output().
 */

/* Forget every recorded event and every configured result. */
void fake_event_reset(void);
/* The result the event daemon gives for event from now on. */
void fake_event_result(const char *event, int result);
/* The next sends fail with err (0: they work again). */
void fake_event_send_error(int err);
/* The output line of the failing script in the monitor's status. */
void fake_event_monitor_output(const char *output);
/* The events so far, one per line, each ending in a newline. */
const char *fake_event_log(void);
/* How many events were sent so far. */
unsigned fake_event_count(void);

#endif
