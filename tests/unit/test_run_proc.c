/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for run_proc: spawn, output capture, deadline, kill, cleanup. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "common/run_proc.h"

/* Generous bounds: only reached when something is broken. */
#define WAIT_SECS 20
#define POLL_MS 10000

static char test_dir[PATH_MAX];

struct fixture {
	TALLOC_CTX *mem;
	struct tevent_context *ev;
};

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_run_proc.XXXXXX";
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

	f = talloc_zero(NULL, struct fixture);
	if (f == NULL) {
		return -1;
	}
	f->mem = talloc_new(f);
	f->ev = tevent_context_init(f);
	if (f->mem == NULL || f->ev == NULL) {
		talloc_free(f);
		return -1;
	}
	*pstate = f;
	return 0;
}

static int teardown(void **pstate)
{
	struct fixture *f = *pstate;

	talloc_free(f);
	return 0;
}

static void flag_set(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	bool *flag = private_data;

	*flag = true;
}

/* Run the loop until req is done; false if WAIT_SECS passed first. */
static bool wait_req(struct tevent_context *ev, struct tevent_req *req)
{
	struct tevent_timer *te;
	bool expired = false;
	int ret;

	te = tevent_add_timer(ev, ev, tevent_timeval_current_ofs(WAIT_SECS, 0),
			      flag_set, &expired);
	assert_non_null(te);
	while (tevent_req_is_in_progress(req) && !expired) {
		ret = tevent_loop_once(ev);
		assert_int_equal(ret, 0);
	}
	if (!expired) {
		talloc_free(te);
	}
	return !expired;
}

typedef bool (*cond_fn)(void *arg);

/*
 * Poll cond every 10 ms, running the loop meanwhile, for at most
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
	int cmp;
	int ret;

	end = tevent_timeval_current_ofs(timeout_ms / 1000,
					 (timeout_ms % 1000) * 1000);
	for (;;) {
		ok = cond(arg);
		if (ok) {
			return true;
		}
		now = tevent_timeval_current();
		cmp = tevent_timeval_compare(&now, &end);
		if (cmp > 0) {
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

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *test_path(TALLOC_CTX *mem, const char *name)
{
	char *path;

	path = talloc_asprintf(mem, "%s/%s", test_dir, name);
	assert_non_null(path);
	return path;
}

static char *write_file(TALLOC_CTX *mem, const char *name, mode_t mode,
			const char *content)
{
	char *path = test_path(mem, name);
	FILE *fp;
	int ret;

	fp = fopen(path, "we");
	assert_non_null(fp);
	ret = fputs(content, fp);
	assert_true(ret >= 0);
	ret = fclose(fp);
	assert_int_equal(ret, 0);
	ret = chmod(path, mode);
	assert_int_equal(ret, 0);
	return path;
}

/* An executable /bin/sh script; %D in body expands to the test dir. */
static char *write_script(TALLOC_CTX *mem, const char *name,
			  const char *body)
{
	char *text;
	const char *p = body;
	const char *d;

	text = talloc_strdup(mem, "#!/bin/sh\n");
	assert_non_null(text);
	while ((d = strstr(p, "%D")) != NULL) {
		text = talloc_asprintf_append(text, "%.*s%s", (int)(d - p), p,
					      test_dir);
		assert_non_null(text);
		p = d + 2;
	}
	text = talloc_asprintf_append(text, "%s\n", p);
	assert_non_null(text);
	return write_file(mem, name, 0755, text);
}

/* Run path to completion; fails the test on a request error. */
static void run(struct fixture *f, const char *path, const char **argv,
		const struct timeval *deadline, size_t max_output,
		struct run_proc_result *res)
{
	const char *default_argv[] = {path, NULL};
	struct tevent_req *req;
	int err = 0;
	bool ok;

