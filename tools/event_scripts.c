/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event tool's script commands: list, enable, disable, on the filesystem. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

#include "common/logging.h"
#include "common/path.h"
#include "scriptdir/script_dir.h"
#include "tools/event_tool.h"
#include "tools/event_tool_private.h"
#include "tools/tool_format.h"

/*
 * Like CTDB's tool, these never ask the daemon: enabling an installed
 * script links it into the events directory, enabling a local script
 * sets its execute bits. Listing and changing modes go through the
 * daemon's own module (scriptdir), so both see the same scripts.
 */

/* The script pattern of CTDB >= 4.9, as the daemon uses it. */
#define SCRIPT_SUFFIX ".script"

/* Does the link at path point exactly at target (no normalisation)? */
static bool link_points_to(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t len;

	len = readlink(path, buf, sizeof(buf));
	if (len == -1 || (size_t)len >= sizeof(buf)) {
		return false;
	}
	buf[len] = '\0';
	return strcmp(buf, target) == 0;
}

static void listing_add(struct event_script_listing *listing,
			const char *name, bool enabled, bool installed)
{
	listing->line[listing->num_lines++] = (struct event_script_line) {
		.name = name,
		.enabled = enabled,
		.installed = installed,
	};
}

/*
 * The installed scripts, flagging in matched those of the events
 * directory that link to them. Both lists are sorted, so the events
 * list is walked once.
 * @return the number of events entries matched.
 */
static unsigned int list_installed(struct event_script_listing *listing,
				   const struct script_list *data,
				   const struct script_list *etc,
				   bool *matched)
{
	unsigned int count = 0;
	unsigned int i;
	unsigned int j = 0;

	for (i = 0; i < data->num; i++) {
		const struct script_entry *d = &data->entries[i];
		bool linked = false;

		while (j < etc->num) {
			const struct script_entry *e = &etc->entries[j];
			int cmp = strcmp(e->name, d->name);

			if (cmp > 0) {
				break;
			}
			j++;
			if (cmp < 0) {
				continue;
			}
			linked = link_points_to(e->path, d->path);
			if (linked) {
				matched[j - 1] = true;
				count++;
			}
			break;
		}
		listing_add(listing, d->name, linked, true);
	}
	return count;
}

/*
 * The lines of `script list`: the installed scripts (data may be NULL:
 * an embedded install may have none), a blank line, then the events
 * directory's own. @return 0 or ENOMEM.
 */
static int script_listing_build(TALLOC_CTX *mem_ctx,
				const struct script_list *data,
				const struct script_list *etc,
				struct event_script_listing *listing)
{
	unsigned int ndata = data == NULL ? 0 : data->num;
	bool *matched;
	unsigned int i;

	/* Every script once, and at most one blank line. */
	listing->line = talloc_zero_array(mem_ctx, struct event_script_line,
					  ndata + etc->num + 1);
	matched = talloc_zero_array(mem_ctx, bool, etc->num + 1);
	if (listing->line == NULL || matched == NULL) {
		return ENOMEM;
	}
	listing->num_lines = 0;
	if (data != NULL) {
		unsigned int count = list_installed(listing, data, etc,
						    matched);

		if (data->num > 0 && count != etc->num) {
			listing_add(listing, NULL, false, false);
		}
	}
	for (i = 0; i < etc->num; i++) {
		const struct script_entry *e = &etc->entries[i];

		if (matched[i]) {
			continue;
		}
		listing_add(listing, e->name, script_enabled(e->path), false);
	}
	return 0;
}

static int script_listing_print(struct event_tool_context *ctx,
				const char *component,
				const struct script_list *data,
				const struct script_list *etc)
{
	struct event_script_listing listing = { 0 };
	int ret;

	ret = script_listing_build(ctx, data, etc, &listing);
	if (ret != 0) {
		D_ERR("Memory allocation error\n");
		return 1;
	}
	return ctx->fmt->script_list(ctx->out, ctx->msg, component, &listing);
}

/* realpath() into talloc memory. @return 0 or errno. */
static int resolve_path(TALLOC_CTX *mem_ctx, const char *path, char **out)
{
	char *real;

	real = realpath(path, NULL);
	if (real == NULL) {
		return errno;
	}
	*out = talloc_strdup(mem_ctx, real);
	free(real);
	if (*out == NULL) {
		return ENOMEM;
	}
	return 0;
}

int event_tool_cmd_script_list(struct event_tool_context *ctx,
				      int argc, const char **argv)
{
	struct script_list *data_list = NULL;
	struct script_list *etc_list = NULL;
	char *data_dir;
	char *etc_dir;
	char *real_dir = NULL;
	bool ok;
	int ret;

	if (argc != 1) {
		event_tool_print_command_usage(ctx->msg, "script list");
		return 1;
	}
	ok = event_tool_component_valid(argv[0]);
	if (!ok) {
		return EINVAL;
	}

	data_dir = path_installed_events_dir(ctx, argv[0]);
	etc_dir = path_events_dir(ctx, argv[0]);
	if (data_dir == NULL || etc_dir == NULL) {
		return ENOMEM;
	}
	ret = resolve_path(ctx, data_dir, &real_dir);
	if (ret == ENOENT) {
		D_ERR("Unable to find event script installation directory: "
		      "%s\n",
		      data_dir);
		return ENOENT;
	}
	if (ret != 0) {
		return ret;
	}

	ret = script_list_get(ctx, real_dir, &data_list);
	if (ret != 0 && ret != ENOENT) {
		D_ERR("Command script list finished with result=%d\n", ret);
		return ret;
	}
	ret = script_list_get(ctx, etc_dir, &etc_list);
	if (ret != 0) {
		D_ERR("Command script list finished with result=%d\n", ret);
		return ret;
	}
	D_NOTICE("Command script list finished with result=%d\n", 0);

	return script_listing_print(ctx, argv[0], data_list, etc_list);
}

