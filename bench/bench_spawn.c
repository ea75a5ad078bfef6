/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time N runs of a command (posix_spawn + wait); print the median in microseconds. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	double *t;
	int n;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_spawn N command [args...]\n");
		return 2;
	}
	n = atoi(argv[1]);
	if (n < 1) {
		return 2;
	}
	t = calloc(n, sizeof(double));
	if (t == NULL) {
		return 1;
	}
	/* The command's output would only pollute ours. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		double start = now_us();
		pid_t pid;
		int status;
		int ret;

		ret = posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ);
		if (ret != 0) {
			perror("posix_spawn");
			return 1;
		}
		(void)waitpid(pid, &status, 0);
		t[i] = now_us() - start;
	}
	qsort(t, n, sizeof(double), cmp_double);
	printf("%.1f\n", t[n / 2]);
	free(t);
	return 0;
}