	if (argv == NULL) {
		argv = default_argv;
	}
	req = run_proc_send(f->mem, f->ev, path, argv, deadline, max_output);
	assert_non_null(req);
	ok = wait_req(f->ev, req);
	assert_true(ok);
	ok = run_proc_recv(req, &err, f->mem, res);
	assert_int_equal(err, 0);
	assert_true(ok);
	TALLOC_FREE(req);
}

/* @return the errno the request failed with (0 if it succeeded). */
static int run_error(struct fixture *f, const char *path)
{
	const char *argv[] = {path, NULL};
	struct run_proc_result res = {.how = RUN_PROC_EXITED};
	struct tevent_req *req;
	int err = 0;
	bool ok;

	req = run_proc_send(f->mem, f->ev, path, argv, NULL, 0);
	assert_non_null(req);
	ok = wait_req(f->ev, req);
	assert_true(ok);
	ok = run_proc_recv(req, &err, f->mem, &res);
	TALLOC_FREE(req);
	if (ok) {
		return 0;
	}
	assert_int_not_equal(err, 0);
	return err;
}

static void kill_proc(struct fixture *f, pid_t pid, struct timeval grace,
		      bool *killed)
{
	struct tevent_req *req;
	int err = 0;
	bool ok;

	req = run_proc_kill_send(f->mem, f->ev, pid, grace);
	assert_non_null(req);
	ok = wait_req(f->ev, req);
	assert_true(ok);
	ok = run_proc_kill_recv(req, &err, killed);
	assert_int_equal(err, 0);
	assert_true(ok);
	TALLOC_FREE(req);
}

/* The state letter of /proc/<pid>/stat, or 0 if there is no such process. */
static char proc_state(pid_t pid)
{
	char path[64];
	char buf[512];
	char *p;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "re");
	if (fp == NULL) {
		return 0;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ') {
		return 0;
	}
	return p[2];
}

/* Dead: gone, or a zombie nobody has reaped yet (not our child). */
static bool pid_dead(void *arg)
{
	pid_t pid = *(pid_t *)arg;
	char st = proc_state(pid);

	return st == 0 || st == 'Z' || st == 'X';
}

static bool pid_zombie(void *arg)
{
	pid_t pid = *(pid_t *)arg;

	return proc_state(pid) == 'Z';
}

/* Our own reaped child: kill(pid, 0) says there is no such process. */
static void assert_reaped(pid_t pid)
{
	int ret;

	ret = kill(pid, 0);
	assert_int_equal(ret, -1);
	assert_int_equal(errno, ESRCH);
}

static void assert_running(pid_t pid)
{
	int ret;
	char st;

	ret = kill(pid, 0);
	assert_int_equal(ret, 0);
	st = proc_state(pid);
	assert_true(st != 0 && st != 'Z' && st != 'X');
}

static bool file_exists(void *arg)
{
	const char *path = arg;
	int ret;

	ret = access(path, F_OK);
	return ret == 0;
}

/*
 * Wait for a file the script wrote with `echo ... > x.tmp; mv x.tmp x` (so
 * it is complete once visible) and read up to two pids from it.
 */
static void read_pids(struct fixture *f, const char *name, pid_t *a, pid_t *b)
{
	char *path = test_path(f->mem, name);
	FILE *fp;
	int n;
	int x = 0;
	int y = 0;
	bool ok;

	ok = poll_until(f->ev, file_exists, path, POLL_MS);
	assert_true(ok);
	fp = fopen(path, "re");
	assert_non_null(fp);
	n = fscanf(fp, "%d %d", &x, &y);
	fclose(fp);
	assert_true(n >= 1);
	assert_true(x > 1);
	*a = x;
	if (b != NULL) {
		assert_int_equal(n, 2);
		assert_true(y > 1);
		*b = y;
	}
	unlink(path);
}