/* Set or clear the execute bits of a regular script in the events dir. */
static int event_tool_script_chmod(struct event_tool_context *ctx,
				   const char *component, const char *script,
				   const char *etc_script, bool enable)
{
	int result = script_set_enabled(etc_script, enable);

	D_NOTICE("Command script finished with result=%d\n", result);

	if (result == EINVAL) {
		fprintf(ctx->msg, "Script %s is invalid in %s\n", script,
			component);
	} else if (result == ENOENT) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
	}
	return result;
}

/*
 * <etcdir>/events/<component>/<script>.script, or <script> itself when
 * only a regular file of the events.d form "NN.name" exists.
 */
static char *events_script_path(TALLOC_CTX *mem_ctx, const char *component,
				const char *script)
{
	char *dir = path_events_dir(mem_ctx, component);
	char *path;
	char *legacy;
	struct stat st;
	int ret;

	if (dir == NULL) {
		return NULL;
	}
	path = talloc_asprintf(mem_ctx, "%s/%s" SCRIPT_SUFFIX, dir, script);
	if (path == NULL || !script_filename_valid(script)) {
		return path;
	}
	ret = lstat(path, &st);
	if (ret == 0 || errno != ENOENT) {
		return path;
	}
	legacy = talloc_asprintf(mem_ctx, "%s/%s", dir, script);
	if (legacy == NULL) {
		return NULL;
	}
	ret = lstat(legacy, &st);
	if (ret == 0 && S_ISREG(st.st_mode)) {
		return legacy;
	}
	return path;
}

/* Enable an installed script by linking it into the events directory. */
static int script_link(struct event_tool_context *ctx, const char *component,
		       const char *script, const char *etc_script)
{
	char *dir = path_installed_events_dir(ctx, component);
	char *data_script;
	char *target = NULL;
	struct stat st;
	int ret;

	data_script = talloc_asprintf(ctx, "%s/%s" SCRIPT_SUFFIX, dir, script);
	if (dir == NULL || data_script == NULL) {
		return ENOMEM;
	}
	ret = resolve_path(ctx, data_script, &target);
	if (ret == ENOENT) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
	}
	if (ret != 0) {
		return ret;
	}
	ret = stat(target, &st);
	if (ret != 0) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
		return ENOENT;
	}
	ret = symlink(target, etc_script);
	if (ret != 0) {
		fprintf(ctx->msg, "Failed to create symlink %s\n", etc_script);
		return EIO;
	}
	return 0;
}

/*
 * The script path that "script enable" and "script disable" work on, from
 * their two arguments: 1 after the usage for a wrong count, EINVAL for a
 * bad name, ENOMEM; 0 with *path on success.
 */
static int script_args_path(struct event_tool_context *ctx,
			    const char *command, int argc, const char **argv,
			    char **path)
{
	bool ok;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->msg, command);
		return 1;
	}
	ok = event_tool_names_valid(argv[0], argv[1]);
	if (!ok) {
		return EINVAL;
	}
	*path = events_script_path(ctx, argv[0], argv[1]);
	if (*path == NULL) {
		return ENOMEM;
	}
	return 0;
}

static int script_enable(struct event_tool_context *ctx, int argc,
			 const char **argv)
{
	char *etc_script = NULL;
	struct stat st;
	int ret;

	ret = script_args_path(ctx, "script enable", argc, argv, &etc_script);
	if (ret != 0) {
		return ret;
	}

	ret = lstat(etc_script, &st);
	if (ret != 0 && errno == ENOENT) {
		return script_link(ctx, argv[0], argv[1], etc_script);
	}
	if (ret != 0) {
		fprintf(ctx->msg, "Script %s does not exist\n", etc_script);
		return EINVAL;
	}
	/* A link is enabled already: it exists to be enabled. */
	if (S_ISLNK(st.st_mode)) {
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		return event_tool_script_chmod(ctx, argv[0], argv[1],
					       etc_script, true);
	}
	fprintf(ctx->msg, "Script %s is not a file or a link\n", etc_script);
	return EINVAL;
}

static int script_disable(struct event_tool_context *ctx, int argc,
			  const char **argv)
{
	char *etc_script = NULL;
	struct stat st;
	int ret;

	ret = script_args_path(ctx, "script disable", argc, argv, &etc_script);
	if (ret != 0) {
		return ret;
	}

	/* Nothing there is as disabled as it gets. */
	ret = lstat(etc_script, &st);
	if (ret != 0) {
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		ret = unlink(etc_script);
		if (ret != 0) {
			fprintf(ctx->msg, "Failed to remove symlink %s\n",
				etc_script);
			return EIO;
		}
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		return event_tool_script_chmod(ctx, argv[0], argv[1],
					       etc_script, false);
	}
	fprintf(ctx->msg, "Script %s is not a file or a link\n", etc_script);
	return EINVAL;
}

int event_tool_cmd_script_enable(struct event_tool_context *ctx, int argc,
				 const char **argv)
{
	int ret = script_enable(ctx, argc, argv);

	if (ret == 0) {
		ret = ctx->fmt->script_state(ctx->out, ctx->msg, argv[0],
					     argv[1], true);
	}
	return ret;
}

int event_tool_cmd_script_disable(struct event_tool_context *ctx, int argc,
				  const char **argv)
{
	int ret = script_disable(ctx, argc, argv);

	if (ret == 0) {
		ret = ctx->fmt->script_state(ctx->out, ctx->msg, argv[0],
					     argv[1], false);
	}
	return ret;
}
