/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for run_event: script order, queue, monitor policy, timeouts. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "eventd/event_status.h"
#include "eventd/run_event.h"
#include "protocol/script_result.h"

/* A generous bound (valgrind is slow): only reached when something breaks. */
#define POLL_MS 10000
#define KILL_GRACE 1
#define DEBUG_TIMEOUT 2

static char test_dir[PATH_MAX];
static unsigned test_count;

struct fixture {
	TALLOC_CTX *mem;
	struct tevent_context *ev;
	char *base; /* scratch files of this test: logs, pid files */
	char *dir;  /* the component directory */
	struct run_event_options opts;
	struct run_event_context *rctx;
	pid_t pids[16]; /* script pids seen, for the safety net */
	unsigned npids;
};

/* One run_event request and what it returned. */
struct run {
	struct tevent_req *req;
	bool done;
	bool ok;
	int err;
	struct script_result summary;
	double done_at;
};

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_run_event.XXXXXX";
	char *dir;

	dir = mkdtemp(tmpl);
	if (dir == NULL) {
		return -1;
	}
	snprintf(test_dir, sizeof(test_dir), "%s", dir);
	return 0;
}

static int group_teardown(void **pstate)
{
	return nftw(test_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **pstate)
{
	struct fixture *f;
	int ret;

	f = talloc_zero(NULL, struct fixture);
	if (f == NULL) {
		return -1;
	}
	f->mem = talloc_new(f);
	f->ev = tevent_context_init(f);
	f->base = talloc_asprintf(f, "%s/case%u", test_dir, ++test_count);
	f->dir = talloc_asprintf(f, "%s/events", f->base);
	if (f->mem == NULL || f->ev == NULL || f->base == NULL ||
	    f->dir == NULL) {
		talloc_free(f);
		return -1;
	}
	ret = mkdir(f->base, 0755);
	if (ret == 0) {
		ret = mkdir(f->dir, 0755);
	}
	if (ret != 0) {
		talloc_free(f);
		return -1;
	}
	f->opts.debug_script = NULL;
	f->opts.kill_grace = KILL_GRACE;
	f->opts.output_limit = 1024 * 1024;
	f->opts.debug_timeout = DEBUG_TIMEOUT;
	f->rctx = run_event_context_new(f->mem, f->ev, "test", f->dir,
					&f->opts);
	if (f->rctx == NULL) {
		talloc_free(f);
		return -1;
	}
	*pstate = f;
	return 0;
}

static bool cmdline_has(pid_t pid, const char *text);

static int teardown(void **pstate)
{
	struct fixture *f = *pstate;
	unsigned i;

	/* Requests first, then the context they run in. */
	TALLOC_FREE(f->mem);
	/*
	 * Safety net for a failed test: no script of ours may survive it.
	 * Only a live leader still running a file of this test is hit.
	 */
	for (i = 0; i < f->npids; i++) {
		bool ours = cmdline_has(f->pids[i], f->base);

		if (ours) {
			(void)kill(-f->pids[i], SIGKILL);
		}
	}
	talloc_free(f);
	return 0;
}

static void flag_set(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	bool *flag = private_data;

	*flag = true;
}

typedef bool (*cond_fn)(void *arg);

/*
 * Check cond every 10 ms, running the loop meanwhile, for at most
 * timeout_ms. @return true when cond became true.
 */
static bool poll_until(struct tevent_context *ev, cond_fn cond, void *arg,
		       unsigned timeout_ms)
{
	struct timeval end;
	struct timeval now;
	struct tevent_timer *te;
	bool tick;
	bool ok;
	int ret;

	end = tevent_timeval_current_ofs(timeout_ms / 1000,
					 (timeout_ms % 1000) * 1000);
	for (;;) {
		ok = cond(arg);
		if (ok) {
			return true;
		}
		now = tevent_timeval_current();
		if (tevent_timeval_compare(&now, &end) > 0) {
			return false;
		}
		tick = false;
		te = tevent_add_timer(ev, ev,
				      tevent_timeval_current_ofs(0, 10000),
				      flag_set, &tick);
		assert_non_null(te);
		while (!tick) {
			ret = tevent_loop_once(ev);
			assert_int_equal(ret, 0);
		}
	}
}

static bool run_is_done(void *arg)
{
	struct run *r = arg;

	return r->done;
}

static void run_done(struct tevent_req *req)
{
	struct run *r = tevent_req_callback_data_void(req);

	r->summary.state = SCRIPT_OK;
	r->summary.code = 0;
	r->ok = run_event_recv(req, &r->err, &r->summary);
	r->done = true;
	r->done_at = now_secs();
}

static void start_in(struct fixture *f, struct run_event_context *rctx,
		     struct run *r, const char *event, const char *args,
		     const struct timeval *deadline, bool run_all)
{
	*r = (struct run){ .err = -1 };
	r->req = run_event_send(f->mem, f->ev, rctx, event, args, deadline,
				run_all);
	assert_non_null(r->req);
	tevent_req_set_callback(r->req, run_done, r);
}

static void start(struct fixture *f, struct run *r, const char *event,
		  const char *args, const struct timeval *deadline,
		  bool run_all)
{
	start_in(f, f->rctx, r, event, args, deadline, run_all);
}

static void wait_run(struct fixture *f, struct run *r)
{
	bool ok;

	ok = poll_until(f->ev, run_is_done, r, POLL_MS);
	if (!ok) {
		fail_msg("event did not complete within %d ms", POLL_MS);
	}
}

/* Run an event to completion. */
static void run_sync(struct fixture *f, struct run *r, const char *event,
		     const char *args, const struct timeval *deadline,
		     bool run_all)
{
	start(f, r, event, args, deadline, run_all);
	wait_run(f, r);
}

static void assert_run_ok(struct run *r, enum script_state state, int code)
{
	assert_true(r->done);
	assert_true(r->ok);
	assert_int_equal(r->summary.state, state);
	if (state == SCRIPT_ERROR || state == SCRIPT_CANNOT_RUN) {
		assert_int_equal(r->summary.code, code);
	}
}

static void assert_run_failed(struct run *r, int err)
{
	assert_true(r->done);
	assert_false(r->ok);
	assert_int_equal(r->err, err);
}

static char *path_in(struct fixture *f, const char *name)
{
	char *path = talloc_asprintf(f->mem, "%s/%s", f->base, name);

	assert_non_null(path);
	return path;
}

/*
 * A /bin/sh script in the component directory; "%W" in body becomes the
 * test's scratch directory. The mode is set after creation, so the umask
 * cannot strip bits.
 */
static char *write_script_in(struct fixture *f, const char *dir,
			     const char *name, mode_t mode, const char *body)
{
	char *text;
	char *path;
	const char *p = body;
	const char *w;
	FILE *fp;
	int ret;

	text = talloc_strdup(f->mem, "#!/bin/sh\n");
	assert_non_null(text);
	while ((w = strstr(p, "%W")) != NULL) {
		text = talloc_asprintf_append(text, "%.*s%s", (int)(w - p), p,
					      f->base);
		assert_non_null(text);
		p = w + 2;
	}
	text = talloc_asprintf_append(text, "%s\n", p);
	assert_non_null(text);

	path = talloc_asprintf(f->mem, "%s/%s", dir, name);
	assert_non_null(path);
	fp = fopen(path, "we");
	assert_non_null(fp);
	ret = fputs(text, fp);
	assert_true(ret >= 0);
	ret = fclose(fp);
	assert_int_equal(ret, 0);
	ret = chmod(path, mode);
	assert_int_equal(ret, 0);
	return path;
}

static char *write_script(struct fixture *f, const char *name, mode_t mode,
			  const char *body)
{
	return write_script_in(f, f->dir, name, mode, body);
}

static bool file_exists(void *arg)
{
	const char *path = arg;
	int ret;

	ret = access(path, F_OK);
	return ret == 0;
}

static bool exists(struct fixture *f, const char *name)
{
	return file_exists(path_in(f, name));
}

static void touch(struct fixture *f, const char *name)
{
	FILE *fp = fopen(path_in(f, name), "we");

	assert_non_null(fp);
	fclose(fp);
}

/* The whole file, or NULL if it does not exist. */
static char *read_file(struct fixture *f, const char *name)
{
	char *path = path_in(f, name);
	char *text;
	char buf[4096];
	size_t n;
	FILE *fp;

	fp = fopen(path, "re");
	if (fp == NULL) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	text = talloc_strdup(f->mem, "");
	assert_non_null(text);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		text = talloc_strndup_append_buffer(text, buf, n);
		assert_non_null(text);
	}
	fclose(fp);
	return text;
}

