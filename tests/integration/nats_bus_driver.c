/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test driver: a tevent loop with a nats_bus, commanded on stdin. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#include "common/nats_bus.h"

/*
 * usage: nats_bus_driver URL
 * Commands (one per line on stdin), answers on stdout, one line each:
 *   pub SUBJECT TEXT     -> "pub <microseconds the call took> <rc>"
 *   burst N SUBJECT [SIZE] -> N publishes of "<SUBJECT> <i>" (padded to
 *                           SIZE bytes) -> "burst <max microseconds of
 *                           one call> <last non-zero rc or 0>"
 *   stats                -> "stats queued=Q refused=R published=P
 *                           dropped=D"
 *   loop                 -> "loop ticks=T maxgap=<microseconds>" (a 10 ms
 *                           timer: how regularly the loop turned)
 *   quit                 -> frees the bus, prints "quit <microseconds>"
 * State changes of the bus are printed as they come:
 *   "state CONNECTED <url>", "state UNREACHABLE <reason>",
 *   "state ERROR <text>".
 */

struct driver {
	struct tevent_context *ev;
	struct nats_bus *bus;
	char buf[4096];
	size_t used;
	bool done;
	uint64_t ticks;
	int64_t last_tick_us;
	int64_t max_gap_us;
};

static int64_t now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void state_fn(enum nats_bus_event event, const char *detail,
		     void *private_data)
{
	const char *word = "ERROR";

	if (event == NATS_BUS_CONNECTED) {
		word = "CONNECTED";
	} else if (event == NATS_BUS_UNREACHABLE) {
		word = "UNREACHABLE";
	}
	printf("state %s %s\n", word, detail);
	fflush(stdout);
}

static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
	struct driver *d = private_data;
	int64_t t = now_us();
	struct tevent_timer *next;

	if (d->last_tick_us != 0 && t - d->last_tick_us > d->max_gap_us) {
		d->max_gap_us = t - d->last_tick_us;
	}
	d->last_tick_us = t;
	d->ticks++;
	next = tevent_add_timer(ev, d, tevent_timeval_current_ofs(0, 10000),
				tick, d);
	if (next == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
}

static void command(struct driver *d, char *line)
{
	struct nats_bus_stats st;
	char *sp, *subj;
	int64_t t0, dt, maxdt = 0;
	long i, n;
	int rc = 0, r;
	char msg[4096];
	size_t size, len;

	if (strncmp(line, "pub ", 4) == 0) {
		subj = line + 4;
		sp = strchr(subj, ' ');
		if (sp == NULL) {
			printf("error: pub SUBJECT TEXT\n");
			return;
		}
		*sp = '\0';
		t0 = now_us();
		rc = nats_bus_publish(d->bus, subj, sp + 1, strlen(sp + 1));
		printf("pub %lld %d\n", (long long)(now_us() - t0), rc);
	} else if (strncmp(line, "burst ", 6) == 0) {
		n = strtol(line + 6, &subj, 10);
		if (*subj != ' ') {
			printf("error: burst N SUBJECT\n");
			return;
		}
		subj++;
		sp = strchr(subj, ' ');
		size = 0;
		if (sp != NULL) {
			*sp = '\0';
			size = strtoul(sp + 1, NULL, 10);
		}
		if (size >= sizeof(msg)) {
			size = sizeof(msg) - 1;
		}
		for (i = 0; i < n; i++) {
			snprintf(msg, sizeof(msg), "%s %ld", subj, i);
			len = strlen(msg);
			if (len < size) {
				memset(msg + len, '.', size - len);
				len = size;
			}
			t0 = now_us();
			r = nats_bus_publish(d->bus, subj, msg, len);
			dt = now_us() - t0;
			if (dt > maxdt) {
				maxdt = dt;
			}
			if (r != 0) {
				rc = r;
			}
		}
		printf("burst %lld %d\n", (long long)maxdt, rc);
	} else if (strcmp(line, "stats") == 0) {
		nats_bus_get_stats(d->bus, &st);
		printf("stats queued=%llu refused=%llu published=%llu "
		       "dropped=%llu\n",
		       (unsigned long long)st.queued,
		       (unsigned long long)st.refused,
		       (unsigned long long)st.published,
		       (unsigned long long)st.dropped);
	} else if (strcmp(line, "loop") == 0) {
		printf("loop ticks=%llu maxgap=%lld\n",
		       (unsigned long long)d->ticks, (long long)d->max_gap_us);
		d->max_gap_us = 0;
	} else if (strcmp(line, "quit") == 0) {
		t0 = now_us();
		TALLOC_FREE(d->bus);
		printf("quit %lld\n", (long long)(now_us() - t0));
		d->done = true;
	} else {
		printf("error: unknown command '%s'\n", line);
	}
	fflush(stdout);
}

static void input(struct tevent_context *ev, struct tevent_fd *fde,
		  uint16_t flags, void *private_data)
{
	struct driver *d = private_data;
	ssize_t n;
	char *nl;

	n = read(0, d->buf + d->used, sizeof(d->buf) - 1 - d->used);
	if (n <= 0) {
		d->done = true;
		return;
	}
	d->used += n;
	d->buf[d->used] = '\0';
	while (!d->done && (nl = strchr(d->buf, '\n')) != NULL) {
		*nl = '\0';
		command(d, d->buf);
		memmove(d->buf, nl + 1, d->used - (nl + 1 - d->buf) + 1);
		d->used -= nl + 1 - d->buf;
	}
	if (d->used == sizeof(d->buf) - 1) {
		fprintf(stderr, "line too long\n");
		d->done = true;
	}
}

int main(int argc, const char **argv)
{
	struct driver *d;
	struct tevent_fd *fde;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s URL\n", argv[0]);
		return 2;
	}
	if (!nats_bus_supported()) {
		printf("built without NATS support\n");
		return 77;
	}
	d = talloc_zero(NULL, struct driver);
	if (d == NULL) {
		return 1;
	}
	d->ev = tevent_context_init(d);
	if (d->ev == NULL) {
		talloc_free(d);
		return 1;
	}
	ret = nats_bus_new(d, d->ev, argv[1], "nats_bus_driver", state_fn, d,
			   &d->bus);
	if (ret != 0) {
		fprintf(stderr, "nats_bus_new: %s\n", strerror(ret));
		talloc_free(d);
		return 1;
	}
	fde = tevent_add_fd(d->ev, d, 0, TEVENT_FD_READ, input, d);
	if (fde == NULL ||
	    tevent_add_timer(d->ev, d, tevent_timeval_current_ofs(0, 10000),
			     tick, d) == NULL) {
		talloc_free(d);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!d->done) {
		ret = tevent_loop_once(d->ev);
		if (ret != 0) {
			break;
		}
	}
	talloc_free(d);
	return 0;
}
