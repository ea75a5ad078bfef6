/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Script discovery with CTDB's naming rules, enable/disable, safety checks. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scriptdir/script_dir.h"

static const char *const leftover_suffixes[] = {
	"~",         ".rpmnew",   ".rpmsave",  ".rpmorig",
	".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-tmp",
	".swp",      ".bak",      ".orig",     ".example",
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s);
	size_t lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool script_filename_valid(const char *filename)
{
	size_t i;
	size_t len = strlen(filename);

	if (len < 4 || !isdigit((unsigned char)filename[0]) ||
	    !isdigit((unsigned char)filename[1]) || filename[2] != '.') {
		return false;
	}
	for (i = 0; i < sizeof(leftover_suffixes) / sizeof(leftover_suffixes[0]);
	     i++) {
		if (has_suffix(filename, leftover_suffixes[i])) {
			return false;
		}
	}
	/* "NN..script" and "NN.script" have no name part. */
	if (strcmp(filename + 2, ".script") == 0 ||
	    strcmp(filename + 2, "..script") == 0) {
		return false;
	}
	return strchr(filename, '/') == NULL;
}

char *script_display_name(TALLOC_CTX *mem_ctx, const char *filename)
{
	size_t len = strlen(filename);

	if (has_suffix(filename, ".script")) {
		len -= strlen(".script");
	}
	return talloc_strndup(mem_ctx, filename, len);
}

static int script_entry_cmp(const void *a, const void *b)
{
	const struct script_entry *ea = a;
	const struct script_entry *eb = b;

	return strcmp(ea->filename, eb->filename);
}

/*
 * "dir/filename" without printf: the list is built for every event run,
 * and talloc_asprintf (formatting twice, to size and to fill) was the
 * largest part of it.
 */
static char *script_path(TALLOC_CTX *mem_ctx, const char *dir,
			 const char *filename)
{
	size_t ld = strlen(dir);
	size_t lf = strlen(filename);
	char *path;

	path = talloc_size(mem_ctx, ld + 1 + lf + 1);
	if (path == NULL) {
		return NULL;
	}
	memcpy(path, dir, ld);
	path[ld] = '/';
	memcpy(path + ld + 1, filename, lf + 1);
	talloc_set_name_const(path, path);
	return path;
}

/*
 * *capacity is the allocated length of list->entries. It doubles, so a
 * directory of n scripts costs log n reallocations, not n (each of
 * which moved every earlier entry).
 */
static int script_list_add(struct script_list *list, unsigned *capacity,
			   const char *dir, const char *filename)
{
	struct script_entry *e;

	if (list->num == *capacity) {
		unsigned want = *capacity == 0 ? 16 : *capacity * 2;
		struct script_entry *entries;

		entries = talloc_realloc(list, list->entries,
					 struct script_entry, want);
		if (entries == NULL) {
			return ENOMEM;
		}
		list->entries = entries;
		*capacity = want;
	}
	e = &list->entries[list->num];
	e->filename = talloc_strdup(list->entries, filename);
	e->name = script_display_name(list->entries, filename);
	e->path = script_path(list->entries, dir, filename);
	if (e->filename == NULL || e->name == NULL || e->path == NULL) {
		return ENOMEM;
	}
	list->num++;
	return 0;
}

int script_list_get(TALLOC_CTX *mem_ctx, const char *dir,
		    struct script_list **out)
{
	struct script_list *list;
	struct dirent *de;
	unsigned capacity = 0;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (d == NULL) {
		return errno;
	}
	list = talloc_zero(mem_ctx, struct script_list);
	if (list == NULL) {
		closedir(d);
		return ENOMEM;
	}
	while ((de = readdir(d)) != NULL) {
		bool valid = script_filename_valid(de->d_name);

		if (!valid) {
			continue;
		}
		ret = script_list_add(list, &capacity, dir, de->d_name);
		if (ret != 0) {
			break;
		}
	}
	closedir(d);
	if (ret != 0) {
		talloc_free(list);
		return ret;
	}
	if (list->num > 1) {
		qsort(list->entries, list->num, sizeof(struct script_entry),
		      script_entry_cmp);
	}
	*out = list;
	return 0;
}

bool script_enabled(const char *path)
{
	struct stat st;
	int ret;

	ret = stat(path, &st);
	return ret == 0 && (st.st_mode & S_IXUSR) != 0;
}

/* chmod of the open file: the execute bits set or cleared, nothing else. */
static int script_fchmod_x(int fd, bool enable)
{
	const mode_t xbits = S_IXUSR | S_IXGRP | S_IXOTH;
	struct stat st;
	mode_t mode;
	int ret;

	ret = fstat(fd, &st);
	if (ret != 0) {
		return errno;
	}
	mode = st.st_mode & 07777;
	mode = enable ? (mode | xbits) : (mode & ~xbits);
	ret = fchmod(fd, mode);
	if (ret != 0) {
		return errno;
	}
	return 0;
}

int script_set_enabled(const char *path, bool enable)
{
	const char *slash = strrchr(path, '/');
	const char *filename = slash == NULL ? path : slash + 1;
	struct stat st;
	int fd;
	int ret;

	ret = lstat(path, &st);
	if (ret != 0) {
		return errno;
	}
	/* A link's target is not ours to change; nor is a non-script. */
	if (!script_filename_valid(filename) || S_ISLNK(st.st_mode)) {
		return EINVAL;
	}
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		/* O_NOFOLLOW met a link that replaced the file: ELOOP. */
		return errno == ELOOP ? EINVAL : errno;
	}
	ret = script_fchmod_x(fd, enable);
	close(fd);
	return ret;
}

bool script_name_safe(const char *name)
{
	return name != NULL && name[0] != '\0' && name[0] != '.' &&
	       strchr(name, '/') == NULL;
}

/*
 * Whoever may write the component directory may add, replace or link
 * scripts in it, so it gets the same rules as a script. Only the
 * directory holding the entry is checked, not its parents.
 */
static const char *dir_insecure_reason(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;
	size_t len;
	int ret;

	if (slash == NULL) {
		return NULL;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= sizeof(dir)) {
		return NULL;
	}
	memcpy(dir, path, len);
	dir[len] = '\0';
	ret = stat(dir, &st);
	if (ret != 0) {
		return NULL; /* the script's own stat reports the error */
	}
	if ((st.st_mode & S_IWOTH) != 0) {
		return "directory is world-writable";
	}
	if ((st.st_mode & S_IWGRP) != 0) {
		return "directory is group-writable";
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		return "directory is owned by another user";
	}
	return NULL;
}

const char *script_insecure_reason(const char *path)
{
	struct stat st;
	int ret;

	ret = stat(path, &st);
	if (ret != 0) {
		return NULL; /* running it reports the error */
	}
	return script_insecure_reason_stat(path, &st);
}

const char *script_insecure_reason_stat(const char *path,
					const struct stat *st)
{
	if ((st->st_mode & S_IWOTH) != 0) {
		return "script is world-writable";
	}
	if ((st->st_mode & S_IWGRP) != 0) {
		return "script is group-writable";
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		return "script is owned by another user";
	}
	return dir_insecure_reason(path);
}