/*
 * Wait for a pid file that a script wrote with
 * `echo $$ > x.tmp && mv x.tmp x` (complete once visible), and read it.
 */
static pid_t wait_pid_file(struct fixture *f, const char *name)
{
	char *path = path_in(f, name);
	char *text;
	bool ok;
	int pid;

	ok = poll_until(f->ev, file_exists, path, POLL_MS);
	if (!ok) {
		fail_msg("%s did not appear", name);
	}
	text = read_file(f, name);
	assert_non_null(text);
	pid = atoi(text);
	assert_true(pid > 1);
	if (f->npids < sizeof(f->pids) / sizeof(f->pids[0])) {
		f->pids[f->npids++] = (pid_t)pid;
	}
	return (pid_t)pid;
}

#define PIDFILE(name) "echo $$ > %W/" name ".tmp && mv %W/" name ".tmp %W/" name

/* The state letter of /proc/<pid>/stat and its process group, or 0. */
static char proc_state(pid_t pid, pid_t *pgrp)
{
	char path[64];
	char buf[1024];
	char state = 0;
	int ppid = 0;
	int grp = 0;
	char *p;
	FILE *fp;
	size_t n;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "re");
	if (fp == NULL) {
		return 0;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL) {
		return 0;
	}
	ret = sscanf(p + 1, " %c %d %d", &state, &ppid, &grp);
	if (ret != 3) {
		return 0;
	}
	if (pgrp != NULL) {
		*pgrp = grp;
	}
	return state;
}

