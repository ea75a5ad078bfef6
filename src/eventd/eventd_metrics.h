/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd's metrics: events by result, script durations, cancellations. */
#ifndef CTDB_EVENTD_EVENTD_METRICS_H
#define CTDB_EVENTD_EVENTD_METRICS_H

#include <talloc.h>

#include "eventd/event_status.h"

/*
 * The families (see ctdb(1), `ctdb metrics`):
 *   ctdb_eventd_start_time_seconds               gauge
 *   ctdb_events_total{component,event,result}    counter
 *   ctdb_script_duration_seconds{component,event,script}  histogram
 *   ctdb_monitor_cancellations_total{component}  counter
 * result is the run's state word in lower case with "_" for spaces: ok,
 * error, timedout, cannot_run. Series are made on first use and kept, so
 * memory grows with the (component, event, script) names ever run only.
 */
struct eventd_metrics;

/* NULL on ENOMEM. The start time is now. */
struct eventd_metrics *eventd_metrics_new(TALLOC_CTX *mem_ctx);

/* Count one completed run of an event, and its scripts' durations. */
void eventd_metrics_run(struct eventd_metrics *em, const char *component,
			const struct event_record *rec);

/* Count one monitor cancelled (by another event, or refused). */
void eventd_metrics_cancelled(struct eventd_metrics *em,
			      const char *component);

/* The OpenMetrics families, without "# EOF". NULL on ENOMEM. */
char *eventd_metrics_render(TALLOC_CTX *mem_ctx, struct eventd_metrics *em);

#endif
