/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the ctdb.tunables reader (tunables_parse_text). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "common/tunable.h"
#include "fuzz/fuzz.h"

/*
 * Properties checked, beyond "no crash, no leak":
 *  - all or nothing: on failure the tunables are untouched, the result is
 *    EINVAL, ERANGE or ENOMEM and (but for ENOMEM) *errmsg is one line
 *    "<name>:<line>: <reason>";
 *  - nothing but the message is left on mem_ctx;
 *  - on success every value is within its table limits;
 *  - what was loaded, written back as "Name=Value" lines, loads again to
 *    the same values, and tunables_set() accepts each of them.
 */

#define TUNABLES_NAME "fuzz.tunables"

static void check_round_trip(const struct tunables *t)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct tunables again;
	struct tunables set;
	char *text;
	char *errmsg = NULL;
	unsigned i;
	int ret;

	FUZZ_CHECK(mem != NULL);
	text = talloc_strdup(mem, "# written back\n");
	tunables_set_defaults(&set);
	for (i = 0; i < TUNABLE_COUNT; i++) {
		text = talloc_asprintf_append(text, "%s=%u\n",
					      tunable_table[i].name,
					      t->value[i]);
		FUZZ_CHECK(text != NULL);
		ret = tunables_set(&set, tunable_table[i].name, t->value[i]);
		FUZZ_CHECK(ret == 0);
	}
	FUZZ_CHECK(memcmp(&set, t, sizeof(set)) == 0);

	tunables_set_defaults(&again);
	ret = tunables_parse_text(mem, TUNABLES_NAME, text, &again, &errmsg);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(memcmp(&again, t, sizeof(again)) == 0);
	talloc_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct tunables t;
	struct tunables before;
	char *text;
	char *errmsg = NULL;
	unsigned i;
	int ret;

	FUZZ_CHECK(mem != NULL);
	/* A file holding a NUL is refused by conf_read_file: stop there. */
	text = talloc_strndup(mem, (const char *)data, size);
	FUZZ_CHECK(text != NULL);

	tunables_set_defaults(&t);
	before = t;
	ret = tunables_parse_text(mem, TUNABLES_NAME, text, &t, &errmsg);
	if (ret != 0) {
		FUZZ_CHECK(ret == EINVAL || ret == ERANGE || ret == ENOMEM);
		FUZZ_CHECK(memcmp(&t, &before, sizeof(t)) == 0);
		if (ret != ENOMEM) {
			FUZZ_CHECK(errmsg != NULL);
			FUZZ_CHECK(strncmp(errmsg, TUNABLES_NAME ":",
					   strlen(TUNABLES_NAME ":")) == 0);
			FUZZ_CHECK(strchr(errmsg, '\n') == NULL);
		}
		/* mem, text and the message. */
		FUZZ_CHECK(talloc_total_blocks(mem) ==
			   (errmsg != NULL ? 3U : 2U));
		talloc_free(mem);
		return 0;
	}

	FUZZ_CHECK(errmsg == NULL);
	FUZZ_CHECK(talloc_total_blocks(mem) == 2);
	for (i = 0; i < TUNABLE_COUNT; i++) {
		FUZZ_CHECK(t.value[i] >= tunable_table[i].min);
		FUZZ_CHECK(t.value[i] <= tunable_table[i].max);
	}
	check_round_trip(&t);
	talloc_free(mem);
	return 0;
}