/* A live (not zombie) process whose command line contains text. */
static bool cmdline_has(pid_t pid, const char *text)
{
	char file[64];
	char buf[4096];
	size_t n;
	size_t i;
	FILE *fp;
	char st;

	st = proc_state(pid, NULL);
	if (st == 0 || st == 'Z' || st == 'X') {
		return false;
	}
	snprintf(file, sizeof(file), "/proc/%d/cmdline", (int)pid);
	fp = fopen(file, "re");
	if (fp == NULL) {
		return false;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	/* The arguments are NUL-separated: make it one string. */
	for (i = 0; i < n; i++) {
		if (buf[i] == '\0') {
			buf[i] = ' ';
		}
	}
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/*
 * Our child, reaped: kill(pid, 0) fails with ESRCH. (A zombie still
 * answers, so this also checks that the script was waited for.)
 */
static bool pid_gone(void *arg)
{
	pid_t pid = *(pid_t *)arg;
	int ret;

	ret = kill(pid, 0);
	return ret == -1 && errno == ESRCH;
}

/*
 * Some process of group pgid still runs (zombies do not count: orphans
 * are reaped by init, which we do not control).
 */
static bool group_alive(pid_t pgid)
{
	struct dirent *de;
	bool alive = false;
	DIR *d;

	d = opendir("/proc");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		pid_t pid = atoi(de->d_name);
		pid_t grp = 0;
		char st;

		if (pid <= 0) {
			continue;
		}
		st = proc_state(pid, &grp);
		if (st != 0 && st != 'Z' && st != 'X' && grp == pgid) {
			alive = true;
			break;
		}
	}
	closedir(d);
	return alive;
}

static bool group_gone(void *arg)
{
	return !group_alive(*(pid_t *)arg);
}

static void assert_running(pid_t pid)
{
	char st;
	int ret;

	ret = kill(pid, 0);
	assert_int_equal(ret, 0);
	st = proc_state(pid, NULL);
	assert_true(st != 0 && st != 'Z' && st != 'X');
}

/* The process and its whole group end within ms milliseconds. */
static void assert_dies_within(struct fixture *f, pid_t pid, unsigned ms)
{
	bool ok;

	ok = poll_until(f->ev, pid_gone, &pid, ms);
	if (!ok) {
		fail_msg("script process %d still exists", (int)pid);
	}
	ok = poll_until(f->ev, group_gone, &pid, ms);
	if (!ok) {
		fail_msg("process group %d still has members", (int)pid);
	}
}

static const struct event_record *stored(struct fixture *f, const char *event)
{
	return event_status_store_get(run_event_status(f->rctx), event);
}

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(ms / 1000, (ms % 1000) * 1000);
}


/* Each script's begin <= end, and a script ends before the next begins. */
static void assert_times_ordered(const struct event_record *rec)
{
	unsigned i;
	int cmp;

	for (i = 0; i < rec->num_scripts; i++) {
		cmp = tevent_timeval_compare(&rec->scripts[i].begin,
					     &rec->scripts[i].end);
		assert_true(cmp <= 0);
		if (i + 1 == rec->num_scripts) {
			continue;
		}
		cmp = tevent_timeval_compare(&rec->scripts[i].end,
					     &rec->scripts[i + 1].begin);
		assert_true(cmp <= 0);
	}
}

static int32_t wire_summary(struct fixture *f, const struct event_record *rec)
{
	struct ctdb_event_reply_status *wire;

	wire = event_record_to_wire(f->mem, rec);
	assert_non_null(wire);
	assert_int_equal(wire->script_list->num_scripts, rec->num_scripts);
	return wire->summary;
}

/* ---------- running scripts ---------- */

static void test_scripts_run_in_order(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;
	unsigned i;

	write_script(f, "20.c", 0755, "echo \"20.c $1\" >> %W/log; echo c");
	write_script(f, "05.a.script", 0755,
		     "echo \"05.a $1\" >> %W/log; echo a");
	write_script(f, "10.b", 0755, "echo \"10.b $1\" >> %W/log; echo b >&2");
	write_script(f, "README", 0755, "echo README >> %W/log");
	write_script(f, "10.b~", 0755, "echo backup >> %W/log");

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	assert_string_equal(read_file(f, "log"), "05.a startup\n"
						 "10.b startup\n"
						 "20.c startup\n");

	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_string_equal(rec->event, "startup");
	assert_int_equal(rec->summary.state, SCRIPT_OK);
	assert_int_equal(rec->num_scripts, 3);
	assert_string_equal(rec->scripts[0].name, "05.a");
	assert_string_equal(rec->scripts[1].name, "10.b");
	assert_string_equal(rec->scripts[2].name, "20.c");
	assert_string_equal(rec->scripts[0].output, "a\n");
	assert_string_equal(rec->scripts[1].output, "b\n");
	assert_string_equal(rec->scripts[2].output, "c\n");
	for (i = 0; i < 3; i++) {
		assert_int_equal(rec->scripts[i].result.state, SCRIPT_OK);
	}
	assert_times_ordered(rec);
	assert_int_equal(wire_summary(f, rec), 0);
}

static void test_no_output_is_null(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "10.quiet", 0755, "exit 0");
	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 1);
	assert_null(rec->scripts[0].output);
}

static void test_args(void **pstate)
{
	struct fixture *f = *pstate;
	struct run r;

	write_script(f, "10.args", 0755,
		     "echo \"$#|$1|$2|$3|$4|$5\" >> %W/args");

	run_sync(f, &r, "takeip", "eth0 10.0.0.1 24", NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	run_sync(f, &r, "updateip", "eth0 eth1 10.0.0.1 24", NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	run_sync(f, &r, "shutdown", "", NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);

	assert_string_equal(read_file(f, "args"),
			    "4|takeip|eth0|10.0.0.1|24|\n"
			    "5|updateip|eth0|eth1|10.0.0.1|24\n"
			    "1|startup||||\n"
			    "1|shutdown||||\n");
}

static void test_failure_stops_event(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "10.ok", 0755, "echo ok >> %W/log");
	write_script(f, "20.fail", 0755,
		     "echo fail >> %W/log; echo failing; exit 3");
	write_script(f, "30.never", 0755, "echo never >> %W/log");

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_ERROR, 3);
	assert_string_equal(read_file(f, "log"), "ok\nfail\n");

	/* The record ends with the failing script. */
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 2);
	assert_int_equal(rec->summary.state, SCRIPT_ERROR);
	assert_int_equal(rec->summary.code, 3);
	assert_int_equal(rec->scripts[0].result.state, SCRIPT_OK);
	assert_string_equal(rec->scripts[1].name, "20.fail");
	assert_int_equal(rec->scripts[1].result.state, SCRIPT_ERROR);
	assert_int_equal(rec->scripts[1].result.code, 3);
	assert_string_equal(rec->scripts[1].output, "failing\n");
	assert_int_equal(wire_summary(f, rec), 3);
}

