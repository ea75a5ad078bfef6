/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for sock_io: framing, errors and writes over a socketpair. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "common/sock_io.h"

/* Only reached when something is broken. */
#define WAIT_SECS 10

#define MAX_PACKETS 16

struct received {
	uint8_t *buf; /* stolen onto the fixture */
	size_t len;
};

struct fixture {
	TALLOC_CTX *mem;
	struct tevent_context *ev;
	int fds[2];             /* [0] for the queue, [1] the raw peer */
	struct sock_queue *queue;

	struct received pkts[MAX_PACKETS];
	unsigned npkts;
	bool got_error;
	int err;
	unsigned error_calls;
	bool free_on_packet; /* the callback frees the queue on a packet */
	bool free_on_error;  /* ... or on the end/error callback */
	uint8_t *reply;      /* if set, written back for every packet */
	size_t reply_len;
};

static void read_fn(uint8_t *buf, size_t buflen, int err, void *private_data)
{
	struct fixture *f = private_data;

	if (buf == NULL) {
		f->got_error = true;
		f->err = err;
		f->error_calls++;
		if (f->free_on_error) {
			TALLOC_FREE(f->queue);
		}
		return;
	}
	assert_true(f->npkts < MAX_PACKETS);
	f->pkts[f->npkts].buf = talloc_steal(f->mem, buf);
	f->pkts[f->npkts].len = buflen;
	f->npkts++;
	if (f->reply != NULL) {
		int ret = sock_queue_write(f->queue, f->reply, f->reply_len);

		assert_int_equal(ret, 0);
	}
	if (f->free_on_packet) {
		TALLOC_FREE(f->queue);
	}
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
	if (f->mem == NULL || f->ev == NULL) {
		talloc_free(f);
		return -1;
	}
	ret = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->fds);
	if (ret != 0) {
		talloc_free(f);
		return -1;
	}
	*pstate = f;
	return 0;
}

static int teardown(void **pstate)
{
	struct fixture *f = *pstate;

	/* The queue closes fds[0]; the peer end is ours. */
	TALLOC_FREE(f->queue);
	if (f->fds[1] != -1) {
		close(f->fds[1]);
	}
	talloc_free(f);
	return 0;
}

static void start_queue(struct fixture *f, size_t max_packet)
{
	f->queue = sock_queue_setup(f->mem, f->ev, f->fds[0], max_packet,
				    read_fn, f);
	assert_non_null(f->queue);
}

static void flag_set(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	bool *flag = private_data;

	*flag = true;
}

typedef bool (*cond_fn)(struct fixture *f);

/* Run the loop until cond holds; fails the test after WAIT_SECS. */
static void loop_until(struct fixture *f, cond_fn cond)
{
	struct tevent_timer *te;
	bool expired = false;
	int ret;

	te = tevent_add_timer(f->ev, f->mem,
			      tevent_timeval_current_ofs(WAIT_SECS, 0),
			      flag_set, &expired);
	assert_non_null(te);
	while (!cond(f)) {
		assert_false(expired);
		ret = tevent_loop_once(f->ev);
		assert_int_equal(ret, 0);
	}
	talloc_free(te);
}

/*
 * Run the loop for ms milliseconds. Only used to show that something does
 * NOT happen, which needs a window; nothing waits on it to proceed.
 */
static void loop_for_ms(struct fixture *f, unsigned ms)
{
	bool expired = false;
	struct tevent_timer *te;
	int ret;

	te = tevent_add_timer(f->ev, f->mem,
			      tevent_timeval_current_ofs(ms / 1000,
							 (ms % 1000) * 1000),
			      flag_set, &expired);
	assert_non_null(te);
	while (!expired) {
		ret = tevent_loop_once(f->ev);
		assert_int_equal(ret, 0);
	}
}

static bool have_error(struct fixture *f)
{
	return f->got_error;
}

static unsigned want_packets;

static bool have_packets(struct fixture *f)
{
	return f->npkts >= want_packets;
}

