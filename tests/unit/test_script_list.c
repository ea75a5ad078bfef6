/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for script discovery: names, order, safety checks. */
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

#include "scriptdir/script_dir.h"

static char test_dir[PATH_MAX];

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_script_list.XXXXXX";
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
	TALLOC_CTX *mem = talloc_new(NULL);

	if (mem == NULL) {
		return -1;
	}
	*pstate = mem;
	return 0;
}

static int teardown(void **pstate)
{
	talloc_free(*pstate);
	return 0;
}

/* A fresh directory under the test dir. */
static char *make_dir(TALLOC_CTX *mem, const char *name)
{
	char *path;
	int ret;

	path = talloc_asprintf(mem, "%s/%s", test_dir, name);
	assert_non_null(path);
	ret = mkdir(path, 0755);
	assert_int_equal(ret, 0);
	return path;
}

static char *make_file(TALLOC_CTX *mem, const char *dir, const char *name,
		       mode_t mode)
{
	char *path;
	FILE *fp;
	int ret;

	path = talloc_asprintf(mem, "%s/%s", dir, name);
	assert_non_null(path);
	fp = fopen(path, "we");
	assert_non_null(fp);
	ret = fputs("#!/bin/sh\nexit 0\n", fp);
	assert_true(ret >= 0);
	ret = fclose(fp);
	assert_int_equal(ret, 0);
	/* Explicitly, so the umask cannot strip bits we test for. */
	ret = chmod(path, mode);
	assert_int_equal(ret, 0);
	return path;
}

static void test_filename_valid(void **pstate)
{
	const char *good[] = {
		"00.ctdb.script", "10.interface", "10.a.b.script", "99.x",
		"01.x.script", "50.samba.script", "10.a-b_c",
	};
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ok = script_filename_valid(good[i]);
		if (!ok) {
			fail_msg("\"%s\" should be a valid script name",
				 good[i]);
		}
	}
}

static void test_filename_invalid(void **pstate)
{
	const char *bad[] = {
		"README",
		"1.bad.script",
		"99.script",
		"99..script",
		"ab.x.script",
		"10.x.script~",
		"10.x~",
		"10.x.rpmnew",
		"10.x.rpmsave",
		"10.x.rpmorig",
		"10.x.dpkg-old",
		"10.x.dpkg-new",
		"10.x.dpkg-dist",
		"10.x.dpkg-tmp",
		"10.x.swp",
		"10.x.bak",
		"10.x.orig",
		"90.service-check.script.example",
		"10.x.script.rpmnew",
		"10.x.script.dpkg-old",
		".10.x",
		"10.",
		"10",
		"",
		"100.x",
		"1a.x",
		"10-x",
		"10.a/b",
	};
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = script_filename_valid(bad[i]);
		if (ok) {
			fail_msg("\"%s\" should not be a valid script name",
				 bad[i]);
		}
	}
}

static void test_display_name(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *name;

	name = script_display_name(mem, "00.ctdb.script");
	assert_string_equal(name, "00.ctdb");
	assert_ptr_equal(talloc_parent(name), mem);

	name = script_display_name(mem, "10.a.b.script");
	assert_string_equal(name, "10.a.b");

	name = script_display_name(mem, "10.interface");
	assert_string_equal(name, "10.interface");

	name = script_display_name(mem, "99.x");
	assert_string_equal(name, "99.x");

	/* Only a trailing ".script" goes. */
	name = script_display_name(mem, "10.script.x");
	assert_string_equal(name, "10.script.x");
}