static void test_run_all_summary_is_last_failure(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "10.f1", 0755, "echo 10 >> %W/log; exit 3");
	write_script(f, "20.ok", 0755, "echo 20 >> %W/log");
	write_script(f, "30.f2", 0755, "echo 30 >> %W/log; exit 5");
	write_script(f, "40.ok", 0755, "echo 40 >> %W/log");

	run_sync(f, &r, "startup", NULL, NULL, true);
	assert_run_ok(&r, SCRIPT_ERROR, 5);
	assert_string_equal(read_file(f, "log"), "10\n20\n30\n40\n");

	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 4);
	assert_int_equal(rec->summary.state, SCRIPT_ERROR);
	assert_int_equal(rec->summary.code, 5);
	assert_int_equal(rec->scripts[0].result.code, 3);
	assert_int_equal(rec->scripts[1].result.state, SCRIPT_OK);
	assert_int_equal(rec->scripts[2].result.code, 5);
	assert_int_equal(rec->scripts[3].result.state, SCRIPT_OK);
	assert_int_equal(wire_summary(f, rec), 5);
}

static void test_disabled_is_not_failure(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "10.a", 0755, "echo a >> %W/log");
	write_script(f, "20.off", 0644, "touch %W/off-ran");
	write_script(f, "25.exit77", 0755, "echo 77 >> %W/log; exit 77");
	write_script(f, "30.c", 0755, "echo c >> %W/log");

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	assert_string_equal(read_file(f, "log"), "a\n77\nc\n");
	assert_false(exists(f, "off-ran"));

	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 4);
	assert_int_equal(rec->summary.state, SCRIPT_OK);
	assert_string_equal(rec->scripts[1].name, "20.off");
	assert_int_equal(rec->scripts[1].result.state, SCRIPT_DISABLED);
	assert_int_equal(rec->scripts[2].result.state, SCRIPT_DISABLED);
	assert_int_equal(rec->scripts[3].result.state, SCRIPT_OK);
	assert_int_equal(wire_summary(f, rec), 0);
}

/* Any entry with a script name counts; what cannot run is DISABLED. */
static void test_odd_entries_disabled(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	/*
	 * A directory fails at exec, which glibc learns through memory
	 * shared with its vfork-like child; valgrind runs that child as a
	 * plain fork, so there the failure shows only as exit 127.
	 */
	bool with_dir = !RUNNING_ON_VALGRIND;
	unsigned n = 0;
	char *path;
	struct run r;
	int ret;

	path = talloc_asprintf(f->mem, "%s/10.dangling.script", f->dir);
	assert_non_null(path);
	ret = symlink("/nonexistent/target", path);
	assert_int_equal(ret, 0);
	if (with_dir) {
		path = talloc_asprintf(f->mem, "%s/20.dir.script", f->dir);
		assert_non_null(path);
		ret = mkdir(path, 0755);
		assert_int_equal(ret, 0);
	} else {
		print_message("under valgrind: directory entry not tested\n");
	}
	write_script(f, "30.real", 0755, "echo real");

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, with_dir ? 3 : 2);
	assert_string_equal(rec->scripts[n].name, "10.dangling");
	assert_int_equal(rec->scripts[n].result.state, SCRIPT_DISABLED);
	n++;
	if (with_dir) {
		assert_string_equal(rec->scripts[n].name, "20.dir");
		assert_int_equal(rec->scripts[n].result.state,
				 SCRIPT_DISABLED);
		n++;
	}
	assert_int_equal(rec->scripts[n].result.state, SCRIPT_OK);
	assert_string_equal(rec->scripts[n].output, "real\n");
}

/* A script killed by a signal failed: CANNOT_RUN with EINTR, as CTDB. */
static void test_killed_by_signal(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "10.suicide", 0755, "echo dying; kill -KILL $$");
	write_script(f, "20.after", 0755, "touch %W/after-ran");
	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_CANNOT_RUN, EINTR);
	assert_false(exists(f, "after-ran"));
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 1);
	assert_string_equal(rec->scripts[0].output, "dying\n");
	assert_int_equal(wire_summary(f, rec), -EINTR);
}

static void test_no_scripts(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;

	write_script(f, "README", 0755, "touch %W/readme-ran");
	run_sync(f, &r, "ipreallocated", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	assert_false(exists(f, "readme-ran"));

	rec = stored(f, "ipreallocated");
	assert_non_null(rec);
	assert_string_equal(rec->event, "ipreallocated");
	assert_int_equal(rec->num_scripts, 0);
	assert_int_equal(rec->summary.state, SCRIPT_OK);
}

static void test_missing_dir(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *rctx;
	char *dir = path_in(f, "later");
	struct run r;
	int ret;

	rctx = run_event_context_new(f->mem, f->ev, "later", dir, &f->opts);
	assert_non_null(rctx);
	start_in(f, rctx, &r, "startup", NULL, NULL, false);
	wait_run(f, &r);
	assert_run_failed(&r, ENOENT);
	assert_null(event_status_store_get(run_event_status(rctx),
					   "startup"));

	/* The directory may appear later; the component then works. */
	ret = mkdir(dir, 0755);
	assert_int_equal(ret, 0);
	write_script_in(f, dir, "10.x", 0755, "echo x");
	start_in(f, rctx, &r, "startup", NULL, NULL, false);
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_OK, 0);
	assert_non_null(event_status_store_get(run_event_status(rctx),
					       "startup"));
}

