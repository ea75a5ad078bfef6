/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Packet reader and writer queue for a non-blocking stream socket. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/sock_io.h"

/*
 * A peer that sends requests without reading the replies would have us
 * queue replies without bound. Past this many unwritten bytes the queue
 * neither reads nor delivers packets until the peer has taken some.
 */
#define SOCK_QUEUE_PAUSE_BYTES (256 * 1024)

struct sock_out {
	struct sock_out *next;
	uint8_t *buf;
	size_t len;
	size_t done;
};

struct sock_queue {
	struct tevent_context *ev;
	int fd;
	struct tevent_fd *fde;
	size_t max_packet;
	sock_queue_read_fn fn;
	void *private_data;

	uint8_t *in;       /* bytes read so far of the current packet */
	size_t in_len;
	size_t in_size;

	struct sock_out *out_head;
	struct sock_out *out_tail;
	size_t out_pending;

	void (*drained_fn)(void *private_data);
	void *drained_data;

	bool *freed;       /* set when freed from inside a callback */
	bool failed;
	bool paused;       /* input held back: too much output pending */
};

static void sock_queue_handler(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data);

static int sock_queue_destructor(struct sock_queue *queue)
{
	if (queue->freed != NULL) {
		*queue->freed = true;
	}
	TALLOC_FREE(queue->fde);
	if (queue->fd != -1) {
		close(queue->fd);
		queue->fd = -1;
	}
	return 0;
}

struct sock_queue *sock_queue_setup(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev, int fd,
				    size_t max_packet, sock_queue_read_fn fn,
				    void *private_data)
{
	struct sock_queue *queue;
	int flags;

	queue = talloc_zero(mem_ctx, struct sock_queue);
	if (queue == NULL) {
		return NULL;
	}
	queue->ev = ev;
	queue->fd = fd;
	queue->max_packet = max_packet;
	queue->fn = fn;
	queue->private_data = private_data;
	talloc_set_destructor(queue, sock_queue_destructor);

	flags = fcntl(fd, F_GETFL);
	if (flags != -1) {
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);

	queue->fde = tevent_add_fd(ev, queue, fd, TEVENT_FD_READ,
				   sock_queue_handler, queue);
	if (queue->fde == NULL) {
		queue->fd = -1; /* the caller still owns fd on failure */
		talloc_free(queue);
		return NULL;
	}
	return queue;
}

/*
 * Call the user's callback, which may free the queue. Nested calls (a
 * write failing inside the fd handler) chain their flags, so every frame
 * on the stack learns about the free. @return false if the queue is gone.
 */
static bool sock_queue_callback(struct sock_queue *queue, uint8_t *buf,
				size_t buflen, int err)
{
	bool *outer = queue->freed;
	bool freed = false;

	queue->freed = &freed;
	queue->fn(buf, buflen, err, queue->private_data);
	if (freed) {
		if (outer != NULL) {
			*outer = true;
		}
		return false;
	}
	queue->freed = outer;
	return true;
}

/* Report a terminal condition once; @return false if the queue was freed. */
static bool sock_queue_fail(struct sock_queue *queue, int err)
{
	if (queue->failed) {
		return true;
	}
	queue->failed = true;
	TEVENT_FD_NOT_READABLE(queue->fde);
	TEVENT_FD_NOT_WRITEABLE(queue->fde);
	return sock_queue_callback(queue, NULL, 0, err);
}

static uint32_t packet_length(const uint8_t *buf)
{
	uint32_t len;

	memcpy(&len, buf, sizeof(len));
	return len;
}

/* Deliver every complete packet in the input buffer. */
static bool sock_queue_deliver(struct sock_queue *queue)
{
	while (queue->in_len >= sizeof(uint32_t)) {
		uint32_t len = packet_length(queue->in);
		uint8_t *pkt;

		if (queue->out_pending > SOCK_QUEUE_PAUSE_BYTES) {
			queue->paused = true;
			TEVENT_FD_NOT_READABLE(queue->fde);
			return true;
		}
		if (len < sizeof(uint32_t)) {
			return sock_queue_fail(queue, EPROTO);
		}
		if (len > queue->max_packet) {
			return sock_queue_fail(queue, EMSGSIZE);
		}
		if (queue->in_len < len) {
			return true;
		}
		pkt = talloc_memdup(queue, queue->in, len);
		if (pkt == NULL) {
			return sock_queue_fail(queue, ENOMEM);
		}
		memmove(queue->in, queue->in + len, queue->in_len - len);
		queue->in_len -= len;

		if (!sock_queue_callback(queue, pkt, len, 0)) {
			return false;
		}
		/* Unless the callback stole it, the packet dies here. */
		if (talloc_parent(pkt) == queue) {
			talloc_free(pkt);
		}
		if (queue->failed) {
			return true;
		}
	}
	return true;
}

