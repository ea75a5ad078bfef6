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
#include "common/ctdb_conf_keys.h"
#include "common/logging.h"

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

/* ------------------------------------------------ known keys (schema) */

static const struct conf_known_key schema_keys[] = {
	{ "mine", "a", 1 },
	{ "mine", "shared", 1 | 2 },
	{ "mine", "theirs", 2 },
	{ "theirs", "b", 2 },
};

static const struct conf_schema test_schema = {
	.keys = schema_keys,
	.num_keys = 4,
	.reader = 1,
};

/* Parse with test_schema; @return the unknown lines, one per line. */
static char *parse_known(struct collect *c, const struct conf_schema *schema,
			 const char *text, int expect_ret)
{
	struct conf_unknown unknown = { .num = 0 };
	char *errmsg = NULL;
	char *all;
	unsigned i;
	int ret;

	ret = conf_parse_text_known(c, "t.conf", text, schema, &unknown,
				    collect_fn, c, &errmsg);
	assert_int_equal(ret, expect_ret);
	all = talloc_strdup(c, "");
	assert_non_null(all);
	for (i = 0; i < unknown.num; i++) {
		all = talloc_asprintf_append(all, "%s\n", unknown.lines[i]);
		assert_non_null(all);
	}
	if (expect_ret != 0) {
		all = talloc_asprintf_append(all, "error %s\n", errmsg);
		assert_non_null(all);
	}
	return all;
}

static void test_known_keys_go_to_their_reader(void **pstate)
{
	struct collect *c = *pstate;
	char *unknown;

	unknown = parse_known(c, &test_schema,
			      "[mine]\na = 1\nshared = 2\ntheirs = 3\n"
			      "[theirs]\nb = 4\n",
			      0);
	assert_string_equal(unknown, "");
	/* Keys of another reader are accepted but not handed over. */
	assert_string_equal(c->seen, "mine|a|1\nmine|shared|2\n");
}

static void test_known_keys_ignore_case(void **pstate)
{
	struct collect *c = *pstate;
	char *unknown;

	unknown = parse_known(c, &test_schema, "[MINE]\n A = 1\nShared=2\n",
			      0);
	assert_string_equal(unknown, "");
	assert_string_equal(c->seen, "MINE|A|1\nMINE|Shared|2\n");
}

static void test_unknown_key_and_section(void **pstate)
{
	struct collect *c = *pstate;
	char *unknown;

	unknown = parse_known(c, &test_schema,
			      "[mine]\nbakend = x\na = 1\n[nosuch]\nk1 = v\n"
			      "k2 = v\n[theirs]\nc = 3\n",
			      0);
	/* A section once, on its header line; its keys are not repeated. */
	assert_string_equal(unknown,
			    "t.conf:2: unknown key 'bakend' in section [mine]\n"
			    "t.conf:4: unknown section [nosuch]\n"
			    "t.conf:8: unknown key 'c' in section [theirs]\n");
	/* Parsing goes on past them. */
	assert_string_equal(c->seen, "mine|a|1\n");
}

static void test_unknown_then_error(void **pstate)
{
	struct collect *c = *pstate;
	char *out;

	c->reject_key = "a";
	c->reason = "bad";
	out = parse_known(c, &test_schema, "[mine]\nx = 1\na = 2\ny = 3\n",
			  EINVAL);
	/* Unknowns before the error are kept; parsing stops at it. */
	assert_string_equal(out, "t.conf:2: unknown key 'x' in section [mine]\n"
				 "error t.conf:3: bad \"2\"\n");
}

static void test_no_schema_takes_everything(void **pstate)
{
	struct collect *c = *pstate;

	parse_ok(c, "[nosuch]\nanything = 1\n");
	assert_string_equal(c->seen, "nosuch|anything|1\n");
}

/* ctdb.conf: each daemon's keys, the other's and Samba's. */
static void test_ctdb_conf_schema(void **pstate)
{
	struct collect *c = *pstate;
	struct conf_schema eventd = ctdb_conf_schema(CTDB_CONF_EVENTD);
	struct conf_schema noded = ctdb_conf_schema(CTDB_CONF_NODED);
	const char *text = "[logging]\n\tlocation = syslog\n"
			   "[cluster]\n\tbackend = local\n"
			   "\tnode address = 10.0.0.1\n\tcpg group = g\n"
			   "\trecovery lock = /x\n"
			   "[event]\n\tdebug script = d.sh\n"
			   "\thistory length = 3\n"
			   "[events]\n\tnats url = nats://h\n"
			   "[database]\n\ttdb mutexes = true\n"
			   "[legacy]\n\tscript log level = ERROR\n"
			   "[failover]\n\tdisabled = false\n";
	char *unknown;

	unknown = parse_known(c, &eventd, text, 0);
	assert_string_equal(unknown, "");
	assert_string_equal(c->seen, "logging|location|syslog\n"
				     "event|debug script|d.sh\n"
				     "event|history length|3\n"
				     "events|nats url|nats://h\n");
	c->seen[0] = '\0';
	unknown = parse_known(c, &noded, text, 0);
	assert_string_equal(unknown, "");
	assert_string_equal(c->seen, "logging|location|syslog\n"
				     "cluster|backend|local\n"
				     "cluster|node address|10.0.0.1\n"
				     "cluster|cpg group|g\n"
				     "events|nats url|nats://h\n");
	c->seen[0] = '\0';
	unknown = parse_known(c, &noded, "[cluster]\n\tbakend = corosync\n",
			      0);
	assert_string_equal(unknown,
			    "t.conf:2: unknown key 'bakend' in section "
			    "[cluster]\n");
}

/* ------------------------------------------------ [logging] */

static void test_logging_config(void **pstate)
{
	struct collect *c = *pstate;
	struct logging_config lc = { .location = NULL };
	char *reason = NULL;
	bool ok;
	int ret;

	ret = logging_config_defaults(c, &lc);
	assert_int_equal(ret, 0);
	assert_int_equal(lc.level, DEBUG_NOTICE);
	assert_true(strncmp(lc.location, "file:/", 6) == 0);
	assert_non_null(strstr(lc.location, "/log.ctdb"));

	ok = logging_config_entry(c, c, &lc, "Location", "syslog", &reason);
	assert_true(ok);
	assert_string_equal(lc.location, "syslog");
	ok = logging_config_entry(c, c, &lc, "log level", "debug", &reason);
	assert_true(ok);
	assert_int_equal(lc.level, DEBUG_DEBUG);
	/* Not a [logging] key of ours: left alone. */
	ok = logging_config_entry(c, c, &lc, "other", "x", &reason);
	assert_true(ok);
	assert_null(reason);

	ok = logging_config_entry(c, c, &lc, "location", "nowhere", &reason);
	assert_false(ok);
	assert_string_equal(reason, "invalid log location 'nowhere' "
				    "(expected file:PATH, file: or syslog)");
	assert_string_equal(lc.location, "syslog");
	ok = logging_config_entry(c, c, &lc, "log level", "LOUD", &reason);
	assert_false(ok);
	assert_string_equal(reason, "invalid log level 'LOUD' (expected "
				    "ERROR, WARNING, NOTICE, INFO or DEBUG)");
	assert_int_equal(lc.level, DEBUG_DEBUG);
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
		T(test_known_keys_go_to_their_reader),
		T(test_known_keys_ignore_case),
		T(test_unknown_key_and_section),
		T(test_unknown_then_error),
		T(test_no_schema_takes_everything),
		T(test_ctdb_conf_schema),
		T(test_logging_config),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