static void test_output_limit(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;
	char *marker;
	size_t span;

	write_script(f, "10.chatty", 0755,
		     "head -c 2097152 /dev/zero | tr '\\0' x");
	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_non_null(rec->scripts[0].output);
	/* The limit's worth of output, then the marker saying what was cut. */
	span = strspn(rec->scripts[0].output, "x");
	assert_int_equal(span, f->opts.output_limit);
	marker = talloc_asprintf(f->mem,
				 "\n[output truncated: %zu bytes discarded]",
				 (size_t)2097152 - f->opts.output_limit);
	assert_non_null(marker);
	assert_string_equal(rec->scripts[0].output + span, marker);
}

static void test_group_writable_refused(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct ctdb_event_reply_status *wire;
	char *path;
	struct run r;
	int ret;

	path = write_script(f, "10.gw", 0755, "touch %W/gw-ran");
	write_script(f, "20.next", 0755, "touch %W/next-ran");
	ret = chmod(path, 0775);
	assert_int_equal(ret, 0);

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_CANNOT_RUN, EPERM);
	assert_false(exists(f, "gw-ran"));
	assert_false(exists(f, "next-ran"));

	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 1);
	assert_int_equal(rec->scripts[0].result.state, SCRIPT_CANNOT_RUN);
	assert_int_equal(rec->scripts[0].result.code, EPERM);
	assert_non_null(rec->scripts[0].output);
	assert_string_equal(rec->scripts[0].output,
			    "refusing to run: script is group-writable\n");
	wire = event_record_to_wire(f->mem, rec);
	assert_non_null(wire);
	assert_int_equal(wire->summary, -EPERM);
	assert_int_equal(wire->script_list->script[0].result, -EPERM);
}

static void test_world_writable_refused(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	char *path;
	struct run r;
	int ret;

	path = write_script(f, "10.ww", 0755, "touch %W/ww-ran");
	ret = chmod(path, 0757);
	assert_int_equal(ret, 0);

	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_CANNOT_RUN, EPERM);
	assert_false(exists(f, "ww-ran"));
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_string_equal(rec->scripts[0].output,
			    "refusing to run: script is world-writable\n");
}

/* ---------- the queue ---------- */

static void test_fifo(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *ra;
	const struct event_record *rb;
	struct run a;
	struct run b;
	struct run c;
	int cmp;

	/* The pause makes an overlap visible in the log. */
	write_script(f, "10.log", 0755,
		     "echo \"start $1\" >> %W/log\n"
		     "sleep 0.2\n"
		     "echo \"end $1\" >> %W/log");

	start(f, &a, "startrecovery", NULL, NULL, false);
	start(f, &b, "recovered", NULL, NULL, false);
	start(f, &c, "ipreallocated", NULL, NULL, false);
	wait_run(f, &c);
	/* Completion order is arrival order too. */
	assert_run_ok(&a, SCRIPT_OK, 0);
	assert_run_ok(&b, SCRIPT_OK, 0);
	assert_run_ok(&c, SCRIPT_OK, 0);
	assert_true(a.done_at <= b.done_at);
	assert_true(b.done_at <= c.done_at);

	assert_string_equal(read_file(f, "log"),
			    "start startrecovery\nend startrecovery\n"
			    "start recovered\nend recovered\n"
			    "start ipreallocated\nend ipreallocated\n");

	ra = stored(f, "startrecovery");
	rb = stored(f, "recovered");
	assert_non_null(ra);
	assert_non_null(rb);
	cmp = tevent_timeval_compare(&ra->scripts[0].end,
				     &rb->scripts[0].begin);
	assert_true(cmp <= 0);
}

static void test_components_independent(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *other;
	char *dir2 = path_in(f, "events2");
	struct run a;
	struct run b;
	struct run m;
	int ret;

	ret = mkdir(dir2, 0755);
	assert_int_equal(ret, 0);
	other = run_event_context_new(f->mem, f->ev, "other", dir2, &f->opts);
	assert_non_null(other);

	write_script(f, "10.block", 0755,
		     PIDFILE("block.pid") "\n"
		     "while [ ! -e %W/release ]; do sleep 0.05; done");
	write_script_in(f, dir2, "10.quick", 0755, "echo \"$1\" >> %W/log");

	start(f, &a, "startup", NULL, NULL, false);
	(void)wait_pid_file(f, "block.pid");
	start_in(f, other, &b, "startup", NULL, NULL, false);
	wait_run(f, &b);
	assert_run_ok(&b, SCRIPT_OK, 0);
	/* Nor is a monitor refused because another component is busy. */
	start_in(f, other, &m, "monitor", NULL, NULL, false);
	wait_run(f, &m);
	assert_run_ok(&m, SCRIPT_OK, 0);
	assert_false(a.done);
	assert_string_equal(read_file(f, "log"), "startup\nmonitor\n");

	touch(f, "release");
	wait_run(f, &a);
	assert_run_ok(&a, SCRIPT_OK, 0);
}

