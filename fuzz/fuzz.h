/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every fuzz target shares: the libFuzzer entry point and checks. */
#ifndef CTDB_FUZZ_FUZZ_H
#define CTDB_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each fuzz_*.c defines this. Linked with -fsanitize=fuzzer it is driven
 * by libFuzzer (make fuzz); linked with replay.c it is fed every file of
 * fuzz/corpus/<target> and fuzz/regress/<target> by make check.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property the code under test promises was broken. abort() is what
 * libFuzzer reports as a crash (keeping the input) and what fails the
 * replay test.
 */
#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n",      \
				__FILE__, __LINE__, #cond);               \
			abort();                                          \
		}                                                         \
	} while (0)

#endif
