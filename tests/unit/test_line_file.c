/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the line-file reader shared by the configuration parsers. */
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

#include "common/line_file.h"

static char test_dir[PATH_MAX];

/* What the callback saw, "<lineno>:<line>\n" per line, and how to fail. */
struct seen {
	char *lines;
	unsigned fail_at;   /* fail on this line number (0: never) */
	int fail_ret;       /* with this errno ... */
	const char *reason; /* ... and this reason (NULL: none) */
};

static int seen_fn(TALLOC_CTX *mem_ctx, char *line, unsigned lineno,
		   void *private_data, char **reason)
{
	struct seen *s = private_data;

	s->lines = talloc_asprintf_append(s->lines, "%u:%s\n", lineno, line);
	assert_non_null(s->lines);
	/* The line is the callback's to cut up. */
	line[0] = 'X';
	if (lineno != s->fail_at) {
		return 0;
	}
	if (s->reason != NULL) {
		*reason = talloc_strdup(mem_ctx, s->reason);
		assert_non_null(*reason);
	}
	return s->fail_ret;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_line_file.XXXXXX";
	char *dir = mkdtemp(tmpl);

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
	struct seen *s = talloc_zero(NULL, struct seen);

	if (s == NULL) {
		return -1;
	}
	s->lines = talloc_strdup(s, "");
	if (s->lines == NULL) {
		talloc_free(s);
		return -1;
	}
	*pstate = s;
	return 0;
}

static int teardown(void **pstate)
{
	talloc_free(*pstate);
	return 0;
}

static char *write_file(TALLOC_CTX *mem, const char *name, const char *text,
			size_t len)
{
	char *path = talloc_asprintf(mem, "%s/%s", test_dir, name);
	FILE *fp;
	size_t n;
	int ret;

	assert_non_null(path);
	fp = fopen(path, "we");
	assert_non_null(fp);
	n = fwrite(text, 1, len, fp);
	assert_int_equal(n, len);
	ret = fclose(fp);
	assert_int_equal(ret, 0);
	return path;
}

static void test_trims_and_numbers_lines(void **pstate)
{
	struct seen *s = *pstate;
	const char *text = "  a b  \n\tc\r\n\n   \nd";
	char *errmsg = NULL;
	int ret;

	ret = line_file_parse_text(s, "t", text, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, 0);
	assert_null(errmsg);
	/* Blank lines are skipped but still counted; CR is white space. */
	assert_string_equal(s->lines, "1:a b\n2:c\n5:d\n");
}

static void test_comment_characters(void **pstate)
{
	struct seen *s = *pstate;
	const char *text = "# one\n ; two\n\t#three\nk = v # not a comment\n";
	char *errmsg = NULL;
	int ret;

	ret = line_file_parse_text(s, "t", text, "#;", seen_fn, s, &errmsg);
	assert_int_equal(ret, 0);
	assert_string_equal(s->lines, "4:k = v # not a comment\n");

	/* ';' is an ordinary character unless the caller names it. */
	s->lines[0] = '\0';
	ret = line_file_parse_text(s, "t", text, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, 0);
	assert_string_equal(s->lines, "2:; two\n4:k = v # not a comment\n");
}

static void test_text_is_not_modified(void **pstate)
{
	struct seen *s = *pstate;
	const char text[] = "abc\ndef\n";
	char *errmsg = NULL;
	int ret;

	ret = line_file_parse_text(s, "t", text, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, 0);
	assert_string_equal(text, "abc\ndef\n");
}

static void test_reason_names_file_and_line(void **pstate)
{
	struct seen *s = *pstate;
	char *errmsg = NULL;
	int ret;

	s->fail_at = 3;
	s->fail_ret = ERANGE;
	s->reason = "too big";
	ret = line_file_parse_text(s, "f.conf", "a\n\nb\nc\n", "#", seen_fn,
				   s, &errmsg);
	/* The callback's errno is kept, and parsing stops at the line. */
	assert_int_equal(ret, ERANGE);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, "f.conf:3: too big");
	assert_string_equal(s->lines, "1:a\n3:b\n");
}