static void test_list_mixed_dir(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct script_list *list = NULL;
	const char *expect_files[] = {
		"00.ctdb.script", "09.z", "10.a.b.script", "10.a.script",
		"10.dir.script", "11.dangling.script", "20.disabled.script",
		"99.x",
	};
	const char *expect_names[] = {
		"00.ctdb", "09.z", "10.a.b", "10.a", "10.dir", "11.dangling",
		"20.disabled", "99.x",
	};
	const char *junk[] = {
		"README", "10.a.script~", "10.a.script.rpmnew",
		"10.a.script.dpkg-old", "10.a.swp", ".10.hidden",
		"1.bad.script", "99.script", "10.x.orig", "10.x.bak",
	};
	char *dir = make_dir(mem, "mixed");
	char *path;
	unsigned i;
	int ret;

	/* Created in an order unlike the expected one. */
	make_file(mem, dir, "99.x", 0755);
	make_file(mem, dir, "10.a.script", 0755);
	make_file(mem, dir, "10.a.b.script", 0755);
	make_file(mem, dir, "09.z", 0755);
	make_file(mem, dir, "00.ctdb.script", 0755);
	make_file(mem, dir, "20.disabled.script", 0644);
	path = talloc_asprintf(mem, "%s/10.dir.script", dir);
	assert_non_null(path);
	ret = mkdir(path, 0755);
	assert_int_equal(ret, 0);
	path = talloc_asprintf(mem, "%s/11.dangling.script", dir);
	assert_non_null(path);
	ret = symlink("/nonexistent/target", path);
	assert_int_equal(ret, 0);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		make_file(mem, dir, junk[i], 0755);
	}

	ret = script_list_get(mem, dir, &list);
	assert_int_equal(ret, 0);
	assert_non_null(list);
	assert_int_equal(list->num,
			 sizeof(expect_files) / sizeof(expect_files[0]));
	for (i = 0; i < list->num; i++) {
		char *want_path;

		assert_string_equal(list->entries[i].filename,
				    expect_files[i]);
		assert_string_equal(list->entries[i].name, expect_names[i]);
		want_path = talloc_asprintf(mem, "%s/%s", dir,
					    expect_files[i]);
		assert_non_null(want_path);
		assert_string_equal(list->entries[i].path, want_path);
	}
	/* Everything hangs off the list. */
	talloc_free(list);
}

/* Byte order, not locale order: upper case before lower case. */
static void test_list_byte_order(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct script_list *list = NULL;
	char *dir = make_dir(mem, "order");
	int ret;

	make_file(mem, dir, "10.b", 0755);
	make_file(mem, dir, "10.B", 0755);
	make_file(mem, dir, "10.a", 0755);
	make_file(mem, dir, "10._", 0755);

	ret = script_list_get(mem, dir, &list);
	assert_int_equal(ret, 0);
	assert_int_equal(list->num, 4);
	assert_string_equal(list->entries[0].filename, "10.B");
	assert_string_equal(list->entries[1].filename, "10._");
	assert_string_equal(list->entries[2].filename, "10.a");
	assert_string_equal(list->entries[3].filename, "10.b");
}

static void test_list_empty_dir(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct script_list *list = NULL;
	char *dir = make_dir(mem, "empty");
	int ret;

	make_file(mem, dir, "README", 0644);
	ret = script_list_get(mem, dir, &list);
	assert_int_equal(ret, 0);
	assert_non_null(list);
	assert_int_equal(list->num, 0);
}

static void test_list_missing_dir(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct script_list *list = NULL;
	char *dir;
	char *file;
	int ret;

	dir = talloc_asprintf(mem, "%s/no-such-dir", test_dir);
	assert_non_null(dir);
	ret = script_list_get(mem, dir, &list);
	assert_int_equal(ret, ENOENT);
	assert_null(list);

	/* A file where the directory should be. */
	file = make_file(mem, test_dir, "not-a-dir", 0644);
	ret = script_list_get(mem, file, &list);
	assert_int_equal(ret, ENOTDIR);
	assert_null(list);
}

static void test_name_safe(void **pstate)
{
	bool ok;

	ok = script_name_safe("legacy");
	assert_true(ok);
	ok = script_name_safe("10.interface");
	assert_true(ok);
	ok = script_name_safe("a.b");
	assert_true(ok);

	ok = script_name_safe("");
	assert_false(ok);
	ok = script_name_safe(NULL);
	assert_false(ok);
	ok = script_name_safe(".x");
	assert_false(ok);
	ok = script_name_safe(".");
	assert_false(ok);
	ok = script_name_safe("..");
	assert_false(ok);
	ok = script_name_safe("a/b");
	assert_false(ok);
	ok = script_name_safe("/etc");
	assert_false(ok);
	ok = script_name_safe("a/");
	assert_false(ok);
}

static void test_insecure_modes(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *dir = make_dir(mem, "modes");
	char *path;
	const char *reason;
	int ret;

	path = make_file(mem, dir, "10.a.script", 0644);
	reason = script_insecure_reason(path);
	assert_null(reason);

	ret = chmod(path, 0755);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_null(reason);

	ret = chmod(path, 0664);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is group-writable");

	ret = chmod(path, 0775);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is group-writable");

	ret = chmod(path, 0646);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is world-writable");

	ret = chmod(path, 0757);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is world-writable");
}