static void test_exit_codes(void **pstate)
{
	struct fixture *f = *pstate;
	const char *codes[] = {"0", "1", "77", "255"};
	struct run_proc_result res;
	char *path;
	char *expect;
	size_t i;

	path = write_script(f->mem, "exit_code", "echo \"code $1\"\nexit $1");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *argv[] = {path, codes[i], NULL};

		run(f, path, argv, NULL, 0, &res);
		assert_int_equal(res.how, RUN_PROC_EXITED);
		assert_int_equal(res.status, atoi(codes[i]));
		assert_true(res.pid > 1);
		expect = talloc_asprintf(f->mem, "code %s\n", codes[i]);
		assert_string_equal(res.output, expect);
		assert_int_equal(res.output_len, strlen(expect));
		assert_false(res.truncated);
		assert_reaped(res.pid);
	}
}

static void test_signaled(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	/* The output written before dying is kept. */
	path = write_script(f->mem, "self_kill", "echo dying\nkill -KILL $$");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_SIGNALED);
	assert_int_equal(res.status, SIGKILL);
	assert_string_equal(res.output, "dying\n");
	assert_reaped(res.pid);

	path = write_script(f->mem, "self_segv", "ulimit -c 0\nkill -SEGV $$");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_SIGNALED);
	assert_int_equal(res.status, SIGSEGV);
	assert_null(res.output);
	assert_reaped(res.pid);
}

/*
 * A signal the daemon ignores or blocks must reach the script at its
 * default disposition, and the script's mask must be empty.
 */
static void test_signal_defaults(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct sigaction ign = {.sa_handler = SIG_IGN};
	struct sigaction old_usr1;
	sigset_t block;
	sigset_t old_mask;
	char *path;
	int ret;

	ret = sigaction(SIGUSR1, &ign, &old_usr1);
	assert_int_equal(ret, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	ret = sigprocmask(SIG_BLOCK, &block, &old_mask);
	assert_int_equal(ret, 0);

	path = write_script(f->mem, "usr1", "kill -USR1 $$\necho survived");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_SIGNALED);
	assert_int_equal(res.status, SIGUSR1);
	assert_null(res.output);

	path = write_script(f->mem, "usr2", "kill -USR2 $$\necho survived");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_SIGNALED);
	assert_int_equal(res.status, SIGUSR2);
	assert_null(res.output);

	ret = sigprocmask(SIG_SETMASK, &old_mask, NULL);
	assert_int_equal(ret, 0);
	ret = sigaction(SIGUSR1, &old_usr1, NULL);
	assert_int_equal(ret, 0);
}

static void test_interleaved(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	path = write_script(f->mem, "interleave",
			    "echo out1\n"
			    "echo err1 >&2\n"
			    "echo out2\n"
			    "echo err2 1>&2\n"
			    "printf out3");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.output, "out1\nerr1\nout2\nerr2\nout3");
	assert_int_equal(res.output_len, 24);
	/* The result's output belongs to the caller's context. */
	assert_ptr_equal(talloc_parent(res.output), f->mem);
}

static void test_no_output(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	path = write_script(f->mem, "silent", "exit 3");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 3);
	assert_null(res.output);
	assert_int_equal(res.output_len, 0);
	assert_false(res.truncated);
}