/* Freeing the running request kills its script; the next event runs. */
static void test_free_running_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct run a;
	struct run b;
	pid_t pid;

	write_script(f, "10.s", 0755,
		     "case \"$1\" in\n"
		     "startup) " PIDFILE("s.pid") "; sleep 30 ;;\n"
		     "esac\n"
		     "echo \"$1\" >> %W/log");

	start(f, &a, "startup", NULL, NULL, false);
	start(f, &b, "ipreallocated", NULL, NULL, false);
	pid = wait_pid_file(f, "s.pid");
	assert_running(pid);
	assert_false(b.done);

	TALLOC_FREE(a.req);
	assert_dies_within(f, pid, 5000);
	wait_run(f, &b);
	assert_run_ok(&b, SCRIPT_OK, 0);
	assert_false(a.done);
	assert_string_equal(read_file(f, "log"), "ipreallocated\n");
	assert_null(stored(f, "startup"));
	assert_non_null(stored(f, "ipreallocated"));
}

/* A queued request that is freed never runs; the queue goes on. */
static void test_free_queued_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct run a;
	struct run b;
	struct run c;

	write_script(f, "10.s", 0755,
		     "case \"$1\" in\n"
		     "startup) " PIDFILE("s.pid") "\n"
		     "  while [ ! -e %W/release ]; do sleep 0.05; done ;;\n"
		     "esac\n"
		     "echo \"$1\" >> %W/log");

	start(f, &a, "startup", NULL, NULL, false);
	start(f, &b, "recovered", NULL, NULL, false);
	start(f, &c, "ipreallocated", NULL, NULL, false);
	(void)wait_pid_file(f, "s.pid");
	TALLOC_FREE(b.req);
	touch(f, "release");
	wait_run(f, &c);
	assert_run_ok(&a, SCRIPT_OK, 0);
	assert_run_ok(&c, SCRIPT_OK, 0);
	assert_false(b.done);
	assert_string_equal(read_file(f, "log"), "startup\nipreallocated\n");
	assert_null(stored(f, "recovered"));
}

/* ---------- the monitor policy ---------- */

#define MONITOR_SCRIPT                                                  \
	"case \"$1\" in\n"                                              \
	"monitor)\n"                                                    \
	"  if [ -e %W/hang ]; then " PIDFILE("mon.pid") "; sleep 30; fi\n" \
	"  while [ -e %W/hold ]; do sleep 0.05; done\n"                 \
	"  echo quick ;;\n"                                             \
	"*) echo \"$1\" >> %W/log ;;\n"                                 \
	"esac"

/* (a) A new event cancels a running monitor. */
static void test_event_cancels_monitor(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *prev;
	const struct event_record *rec;
	struct run mon;
	struct run ev;
	pid_t pid;

	write_script(f, "10.mon", 0755, MONITOR_SCRIPT);

	/* A completed monitor first: its record must survive. */
	run_sync(f, &mon, "monitor", NULL, NULL, false);
	assert_run_ok(&mon, SCRIPT_OK, 0);
	prev = stored(f, "monitor");
	assert_non_null(prev);
	assert_string_equal(prev->scripts[0].output, "quick\n");

	touch(f, "hang");
	start(f, &mon, "monitor", NULL, NULL, false);
	pid = wait_pid_file(f, "mon.pid");
	assert_running(pid);
	assert_false(mon.done);

	start(f, &ev, "startup", NULL, NULL, false);
	wait_run(f, &mon);
	assert_run_failed(&mon, ECANCELED);
	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);

	/* Nothing stored for the cancelled run. */
	rec = stored(f, "monitor");
	assert_ptr_equal(rec, prev);
	assert_string_equal(rec->scripts[0].output, "quick\n");

	wait_run(f, &ev);
	assert_run_ok(&ev, SCRIPT_OK, 0);
	assert_string_equal(read_file(f, "log"), "startup\n");
	assert_non_null(stored(f, "startup"));
}

/* Any new event, a monitor too, cancels a running monitor. */
static void test_monitor_cancels_monitor(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run m1;
	struct run m2;
	pid_t pid;
	int ret;

	write_script(f, "10.mon", 0755, MONITOR_SCRIPT);
	touch(f, "hang");
	/* The second monitor waits for "hold" to go: time to look. */
	touch(f, "hold");
	start(f, &m1, "monitor", NULL, NULL, false);
	pid = wait_pid_file(f, "mon.pid");
	ret = unlink(path_in(f, "hang"));
	assert_int_equal(ret, 0);

	start(f, &m2, "monitor", NULL, NULL, false);
	wait_run(f, &m1);
	assert_run_failed(&m1, ECANCELED);
	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);
	assert_false(m2.done);
	assert_null(stored(f, "monitor"));

	ret = unlink(path_in(f, "hold"));
	assert_int_equal(ret, 0);
	wait_run(f, &m2);
	assert_run_ok(&m2, SCRIPT_OK, 0);
	rec = stored(f, "monitor");
	assert_non_null(rec);
	assert_string_equal(rec->scripts[0].output, "quick\n");
}

/* (b) A monitor arriving while another event runs is refused at once. */
static void test_monitor_refused_while_busy(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run s;
	struct run m;

	write_script(f, "10.s", 0755,
		     "case \"$1\" in\n"
		     "startup) " PIDFILE("s.pid") "\n"
		     "  while [ ! -e %W/release ]; do sleep 0.05; done\n"
		     "  echo startup done ;;\n"
		     "monitor) touch %W/monitor-ran ;;\n"
		     "esac");

	start(f, &s, "startup", NULL, NULL, false);
	(void)wait_pid_file(f, "s.pid");
	start(f, &m, "monitor", NULL, NULL, false);
	wait_run(f, &m);
	assert_run_failed(&m, ECANCELED);
	/* Refused while startup still runs, i.e. without waiting for it. */
	assert_false(s.done);

	touch(f, "release");
	wait_run(f, &s);
	assert_run_ok(&s, SCRIPT_OK, 0);
	assert_false(exists(f, "monitor-ran"));
	assert_null(stored(f, "monitor"));
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_string_equal(rec->scripts[0].output, "startup done\n");

	/* The refusal left nothing behind: the next monitor runs. */
	run_sync(f, &m, "monitor", NULL, NULL, false);
	assert_run_ok(&m, SCRIPT_OK, 0);
	assert_true(exists(f, "monitor-ran"));
}