static bool sock_queue_grow(struct sock_queue *queue, size_t want)
{
	uint8_t *in;
	size_t size = queue->in_size == 0 ? 4096 : queue->in_size;

	while (size < want) {
		size *= 2;
	}
	if (size == queue->in_size) {
		return true;
	}
	in = talloc_realloc(queue, queue->in, uint8_t, size);
	if (in == NULL) {
		return false;
	}
	queue->in = in;
	queue->in_size = size;
	return true;
}

static void sock_queue_read(struct sock_queue *queue)
{
	size_t want = queue->in_len + 4096;
	ssize_t n;

	if (queue->in_len >= sizeof(uint32_t)) {
		uint32_t len = packet_length(queue->in);

		if (len > queue->in_len && len <= queue->max_packet) {
			want = len;
		}
	}
	if (!sock_queue_grow(queue, want)) {
		(void)sock_queue_fail(queue, ENOMEM);
		return;
	}
	n = read(queue->fd, queue->in + queue->in_len,
		 queue->in_size - queue->in_len);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			return;
		}
		(void)sock_queue_fail(queue, errno);
		return;
	}
	if (n == 0) {
		(void)sock_queue_fail(queue, 0);
		return;
	}
	queue->in_len += n;
	(void)sock_queue_deliver(queue);
}

static void sock_queue_flush(struct sock_queue *queue)
{
	while (queue->out_head != NULL) {
		struct sock_out *out = queue->out_head;
		ssize_t n;

		n = send(queue->fd, out->buf + out->done, out->len - out->done,
			 MSG_NOSIGNAL);
		if (n == -1 && errno == ENOTSOCK) {
			n = write(queue->fd, out->buf + out->done,
				  out->len - out->done);
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				TEVENT_FD_WRITEABLE(queue->fde);
				return;
			}
			(void)sock_queue_fail(queue, errno);
			return;
		}
		out->done += n;
		queue->out_pending -= n;
		if (out->done < out->len) {
			continue;
		}
		queue->out_head = out->next;
		if (queue->out_head == NULL) {
			queue->out_tail = NULL;
		}
		talloc_free(out);
	}
	TEVENT_FD_NOT_WRITEABLE(queue->fde);
	if (queue->drained_fn != NULL) {
		queue->drained_fn(queue->drained_data);
	}
}

static void sock_queue_handler(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data)
{
	struct sock_queue *queue = talloc_get_type_abort(
		private_data, struct sock_queue);

	if (flags & TEVENT_FD_WRITE) {
		bool freed = false;

		queue->freed = &freed;
		sock_queue_flush(queue);
		if (freed) {
			return;
		}
		queue->freed = NULL;
		if (queue->paused && !queue->failed &&
		    queue->out_pending <= SOCK_QUEUE_PAUSE_BYTES) {
			/* The peer reads again: take up what it sent. */
			queue->paused = false;
			TEVENT_FD_READABLE(queue->fde);
			if (!sock_queue_deliver(queue)) {
				return;
			}
		}
	}
	if ((flags & TEVENT_FD_READ) && !queue->failed && !queue->paused) {
		sock_queue_read(queue);
	}
}

int sock_queue_write(struct sock_queue *queue, const uint8_t *buf,
		     size_t buflen)
{
	struct sock_out *out;

	if (queue->failed) {
		return EPIPE;
	}
	out = talloc_zero(queue, struct sock_out);
	if (out == NULL) {
		return ENOMEM;
	}
	out->buf = talloc_memdup(out, buf, buflen);
	if (out->buf == NULL) {
		talloc_free(out);
		return ENOMEM;
	}
	out->len = buflen;
	if (queue->out_tail == NULL) {
		queue->out_head = out;
	} else {
		queue->out_tail->next = out;
	}
	queue->out_tail = out;
	queue->out_pending += buflen;
	TEVENT_FD_WRITEABLE(queue->fde);
	return 0;
}

size_t sock_queue_pending(struct sock_queue *queue)
{
	return queue->out_pending;
}

void sock_queue_set_drained_fn(struct sock_queue *queue,
			       void (*fn)(void *private_data),
			       void *private_data)
{
	queue->drained_fn = fn;
	queue->drained_data = private_data;
}