static void test_argv(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	const char *argv[5];
	const char *sh_argv[] = {"custom-zero", "-c", "echo \"[$0]\"", NULL};
	char *path;
	char *expect;

	/* For a #! script the kernel puts the path in $0; $@ is ours. */
	path = write_script(f->mem, "args", "echo \"$0 $#:$1|$2|$3\"");
	argv[0] = "ignored-name";
	argv[1] = "monitor";
	argv[2] = "two words";
	argv[3] = "";
	argv[4] = NULL;
	run(f, path, argv, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	expect = talloc_asprintf(f->mem, "%s 3:monitor|two words|\n", path);
	assert_non_null(expect);
	assert_string_equal(res.output, expect);

	/* A binary sees argv[0] as given: sh -c reports it as $0. */
	run(f, "/bin/sh", sh_argv, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_string_equal(res.output, "[custom-zero]\n");
}

static void test_process_group(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;
	int pid = 0;
	int pgid = 0;
	int n;

	path = write_script(f->mem, "pgid",
			    "read a b c d pgid rest < /proc/$$/stat\n"
			    "echo \"$$ $pgid\"");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_non_null(res.output);
	n = sscanf(res.output, "%d %d", &pid, &pgid);
	assert_int_equal(n, 2);
	assert_int_equal(pid, res.pid);
	assert_int_equal(pgid, pid);
	assert_int_not_equal(pgid, getpgrp());
}

/*
 * Only fds 1 and 2 of the child are our pipe: neither the read end nor the
 * original write end leaks into it. (Both ends show the same pipe inode;
 * other inherited pipes do not matter here.)
 */
static void test_child_fds(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;
	char *line;
	char *save = NULL;
	char *ours = NULL;
	char *arrow;
	char *fds = talloc_strdup(f->mem, "");
	char *targets[64];
	int fdnum[64];
	int n = 0;
	int cmp;
	int i;

	path = write_script(f->mem, "fds", "ls -l /proc/$$/fd");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_non_null(res.output);

	for (line = strtok_r(res.output, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		arrow = strstr(line, " -> ");
		if (arrow == NULL) {
			continue;
		}
		*arrow = '\0';
		assert_true(n < 64);
		fdnum[n] = atoi(strrchr(line, ' ') + 1);
		targets[n] = arrow + 4;
		if (fdnum[n] == 1) {
			ours = targets[n];
		}
		n++;
	}
	assert_non_null(ours);
	assert_non_null(strstr(ours, "pipe:["));
	for (i = 0; i < n; i++) {
		cmp = strcmp(targets[i], ours);
		if (cmp == 0) {
			fds = talloc_asprintf_append(fds, "%d ", fdnum[i]);
		}
	}
	assert_string_equal(fds, "1 2 ");
}

/*
 * glibc learns of a failed exec through memory shared with the vfork-like
 * child; valgrind runs that child as a plain fork, so the failure shows
 * only as exit 127 there.
 */
static void skip_exec_errors_under_valgrind(void)
{
	if (RUNNING_ON_VALGRIND) {
		skip();
	}
}

static void test_spawn_errors(void **pstate)
{
	struct fixture *f = *pstate;
	char *path;
	int err;

	skip_exec_errors_under_valgrind();

	path = test_path(f->mem, "does-not-exist");
	err = run_error(f, path);
	assert_int_equal(err, ENOENT);

	path = write_file(f->mem, "not-executable", 0644, "#!/bin/sh\n");
	err = run_error(f, path);
	assert_int_equal(err, EACCES);

	err = run_error(f, test_dir);
	assert_int_equal(err, EACCES);

	path = write_file(f->mem, "no-interpreter", 0755, "echo hello\n");
	err = run_error(f, path);
	assert_int_equal(err, ENOEXEC);
}

static void test_timeout_then_kill(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct timeval deadline;
	char *path;
	bool killed = true;
	double start;

	path = write_script(f->mem, "hang", "echo before\nsleep 30");
	deadline = tevent_timeval_current_ofs(0, 300000);
	start = now_secs();
	run(f, path, NULL, &deadline, 0, &res);
	assert_true(now_secs() - start >= 0.29);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	assert_string_equal(res.output, "before\n");
	assert_false(res.truncated);
	/* The timeout itself leaves the child alone. */
	assert_running(res.pid);

	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
	/* SIGTERM was enough. */
	assert_false(killed);
	assert_reaped(res.pid);
}

/*
 * A deadline already past times out at once, even for a child that exits
 * at once. Killing the child after it has become a zombie reaps it.
 */
static void test_deadline_passed(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct timeval deadline;
	char *path;
	bool killed = true;
	bool ok;

	path = write_script(f->mem, "quick", "exit 3");
	deadline = tevent_timeval_current();
	deadline.tv_sec -= 1;
	run(f, path, NULL, &deadline, 0, &res);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	assert_null(res.output);

	ok = poll_until(f->ev, pid_zombie, &res.pid, POLL_MS);
	assert_true(ok);
	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
	assert_false(killed);
	assert_reaped(res.pid);
}

/*
 * On timeout, what the child wrote but we have not read yet is still
 * taken. The loop is not run until the child has written (a second tevent
 * context does the polling), so the expired deadline is the first event
 * the request sees.
 */
static void test_timeout_drains(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_context *ev2;
	struct tevent_req *req;
	struct run_proc_result res;
	struct timeval deadline;
	const char *argv[2];
	char *path;
	char *flag;
	bool killed = true;
	bool ok;
	int err = 0;

	ev2 = tevent_context_init(f->mem);
	assert_non_null(ev2);
	path = write_script(f->mem, "early",
			    "echo early\n"
			    "echo > %D/wrote.tmp; mv %D/wrote.tmp %D/wrote\n"
			    "sleep 30");
	flag = test_path(f->mem, "wrote");
	argv[0] = path;
	argv[1] = NULL;
	deadline = tevent_timeval_current();
	deadline.tv_sec -= 1;

	req = run_proc_send(f->mem, f->ev, path, argv, &deadline, 0);
	assert_non_null(req);
	ok = poll_until(ev2, file_exists, flag, POLL_MS);
	assert_true(ok);
	ok = wait_req(f->ev, req);
	assert_true(ok);
	ok = run_proc_recv(req, &err, f->mem, &res);
	assert_true(ok);
	TALLOC_FREE(req);

	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	assert_string_equal(res.output, "early\n");
	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
	assert_false(killed);
	assert_reaped(res.pid);
}

/* A group that ignores SIGTERM needs SIGKILL, and all of it goes. */
static void test_kill_needs_sigkill(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct timeval deadline;
	char *path;
	pid_t bg;
	bool killed = false;
	bool ok;

	path = write_script(f->mem, "stubborn",
			    "trap '' TERM\n"
			    "sleep 30 &\n"
			    "echo $! > %D/bg.tmp; mv %D/bg.tmp %D/bg\n"
			    "sleep 30");
	deadline = tevent_timeval_current_ofs(0, 300000);
	run(f, path, NULL, &deadline, 0, &res);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	/* The trap is set once the file exists. */
	read_pids(f, "bg", &bg, NULL);
	assert_running(bg);

	kill_proc(f, res.pid, tevent_timeval_set(0, 200000), &killed);
	assert_true(killed);
	assert_reaped(res.pid);
	ok = poll_until(f->ev, pid_dead, &bg, POLL_MS);
	assert_true(ok);
}

/*
 * The leader exits on SIGTERM but a member ignores it: the kill still
 * leaves nothing of the group behind.
 */
static void test_kill_group_member(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct timeval deadline;
	char *path;
	pid_t bg;
	bool killed = true;
	bool ok;

	path = write_script(f->mem, "member",
			    "(trap '' TERM; exec sleep 30) &\n"
			    "echo $! > %D/bg.tmp; mv %D/bg.tmp %D/bg\n"
			    "trap 'exit 0' TERM\n"
			    "i=0\n"
			    "while [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done");
	deadline = tevent_timeval_current_ofs(0, 300000);
	run(f, path, NULL, &deadline, 0, &res);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	read_pids(f, "bg", &bg, NULL);
	assert_running(bg);

	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
	assert_false(killed);
	assert_reaped(res.pid);
	/* Without the final SIGKILL to the group it would live 30 s. */
	ok = poll_until(f->ev, pid_dead, &bg, POLL_MS);
	assert_true(ok);
}

static void test_kill_gone(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;
	bool killed = true;

	path = write_script(f->mem, "gone", "exit 0");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_reaped(res.pid);

	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
	assert_false(killed);
}

/* A background child holding the pipe does not delay completion. */
static void test_grandchild_holds_pipe(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;
	pid_t bg;
	double start;
	double elapsed;
	int ret;
	bool ok;

	path = write_script(f->mem, "grandchild",
			    "sleep 30 &\n"
			    "echo $! > %D/bg.tmp; mv %D/bg.tmp %D/bg\n"
			    "echo parent done\n"
			    "exit 0");
	start = now_secs();
	run(f, path, NULL, NULL, 0, &res);
	elapsed = now_secs() - start;
	read_pids(f, "bg", &bg, NULL);
	assert_running(bg);

	assert_true(elapsed < 10.0);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.output, "parent done\n");

	ret = kill(bg, SIGKILL);
	assert_int_equal(ret, 0);
	ok = poll_until(f->ev, pid_dead, &bg, POLL_MS);
	assert_true(ok);
}

#define BIG_OUTPUT (10 * 1024 * 1024)

static void assert_all_a(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != 'a') {
			fail_msg("byte %zu is 0x%02x", i,
				 (unsigned char)buf[i]);
		}
	}
	assert_int_equal(buf[len], '\0');
}

