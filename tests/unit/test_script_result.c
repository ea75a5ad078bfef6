/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the one decoder of a script's wire result, value by value. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/script_result.h"

/*
 * Every wire value a reader can meet, what it decodes to, whether it is a
 * failure (as CTDB decides: not 0, not -ENOEXEC; Samba 4.24's -ENOMSG
 * "no data" marks a script that did not run, not a failing one), the word
 * CTDB's tool prints and the errno text shown beside it.
 */
static const struct {
	int32_t wire;
	enum script_state state;
	int code;
	bool failed;
	const char *word;
	const char *error; /* NULL: none; otherwise strerror(code) */
} cases[] = {
	{ 0, SCRIPT_OK, 0, false, "OK", NULL },
	{ 1, SCRIPT_ERROR, 1, true, "ERROR", NULL },
	{ 63, SCRIPT_ERROR, 63, true, "ERROR", NULL },
	{ 255, SCRIPT_ERROR, 255, true, "ERROR", NULL },
	{ INT32_MAX, SCRIPT_ERROR, INT32_MAX, true, "ERROR", NULL },
	{ -ENOEXEC, SCRIPT_DISABLED, ENOEXEC, false, "DISABLED", NULL },
	{ -ETIMEDOUT, SCRIPT_TIMEDOUT, ETIMEDOUT, true, "TIMEDOUT", "x" },
	{ -ECANCELED, SCRIPT_CANCELLED, ECANCELED, true, "CANNOT RUN", "x" },
	{ -ENOMSG, SCRIPT_NO_DATA, ENOMSG, false, "NO DATA", NULL },
	{ -EPERM, SCRIPT_CANNOT_RUN, EPERM, true, "CANNOT RUN", "x" },
	{ -ENOENT, SCRIPT_CANNOT_RUN, ENOENT, true, "CANNOT RUN", "x" },
	{ -EINTR, SCRIPT_CANNOT_RUN, EINTR, true, "CANNOT RUN", "x" },
	{ -EACCES, SCRIPT_CANNOT_RUN, EACCES, true, "CANNOT RUN", "x" },
	{ -136, SCRIPT_CANNOT_RUN, 136, true, "CANNOT RUN", "x" },
	{ INT32_MIN, SCRIPT_CANNOT_RUN, INT32_MAX, true, "CANNOT RUN", "x" },
};

static void test_from_wire_table(void **pstate)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct script_result r = script_result_from_wire(cases[i].wire);
		const char *error = script_result_error(&r);
		char error_copy[128] = "";

		/*
		 * strerror's text of an unknown errno lives in a buffer
		 * that the next strerror call frees: keep a copy.
		 */
		if (error != NULL) {
			snprintf(error_copy, sizeof(error_copy), "%s", error);
		}

		assert_int_equal(r.state, cases[i].state);
		assert_int_equal(r.code, cases[i].code);
		assert_int_equal(script_result_failed(&r), cases[i].failed);
		assert_int_equal(script_wire_failed(cases[i].wire),
				 cases[i].failed);
		assert_string_equal(script_result_word(&r), cases[i].word);
		if (cases[i].error == NULL) {
			assert_null(error);
		} else {
			assert_string_equal(error_copy,
					    strerror(cases[i].code));
		}
	}
}

/* What the daemon encodes, readers decode back to the same thing. */
static void test_round_trip(void **pstate)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct script_result r = script_result_from_wire(cases[i].wire);

		/* INT32_MIN has no errno behind it; it is clamped. */
		if (cases[i].wire == INT32_MIN) {
			continue;
		}
		assert_int_equal(script_result_to_wire(&r), cases[i].wire);
	}
}

/* The daemon's side: exits and errnos to wire values, then decoded. */
static void test_exit_to_wire_decoded(void **pstate)
{
	static const struct {
		int status;
		int32_t wire;
		bool failed;
	} exits[] = {
		{ 0, 0, false },     { 1, 1, true },
		{ 64, 0, false },    { 65, -EPERM, true },
		{ 66, -ENOENT, true }, { 72, -ENOEXEC, false },
		{ 77, -ENOEXEC, false }, { 174, -ETIMEDOUT, true },
		{ 189, -ECANCELED, true }, { 255, 255, true },
	};
	size_t i;

	for (i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		struct script_result r = script_result_from_exit(exits[i].status);
		int32_t wire = script_result_to_wire(&r);

		assert_int_equal(wire, exits[i].wire);
		assert_int_equal(script_result_failed(&r), exits[i].failed);
		assert_int_equal(script_wire_failed(wire), exits[i].failed);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_wire_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exit_to_wire_decoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