/* A path that cannot be stat'ed is left to the run to report. */
static void test_insecure_missing(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *path;
	const char *reason;

	path = talloc_asprintf(mem, "%s/no-such-script", test_dir);
	assert_non_null(path);
	reason = script_insecure_reason(path);
	assert_null(reason);
}

static void test_insecure_owner(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *dir;
	char *path;
	const char *reason;
	int ret;

	if (geteuid() != 0) {
		print_message("not root: cannot chown, owner check skipped\n");
		skip();
	}
	dir = make_dir(mem, "owner");
	path = make_file(mem, dir, "10.a.script", 0755);

	/* Owned by root (and us). */
	reason = script_insecure_reason(path);
	assert_null(reason);

	ret = chown(path, 12345, -1);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is owned by another user");

	ret = chown(path, 0, -1);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_null(reason);

	/* Another group is fine as long as it cannot write. */
	ret = chown(path, 0, 12345);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_null(reason);
}

/* The directory holding a script is checked as the script is. */
static void test_insecure_dir(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *dir = make_dir(mem, "dirmodes");
	char *path;
	const char *reason;
	int ret;

	path = make_file(mem, dir, "10.a.script", 0755);
	reason = script_insecure_reason(path);
	assert_null(reason);

	ret = chmod(dir, 0775);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "directory is group-writable");

	ret = chmod(dir, 01777);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "directory is world-writable");

	/* The script's own problem is named first. */
	ret = chmod(path, 0757);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "script is world-writable");

	ret = chmod(dir, 0755);
	assert_int_equal(ret, 0);
	ret = chmod(path, 0755);
	assert_int_equal(ret, 0);
	if (geteuid() != 0) {
		return;
	}
	ret = chown(dir, 12345, -1);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_non_null(reason);
	assert_string_equal(reason, "directory is owned by another user");
	ret = chown(dir, 0, -1);
	assert_int_equal(ret, 0);
	reason = script_insecure_reason(path);
	assert_null(reason);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	int ret;

	ret = lstat(path, &st);
	assert_int_equal(ret, 0);
	return st.st_mode & 07777;
}

/* Enable sets all three execute bits, disable clears them, nothing else. */
static void test_set_enabled_modes(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *dir = make_dir(mem, "setmode");
	char *path = make_file(mem, dir, "10.a.script", 0640);
	int ret;

	ret = script_set_enabled(path, true);
	assert_int_equal(ret, 0);
	assert_int_equal(mode_of(path), 0751);
	assert_true(script_enabled(path));
	ret = script_set_enabled(path, false);
	assert_int_equal(ret, 0);
	assert_int_equal(mode_of(path), 0640);
	assert_false(script_enabled(path));
}

/*
 * A link is refused and its target left alone, whether it points at a
 * script or elsewhere; a name that is not a script is refused; a missing
 * entry is ENOENT.
 */
static void test_set_enabled_refused(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	char *dir = make_dir(mem, "setmode_bad");
	char *target = make_file(mem, dir, "README", 0644);
	char *other = make_file(mem, dir, "20.b.script~", 0644);
	char *link = talloc_asprintf(mem, "%s/30.link.script", dir);
	char *missing = talloc_asprintf(mem, "%s/40.none.script", dir);
	char *dangling = talloc_asprintf(mem, "%s/50.dangling.script", dir);
	int ret;

	assert_non_null(link);
	assert_non_null(missing);
	assert_non_null(dangling);
	ret = symlink(target, link);
	assert_int_equal(ret, 0);
	ret = symlink(missing, dangling);
	assert_int_equal(ret, 0);

	ret = script_set_enabled(link, true);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(mode_of(target), 0644);
	ret = script_set_enabled(dangling, true);
	assert_int_equal(ret, EINVAL);
	ret = script_set_enabled(other, true);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(mode_of(other), 0644);
	ret = script_set_enabled(missing, true);
	assert_int_equal(ret, ENOENT);
	/* Enabled follows a link, as running it would; dangling is not. */
	assert_false(script_enabled(dangling));
	ret = chmod(target, 0755);
	assert_int_equal(ret, 0);
	assert_true(script_enabled(link));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_filename_valid),
		T(test_filename_invalid),
		T(test_display_name),
		T(test_list_mixed_dir),
		T(test_list_byte_order),
		T(test_list_empty_dir),
		T(test_list_missing_dir),
		T(test_name_safe),
		T(test_insecure_modes),
		T(test_insecure_missing),
		T(test_insecure_owner),
		T(test_insecure_dir),
		T(test_set_enabled_modes),
		T(test_set_enabled_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