static void test_large_output(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	path = write_script(f->mem, "big",
			    "head -c 10485760 /dev/zero | tr '\\0' a");

	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.output_len, BIG_OUTPUT);
	assert_false(res.truncated);
	assert_all_a(res.output, res.output_len);
	TALLOC_FREE(res.output);

	run(f, path, NULL, NULL, 1024 * 1024, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.output_len, 1024 * 1024);
	assert_true(res.truncated);
	assert_all_a(res.output, res.output_len);
	TALLOC_FREE(res.output);
}

/* Exactly max_output bytes is not truncation; one more is. */
static void test_max_output_edge(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	path = write_script(f->mem, "five", "printf abcde");
	run(f, path, NULL, NULL, 5, &res);
	assert_string_equal(res.output, "abcde");
	assert_int_equal(res.output_len, 5);
	assert_false(res.truncated);

	run(f, path, NULL, NULL, 4, &res);
	assert_string_equal(res.output, "abcd");
	assert_int_equal(res.output_len, 4);
	assert_true(res.truncated);
}

static void test_nul_bytes(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;

	path = write_script(f->mem, "nul",
			    "printf 'abc\\000def\\n'\nprintf '\\000ghi\\000'");
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.output_len, 13);
	assert_string_equal(res.output, "abc?def\n?ghi?");
}