static void test_errno_without_reason(void **pstate)
{
	struct seen *s = *pstate;
	char *errmsg = NULL;
	int ret;

	s->fail_at = 1;
	s->fail_ret = ENOMEM;
	ret = line_file_parse_text(s, "f", "a\nb\n", "#", seen_fn, s,
				   &errmsg);
	assert_int_equal(ret, ENOMEM);
	assert_null(errmsg);
}

static void test_where(void **pstate)
{
	struct seen *s = *pstate;
	char *msg;

	msg = line_file_where(s, "/etc/x", 12, "unknown key '%s'", "k");
	assert_non_null(msg);
	assert_string_equal(msg, "/etc/x:12: unknown key 'k'");
}

static void test_file_ok(void **pstate)
{
	struct seen *s = *pstate;
	const char text[] = "# c\nfirst\n second \n";
	char *errmsg = NULL;
	char *path;
	int ret;

	path = write_file(s, "ok", text, sizeof(text) - 1);
	ret = line_file_parse(s, path, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, 0);
	assert_null(errmsg);
	assert_string_equal(s->lines, "2:first\n3:second\n");
}

static void test_file_error_names_path(void **pstate)
{
	struct seen *s = *pstate;
	const char text[] = "a\nb\n";
	char *errmsg = NULL;
	char *path;
	char *expect;
	int ret;

	path = write_file(s, "bad", text, sizeof(text) - 1);
	s->fail_at = 2;
	s->fail_ret = EINVAL;
	s->reason = "bad line";
	ret = line_file_parse(s, path, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, EINVAL);
	expect = talloc_asprintf(s, "%s:2: bad line", path);
	assert_non_null(expect);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, expect);
}

static void test_file_missing(void **pstate)
{
	struct seen *s = *pstate;
	char *errmsg = NULL;
	char *path = talloc_asprintf(s, "%s/none", test_dir);
	int ret;

	assert_non_null(path);
	ret = line_file_parse(s, path, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, ENOENT);
	assert_null(errmsg);
	assert_string_equal(s->lines, "");
}

/* A directory cannot be read as a file, even by root. */
static void test_file_unreadable(void **pstate)
{
	struct seen *s = *pstate;
	char *errmsg = NULL;
	char *path = talloc_asprintf(s, "%s/adir", test_dir);
	char *expect;
	int ret;

	assert_non_null(path);
	ret = mkdir(path, 0755);
	assert_int_equal(ret, 0);
	ret = line_file_parse(s, path, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, EISDIR);
	expect = talloc_asprintf(s, "%s: %s", path, strerror(EISDIR));
	assert_non_null(expect);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, expect);
	assert_string_equal(s->lines, "");
}

static void test_file_nul_byte(void **pstate)
{
	struct seen *s = *pstate;
	const char text[] = "a\nb\0c\n";
	char *errmsg = NULL;
	char *path;
	char *expect;
	char *buf = NULL;
	int ret;

	path = write_file(s, "nul", text, sizeof(text) - 1);
	ret = line_file_parse(s, path, "#", seen_fn, s, &errmsg);
	assert_int_equal(ret, EILSEQ);
	expect = talloc_asprintf(s, "%s: contains a NUL byte", path);
	assert_non_null(expect);
	assert_non_null(errmsg);
	assert_string_equal(errmsg, expect);
	assert_string_equal(s->lines, "");
	ret = line_file_read(s, path, &buf);
	assert_int_equal(ret, EILSEQ);
	assert_null(buf);
}

/* Longer than the reader's chunk, so it is read in several pieces. */
static void test_read_large_file(void **pstate)
{
	struct seen *s = *pstate;
	size_t len = 3 * 4096 + 17;
	char *text = talloc_size(s, len + 1);
	char *buf = NULL;
	char *path;
	int ret;

	assert_non_null(text);
	memset(text, 'x', len);
	text[len] = '\0';
	path = write_file(s, "large", text, len);
	ret = line_file_read(s, path, &buf);
	assert_int_equal(ret, 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	assert_string_equal(buf, text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_trims_and_numbers_lines),
		T(test_comment_characters),
		T(test_text_is_not_modified),
		T(test_reason_names_file_and_line),
		T(test_errno_without_reason),
		T(test_where),
		T(test_file_ok),
		T(test_file_error_names_path),
		T(test_file_missing),
		T(test_file_unreadable),
		T(test_file_nul_byte),
		T(test_read_large_file),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
