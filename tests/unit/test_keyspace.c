/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the keyspace: current values first, changes, coalescing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/keyspace.h"

#define MAX_SEEN 64

/* What a sink received, in order. */
struct sink {
	unsigned num;
	char *key[MAX_SEEN];
	char *value[MAX_SEEN]; /* "NULL" for a key never set */
	bool has_time[MAX_SEEN];
};

static void sink_fn(const char *key, const char *json_value,
		    const struct timeval *time, void *private_data)
{
	struct sink *s = private_data;

	assert_true(s->num < MAX_SEEN);
	s->key[s->num] = talloc_strdup(s, key);
	s->value[s->num] = talloc_strdup(s, json_value != NULL ? json_value
							       : "NULL");
	s->has_time[s->num] = (time != NULL);
	s->num++;
}

struct observed {
	unsigned num;
	char *last;
};

static void observer_fn(const char *key, const char *json_value,
			const struct timeval *time, void *private_data)
{
	struct observed *o = private_data;

	o->num++;
	talloc_free(o->last);
	o->last = talloc_asprintf(NULL, "%s=%s", key, json_value);
}

struct fixture {
	struct tevent_context *ev;
	struct keyspace *ks;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	f->ev = tevent_context_init(f);
	f->ks = keyspace_new(f, f->ev);
	assert_non_null(f->ks);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

/* tevent_loop_once blocks without events: keep one timer always due. */
static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
}

/* Let pending immediates run; a due timer keeps each turn from blocking. */
static void run(struct fixture *f)
{
	int i;

	for (i = 0; i < 8; i++) {
		(void)tevent_add_timer(f->ev, f->ev, tevent_timeval_zero(),
				       tick, NULL);
		tevent_loop_once(f->ev);
	}
}

static void set_int(struct keyspace *ks, const char *key, int v)
{
	json_t *j = json_integer(v);

	assert_int_equal(keyspace_set(ks, key, j), 0);
	json_decref(j);
}

static void test_current_first(void **state)
{
	struct fixture *f = *state;
	struct sink *s = talloc_zero(f, struct sink);
	const char *keys[] = { "a", "never" };
	struct keyspace_watcher *w;
	struct timeval tv;

	set_int(f->ks, "a", 1);
	assert_string_equal(keyspace_get(f->ks, "a", &tv), "1");
	assert_null(keyspace_get(f->ks, "never", &tv));

	w = keyspace_watch(f, f->ks, keys, 2, sink_fn, s);
	assert_non_null(w);
	/* Nothing synchronously: delivery is from the loop. */
	assert_int_equal(s->num, 0);
	run(f);
	assert_int_equal(s->num, 2);
	assert_string_equal(s->key[0], "a");
	assert_string_equal(s->value[0], "1");
	assert_true(s->has_time[0]);
	assert_string_equal(s->key[1], "never");
	assert_string_equal(s->value[1], "NULL");
	assert_false(s->has_time[1]);

	/* A change is delivered once drained. */
	keyspace_watcher_drained(w);
	set_int(f->ks, "never", 7);
	run(f);
	assert_int_equal(s->num, 3);
	assert_string_equal(s->key[2], "never");
	assert_string_equal(s->value[2], "7");

	/* An unfollowed key wakes nobody. */
	keyspace_watcher_drained(w);
	set_int(f->ks, "other", 1);
	run(f);
	assert_int_equal(s->num, 3);
}

static void test_coalescing(void **state)
{
	struct fixture *f = *state;
	struct sink *s = talloc_zero(f, struct sink);
	const char *keys[] = { "k", "j" };
	struct keyspace_watcher *w;
	int i;

	w = keyspace_watch(f, f->ks, keys, 2, sink_fn, s);
	assert_non_null(w);
	run(f);
	assert_int_equal(s->num, 2); /* both null */

	/* Not drained: 100 changes leave one pending value per key. */
	for (i = 1; i <= 100; i++) {
		set_int(f->ks, "k", i);
		run(f);
	}
	set_int(f->ks, "j", 5);
	run(f);
	assert_int_equal(s->num, 2);

	keyspace_watcher_drained(w);
	run(f);
	assert_int_equal(s->num, 4);
	assert_string_equal(s->key[2], "k");
	assert_string_equal(s->value[2], "100");
	assert_string_equal(s->key[3], "j");
	assert_string_equal(s->value[3], "5");

	/* Several changes in one loop turn also coalesce. */
	keyspace_watcher_drained(w);
	set_int(f->ks, "k", 101);
	set_int(f->ks, "k", 102);
	run(f);
	assert_int_equal(s->num, 5);
	assert_string_equal(s->value[4], "102");

	/* Freeing the watcher frees its placeholders too. */
	talloc_free(w);
	assert_null(keyspace_get(f->ks, "never-set", NULL));
}

