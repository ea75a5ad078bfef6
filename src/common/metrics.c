/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small registry of counters, gauges and histograms, as OpenMetrics text. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/metrics.h"

struct metric_series {
	struct metric_series *next;
	char **values;    /* one per label name */
	double value;     /* counter or gauge; a histogram's sum */
	uint64_t count;   /* a histogram's observations */
	uint64_t *counts; /* a histogram's per-bucket (not cumulative) */
};

struct metric_family {
	struct metric_family *next;
	char *name;
	enum metric_type type;
	char *help;
	char *unit;
	char **labels;
	size_t num_labels;
	double *buckets;
	size_t num_buckets;
	struct metric_series *series, *last;
};

struct metrics {
	struct metric_family *families, *last;
};

struct metrics *metrics_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct metrics);
}

/* ---------- declaration ---------- */

static bool name_char(char c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		return true;
	}
	if (colon && c == ':') {
		return true;
	}
	return !first && c >= '0' && c <= '9';
}

static bool name_valid(const char *name, bool colon)
{
	size_t i;

	if (name == NULL || name[0] == '\0') {
		return false;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!name_char(name[i], i == 0, colon)) {
			return false;
		}
	}
	return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s);
	size_t slen = strlen(suffix);

	return len >= slen && strcmp(s + len - slen, suffix) == 0;
}

/* The sample names a family produces must not clash with another's. */
static bool family_name_free(const struct metrics *m, const char *name)
{
	const struct metric_family *f;

	for (f = m->families; f != NULL; f = f->next) {
		if (strcmp(f->name, name) == 0) {
			return false;
		}
	}
	return true;
}

static bool family_spec_valid(const struct metrics *m, const char *name,
			      enum metric_type type, const char *unit,
			      const char *const *labels,
			      const double *buckets, size_t num_buckets)
{
	size_t i;

	if (!name_valid(name, true) || !family_name_free(m, name)) {
		return false;
	}
	if (type != METRIC_COUNTER && type != METRIC_GAUGE &&
	    type != METRIC_HISTOGRAM) {
		return false;
	}
	/* The sample suffixes are added here, never part of the name. */
	if (type == METRIC_COUNTER && has_suffix(name, "_total")) {
		return false;
	}
	if (unit != NULL) {
		char suffix[128];

		if (!name_valid(unit, false) ||
		    strlen(unit) + 2 > sizeof(suffix)) {
			return false;
		}
		snprintf(suffix, sizeof(suffix), "_%s", unit);
		if (!has_suffix(name, suffix)) {
			return false;
		}
	}
	for (i = 0; labels != NULL && labels[i] != NULL; i++) {
		if (!name_valid(labels[i], false)) {
			return false;
		}
		if (type == METRIC_HISTOGRAM && strcmp(labels[i], "le") == 0) {
			return false;
		}
	}
	if (type != METRIC_HISTOGRAM) {
		return buckets == NULL && num_buckets == 0;
	}
	if (buckets == NULL && num_buckets > 0) {
		return false;
	}
	for (i = 0; i < num_buckets; i++) {
		if (!isfinite(buckets[i])) {
			return false;
		}
		if (i > 0 && !(buckets[i] > buckets[i - 1])) {
			return false;
		}
	}
	return true;
}

static int family_copy_labels(struct metric_family *f,
			      const char *const *labels)
{
	size_t n = 0;
	size_t i;

	while (labels != NULL && labels[n] != NULL) {
		n++;
	}
	f->labels = talloc_zero_array(f, char *, n + 1);
	if (f->labels == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < n; i++) {
		f->labels[i] = talloc_strdup(f->labels, labels[i]);
		if (f->labels[i] == NULL) {
			return ENOMEM;
		}
	}
	f->num_labels = n;
	return 0;
}

struct metric_family *metrics_family_add(struct metrics *m, const char *name,
					 enum metric_type type,
					 const char *help, const char *unit,
					 const char *const *labels,
					 const double *buckets,
					 size_t num_buckets, int *perr)
{
	struct metric_family *f;
	bool ok;
	int ret;

	ok = family_spec_valid(m, name, type, unit, labels, buckets,
			       num_buckets);
	if (!ok) {
		*perr = EINVAL;
		return NULL;
	}
	f = talloc_zero(m, struct metric_family);
	if (f == NULL) {
		*perr = ENOMEM;
		return NULL;
	}
	f->type = type;
	f->name = talloc_strdup(f, name);
	f->help = talloc_strdup(f, help == NULL ? "" : help);
	f->unit = unit == NULL ? NULL : talloc_strdup(f, unit);
	ret = family_copy_labels(f, labels);
	if (num_buckets > 0) {
		f->buckets = talloc_memdup(f, buckets,
					   num_buckets * sizeof(double));
		f->num_buckets = num_buckets;
	}
	if (ret != 0 || f->name == NULL || f->help == NULL ||
	    (unit != NULL && f->unit == NULL) ||
	    (num_buckets > 0 && f->buckets == NULL)) {
		talloc_free(f);
		*perr = ENOMEM;
		return NULL;
	}
	if (m->last != NULL) {
		m->last->next = f;
	} else {
		m->families = f;
	}
	m->last = f;
	return f;
}