/* A packet of total length len: the length, then bytes seed, seed+1, ... */
static uint8_t *make_packet(TALLOC_CTX *mem, uint32_t len, uint8_t seed)
{
	uint8_t *buf;
	uint32_t i;

	assert_true(len >= 4);
	buf = talloc_size(mem, len);
	assert_non_null(buf);
	memcpy(buf, &len, sizeof(len));
	for (i = 4; i < len; i++) {
		buf[i] = (uint8_t)(seed + i);
	}
	return buf;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void write_len(int fd, uint32_t len)
{
	write_all(fd, &len, sizeof(len));
}

static void assert_packet(struct fixture *f, unsigned i, uint32_t len,
			  uint8_t seed)
{
	uint8_t *expect;
	int cmp;

	assert_true(i < f->npkts);
	assert_int_equal(f->pkts[i].len, len);
	expect = make_packet(f->mem, len, seed);
	cmp = memcmp(f->pkts[i].buf, expect, len);
	assert_int_equal(cmp, 0);
	talloc_free(expect);
}

static void test_several_packets_one_write(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *a = make_packet(f->mem, 4, 0);
	uint8_t *b = make_packet(f->mem, 10, 1);
	uint8_t *c = make_packet(f->mem, 300, 2);
	uint8_t *all;
	size_t total = 4 + 10 + 300;

	all = talloc_size(f->mem, total);
	assert_non_null(all);
	memcpy(all, a, 4);
	memcpy(all + 4, b, 10);
	memcpy(all + 14, c, 300);

	start_queue(f, 1024);
	write_all(f->fds[1], all, total);
	want_packets = 3;
	loop_until(f, have_packets);

	assert_int_equal(f->npkts, 3);
	assert_packet(f, 0, 4, 0);
	assert_packet(f, 1, 10, 1);
	assert_packet(f, 2, 300, 2);
	assert_false(f->got_error);
}

/* Every byte on its own: nothing is delivered before the last one. */
static void test_packet_split_in_bytes(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 40, 7);
	size_t i;
	int ret;

	start_queue(f, 1024);
	for (i = 0; i < 40; i++) {
		write_all(f->fds[1], pkt + i, 1);
		/* Exactly one readable event per byte, so one read each. */
		ret = tevent_loop_once(f->ev);
		assert_int_equal(ret, 0);
		if (i < 39) {
			assert_int_equal(f->npkts, 0);
		}
	}
	want_packets = 1;
	loop_until(f, have_packets);
	assert_int_equal(f->npkts, 1);
	assert_packet(f, 0, 40, 7);
	assert_false(f->got_error);
}

/* A packet whose length field is split from its body, then a second one. */
static void test_header_then_body(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *p1 = make_packet(f->mem, 2000, 3);
	uint8_t *p2 = make_packet(f->mem, 8, 4);
	int ret;

	start_queue(f, 4096);
	/* The only fd event is ours: one loop iteration is one read. */
	write_all(f->fds[1], p1, 2);
	ret = tevent_loop_once(f->ev);
	assert_int_equal(ret, 0);
	write_all(f->fds[1], p1 + 2, 1000);
	ret = tevent_loop_once(f->ev);
	assert_int_equal(ret, 0);
	assert_int_equal(f->npkts, 0);
	assert_false(f->got_error);
	write_all(f->fds[1], p1 + 1002, 998);
	write_all(f->fds[1], p2, 8);
	want_packets = 2;
	loop_until(f, have_packets);
	assert_packet(f, 0, 2000, 3);
	assert_packet(f, 1, 8, 4);
}

static void test_length_below_four(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *good = make_packet(f->mem, 12, 9);

	start_queue(f, 1024);
	/* A good packet first: it is delivered, then the bad length. */
	write_all(f->fds[1], good, 12);
	write_len(f->fds[1], 3);
	loop_until(f, have_error);
	assert_int_equal(f->npkts, 1);
	assert_packet(f, 0, 12, 9);
	assert_int_equal(f->err, EPROTO);

	/* The queue delivers nothing more. */
	write_all(f->fds[1], good, 12);
	loop_for_ms(f, 100);
	assert_int_equal(f->npkts, 1);
	assert_int_equal(f->error_calls, 1);
}

static void test_length_zero(void **pstate)
{
	struct fixture *f = *pstate;

	start_queue(f, 1024);
	write_len(f->fds[1], 0);
	loop_until(f, have_error);
	assert_int_equal(f->err, EPROTO);
	assert_int_equal(f->npkts, 0);
}

/* The header alone is enough to refuse a packet: the body never comes. */
static void test_above_max_packet(void **pstate)
{
	struct fixture *f = *pstate;

	start_queue(f, 1024);
	write_len(f->fds[1], 1025);
	loop_until(f, have_error);
	assert_int_equal(f->err, EMSGSIZE);
	assert_int_equal(f->npkts, 0);
	assert_int_equal(f->error_calls, 1);
}

