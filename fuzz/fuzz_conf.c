/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the ctdb.conf reader (conf_parse_text) and value parsers. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>

#include "common/conf.h"
#include "common/logging.h"
#include "fuzz/fuzz.h"

/*
 * Properties checked, beyond "no crash, no leak":
 *  - the callback only ever sees non-empty, trimmed section and key names
 *    and trimmed values, none holding a newline (keys hold no '=');
 *  - the result is 0, EINVAL or ENOMEM; EINVAL comes with one line
 *    "<name>:<line>: <reason>", whether the callback gave a reason or not;
 *  - success leaves nothing allocated on mem_ctx;
 *  - conf_parse_uint agrees with a plain reference implementation.
 * Values also go through the parsers the daemons apply to them. A key
 * "reject" is refused with a reason, "reject quietly" without one, so
 * that both error paths are reached.
 */

#define CONF_NAME "fuzz.conf"

struct fuzz_state {
	unsigned entries;
	unsigned long max;
};

static bool is_trimmed(const char *s)
{
	size_t len = strlen(s);

	if (len == 0) {
		return true;
	}
	return !isspace((unsigned char)s[0]) &&
	       !isspace((unsigned char)s[len - 1]);
}

/* conf_parse_uint's contract: all decimal digits, at most max. */
static bool reference_parse_uint(const char *s, unsigned long max,
				 unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (s[0] == '\0') {
		return false;
	}
	for (i = 0; s[i] != '\0'; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10) {
			return false;
		}
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static void check_value_parsers(const char *value, unsigned long max)
{
	unsigned long got = 0;
	unsigned long want = 0;
	bool ok_got;
	bool ok_want;
	int level = -1;

	ok_got = conf_parse_uint(value, max, &got);
	ok_want = reference_parse_uint(value, max, &want);
	FUZZ_CHECK(ok_got == ok_want);
	if (ok_got) {
		FUZZ_CHECK(got == want);
	}

	if (debug_level_parse(value, &level)) {
		FUZZ_CHECK(level >= DEBUG_ERR && level <= DEBUG_DEBUG);
		FUZZ_CHECK(debug_level_to_string(level) != NULL);
	}
	(void)logging_location_valid(value);
}

static bool fuzz_entry(TALLOC_CTX *mem_ctx, const char *section,
		       const char *key, const char *value, void *private_data,
		       char **reason)
{
	struct fuzz_state *state = private_data;

	FUZZ_CHECK(section != NULL && key != NULL && value != NULL);
	FUZZ_CHECK(section[0] != '\0' && key[0] != '\0');
	FUZZ_CHECK(is_trimmed(section) && is_trimmed(key) && is_trimmed(value));
	FUZZ_CHECK(strchr(section, '\n') == NULL);
	FUZZ_CHECK(strchr(key, '\n') == NULL && strchr(key, '=') == NULL);
	FUZZ_CHECK(strchr(value, '\n') == NULL);

	check_value_parsers(value, state->max);

	if (strcasecmp(key, "reject") == 0) {
		*reason = talloc_asprintf(mem_ctx, "rejected '%s'", value);
		return false;
	}
	if (strcasecmp(key, "reject quietly") == 0) {
		return false;
	}
	state->entries++;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct fuzz_state state = {
		.entries = 0,
		/* Vary the limit with the input: 0, small, huge. */
		.max = size % 3 == 0 ? 0 : (size % 3 == 1 ? 3600 : ULONG_MAX),
	};
	char *text;
	char *errmsg = NULL;
	int ret;

	FUZZ_CHECK(mem != NULL);
	/* A file holding a NUL is refused by conf_read_file: stop there. */
	text = talloc_strndup(NULL, (const char *)data, size);
	FUZZ_CHECK(text != NULL);

	ret = conf_parse_text(mem, CONF_NAME, text, fuzz_entry, &state,
			      &errmsg);
	FUZZ_CHECK(ret == 0 || ret == EINVAL || ret == ENOMEM);
	if (ret == 0) {
		FUZZ_CHECK(errmsg == NULL);
		FUZZ_CHECK(talloc_total_blocks(mem) == 1);
	}
	if (ret == EINVAL) {
		FUZZ_CHECK(errmsg != NULL);
		FUZZ_CHECK(strncmp(errmsg, CONF_NAME ":",
				   strlen(CONF_NAME ":")) == 0);
		FUZZ_CHECK(strchr(errmsg, '\n') == NULL);
	}

	talloc_free(text);
	talloc_free(mem);
	return 0;
}
