/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Length-prefixed packets on a stream socket, driven by tevent. */
#ifndef CTDB_COMMON_SOCK_IO_H
#define CTDB_COMMON_SOCK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

/*
 * Every packet starts with a native uint32 holding its total length,
 * including those 4 bytes (the CTDB framing).
 */

struct sock_queue;

/**
 * Called with each complete packet. buf is a talloc child of the queue and
 * may be stolen; otherwise it is freed when the callback returns.
 * On end of file or error the callback gets buf == NULL and err set
 * (0 for a clean EOF, EPROTO for a length below 4, EMSGSIZE for a packet
 * above max_packet); the queue then delivers nothing more. The callback
 * may free the queue.
 */
typedef void (*sock_queue_read_fn)(uint8_t *buf, size_t buflen, int err,
				   void *private_data);

/**
 * Watch fd (made non-blocking) for packets. The queue owns fd and closes
 * it when freed.
 * @return the queue, or NULL on allocation failure.
 */
struct sock_queue *sock_queue_setup(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev, int fd,
				    size_t max_packet, sock_queue_read_fn fn,
				    void *private_data);

/**
 * Queue a copy of buf for writing. Writing never blocks; a write error is
 * reported through the read callback. While more than 256 KiB wait to be
 * written, no packet is read or delivered, so a peer that does not read
 * its replies cannot make them pile up.
 * @return 0, ENOMEM, or EPIPE once the queue has failed.
 */
int sock_queue_write(struct sock_queue *queue, const uint8_t *buf,
		     size_t buflen);

/** Bytes queued but not yet written. */
size_t sock_queue_pending(struct sock_queue *queue);

/**
 * Call fn whenever the output queue has just been written out completely,
 * so a producer can wait for a slow peer instead of queueing without
 * bound. fn may queue more writes but must not free the queue.
 */
void sock_queue_set_drained_fn(struct sock_queue *queue,
			       void (*fn)(void *private_data),
			       void *private_data);

#endif