/* Freeing a running request kills the whole group and reaps the leader. */
static void test_free_unfinished(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req;
	char *path;
	const char *argv[2];
	pid_t leader;
	pid_t bg;
	bool ok;

	path = write_script(f->mem, "abandoned",
			    "sleep 30 &\n"
			    "echo $$ $! > %D/pids.tmp; mv %D/pids.tmp %D/pids\n"
			    "sleep 30");
	argv[0] = path;
	argv[1] = NULL;
	req = run_proc_send(f->mem, f->ev, path, argv, NULL, 0);
	assert_non_null(req);
	read_pids(f, "pids", &leader, &bg);
	assert_true(tevent_req_is_in_progress(req));
	assert_running(leader);
	assert_running(bg);

	TALLOC_FREE(req);
	assert_reaped(leader);
	ok = poll_until(f->ev, pid_dead, &bg, POLL_MS);
	assert_true(ok);
}

static int count_fds(void)
{
	DIR *dir;
	struct dirent *de;
	int n = 0;

	dir = opendir("/proc/self/fd");
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		n++;
	}
	closedir(dir);
	return n;
}

/* Pipes and pidfds are closed on every path: exit, timeout, kill, error. */
static void test_no_fd_leak(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	struct timeval deadline;
	char *path;
	bool killed;
	int before;
	int after;
	int err;

	path = write_script(f->mem, "fdleak", "echo hi");
	/*
	 * The first request may make tevent open fds it keeps for the life
	 * of the context (the wakeup fd for signals): count after it.
	 */
	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	before = count_fds();

	run(f, path, NULL, NULL, 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);

	path = write_script(f->mem, "fdleak-hang", "sleep 30");
	deadline = tevent_timeval_current_ofs(0, 100000);
	run(f, path, NULL, &deadline, 0, &res);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);

	if (!RUNNING_ON_VALGRIND) {
		err = run_error(f, test_path(f->mem, "missing"));
		assert_int_equal(err, ENOENT);
	}

	after = count_fds();
	assert_int_equal(after, before);
}

