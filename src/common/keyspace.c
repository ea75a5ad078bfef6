/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Named keys with JSON values, and coalescing watchers that follow them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/keyspace.h"

#include "common/dlist.h"

/*
 * Every key is an entry; a watcher following it holds a "follow" linking
 * the two, on both the entry's and the watcher's lists. A change marks
 * the follows of the entry dirty (once: a dirty follow is not queued
 * twice) and a single immediate event per loop turn hands the dirty keys
 * of every watcher that is not blocked to its sink, with the value they
 * have by then. So a watcher costs at most one follow per key whatever
 * the rate of change, which is the whole of the coalescing.
 *
 * An entry whose key was never set ("placeholder") exists only while
 * someone follows it, so that watchers of made-up keys cannot make the
 * daemon grow past their own connections.
 */

struct ks_follow;

struct ks_entry {
	struct ks_entry *prev, *next;
	struct keyspace *ks;
	char *key;
	char *json;          /* NULL: never set */
	struct timeval time; /* when json was set */
	struct ks_follow *followers;
};

struct ks_follow {
	struct ks_follow *prev, *next;           /* on entry->followers */
	struct ks_follow *dirty_prev, *dirty_next; /* on watcher's dirty list */
	struct ks_entry *entry;
	struct keyspace_watcher *watcher;
	bool dirty;
};

struct keyspace_watcher {
	struct keyspace_watcher *prev, *next;
	struct keyspace *ks;
	bool all_keys;
	bool blocked;
	struct ks_follow *dirty_head;
	keyspace_notify_fn fn;
	void *private_data;
};

struct keyspace {
	struct tevent_context *ev;
	struct ks_entry *entries;
	struct keyspace_watcher *watchers;
	struct tevent_immediate *im;
	bool im_scheduled;
	bool dying; /* being freed: entries go with it */
	keyspace_change_fn observer;
	void *observer_data;
};

static void keyspace_flush(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data);

/*
 * Watchers may outlive the keyspace (both hang off a daemon context freed
 * at exit, in no set order): cut them loose rather than leave them
 * pointing into freed entries.
 */
static int keyspace_destructor(struct keyspace *ks)
{
	struct keyspace_watcher *w;
	struct ks_entry *e;

	ks->dying = true;
	for (e = ks->entries; e != NULL; e = e->next) {
		while (e->followers != NULL) {
			talloc_free(e->followers);
		}
	}
	for (w = ks->watchers; w != NULL; w = w->next) {
		w->ks = NULL;
	}
	ks->watchers = NULL;
	return 0;
}

struct keyspace *keyspace_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	struct keyspace *ks;

	ks = talloc_zero(mem_ctx, struct keyspace);
	if (ks == NULL) {
		return NULL;
	}
	ks->ev = ev;
	ks->im = tevent_create_immediate(ks);
	if (ks->im == NULL) {
		talloc_free(ks);
		return NULL;
	}
	talloc_set_destructor(ks, keyspace_destructor);
	return ks;
}

void keyspace_set_observer(struct keyspace *ks, keyspace_change_fn fn,
			   void *private_data)
{
	ks->observer = fn;
	ks->observer_data = private_data;
}

static struct ks_entry *entry_find(struct keyspace *ks, const char *key)
{
	struct ks_entry *e;

	for (e = ks->entries; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0) {
			return e;
		}
	}
	return NULL;
}

static int entry_destructor(struct ks_entry *e)
{
	struct keyspace *ks = e->ks;

	/* Only placeholders die before the keyspace; follows are gone. */
	DLIST_REMOVE(ks->entries, e);
	return 0;
}

static struct ks_entry *entry_add(struct keyspace *ks, const char *key)
{
	struct ks_entry *e;

	e = talloc_zero(ks, struct ks_entry);
	if (e == NULL) {
		return NULL;
	}
	e->ks = ks;
	e->key = talloc_strdup(e, key);
	if (e->key == NULL) {
		talloc_free(e);
		return NULL;
	}
	/* Appended, so "all keys" watchers see keys in creation order. */
	DLIST_ADD_END(ks->entries, e);
	talloc_set_destructor(e, entry_destructor);
	return e;
}