/* ---------- deadlines ---------- */

static void test_timeout(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct timeval deadline;
	struct run r;
	double t0;
	pid_t pid;

	write_script(f, "10.hang", 0755, PIDFILE("h.pid") "\nsleep 30");
	write_script(f, "20.after", 0755, "touch %W/after-ran");

	t0 = now_secs();
	deadline = in_ms(500);
	start(f, &r, "startup", NULL, &deadline, false);
	pid = wait_pid_file(f, "h.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);
	/* Reported at the deadline, not when the script ends. */
	assert_true(r.done_at - t0 >= 0.4);
	assert_true(r.done_at - t0 < 5.0);
	assert_false(exists(f, "after-ran"));

	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->summary.state, SCRIPT_TIMEDOUT);
	assert_int_equal(rec->num_scripts, 1);
	assert_int_equal(rec->scripts[0].result.state, SCRIPT_TIMEDOUT);
	assert_int_equal(wire_summary(f, rec), -ETIMEDOUT);

	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);
}

/* With run_all, the scripts after the deadline time out without running. */
static void test_timeout_shared_deadline(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct timeval deadline;
	struct run r;
	pid_t pid;

	write_script(f, "10.hang", 0755, PIDFILE("h.pid") "\nsleep 30");
	write_script(f, "20.after", 0755, "touch %W/after-ran");

	deadline = in_ms(500);
	start(f, &r, "startup", NULL, &deadline, true);
	pid = wait_pid_file(f, "h.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);
	assert_false(exists(f, "after-ran"));
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_int_equal(rec->num_scripts, 2);
	assert_int_equal(rec->scripts[0].result.state, SCRIPT_TIMEDOUT);
	assert_int_equal(rec->scripts[1].result.state, SCRIPT_TIMEDOUT);
	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);
}

/* SIGTERM ignored: SIGKILL follows after the grace period. */
static void test_timeout_term_ignored(void **pstate)
{
	struct fixture *f = *pstate;
	struct timeval deadline;
	struct run r;
	double gone_at;
	pid_t pid;

	write_script(f, "10.stubborn", 0755,
		     "trap '' TERM\n"
		     PIDFILE("t.pid") "\n"
		     "while :; do sleep 0.1; done");

	deadline = in_ms(500);
	start(f, &r, "startup", NULL, &deadline, false);
	pid = wait_pid_file(f, "t.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);
	/* The SIGTERM has been sent and ignored. */
	assert_running(pid);

	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);
	gone_at = now_secs();
	assert_true(gone_at - r.done_at >= KILL_GRACE - 0.2);
}

static void test_no_deadline(void **pstate)
{
	struct fixture *f = *pstate;
	const struct event_record *rec;
	struct run r;
	double t0;

	write_script(f, "10.slow", 0755, "sleep 1.5; echo slept");
	t0 = now_secs();
	run_sync(f, &r, "startup", NULL, NULL, false);
	assert_run_ok(&r, SCRIPT_OK, 0);
	assert_true(r.done_at - t0 >= 1.4);
	rec = stored(f, "startup");
	assert_non_null(rec);
	assert_string_equal(rec->scripts[0].output, "slept\n");
}

/* ---------- the debug script ---------- */

/* Some live process runs path (its command line mentions it). */
static bool running_path(const char *path)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir("/proc");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL && !found) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 0 || pid == getpid()) {
			continue;
		}
		found = cmdline_has(pid, path);
	}
	closedir(d);
	return found;
}

static bool debug_gone(void *arg)
{
	return !running_path(arg);
}

/* A context whose timed-out scripts are first shown to a debug script. */
static struct run_event_context *debug_context(struct fixture *f,
					       const char *debug_body,
					       char **pdebug)
{
	struct run_event_options opts = f->opts;
	struct run_event_context *rctx;
	char *debug;

	debug = write_script_in(f, f->base, "debug.sh", 0755, debug_body);
	opts.debug_script = debug;
	rctx = run_event_context_new(f->mem, f->ev, "debugged", f->dir,
				     &opts);
	assert_non_null(rctx);
	if (pdebug != NULL) {
		*pdebug = debug;
	}
	return rctx;
}

