/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One component directory of scripts: names, listing, enable/disable, safety. */
#ifndef CTDB_SCRIPTDIR_SCRIPT_DIR_H
#define CTDB_SCRIPTDIR_SCRIPT_DIR_H

#include <stdbool.h>
#include <sys/stat.h>
#include <talloc.h>

struct script_entry {
	char *name;     /* shown name: the file name without ".script" */
	char *filename; /* the directory entry */
	char *path;     /* <dir>/<filename> */
};

struct script_list {
	unsigned num;
	struct script_entry *entries;
};

/*
 * A script is an entry named "NN.name.script" (CTDB >= 4.9) or "NN.name"
 * (the events.d form): two digits, a dot, then at least one character.
 * Editor and package-manager leftovers (~, .rpmnew, .rpmsave, .rpmorig,
 * .dpkg-old, .dpkg-new, .dpkg-dist, .dpkg-tmp, .swp, .bak, .orig, and our
 * own .example templates) are not scripts, whatever their prefix. Any
 * entry type counts (a dangling link or a directory too: running it
 * decides the result).
 */
bool script_filename_valid(const char *filename);

/* Display name of a valid filename (".script" dropped), on mem_ctx. */
char *script_display_name(TALLOC_CTX *mem_ctx, const char *filename);

/**
 * List the scripts of dir, sorted by file name in byte order.
 * @return 0, or the errno of opening the directory.
 */
int script_list_get(TALLOC_CTX *mem_ctx, const char *dir,
		    struct script_list **out);

/*
 * Enabled = executable (S_IXUSR), following a link as running it would;
 * a dangling link or a vanished entry is not enabled.
 */
bool script_enabled(const char *path);

/**
 * Enable (set the execute bits) or disable (clear them) the script at
 * path, a regular file with a valid script filename. A link is refused
 * (EINVAL) and never followed: lstat() first, then open() with
 * O_NOFOLLOW, so a link swapped in between is refused as well.
 * @return 0 or an errno (ENOENT: no such entry).
 */
int script_set_enabled(const char *path, bool enable);

/*
 * A name given by a client (component, event or script) may not be empty,
 * contain '/' or start with '.', so it can never leave its directory.
 */
bool script_name_safe(const char *name);

/**
 * Why a script must not run, or NULL if it may: the script or the
 * directory holding it is group- or world-writable, or owned by a user
 * other than root and us.
 */
const char *script_insecure_reason(const char *path);

/* The same, for the script at path already stat()ed (st). */
const char *script_insecure_reason_stat(const char *path,
					const struct stat *st);

#endif
