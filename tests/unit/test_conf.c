/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the ctdb.conf-style reader: syntax, error messages, uints. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "common/conf.h"

static char test_dir[PATH_MAX];

/* What the callback saw, one "section|key|value\n" line per entry. */
struct collect {
	char *seen;
	unsigned calls;
	const char *reject_key; /* reject this key ... */
	const char *reason;     /* ... with this reason (NULL: none given) */
};

static bool collect_fn(TALLOC_CTX *mem_ctx, const char *section,
		       const char *key, const char *value, void *private_data,
		       char **reason)
{
	struct collect *c = private_data;
	int cmp;

	c->calls++;
	c->seen = talloc_asprintf_append(c->seen, "%s|%s|%s\n", section, key,
					 value);
	assert_non_null(c->seen);
	if (c->reject_key == NULL) {
		return true;
	}
	cmp = strcmp(key, c->reject_key);
	if (cmp != 0) {
		return true;
	}
	if (c->reason != NULL) {
		*reason = talloc_asprintf(mem_ctx, "%s \"%s\"", c->reason,
					  value);
		assert_non_null(*reason);
	}
	return false;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_conf.XXXXXX";
	char *dir;

	dir = mkdtemp(tmpl);
	if (dir == NULL) {
		return -1;
	}
	snprintf(test_dir, sizeof(test_dir), "%s", dir);
	return 0;
}

static int group_teardown(void **pstate)
{
	return nftw(test_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **pstate)
{
	struct collect *c;

	c = talloc_zero(NULL, struct collect);
	if (c == NULL) {
		return -1;
	}
	c->seen = talloc_strdup(c, "");
	if (c->seen == NULL) {
		talloc_free(c);
		return -1;
	}
	*pstate = c;
	return 0;
}

static int teardown(void **pstate)
{
	talloc_free(*pstate);
	return 0;
}

/* Parse text that must be accepted; @return what the callback saw. */
static const char *parse_ok(struct collect *c, const char *text)
{
	char *errmsg = NULL;
	int ret;

	ret = conf_parse_text(c, "t.conf", text, collect_fn, c, &errmsg);
	assert_int_equal(ret, 0);
	assert_null(errmsg);
	return c->seen;
}

/* Parse text that must be rejected with EINVAL and exactly msg. */
static void parse_fails(struct collect *c, const char *text, const char *msg)
{
	char *errmsg = NULL;
	int ret;

	ret = conf_parse_text(c, "t.conf", text, collect_fn, c, &errmsg);
	assert_int_equal(ret, EINVAL);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, msg);
}

static char *write_file(TALLOC_CTX *mem, const char *name, const char *text,
			size_t len)
{
	char *path;
	FILE *fp;
	size_t n;
	int ret;

	path = talloc_asprintf(mem, "%s/%s", test_dir, name);
	assert_non_null(path);
	fp = fopen(path, "we");
	assert_non_null(fp);
	n = fwrite(text, 1, len, fp);
	assert_int_equal(n, len);
	ret = fclose(fp);
	assert_int_equal(ret, 0);
	return path;
}

static void test_sections_and_keys(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "[a]\n"
			   "k1 = v1\n"
			   "k2=v2\n"
			   "[b]\n"
			   "k1 = other\n");
	assert_string_equal(seen, "a|k1|v1\n"
				  "a|k2|v2\n"
				  "b|k1|other\n");
	assert_int_equal(c->calls, 3);
}

/* CTDB's shipped ctdb.conf indents every key with a tab. */
static void test_indented_keys(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "[logging]\n"
			   "\tlocation = file:/x\n"
			   "\tlog level = DEBUG\n");
	assert_string_equal(seen, "logging|location|file:/x\n"
				  "logging|log level|DEBUG\n");
	assert_int_equal(c->calls, 2);
}

static void test_indented_headers_and_spaces(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "   [  event daemon  ]   \n"
			   "  \t  debug script   =   /a b/c.sh   \n");
	assert_string_equal(seen, "event daemon|debug script|/a b/c.sh\n");
}

static void test_comments_and_blank_lines(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "# leading comment\n"
			   "; another style\n"
			   "\n"
			   "   \t \n"
			   "[s]\n"
			   "\t# indented comment = not a key\n"
			   "\t; k = v\n"
			   "\n"
			   "k = v\n"
			   "#[t]\n"
			   "j = w\n");
	/* "#[t]" is a comment, so j is still in [s]. */
	assert_string_equal(seen, "s|k|v\n"
				  "s|j|w\n");
	assert_int_equal(c->calls, 2);
}