static void test_exactly_max_packet(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 1024, 5);

	start_queue(f, 1024);
	write_all(f->fds[1], pkt, 1024);
	want_packets = 1;
	loop_until(f, have_packets);
	assert_packet(f, 0, 1024, 5);
	assert_false(f->got_error);
}

static void test_peer_close(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 20, 1);

	start_queue(f, 1024);
	write_all(f->fds[1], pkt, 20);
	close(f->fds[1]);
	f->fds[1] = -1;
	loop_until(f, have_error);
	assert_int_equal(f->npkts, 1);
	assert_packet(f, 0, 20, 1);
	assert_int_equal(f->err, 0);
	assert_int_equal(f->error_calls, 1);
	loop_for_ms(f, 50);
	assert_int_equal(f->error_calls, 1);
}

/* Not stolen, the buffer is freed after the callback; stolen, it lives. */
static void test_stolen_buffer_survives(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 64, 2);

	start_queue(f, 1024);
	write_all(f->fds[1], pkt, 64);
	want_packets = 1;
	loop_until(f, have_packets);
	/* read_fn stole it onto f->mem; it outlives the queue. */
	TALLOC_FREE(f->queue);
	assert_packet(f, 0, 64, 2);
	assert_ptr_equal(talloc_parent(f->pkts[0].buf), f->mem);
}

static void test_queue_owns_fd(void **pstate)
{
	struct fixture *f = *pstate;
	char c;
	ssize_t n;
	int ret;

	start_queue(f, 1024);
	TALLOC_FREE(f->queue);
	ret = fcntl(f->fds[0], F_GETFD);
	assert_int_equal(ret, -1);
	assert_int_equal(errno, EBADF);
	/* The peer sees the close. */
	n = read(f->fds[1], &c, 1);
	assert_int_equal(n, 0);
}

struct pair {
	struct fixture *f;
	struct sock_queue *writer;
	bool writer_error;
	int writer_err;
};

static void writer_fn(uint8_t *buf, size_t buflen, int err,
		      void *private_data)
{
	struct pair *p = private_data;

	if (buf == NULL) {
		p->writer_error = true;
		p->writer_err = err;
	}
}

/* 5 MB through both queues: the writer never blocks, the reader drains. */
static void test_large_write(void **pstate)
{
	struct fixture *f = *pstate;
	const uint32_t len = 5 * 1024 * 1024;
	uint8_t *pkt = make_packet(f->mem, len, 11);
	uint8_t *small = make_packet(f->mem, 16, 12);
	struct pair p = { .f = f };
	size_t pending;
	int ret;

	start_queue(f, 8 * 1024 * 1024);
	p.writer = sock_queue_setup(f->mem, f->ev, f->fds[1], 1024, writer_fn,
				    &p);
	assert_non_null(p.writer);
	f->fds[1] = -1; /* owned by the writer queue now */

	ret = sock_queue_write(p.writer, pkt, len);
	assert_int_equal(ret, 0);
	ret = sock_queue_write(p.writer, small, 16);
	assert_int_equal(ret, 0);
	/* A copy was queued: the caller's buffer may go at once. */
	memset(pkt + 4, 0, 64);
	pending = sock_queue_pending(p.writer);
	assert_true(pending > 0);
	assert_true(pending <= (size_t)len + 16);

	want_packets = 2;
	loop_until(f, have_packets);
	assert_int_equal(f->npkts, 2);
	assert_packet(f, 0, len, 11);
	assert_packet(f, 1, 16, 12);
	assert_int_equal(sock_queue_pending(p.writer), 0);
	assert_false(p.writer_error);
	assert_false(f->got_error);
	talloc_free(p.writer);
}

/* A write error reaches the read callback, and no SIGPIPE kills us. */
static void test_write_error_reported(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 100, 0);
	int ret;

	start_queue(f, 1024);
	ret = shutdown(f->fds[1], SHUT_RD);
	assert_int_equal(ret, 0);
	ret = sock_queue_write(f->queue, pkt, 100);
	assert_int_equal(ret, 0);
	loop_until(f, have_error);
	assert_int_equal(f->err, EPIPE);
	assert_int_equal(f->npkts, 0);
}