/* Run path with stdin input to completion. */
static void run_input(struct fixture *f, const char *path,
		      const struct timeval *deadline, const void *input,
		      size_t input_len, struct run_proc_result *res)
{
	const char *argv[] = {path, NULL};
	struct tevent_req *req;
	int err = 0;
	bool ok;

	req = run_proc_input_send(f->mem, f->ev, path, argv, deadline, 0,
				  input, input_len);
	assert_non_null(req);
	ok = wait_req(f->ev, req);
	assert_true(ok);
	ok = run_proc_recv(req, &err, f->mem, res);
	assert_int_equal(err, 0);
	assert_true(ok);
	TALLOC_FREE(req);
}

/* The input reaches stdin exactly; an empty input is an immediate EOF. */
static void test_input_delivered(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	const char text[] = "{\"event\": \"takeip\"}\nsecond line\n";
	char *path;

	path = write_script(f->mem, "cat", "cat; echo \"rc=$?\"");
	run_input(f, path, NULL, text, strlen(text), &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.output,
			    "{\"event\": \"takeip\"}\nsecond line\nrc=0\n");

	run_input(f, path, NULL, "", 0, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_string_equal(res.output, "rc=0\n");
}

#define BIG_INPUT (4 * 1024 * 1024)

/* Far more than a pipe holds arrives whole and in order. */
static void test_input_large(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *input;
	char *path;
	size_t i;

	input = talloc_array(f->mem, char, BIG_INPUT);
	assert_non_null(input);
	for (i = 0; i < BIG_INPUT; i++) {
		input[i] = 'a' + (char)(i % 26);
	}
	path = write_script(f->mem, "catbig", "cat");
	run_input(f, path, NULL, input, BIG_INPUT, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.output_len, BIG_INPUT);
	assert_memory_equal(res.output, input, BIG_INPUT);
	TALLOC_FREE(res.output);
}

static void tick_count(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	unsigned *n = private_data;

	*n += 1;
}

/*
 * A child that never reads: the request completes when it exits, the
 * loop keeps running meanwhile (timers fire), nobody gets SIGPIPE; one
 * that reads only a little (head) is fine too.
 */
static void test_input_ignored(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	const char *argv[2];
	struct tevent_req *req;
	struct timeval deadline;
	unsigned ticks = 0;
	char *input;
	char *path;
	bool killed;
	int err = 0;
	bool ok;

	input = talloc_zero_array(f->mem, char, BIG_INPUT);
	assert_non_null(input);
	memset(input, 'x', BIG_INPUT);

	path = write_script(f->mem, "deaf", "sleep 0.5; echo deaf; exit 3");
	argv[0] = path;
	argv[1] = NULL;
	req = run_proc_input_send(f->mem, f->ev, path, argv, NULL, 0, input,
				  BIG_INPUT);
	assert_non_null(req);
	assert_non_null(tevent_add_timer(f->ev, f->mem,
					 tevent_timeval_current_ofs(0, 100000),
					 tick_count, &ticks));
	ok = wait_req(f->ev, req);
	assert_true(ok);
	assert_int_equal(ticks, 1);
	ok = run_proc_recv(req, &err, f->mem, &res);
	assert_true(ok);
	TALLOC_FREE(req);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 3);
	assert_string_equal(res.output, "deaf\n");

	path = write_script(f->mem, "head", "head -c 5; echo; sleep 0.2");
	run_input(f, path, NULL, input, BIG_INPUT, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.output, "xxxxx\n");

	/*
	 * A child that closes its stdin and lives on: our next write gets
	 * EPIPE (SIGPIPE would have ended this test program).
	 */
	path = write_script(f->mem, "closer",
			    "exec 0<&-; sleep 0.3; echo closed");
	run_input(f, path, NULL, input, BIG_INPUT, &res);
	assert_int_equal(res.how, RUN_PROC_EXITED);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.output, "closed\n");

	/* A deaf child that hangs times out as any other. */
	path = write_script(f->mem, "deafhang", "sleep 30");
	deadline = tevent_timeval_current_ofs(0, 200000);
	run_input(f, path, &deadline, input, BIG_INPUT, &res);
	assert_int_equal(res.how, RUN_PROC_TIMEDOUT);
	kill_proc(f, res.pid, tevent_timeval_set(10, 0), &killed);
}