/* ---------- series ---------- */

static const char *value_or_empty(const char *const *values, size_t i)
{
	return values[i] == NULL ? "" : values[i];
}

static bool series_matches(const struct metric_family *f,
			   const struct metric_series *s,
			   const char *const *values)
{
	size_t i;

	for (i = 0; i < f->num_labels; i++) {
		if (strcmp(s->values[i], value_or_empty(values, i)) != 0) {
			return false;
		}
	}
	return true;
}

static struct metric_series *series_new(struct metric_family *f,
					const char *const *values)
{
	struct metric_series *s;
	size_t i;

	s = talloc_zero(f, struct metric_series);
	if (s == NULL) {
		return NULL;
	}
	s->values = talloc_zero_array(s, char *, f->num_labels + 1);
	if (s->values == NULL) {
		goto fail;
	}
	for (i = 0; i < f->num_labels; i++) {
		s->values[i] = talloc_strdup(s->values,
					     value_or_empty(values, i));
		if (s->values[i] == NULL) {
			goto fail;
		}
	}
	if (f->type == METRIC_HISTOGRAM) {
		s->counts = talloc_zero_array(s, uint64_t,
					      f->num_buckets + 1);
		if (s->counts == NULL) {
			goto fail;
		}
	}
	return s;

fail:
	talloc_free(s);
	return NULL;
}

/* The series of these values, created on first use. NULL on ENOMEM. */
static struct metric_series *series_get(struct metric_family *f,
					const char *const *values)
{
	struct metric_series *s;

	if (f->num_labels > 0 && values == NULL) {
		return NULL;
	}
	for (s = f->series; s != NULL; s = s->next) {
		if (series_matches(f, s, values)) {
			return s;
		}
	}
	s = series_new(f, values);
	if (s == NULL) {
		return NULL;
	}
	if (f->last != NULL) {
		f->last->next = s;
	} else {
		f->series = s;
	}
	f->last = s;
	return s;
}

int metrics_counter_add(struct metric_family *f, const char *const *values,
			double delta)
{
	struct metric_series *s;

	if (f->type != METRIC_COUNTER || !(delta >= 0)) {
		return EINVAL;
	}
	s = series_get(f, values);
	if (s == NULL) {
		return f->num_labels > 0 && values == NULL ? EINVAL : ENOMEM;
	}
	s->value += delta;
	return 0;
}

int metrics_gauge_set(struct metric_family *f, const char *const *values,
		      double value)
{
	struct metric_series *s;

	if (f->type != METRIC_GAUGE || isnan(value)) {
		return EINVAL;
	}
	s = series_get(f, values);
	if (s == NULL) {
		return f->num_labels > 0 && values == NULL ? EINVAL : ENOMEM;
	}
	s->value = value;
	return 0;
}

int metrics_histogram_observe(struct metric_family *f,
			      const char *const *values, double value)
{
	struct metric_series *s;
	size_t i;

	/* Negative observations would forbid the _sum the format wants. */
	if (f->type != METRIC_HISTOGRAM || !(value >= 0)) {
		return EINVAL;
	}
	s = series_get(f, values);
	if (s == NULL) {
		return f->num_labels > 0 && values == NULL ? EINVAL : ENOMEM;
	}
	for (i = 0; i < f->num_buckets; i++) {
		if (value <= f->buckets[i]) {
			break;
		}
	}
	s->counts[i] += 1; /* i == num_buckets is the +Inf bucket */
	s->count += 1;
	s->value += value;
	return 0;
}

void metrics_family_reset(struct metric_family *f)
{
	struct metric_series *s = f->series;

	while (s != NULL) {
		struct metric_series *next = s->next;

		talloc_free(s);
		s = next;
	}
	f->series = NULL;
	f->last = NULL;
}

/* ---------- rendering ---------- */

/*
 * The text grows by doubling, so rendering is linear in its size: a
 * daemon renders while its event loop waits.
 */
struct text {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
};

static void text_append(struct text *t, const char *s, size_t n)
{
	size_t cap;
	char *buf;

	if (t->failed) {
		return;
	}
	if (t->len + n + 1 > t->cap) {
		cap = t->cap * 2;
		if (cap < t->len + n + 1) {
			cap = t->len + n + 1;
		}
		buf = talloc_realloc(NULL, t->buf, char, cap);
		if (buf == NULL) {
			t->failed = true;
			return;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
	text_append(t, s, strlen(s));
}

/* Escape backslash and newline, and the double quote if quote is set. */
static void text_escaped(struct text *t, const char *s, bool quote)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc = NULL;

		if (*s == '\\') {
			esc = "\\\\";
		} else if (*s == '\n') {
			esc = "\\n";
		} else if (*s == '"' && quote) {
			esc = "\\\"";
		}
		if (esc != NULL) {
			text_append(t, run, (size_t)(s - run));
			text_puts(t, esc);
			run = s + 1;
		}
	}
	text_append(t, run, (size_t)(s - run));
}

