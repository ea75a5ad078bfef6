/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A NATS publisher that never blocks the tevent loop that feeds it. */
#ifndef CTDB_COMMON_NATS_BUS_H
#define CTDB_COMMON_NATS_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

/*
 * Messages are copied into a bounded queue and handed to libnats by a
 * publisher thread of our own, so the daemon's thread never calls into
 * libnats: its first connect attempt is synchronous (name resolution,
 * then up to the connect timeout against a hung server, measured at 2 s
 * with libnats 3.4.1), and a publish takes the connection lock that its
 * flusher holds while writing to a slow socket.
 * libnats connects and reconnects forever in the background, keeping
 * what is published meanwhile in a bounded buffer; whatever does not
 * fit is dropped and counted, never retried by the caller.
 *
 * Nothing from the threads reaches talloc, tevent or the log: they
 * record what happened under a mutex and wake the loop through a pipe;
 * the loop then calls state_fn on a change of reachability. Freeing the
 * bus stops it: messages still queued are handed to libnats, then the
 * connection is closed and libnats shut down, waiting at most a few
 * seconds whatever the server does.
 *
 * One bus at a time per process (libnats' state is opened and closed
 * with it; the library itself, once loaded, stays).
 */

struct nats_bus;

enum nats_bus_event {
	NATS_BUS_CONNECTED,   /* connected, or reconnected */
	NATS_BUS_UNREACHABLE, /* first connect failed, or disconnected */
	NATS_BUS_ERROR,       /* an error from the server or the library */
};

/*
 * Called on the loop's thread once per change (and per new error text).
 * detail is the server URL for CONNECTED, the reason otherwise.
 */
typedef void (*nats_bus_state_fn)(enum nats_bus_event event,
				  const char *detail, void *private_data);

struct nats_bus_stats {
	uint64_t queued;    /* accepted by nats_bus_publish */
	uint64_t refused;   /* not accepted: queue full (or no memory) */
	uint64_t published; /* queued, then accepted by libnats */
	uint64_t dropped;   /* queued, then refused by libnats (its buffer
			     * full while reconnecting, or closed) */
};

/* Whether this build has libnats (configure --with-nats). */
bool nats_bus_supported(void);

/*
 * libnats is not linked but loaded (dlopen) on first use, so that a
 * daemon without a bus does not carry it and, through it, libssl and
 * libcrypto. The file is the soname found at build time
 * (configure --with-nats-soname), NULL without NATS support.
 */
const char *nats_bus_default_library(void);

/**
 * Load the NATS client library now, if not loaded yet: library is the
 * file for dlopen(3), NULL for the default. It stays loaded for the
 * life of the process. nats_bus_new loads the default itself; call this
 * first to have the reason when it fails.
 * @return 0; ENOTSUP without NATS support in this build; ELIBACC when
 * the library cannot be loaded or lacks a function the bus calls, with
 * *reason (on mem_ctx) naming the file and what is wrong.
 */
int nats_bus_load(TALLOC_CTX *mem_ctx, const char *library, char **reason);

/**
 * Check the syntax of a server URL list: comma-separated
 * [nats://|tls://][user[:password]@]host[:port].
 * @return true, or false with *reason (on mem_ctx) saying what is wrong.
 */
bool nats_bus_url_check(TALLOC_CTX *mem_ctx, const char *url, char **reason);

/**
 * Start publishing to url; connecting goes on in the background.
 * name is the client name the server shows (may be NULL).
 * @return 0, ENOTSUP without libnats, ELIBACC when it cannot be loaded
 * (see nats_bus_load), ENOMEM, EBUSY if a bus exists, or the errno of
 * creating the pipe or the thread.
 */
int nats_bus_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		 const char *url, const char *name, nats_bus_state_fn state_fn,
		 void *private_data, struct nats_bus **out);

/**
 * Queue one message; returns at once.
 * @return 0, EINVAL for an empty subject, or ENOBUFS when the queue is
 * full or ENOMEM (the message is counted as refused).
 */
int nats_bus_publish(struct nats_bus *bus, const char *subject,
		     const void *data, size_t len);

void nats_bus_get_stats(struct nats_bus *bus, struct nats_bus_stats *stats);

#endif