static void schedule_flush(struct keyspace *ks)
{
	if (ks->im_scheduled) {
		return;
	}
	ks->im_scheduled = true;
	tevent_schedule_immediate(ks->im, ks->ev, keyspace_flush, ks);
}

static void follow_mark_dirty(struct ks_follow *f)
{
	struct keyspace_watcher *w = f->watcher;

	if (f->dirty) {
		return;
	}
	f->dirty = true;
	DLIST_ADD_END_LINKS(w->dirty_head, f, dirty_prev, dirty_next);
}

static void follow_clear_dirty(struct ks_follow *f)
{
	struct keyspace_watcher *w = f->watcher;

	if (!f->dirty) {
		return;
	}
	DLIST_REMOVE_LINKS(w->dirty_head, f, dirty_prev, dirty_next);
	f->dirty = false;
}

static int follow_destructor(struct ks_follow *f)
{
	struct ks_entry *e = f->entry;

	follow_clear_dirty(f);
	DLIST_REMOVE(e->followers, f);
	if (e->json == NULL && e->followers == NULL && !e->ks->dying) {
		talloc_free(e);
	}
	return 0;
}

/* Follow e from w, with its current value due at once. */
static struct ks_follow *follow_add(struct keyspace_watcher *w,
				    struct ks_entry *e)
{
	struct ks_follow *f;

	f = talloc_zero(w, struct ks_follow);
	if (f == NULL) {
		return NULL;
	}
	f->entry = e;
	f->watcher = w;
	DLIST_ADD(e->followers, f);
	talloc_set_destructor(f, follow_destructor);
	follow_mark_dirty(f);
	return f;
}

/* A key got its first value: every "all keys" watcher now follows it. */
static int entry_created(struct keyspace *ks, struct ks_entry *e)
{
	struct keyspace_watcher *w;
	struct ks_follow *f;

	for (w = ks->watchers; w != NULL; w = w->next) {
		if (!w->all_keys) {
			continue;
		}
		for (f = e->followers; f != NULL; f = f->next) {
			if (f->watcher == w) {
				break;
			}
		}
		if (f != NULL) {
			continue;
		}
		f = follow_add(w, e);
		if (f == NULL) {
			return ENOMEM;
		}
	}
	return 0;
}

int keyspace_set(struct keyspace *ks, const char *key, json_t *value)
{
	struct ks_entry *e;
	struct ks_follow *f;
	bool created = false;
	char *json;
	char *copy;
	int ret;

	if (key == NULL || key[0] == '\0' || value == NULL) {
		return EINVAL;
	}
	/* 12 digits: as CTDB_JSON_DUMP_FLAGS, which this layer cannot see. */
	json = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER |
					 JSON_REAL_PRECISION(12) |
					 JSON_ENCODE_ANY);
	if (json == NULL) {
		return EINVAL;
	}
	e = entry_find(ks, key);
	if (e != NULL && e->json != NULL && strcmp(e->json, json) == 0) {
		free(json);
		return 0;
	}
	if (e == NULL) {
		e = entry_add(ks, key);
		if (e == NULL) {
			free(json);
			return ENOMEM;
		}
	}
	copy = talloc_strdup(e, json);
	free(json);
	if (copy == NULL) {
		if (e->json == NULL && e->followers == NULL) {
			talloc_free(e);
		}
		return ENOMEM;
	}
	if (e->json == NULL) {
		created = true;
	}
	talloc_free(e->json);
	e->json = copy;
	e->time = tevent_timeval_current();

	if (created) {
		ret = entry_created(ks, e);
		if (ret != 0) {
			return ret;
		}
	}
	for (f = e->followers; f != NULL; f = f->next) {
		follow_mark_dirty(f);
	}
	if (e->followers != NULL) {
		schedule_flush(ks);
	}
	if (ks->observer != NULL) {
		ks->observer(e->key, e->json, &e->time, ks->observer_data);
	}
	return 0;
}