static void test_all_keys(void **state)
{
	struct fixture *f = *state;
	struct sink *s = talloc_zero(f, struct sink);
	struct sink *named = talloc_zero(f, struct sink);
	const char *keys[] = { "later" };
	struct keyspace_watcher *w;
	struct keyspace_watcher *wn;

	set_int(f->ks, "x", 1);
	set_int(f->ks, "y", 2);
	/* A placeholder followed by another watcher is not an existing key. */
	wn = keyspace_watch(f, f->ks, keys, 1, sink_fn, named);
	assert_non_null(wn);
	w = keyspace_watch(f, f->ks, NULL, 0, sink_fn, s);
	assert_non_null(w);
	run(f);
	assert_int_equal(s->num, 2);
	assert_string_equal(s->key[0], "x");
	assert_string_equal(s->key[1], "y");

	keyspace_watcher_drained(w);
	keyspace_watcher_drained(wn);
	set_int(f->ks, "later", 3);
	set_int(f->ks, "new", 4);
	run(f);
	assert_int_equal(s->num, 4);
	assert_string_equal(s->key[2], "later");
	assert_string_equal(s->value[2], "3");
	assert_string_equal(s->key[3], "new");
	assert_int_equal(named->num, 2);
	assert_string_equal(named->value[1], "3");
}

static void test_observer(void **state)
{
	struct fixture *f = *state;
	struct observed *o = talloc_zero(f, struct observed);
	json_t *obj;

	keyspace_set_observer(f->ks, observer_fn, o);
	set_int(f->ks, "a", 1);
	assert_int_equal(o->num, 1);
	assert_string_equal(o->last, "a=1");
	set_int(f->ks, "a", 1); /* equal: no change */
	assert_int_equal(o->num, 1);
	set_int(f->ks, "a", 2);
	assert_int_equal(o->num, 2);

	obj = json_pack("{s:s, s:n}", "state", "HEALTHY", "reason");
	assert_int_equal(keyspace_set(f->ks, "h", obj), 0);
	assert_int_equal(keyspace_set(f->ks, "h", obj), 0);
	assert_int_equal(o->num, 3);
	assert_string_equal(o->last,
			    "h={\"state\":\"HEALTHY\",\"reason\":null}");
	json_decref(obj);
	talloc_free(o->last);
	o->last = NULL;

	assert_int_equal(keyspace_set(f->ks, "", json_null()), EINVAL);
	assert_int_equal(keyspace_set(f->ks, NULL, json_null()), EINVAL);
	assert_int_equal(o->num, 3);
}

static void test_bad_watch(void **state)
{
	struct fixture *f = *state;
	struct sink *s = talloc_zero(f, struct sink);
	const char *keys[] = { "ok", "" };

	assert_null(keyspace_watch(f, f->ks, keys, 2, sink_fn, s));
	/* The placeholder of "ok" went with the failed watcher. */
	set_int(f->ks, "z", 1);
	run(f);
	assert_int_equal(s->num, 0);
}

/* A watcher may outlive its keyspace; it is then inert. */
static void test_keyspace_freed_first(void **state)
{
	struct fixture *f = *state;
	struct sink *s = talloc_zero(f, struct sink);
	TALLOC_CTX *owner = talloc_new(f);
	const char *keys[] = { "a", "placeholder" };
	struct keyspace_watcher *w;

	set_int(f->ks, "a", 1);
	w = keyspace_watch(owner, f->ks, keys, 2, sink_fn, s);
	assert_non_null(w);
	TALLOC_FREE(f->ks);
	keyspace_watcher_drained(w);
	run(f);
	assert_int_equal(s->num, 0);
	talloc_free(owner);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_current_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_all_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_observer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_watch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keyspace_freed_first,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