char *metrics_escape_label(TALLOC_CTX *mem_ctx, const char *value)
{
	struct text t = { .buf = NULL };

	text_puts(&t, "");
	text_escaped(&t, value, true);
	if (t.failed) {
		talloc_free(t.buf);
		return NULL;
	}
	return talloc_steal(mem_ctx, t.buf);
}

const char *metrics_format_number(double v, char buf[METRICS_NUMBER_LEN])
{
	if (isnan(v)) {
		return strcpy(buf, "NaN");
	}
	if (isinf(v)) {
		return strcpy(buf, v > 0 ? "+Inf" : "-Inf");
	}
	/* Exact integers (counts, timestamps) read best without a fraction. */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		snprintf(buf, METRICS_NUMBER_LEN, "%.0f", v);
		return buf;
	}
	snprintf(buf, METRICS_NUMBER_LEN, "%.15g", v);
	if (strtod(buf, NULL) != v) {
		snprintf(buf, METRICS_NUMBER_LEN, "%.17g", v);
	}
	return buf;
}

/* A bucket bound always shows it is a float: le="1.0", not le="1". */
static const char *format_le(double v, char buf[METRICS_NUMBER_LEN])
{
	metrics_format_number(v, buf);
	if (strpbrk(buf, ".eEIN") == NULL) {
		strncat(buf, ".0", METRICS_NUMBER_LEN - strlen(buf) - 1);
	}
	return buf;
}

/*
 * One sample line: name, suffix, {labels[,le="..."]} and the value. le is
 * NULL except for histogram buckets.
 */
static void text_sample(struct text *t, const struct metric_family *f,
			const struct metric_series *s, const char *suffix,
			const char *le, double value)
{
	char num[METRICS_NUMBER_LEN];
	size_t i;

	text_puts(t, f->name);
	text_puts(t, suffix);
	if (f->num_labels > 0 || le != NULL) {
		text_puts(t, "{");
		for (i = 0; i < f->num_labels; i++) {
			text_puts(t, i > 0 ? "," : "");
			text_puts(t, f->labels[i]);
			text_puts(t, "=\"");
			text_escaped(t, s->values[i], true);
			text_puts(t, "\"");
		}
		if (le != NULL) {
			text_puts(t, f->num_labels > 0 ? ",le=\"" : "le=\"");
			text_puts(t, le);
			text_puts(t, "\"");
		}
		text_puts(t, "}");
	}
	text_puts(t, " ");
	text_puts(t, metrics_format_number(value, num));
	text_puts(t, "\n");
}

static void render_histogram(struct text *t, const struct metric_family *f,
			     const struct metric_series *s)
{
	char le[METRICS_NUMBER_LEN];
	uint64_t cumulative = 0;
	size_t i;

	for (i = 0; i <= f->num_buckets; i++) {
		cumulative += s->counts[i];
		if (i < f->num_buckets) {
			format_le(f->buckets[i], le);
		} else {
			strcpy(le, "+Inf");
		}
		text_sample(t, f, s, "_bucket", le, (double)cumulative);
	}
	text_sample(t, f, s, "_count", NULL, (double)s->count);
	text_sample(t, f, s, "_sum", NULL, s->value);
}

static const char *type_name(enum metric_type type)
{
	switch (type) {
	case METRIC_COUNTER:
		return "counter";
	case METRIC_GAUGE:
		return "gauge";
	case METRIC_HISTOGRAM:
		return "histogram";
	}
	return "unknown";
}

static void render_family(struct text *t, const struct metric_family *f)
{
	const struct metric_series *s;

	text_puts(t, "# TYPE ");
	text_puts(t, f->name);
	text_puts(t, " ");
	text_puts(t, type_name(f->type));
	text_puts(t, "\n");
	if (f->unit != NULL) {
		text_puts(t, "# UNIT ");
		text_puts(t, f->name);
		text_puts(t, " ");
		text_puts(t, f->unit);
		text_puts(t, "\n");
	}
	text_puts(t, "# HELP ");
	text_puts(t, f->name);
	text_puts(t, " ");
	text_escaped(t, f->help, false);
	text_puts(t, "\n");
	for (s = f->series; s != NULL; s = s->next) {
		switch (f->type) {
		case METRIC_COUNTER:
			text_sample(t, f, s, "_total", NULL, s->value);
			break;
		case METRIC_GAUGE:
			text_sample(t, f, s, "", NULL, s->value);
			break;
		case METRIC_HISTOGRAM:
			render_histogram(t, f, s);
			break;
		}
	}
}

char *metrics_render(TALLOC_CTX *mem_ctx, const struct metrics *m)
{
	const struct metric_family *f;
	struct text t = { .buf = NULL };

	text_puts(&t, "");
	for (f = m->families; f != NULL; f = f->next) {
		render_family(&t, f);
	}
	if (t.failed) {
		talloc_free(t.buf);
		return NULL;
	}
	return talloc_steal(mem_ctx, t.buf);
}