const char *keyspace_get(struct keyspace *ks, const char *key,
			 struct timeval *time)
{
	struct ks_entry *e = entry_find(ks, key);

	if (e == NULL || e->json == NULL) {
		return NULL;
	}
	if (time != NULL) {
		*time = e->time;
	}
	return e->json;
}

/* Hand every dirty key of w to its sink, then wait for it to drain. */
static void watcher_flush(struct keyspace_watcher *w)
{
	bool delivered = false;

	while (!w->blocked && w->dirty_head != NULL) {
		struct ks_follow *f = w->dirty_head;
		struct ks_entry *e = f->entry;

		follow_clear_dirty(f);
		w->fn(e->key, e->json, e->json != NULL ? &e->time : NULL,
		      w->private_data);
		delivered = true;
	}
	if (delivered) {
		w->blocked = true;
	}
}

static void keyspace_flush(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct keyspace *ks = talloc_get_type_abort(private_data,
						    struct keyspace);
	struct keyspace_watcher *w;

	ks->im_scheduled = false;
	for (w = ks->watchers; w != NULL; w = w->next) {
		watcher_flush(w);
	}
}

static int watcher_destructor(struct keyspace_watcher *w)
{
	struct keyspace *ks = w->ks;

	if (ks == NULL) {
		return 0;
	}
	/* The follows are children: they unlink themselves after this. */
	DLIST_REMOVE(ks->watchers, w);
	return 0;
}

static int watcher_follow_key(struct keyspace_watcher *w, const char *key)
{
	struct ks_entry *e = entry_find(w->ks, key);
	struct ks_follow *f;

	if (e == NULL) {
		e = entry_add(w->ks, key);
		if (e == NULL) {
			return ENOMEM;
		}
	}
	/* A key named twice is followed once. */
	for (f = e->followers; f != NULL; f = f->next) {
		if (f->watcher == w) {
			return 0;
		}
	}
	f = follow_add(w, e);
	if (f == NULL) {
		if (e->json == NULL && e->followers == NULL) {
			talloc_free(e);
		}
		return ENOMEM;
	}
	return 0;
}

static int watcher_follow_all(struct keyspace_watcher *w)
{
	struct ks_entry *e;
	struct ks_follow *f;

	for (e = w->ks->entries; e != NULL; e = e->next) {
		if (e->json == NULL) {
			continue;
		}
		f = follow_add(w, e);
		if (f == NULL) {
			return ENOMEM;
		}
	}
	return 0;
}

struct keyspace_watcher *keyspace_watch(TALLOC_CTX *mem_ctx,
					struct keyspace *ks,
					const char *const *keys,
					size_t num_keys,
					keyspace_notify_fn fn,
					void *private_data)
{
	struct keyspace_watcher *w;
	size_t i;
	int ret = 0;

	w = talloc_zero(mem_ctx, struct keyspace_watcher);
	if (w == NULL) {
		return NULL;
	}
	w->ks = ks;
	w->fn = fn;
	w->private_data = private_data;
	w->all_keys = (num_keys == 0);
	DLIST_ADD(ks->watchers, w);
	talloc_set_destructor(w, watcher_destructor);

	if (w->all_keys) {
		ret = watcher_follow_all(w);
	}
	for (i = 0; i < num_keys && ret == 0; i++) {
		if (keys[i] == NULL || keys[i][0] == '\0') {
			ret = EINVAL;
			break;
		}
		ret = watcher_follow_key(w, keys[i]);
	}
	if (ret != 0) {
		talloc_free(w);
		return NULL;
	}
	/*
	 * The follows were added newest first on each entry but queued in
	 * the order asked, so the current values go out in that order.
	 */
	if (w->dirty_head != NULL) {
		schedule_flush(ks);
	}
	return w;
}

void keyspace_watcher_drained(struct keyspace_watcher *w)
{
	if (w->ks == NULL) {
		return;
	}
	w->blocked = false;
	if (w->dirty_head != NULL) {
		schedule_flush(w->ks);
	}
}
