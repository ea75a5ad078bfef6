/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small registry of counters, gauges and histograms, as OpenMetrics text. */
#ifndef CTDB_COMMON_METRICS_H
#define CTDB_COMMON_METRICS_H

#include <stddef.h>
#include <talloc.h>

/*
 * Mechanism only: a daemon declares its families once, then counts into
 * them; metrics_render() gives the OpenMetrics text exposition
 * (https://openmetrics.io) of every family, in declaration order, without
 * the final "# EOF" so that the texts of several daemons can be joined.
 *
 * A family has fixed label names; a series is one tuple of label values,
 * created on first use and kept for the life of the registry (counters
 * never go backwards, as the format requires). Label values are escaped
 * on output (backslash, double quote, newline), so any string is safe.
 *
 * Names are checked when declared: [a-zA-Z_:][a-zA-Z0-9_:]* for families,
 * [a-zA-Z_][a-zA-Z0-9_]* for labels. A counter family is named without
 * "_total", which its one sample gets; a family with a unit must end in
 * "_<unit>". Errors are 0 or a positive errno, as everywhere.
 */

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

struct metrics;
struct metric_family;

struct metrics *metrics_new(TALLOC_CTX *mem_ctx);

/**
 * Declare a family.
 * @param labels NULL-terminated label names (NULL for none); a histogram
 *   may not use "le".
 * @param unit NULL, or e.g. "seconds"; name must then end in "_seconds".
 * @param buckets a histogram's upper bounds, strictly increasing and
 *   finite (the +Inf bucket is implicit); NULL/0 for other types.
 * @return the family (owned by m), or NULL: ENOMEM, or EINVAL for a bad
 *   or duplicate name, bad buckets or a type mismatch, in *perr.
 */
struct metric_family *metrics_family_add(struct metrics *m, const char *name,
					 enum metric_type type,
					 const char *help, const char *unit,
					 const char *const *labels,
					 const double *buckets,
					 size_t num_buckets, int *perr);

/*
 * The calls below take the label values in the order of the family's
 * label names (NULL when there are none); a NULL value counts as "".
 * @return 0, ENOMEM, or EINVAL (wrong type, negative or NaN increment).
 */
int metrics_counter_add(struct metric_family *f, const char *const *values,
			double delta);
int metrics_gauge_set(struct metric_family *f, const char *const *values,
		      double value);
int metrics_histogram_observe(struct metric_family *f,
			      const char *const *values, double value);

/* Forget every series of a family (a gauge whose label sets change). */
void metrics_family_reset(struct metric_family *f);

/** @return the text of every family, or NULL on ENOMEM. */
char *metrics_render(TALLOC_CTX *mem_ctx, const struct metrics *m);

/* A label value as it appears between the quotes. NULL on ENOMEM. */
char *metrics_escape_label(TALLOC_CTX *mem_ctx, const char *value);

/*
 * A number as OpenMetrics writes it: integers without a fraction,
 * others in the shortest form that reads back exactly, "+Inf", "-Inf",
 * "NaN". buf must hold METRICS_NUMBER_LEN bytes. @return buf.
 */
#define METRICS_NUMBER_LEN 32
const char *metrics_format_number(double v, char buf[METRICS_NUMBER_LEN]);

#endif