/* The stdin pipe is closed on every path, and plain runs inherit stdin. */
static void test_input_no_fd_leak(void **pstate)
{
	struct fixture *f = *pstate;
	struct run_proc_result res;
	char *path;
	char *input;
	int before;
	int after;

	input = talloc_zero_array(f->mem, char, BIG_INPUT);
	assert_non_null(input);
	path = write_script(f->mem, "inleak", "exit 0");
	run_input(f, path, NULL, "x", 1, &res);
	before = count_fds();
	run_input(f, path, NULL, "x", 1, &res);
	run_input(f, path, NULL, input, BIG_INPUT, &res);
	path = write_script(f->mem, "inleak2", "cat >/dev/null");
	run_input(f, path, NULL, input, BIG_INPUT, &res);
	after = count_fds();
	assert_int_equal(after, before);

	/* NULL input: the child's stdin is ours (here a readable fd 0). */
	path = write_script(f->mem, "stdin-kind",
			    "if [ -p /dev/stdin ]; then echo pipe; "
			    "else echo other; fi");
	run_input(f, path, NULL, NULL, 0, &res);
	assert_non_null(res.output);
	run_input(f, path, NULL, "", 0, &res);
	assert_string_equal(res.output, "pipe\n");
}

/*
 * Make pidfd_open fail with ENOSYS for this process and its children, as
 * on a kernel before 5.3, so run_proc has to fall back to SIGCHLD.
 * @return 0 or errno.
 */
static int refuse_pidfd_open(void)
{
#ifdef SYS_pidfd_open
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};
	int ret;

	ret = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (ret == -1) {
		return errno;
	}
	ret = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
	if (ret == -1) {
		return errno;
	}
	return 0;
#else
	return ENOSYS;
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exit_codes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_signaled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_defaults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interleaved, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_output, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_process_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_child_fds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawn_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timeout_then_kill, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deadline_passed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timeout_drains, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill_needs_sigkill, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill_group_member, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_grandchild_holds_pipe,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_output, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_max_output_edge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nul_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_free_unfinished, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_fd_leak, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_input_delivered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_input_large, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_input_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_input_no_fd_leak, setup,
						teardown),
	};

	pid_t pid;
	int status;
	int failed;
	int ret;

	failed = cmocka_run_group_tests_name("run_proc with pidfd", tests,
					     group_setup, group_teardown);

	/*
	 * Run everything again without pidfds. The seccomp filter cannot be
	 * undone, so that pass runs in a child.
	 */
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		ret = refuse_pidfd_open();
		if (ret != 0) {
			fprintf(stderr, "cannot refuse pidfd_open: %s\n",
				strerror(ret));
			_exit(1);
		}
		ret = cmocka_run_group_tests_name("run_proc with SIGCHLD",
						  tests, group_setup,
						  group_teardown);
		fflush(NULL);
		_exit(ret > 255 ? 255 : ret);
	}
	do {
		ret = waitpid(pid, &status, 0);
	} while (ret == -1 && errno == EINTR);
	if (ret == -1 || !WIFEXITED(status)) {
		return 1;
	}
	return failed + WEXITSTATUS(status);
}