/* The debug script gets "<pid> <event>" while the script still runs. */
static void test_debug_script_runs_first(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *rctx;
	struct timeval deadline;
	char *expect;
	char *seen;
	struct run r;
	pid_t pid;
	bool ok;

	rctx = debug_context(f,
			     "state=gone; kill -0 \"$1\" && state=alive\n"
			     "echo \"$1 $2 $state\" > %W/debug.tmp\n"
			     "mv %W/debug.tmp %W/debug.out", NULL);
	write_script(f, "10.hang", 0755, PIDFILE("h.pid") "\nsleep 30");

	deadline = in_ms(300);
	start_in(f, rctx, &r, "monitor", NULL, &deadline, false);
	pid = wait_pid_file(f, "h.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);

	ok = poll_until(f->ev, file_exists, path_in(f, "debug.out"), POLL_MS);
	assert_true(ok);
	seen = read_file(f, "debug.out");
	expect = talloc_asprintf(f->mem, "%d monitor alive\n", (int)pid);
	assert_non_null(expect);
	assert_string_equal(seen, expect);
	assert_dies_within(f, pid, (KILL_GRACE + 5) * 1000);
}

/* Shutdown ends every process of the component, the debug script too. */
static void test_kill_all_kills_debug_script(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *rctx;
	struct timeval deadline;
	char *debug;
	struct run r;
	pid_t pid;
	pid_t dpid;
	bool ok;

	rctx = debug_context(f, PIDFILE("debug.pid") "\nsleep 60", &debug);
	write_script(f, "10.hang", 0755, PIDFILE("h.pid") "\nsleep 30");

	deadline = in_ms(300);
	start_in(f, rctx, &r, "monitor", NULL, &deadline, false);
	pid = wait_pid_file(f, "h.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);
	dpid = wait_pid_file(f, "debug.pid");
	assert_running(dpid);

	run_event_kill_all(rctx);
	ok = poll_until(f->ev, group_gone, &dpid, 5000);
	if (!ok) {
		fail_msg("debug script %d survived run_event_kill_all",
			 (int)dpid);
	}
	assert_true(debug_gone(debug));
	/* And the killed script is reaped, not left a zombie. */
	assert_dies_within(f, pid, 5000);
}

/*
 * A debug script that hangs is killed at its own timeout (30 s, fixed),
 * and is not itself handed to the debug script: no process may outlive
 * the termination. Slow by necessity.
 */
static void test_hung_debug_script_not_debugged(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *rctx;
	struct timeval deadline;
	char *debug;
	char *log;
	struct run r;
	pid_t pid;
	bool ok;

	rctx = debug_context(f,
			     "echo \"$1 $2\" >> %W/debug.log\n"
			     "sleep 120", &debug);
	write_script(f, "10.hang", 0755, PIDFILE("h.pid") "\nsleep 120");

	deadline = in_ms(300);
	start_in(f, rctx, &r, "monitor", NULL, &deadline, false);
	pid = wait_pid_file(f, "h.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);

	/* The debug script's time, then the grace period, then slack. */
	ok = poll_until(f->ev, pid_gone, &pid,
			(DEBUG_TIMEOUT + KILL_GRACE + 15) * 1000);
	if (!ok) {
		fail_msg("timed-out script %d still exists", (int)pid);
	}
	ok = poll_until(f->ev, group_gone, &pid, 5000);
	assert_true(ok);
	/*
	 * The second debug script, if any, was started before the script
	 * was signalled, so it is visible now.
	 */
	log = read_file(f, "debug.log");
	if (running_path(debug)) {
		fail_msg("a debug script still runs after the event's "
			 "processes ended; debug.log:\n%s",
			 log != NULL ? log : "(none)");
	}
	assert_non_null(log);
	assert_int_equal(strchr(log, '\n') - log + 1, strlen(log));
}

/* ---------- shutdown ---------- */

static void test_kill_all(void **pstate)
{
	struct fixture *f = *pstate;
	struct run r;
	pid_t pid;

	write_script(f, "10.s", 0755, PIDFILE("s.pid") "\nsleep 30");
	start(f, &r, "startup", NULL, NULL, false);
	pid = wait_pid_file(f, "s.pid");
	run_event_kill_all(f->rctx);
	assert_dies_within(f, pid, 5000);
	wait_run(f, &r);
	assert_false(r.ok);
}

/* Timed-out scripts still in their grace period die too. */
static void test_kill_all_reaps_timed_out(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_event_context *rctx;
	struct run_event_options opts = f->opts;
	struct timeval deadline;
	struct run r;
	double t0;
	pid_t pid;

	opts.kill_grace = 60;
	rctx = run_event_context_new(f->mem, f->ev, "slowkill", f->dir, &opts);
	assert_non_null(rctx);
	write_script(f, "10.stubborn", 0755,
		     "trap '' TERM\n"
		     PIDFILE("t.pid") "\n"
		     "while :; do sleep 0.1; done");

	deadline = in_ms(300);
	start_in(f, rctx, &r, "startup", NULL, &deadline, false);
	pid = wait_pid_file(f, "t.pid");
	wait_run(f, &r);
	assert_run_ok(&r, SCRIPT_TIMEDOUT, 0);
	assert_running(pid);

	t0 = now_secs();
	run_event_kill_all(rctx);
	assert_dies_within(f, pid, 10000);
	/* Well before the 60 s grace period. */
	assert_true(now_secs() - t0 < 10.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_scripts_run_in_order),
		T(test_no_output_is_null),
		T(test_args),
		T(test_failure_stops_event),
		T(test_run_all_summary_is_last_failure),
		T(test_disabled_is_not_failure),
		T(test_odd_entries_disabled),
		T(test_killed_by_signal),
		T(test_no_scripts),
		T(test_missing_dir),
		T(test_output_limit),
		T(test_group_writable_refused),
		T(test_world_writable_refused),
		T(test_fifo),
		T(test_components_independent),
		T(test_free_running_request),
		T(test_free_queued_request),
		T(test_event_cancels_monitor),
		T(test_monitor_cancels_monitor),
		T(test_monitor_refused_while_busy),
		T(test_timeout),
		T(test_timeout_shared_deadline),
		T(test_timeout_term_ignored),
		T(test_no_deadline),
		T(test_kill_all),
		T(test_kill_all_reaps_timed_out),
		T(test_debug_script_runs_first),
		T(test_kill_all_kills_debug_script),
		T(test_hung_debug_script_not_debugged),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
