/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd's metrics: events by result, script durations, cancellations. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "common/logging.h"
#include "common/metrics.h"
#include "eventd/eventd_metrics.h"
#include "protocol/event_json.h"

struct eventd_metrics {
	struct metrics *m;
	struct metric_family *start_time;
	struct metric_family *events;
	struct metric_family *durations;
	struct metric_family *cancellations;
};

/* From a quick probe to the longest timeout anyone should configure. */
static const double duration_buckets[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
};

#define NUM_BUCKETS (sizeof(duration_buckets) / sizeof(duration_buckets[0]))

static const char *const events_labels[] = {
	"component", "event", "result", NULL,
};
static const char *const durations_labels[] = {
	"component", "event", "script", NULL,
};
static const char *const cancellations_labels[] = { "component", NULL };

static int eventd_metrics_declare(struct eventd_metrics *em)
{
	int err = 0;

	em->start_time = metrics_family_add(
		em->m, "ctdb_eventd_start_time_seconds", METRIC_GAUGE,
		"When ctdb-eventd started, in seconds since the epoch",
		"seconds", NULL, NULL, 0, &err);
	if (em->start_time == NULL) {
		return err;
	}
	em->events = metrics_family_add(
		em->m, "ctdb_events", METRIC_COUNTER,
		"Completed event runs by component, event and result",
		NULL, events_labels, NULL, 0, &err);
	if (em->events == NULL) {
		return err;
	}
	em->durations = metrics_family_add(
		em->m, "ctdb_script_duration_seconds", METRIC_HISTOGRAM,
		"How long each event script ran", "seconds",
		durations_labels, duration_buckets, NUM_BUCKETS, &err);
	if (em->durations == NULL) {
		return err;
	}
	em->cancellations = metrics_family_add(
		em->m, "ctdb_monitor_cancellations", METRIC_COUNTER,
		"Monitor events cancelled by another event or refused "
		"while one ran",
		NULL, cancellations_labels, NULL, 0, &err);
	if (em->cancellations == NULL) {
		return err;
	}
	return 0;
}

struct eventd_metrics *eventd_metrics_new(TALLOC_CTX *mem_ctx)
{
	struct eventd_metrics *em;
	struct timeval now;
	int ret;

	em = talloc_zero(mem_ctx, struct eventd_metrics);
	if (em == NULL) {
		return NULL;
	}
	em->m = metrics_new(em);
	if (em->m == NULL) {
		talloc_free(em);
		return NULL;
	}
	ret = eventd_metrics_declare(em);
	if (ret != 0) {
		talloc_free(em);
		return NULL;
	}
	gettimeofday(&now, NULL);
	(void)metrics_gauge_set(em->start_time, NULL,
				(double)now.tv_sec + now.tv_usec * 1.0e-6);
	return em;
}

/* "CANNOT RUN" -> "cannot_run": label values that read like words. */
static void result_label(int32_t wire, char *buf, size_t len)
{
	const char *word = ctdb_event_result_word(wire);
	size_t i;

	for (i = 0; word[i] != '\0' && i + 1 < len; i++) {
		buf[i] = word[i] == ' ' ? '_'
					: (char)tolower((unsigned char)word[i]);
	}
	buf[i] = '\0';
}

static double duration(const struct timeval *begin, const struct timeval *end)
{
	double d = (double)(end->tv_sec - begin->tv_sec) +
		   (double)(end->tv_usec - begin->tv_usec) * 1.0e-6;

	/* The wall clock may step back; a run never takes negative time. */
	return d < 0 ? 0 : d;
}

void eventd_metrics_run(struct eventd_metrics *em, const char *component,
			const struct event_record *rec)
{
	char result[32];
	const char *values[3];
	unsigned i;
	int ret;

	result_label(script_result_to_wire(&rec->summary), result,
		     sizeof(result));
	values[0] = component;
	values[1] = rec->event;
	values[2] = result;
	ret = metrics_counter_add(em->events, values, 1);
	for (i = 0; i < rec->num_scripts && ret == 0; i++) {
		const struct script_record *s = &rec->scripts[i];

		/* A disabled script did not run: it has no duration. */
		if (s->result.state == SCRIPT_DISABLED) {
			continue;
		}
		values[2] = s->name;
		ret = metrics_histogram_observe(em->durations, values,
						duration(&s->begin, &s->end));
	}
	if (ret != 0) {
		D_ERR("Failed to count %s event: %s", rec->event,
		      strerror(ret));
	}
}

void eventd_metrics_cancelled(struct eventd_metrics *em,
			      const char *component)
{
	const char *values[] = { component };
	int ret;

	ret = metrics_counter_add(em->cancellations, values, 1);
	if (ret != 0) {
		D_ERR("Failed to count a cancelled monitor: %s",
		      strerror(ret));
	}
}

char *eventd_metrics_render(TALLOC_CTX *mem_ctx, struct eventd_metrics *em)
{
	return metrics_render(mem_ctx, em->m);
}