/* Freeing the queue from the packet callback stops delivery safely. */
static void test_free_in_packet_callback(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *a = make_packet(f->mem, 8, 1);
	uint8_t *b = make_packet(f->mem, 8, 2);
	char c;
	ssize_t n;

	start_queue(f, 1024);
	f->free_on_packet = true;
	/* Both in the same read: the second must not be delivered. */
	write_all(f->fds[1], a, 8);
	write_all(f->fds[1], b, 8);
	want_packets = 1;
	loop_until(f, have_packets);
	assert_null(f->queue);
	loop_for_ms(f, 50);
	assert_int_equal(f->npkts, 1);
	assert_packet(f, 0, 8, 1);
	assert_false(f->got_error);
	/* The fd was closed with the queue. */
	n = read(f->fds[1], &c, 1);
	assert_int_equal(n, 0);
}

static void test_free_in_error_callback(void **pstate)
{
	struct fixture *f = *pstate;

	start_queue(f, 1024);
	f->free_on_error = true;
	write_len(f->fds[1], 2);
	loop_until(f, have_error);
	assert_int_equal(f->err, EPROTO);
	assert_null(f->queue);
	loop_for_ms(f, 50);
	assert_int_equal(f->error_calls, 1);
}

static void test_free_in_eof_callback(void **pstate)
{
	struct fixture *f = *pstate;

	start_queue(f, 1024);
	f->free_on_error = true;
	close(f->fds[1]);
	f->fds[1] = -1;
	loop_until(f, have_error);
	assert_int_equal(f->err, 0);
	assert_null(f->queue);
}

/* A write error while freeing from the callback, with writes pending. */
static void test_free_in_write_error_callback(void **pstate)
{
	struct fixture *f = *pstate;
	uint8_t *pkt = make_packet(f->mem, 100, 0);
	int ret;

	start_queue(f, 1024);
	f->free_on_error = true;
	ret = shutdown(f->fds[1], SHUT_RD);
	assert_int_equal(ret, 0);
	ret = sock_queue_write(f->queue, pkt, 100);
	assert_int_equal(ret, 0);
	ret = sock_queue_write(f->queue, pkt, 100);
	assert_int_equal(ret, 0);
	loop_until(f, have_error);
	assert_int_equal(f->err, EPIPE);
	assert_null(f->queue);
	assert_int_equal(f->error_calls, 1);
}

/* Read whatever the queue wrote to the raw peer, without blocking. */
static bool peer_drained_and_all_packets(struct fixture *f)
{
	static uint8_t sink[65536];
	ssize_t n;

	do {
		n = recv(f->fds[1], sink, sizeof(sink), MSG_DONTWAIT);
	} while (n > 0);
	return f->npkts >= want_packets;
}

/*
 * A peer that sends requests but does not read the replies: the queue
 * stops delivering once too much output is pending, and takes up the
 * rest when the peer reads.
 */
static void test_unread_replies_pause_input(void **pstate)
{
	struct fixture *f = *pstate;
	const unsigned n = 10;
	uint8_t *pkt = make_packet(f->mem, 32, 5);
	unsigned i;

	f->reply_len = 200 * 1024;
	f->reply = make_packet(f->mem, f->reply_len, 6);
	start_queue(f, 1024);
	for (i = 0; i < n; i++) {
		write_all(f->fds[1], pkt, 32);
	}
	/* Nothing reads the replies: delivery must stop short of n. */
	loop_for_ms(f, 200);
	assert_true(f->npkts < n);
	assert_true(sock_queue_pending(f->queue) > 256 * 1024);

	want_packets = n;
	loop_until(f, peer_drained_and_all_packets);
	assert_int_equal(f->npkts, n);
	for (i = 0; i < n; i++) {
		assert_packet(f, i, 32, 5);
	}
	assert_false(f->got_error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_several_packets_one_write),
		T(test_packet_split_in_bytes),
		T(test_header_then_body),
		T(test_length_below_four),
		T(test_length_zero),
		T(test_above_max_packet),
		T(test_exactly_max_packet),
		T(test_peer_close),
		T(test_stolen_buffer_survives),
		T(test_queue_owns_fd),
		T(test_large_write),
		T(test_write_error_reported),
		T(test_free_in_packet_callback),
		T(test_free_in_error_callback),
		T(test_free_in_eof_callback),
		T(test_free_in_write_error_callback),
		T(test_unread_replies_pause_input),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
