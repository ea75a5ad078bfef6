/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling primitives shared by the event and node protocols. */
#ifndef CTDB_PROTOCOL_PROTOCOL_BASIC_H
#define CTDB_PROTOCOL_PROTOCOL_BASIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "protocol/event_protocol.h" /* struct ctdb_event_header */

/*
 * Both protocols are CTDB's layout: host byte order, packed, a 12-byte
 * header, then u32/i32 fields and stringns (a u32 N then N bytes whose
 * only NUL is the last; N = 0 is NULL). Nothing here does I/O or logs.
 */

/* A timeval is two int64 on the wire, whatever the host's time_t is. */
#define CTDB_TIMEVAL_WIRE_LEN 16

/*
 * Lengths saturate at SIZE_MAX instead of wrapping, so that an absurd
 * message (the same huge string referenced many times) is refused rather
 * than encoded into a short buffer.
 */
size_t ctdb_len_add(size_t a, size_t b);
size_t ctdb_stringn_len(const char *s);

/** @return 0, or EOVERFLOW when len cannot be a u32 header length. */
int ctdb_check_wire_len(size_t len);

/*
 * Push helpers. The caller computes the total length and checks it
 * against the buffer before writing anything, so these never check.
 */
void ctdb_push_u32(uint8_t *buf, size_t *offset, uint32_t v);
void ctdb_push_i32(uint8_t *buf, size_t *offset, int32_t v);
void ctdb_push_i64(uint8_t *buf, size_t *offset, int64_t v);
void ctdb_push_stringn(uint8_t *buf, size_t *offset, const char *s);
void ctdb_push_timeval(uint8_t *buf, size_t *offset,
		       const struct timeval *tv);
void ctdb_push_header(uint8_t *buf, size_t *offset,
		      const struct ctdb_event_header *h);

/*
 * Pull helpers. The cursor never moves past len; every helper checks the
 * bytes it needs are there before touching them and returns EPROTO when
 * they are not. Outputs are written only on success.
 */
struct ctdb_pull_cursor {
	const uint8_t *buf;
	size_t len;
	size_t offset;
};

size_t ctdb_pull_remaining(const struct ctdb_pull_cursor *c);
int ctdb_pull_u32(struct ctdb_pull_cursor *c, uint32_t *v);
int ctdb_pull_i32(struct ctdb_pull_cursor *c, int32_t *v);
int ctdb_pull_i64(struct ctdb_pull_cursor *c, int64_t *v);
int ctdb_pull_timeval(struct ctdb_pull_cursor *c, struct timeval *tv);

/* Strict: the string fills exactly its N bytes; *out is NULL for N = 0. */
int ctdb_pull_stringn(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		      const char **out);
/* The same for a string that may not be NULL (a name or an address). */
int ctdb_pull_stringn_required(struct ctdb_pull_cursor *c,
			       TALLOC_CTX *mem_ctx, const char **out);

/* A u32 list count that leaves room for that many of the smallest records. */
int ctdb_pull_count(struct ctdb_pull_cursor *c, size_t min_record_len,
		    uint32_t *num);

/*
 * A list: a ctdb_pull_count() count, then that many records, each decoded
 * by elem_fn into a zeroed element of elem_size bytes whose strings hang
 * off the array. *parray is a new talloc array named type_name (NULL for
 * no records); on failure nothing is left allocated.
 */
typedef int (*ctdb_pull_elem_fn)(struct ctdb_pull_cursor *c,
				 TALLOC_CTX *mem_ctx, void *elem);

int ctdb_pull_array(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		    size_t min_record_len, size_t elem_size,
		    const char *type_name, ctdb_pull_elem_fn elem_fn,
		    uint32_t *pnum, void **parray);

/*
 * Decodes the header only, without checking it against buflen, so that a
 * reader can look at the length and reqid of a packet it has not finished
 * validating.
 */
int ctdb_header_pull(const uint8_t *buf, size_t buflen,
		     struct ctdb_event_header *h);

/* Decodes the header and insists that it describes exactly c->len bytes. */
int ctdb_pull_packet_header(struct ctdb_pull_cursor *c,
			    struct ctdb_event_header *h);

/*
 * One kind of message (a protocol's requests, or its replies). The
 * generic _len/_push/_pull/_marshall below do the framing (header,
 * length checks, strictness) once for every kind.
 */
struct ctdb_msg_ops {
	/*
	 * Computes the whole encoded size, header included, and on the way
	 * refuses (EINVAL) what a strict peer would reject.
	 */
	int (*wire_len)(const void *in, size_t *plen);
	/* Writes everything after the header; the size is already checked. */
	void (*push_body)(const void *in, uint8_t *buf, size_t *offset);
	/* Whether a cmd read from the wire is one of the protocol's. */
	bool (*command_is_valid)(uint32_t cmd);
	/* Decodes what follows the cmd into a new talloc child of mem_ctx. */
	int (*pull_body)(struct ctdb_pull_cursor *c, uint32_t cmd,
			 TALLOC_CTX *mem_ctx, void **out);
};

/** @return the packet size, or 0 for a message that cannot be encoded. */
size_t ctdb_msg_len(const struct ctdb_msg_ops *ops, const void *in);

/**
 * Fills h->length and sets *buflen to the bytes written. Fails with
 * EMSGSIZE (*buflen set to the size needed) when buf is short, with what
 * wire_len says, and with EOVERFLOW above 4 GiB.
 */
int ctdb_msg_push(const struct ctdb_msg_ops *ops, struct ctdb_event_header *h,
		  const void *in, uint8_t *buf, size_t *buflen);

/**
 * Strict: the header's length must be buflen, the cmd known (else
 * EINVAL) and no byte left over (else EPROTO).
 */
int ctdb_msg_pull(const struct ctdb_msg_ops *ops, const uint8_t *buf,
		  size_t buflen, struct ctdb_event_header *h,
		  TALLOC_CTX *mem_ctx, void **out);

/** Push into a new talloc buffer of exactly the right size. */
int ctdb_msg_marshall(const struct ctdb_msg_ops *ops, TALLOC_CTX *mem_ctx,
		      struct ctdb_event_header *h, const void *in,
		      uint8_t **pbuf, size_t *pbuflen);

#endif