static void test_values(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "[s]\n"
			   "spaces = a  b c\n"
			   "equals = x=y = z\n"
			   "empty =\n"
			   "empty2 =    \t\n"
			   "hash = a # b\n");
	assert_string_equal(seen, "s|spaces|a  b c\n"
				  "s|equals|x=y = z\n"
				  "s|empty|\n"
				  "s|empty2|\n"
				  "s|hash|a # b\n");
}

static void test_crlf_and_no_final_newline(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "[s]\r\nk = v\r\nlast = 1");
	assert_string_equal(seen, "s|k|v\n"
				  "s|last|1\n");
}

static void test_empty_text(void **pstate)
{
	struct collect *c = *pstate;
	const char *seen;

	seen = parse_ok(c, "");
	assert_string_equal(seen, "");
	assert_int_equal(c->calls, 0);
}

static void test_error_malformed_section(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "[a]\nk = v\n[broken\nj = w\n",
		    "t.conf:3: malformed section header");
	/* Parsing stopped at the error: j was never seen. */
	assert_string_equal(c->seen, "a|k|v\n");
}

static void test_error_text_after_section(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "[a] junk\n", "t.conf:1: malformed section header");
}

static void test_error_empty_section(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "\n[ ]\n", "t.conf:2: empty section name");
}

static void test_error_no_equals(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "[a]\n\n\tjust words\nk = v\n",
		    "t.conf:3: expected \"key = value\"");
	assert_int_equal(c->calls, 0);
}

static void test_error_missing_key(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "[a]\n  = v\n", "t.conf:2: missing key before '='");
}

static void test_error_key_outside_section(void **pstate)
{
	struct collect *c = *pstate;

	parse_fails(c, "# comment\nk = v\n[a]\n",
		    "t.conf:2: key outside of a [section]");
	assert_int_equal(c->calls, 0);
}

static void test_error_rejected_value(void **pstate)
{
	struct collect *c = *pstate;

	c->reject_key = "level";
	c->reason = "invalid log level";
	parse_fails(c, "[logging]\n\tlocation = stderr\n\tlevel = LOUD\n"
		       "\tafter = 1\n",
		    "t.conf:3: invalid log level \"LOUD\"");
	assert_string_equal(c->seen, "logging|location|stderr\n"
				     "logging|level|LOUD\n");
}

static void test_error_rejected_without_reason(void **pstate)
{
	struct collect *c = *pstate;
	char *errmsg = NULL;
	int ret;

	c->reject_key = "k";
	c->reason = NULL;
	ret = conf_parse_text(c, "t.conf", "[a]\nk = v\n", collect_fn, c,
			      &errmsg);
	assert_int_equal(ret, EINVAL);
	assert_non_null(errmsg);
	/* Some reason, in the same "<name>:<line>: " form. */
	assert_true(strncmp(errmsg, "t.conf:2: ", 10) == 0);
	assert_true(strlen(errmsg) > 10);
}

static void test_file_ok(void **pstate)
{
	struct collect *c = *pstate;
	const char text[] = "[logging]\n\tlocation = file:/x\n"
			    "\tlog level = DEBUG\n";
	char *errmsg = NULL;
	char *path;
	int ret;

	path = write_file(c, "ok.conf", text, sizeof(text) - 1);
	ret = conf_parse_file(c, path, collect_fn, c, &errmsg);
	assert_int_equal(ret, 0);
	assert_null(errmsg);
	assert_string_equal(c->seen, "logging|location|file:/x\n"
				     "logging|log level|DEBUG\n");
}

static void test_file_error_names_path(void **pstate)
{
	struct collect *c = *pstate;
	const char text[] = "[a]\nk = v\nbad line\n";
	char *errmsg = NULL;
	char *path;
	char *expect;
	int ret;

	path = write_file(c, "bad.conf", text, sizeof(text) - 1);
	ret = conf_parse_file(c, path, collect_fn, c, &errmsg);
	assert_int_equal(ret, EINVAL);
	expect = talloc_asprintf(c, "%s:3: expected \"key = value\"", path);
	assert_non_null(expect);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, expect);
}

static void test_file_missing(void **pstate)
{
	struct collect *c = *pstate;
	char *errmsg = NULL;
	char *path;
	int ret;

	path = talloc_asprintf(c, "%s/does-not-exist.conf", test_dir);
	assert_non_null(path);
	ret = conf_parse_file(c, path, collect_fn, c, &errmsg);
	assert_int_equal(ret, ENOENT);
	/* A missing file is not reported. */
	assert_null(errmsg);
	assert_int_equal(c->calls, 0);
}

/* A directory cannot be read as a file, even by root. */
static void test_file_unreadable(void **pstate)
{
	struct collect *c = *pstate;
	char *errmsg = NULL;
	char *path;
	char *expect;
	int ret;

	path = talloc_asprintf(c, "%s/adir", test_dir);
	assert_non_null(path);
	ret = mkdir(path, 0755);
	assert_int_equal(ret, 0);
	ret = conf_parse_file(c, path, collect_fn, c, &errmsg);
	assert_int_equal(ret, EISDIR);
	expect = talloc_asprintf(c, "%s: %s", path, strerror(EISDIR));
	assert_non_null(expect);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, expect);
	assert_int_equal(c->calls, 0);
}

static void test_file_nul_byte(void **pstate)
{
	struct collect *c = *pstate;
	const char text[] = "[a]\nk = v\0junk\n";
	char *errmsg = NULL;
	char *path;
	int ret;

	path = write_file(c, "nul.conf", text, sizeof(text) - 1);
	ret = conf_parse_file(c, path, collect_fn, c, &errmsg);
	assert_int_not_equal(ret, 0);
	assert_int_not_equal(ret, ENOENT);
	assert_non_null(errmsg);
	assert_true(strncmp(errmsg, path, strlen(path)) == 0);
	assert_int_equal(c->calls, 0);
}

static void test_parse_uint(void **pstate)
{
	unsigned long v;
	bool ok;

	v = 99;
	ok = conf_parse_uint("0", 10, &v);
	assert_true(ok);
	assert_int_equal(v, 0);

	ok = conf_parse_uint("10", 10, &v);
	assert_true(ok);
	assert_int_equal(v, 10);

	ok = conf_parse_uint("007", 10, &v);
	assert_true(ok);
	assert_int_equal(v, 7);

	/* Rejected values leave *out alone. */
	v = 99;
	ok = conf_parse_uint("11", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint(NULL, 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("-1", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("-0", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("+1", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint(" 1", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("1 ", 10, &v);
	assert_false(ok);
	ok = conf_parse_uint("12a", 100, &v);
	assert_false(ok);
	ok = conf_parse_uint("0x10", 100, &v);
	assert_false(ok);
	ok = conf_parse_uint("1.5", 100, &v);
	assert_false(ok);
	assert_int_equal(v, 99);
}

static void test_parse_uint_limits(void **pstate)
{
	unsigned long v = 0;
	char buf[64];
	bool ok;

	ok = conf_parse_uint("4294967295", 4294967295UL, &v);
	assert_true(ok);
	assert_int_equal(v, 4294967295UL);
	ok = conf_parse_uint("4294967296", 4294967295UL, &v);
	assert_false(ok);

	snprintf(buf, sizeof(buf), "%lu", ULONG_MAX);
	ok = conf_parse_uint(buf, ULONG_MAX, &v);
	assert_true(ok);
	assert_true(v == ULONG_MAX);

	/* ULONG_MAX + 1 and far beyond overflow strtoul. */
	v = 5;
	ok = conf_parse_uint("18446744073709551616", ULONG_MAX, &v);
	assert_false(ok);
	ok = conf_parse_uint("99999999999999999999999999999", ULONG_MAX, &v);
	assert_false(ok);
	assert_int_equal(v, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_sections_and_keys),
		T(test_indented_keys),
		T(test_indented_headers_and_spaces),
		T(test_comments_and_blank_lines),
		T(test_values),
		T(test_crlf_and_no_final_newline),
		T(test_empty_text),
		T(test_error_malformed_section),
		T(test_error_text_after_section),
		T(test_error_empty_section),
		T(test_error_no_equals),
		T(test_error_missing_key),
		T(test_error_key_outside_section),
		T(test_error_rejected_value),
		T(test_error_rejected_without_reason),
		T(test_file_ok),
		T(test_file_error_names_path),
		T(test_file_missing),
		T(test_file_unreadable),
		T(test_file_nul_byte),
		T(test_parse_uint),
		T(test_parse_uint_limits),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
