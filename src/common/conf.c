/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small ini reader with CTDB's syntax and precise error positions. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/line_file.h"

struct conf_parser {
	const char *name;
	const struct conf_schema *schema; /* NULL: every key goes to fn */
	struct conf_unknown *unknown;
	conf_entry_fn fn;
	void *private_data;
	char *section;
	bool section_known;
};

static bool section_known(const struct conf_schema *schema,
			  const char *section)
{
	size_t i;

	for (i = 0; i < schema->num_keys; i++) {
		if (strcasecmp(schema->keys[i].section, section) == 0) {
			return true;
		}
	}
	return false;
}

/* @return the bits of the programs that read section/key, 0 if none. */
static unsigned key_readers(const struct conf_schema *schema,
			    const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < schema->num_keys; i++) {
		const struct conf_known_key *k = &schema->keys[i];

		if (strcasecmp(k->section, section) == 0 &&
		    strcasecmp(k->key, key) == 0) {
			return k->readers;
		}
	}
	return 0;
}

static int add_unknown(TALLOC_CTX *mem_ctx, struct conf_parser *p,
		       unsigned lineno, const char *what)
{
	struct conf_unknown *u = p->unknown;
	char **lines;

	lines = talloc_realloc(mem_ctx, u->lines, char *, u->num + 1);
	if (lines == NULL) {
		return ENOMEM;
	}
	u->lines = lines;
	lines[u->num] = line_file_where(lines, p->name, lineno, "%s", what);
	if (lines[u->num] == NULL) {
		return ENOMEM;
	}
	u->num += 1;
	return 0;
}

static int conf_section_line(TALLOC_CTX *mem_ctx, struct conf_parser *p,
			     char *s, unsigned lineno, char **reason)
{
	char *close = strchr(s, ']');
	char *what;
	int ret;

	if (close == NULL || close[1] != '\0') {
		*reason = talloc_strdup(mem_ctx, "malformed section header");
		return EINVAL;
	}
	*close = '\0';
	TALLOC_FREE(p->section);
	p->section = talloc_strdup(mem_ctx, line_file_trim(s + 1));
	if (p->section == NULL) {
		return ENOMEM;
	}
	if (p->section[0] == '\0') {
		*reason = talloc_strdup(mem_ctx, "empty section name");
		return EINVAL;
	}
	p->section_known = (p->schema == NULL) ||
			   section_known(p->schema, p->section);
	if (p->section_known) {
		return 0;
	}
	what = talloc_asprintf(mem_ctx, "unknown section [%s]", p->section);
	if (what == NULL) {
		return ENOMEM;
	}
	ret = add_unknown(mem_ctx, p, lineno, what);
	talloc_free(what);
	return ret;
}

/*
 * Keys of an unknown section were reported with the section; keys of the
 * other programs are theirs to check.
 */
static int conf_check_key(TALLOC_CTX *mem_ctx, struct conf_parser *p,
			  const char *key, unsigned lineno, bool *mine)
{
	unsigned readers;
	char *what;
	int ret;

	*mine = true;
	if (p->schema == NULL) {
		return 0;
	}
	*mine = false;
	if (!p->section_known) {
		return 0;
	}
	readers = key_readers(p->schema, p->section, key);
	if (readers != 0) {
		*mine = (readers & p->schema->reader) != 0;
		return 0;
	}
	what = talloc_asprintf(mem_ctx, "unknown key '%s' in section [%s]",
			       key, p->section);
	if (what == NULL) {
		return ENOMEM;
	}
	ret = add_unknown(mem_ctx, p, lineno, what);
	talloc_free(what);
	return ret;
}

static int conf_parse_line(TALLOC_CTX *mem_ctx, char *s, unsigned lineno,
			   void *private_data, char **reason)
{
	struct conf_parser *p = private_data;
	char *eq;
	char *key;
	char *value;
	bool mine = false;
	bool ok;
	int ret;

	if (*s == '[') {
		return conf_section_line(mem_ctx, p, s, lineno, reason);
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		*reason = talloc_strdup(mem_ctx, "expected \"key = value\"");
		return EINVAL;
	}
	*eq = '\0';
	key = line_file_trim(s);
	value = line_file_trim(eq + 1);
	if (*key == '\0') {
		*reason = talloc_strdup(mem_ctx, "missing key before '='");
		return EINVAL;
	}
	if (p->section == NULL) {
		*reason = talloc_strdup(mem_ctx, "key outside of a [section]");
		return EINVAL;
	}
	ret = conf_check_key(mem_ctx, p, key, lineno, &mine);
	if (ret != 0 || !mine) {
		return ret;
	}
	ok = p->fn(mem_ctx, p->section, key, value, p->private_data, reason);
	if (!ok && *reason == NULL) {
		*reason = talloc_strdup(mem_ctx, "invalid value");
	}
	return ok ? 0 : EINVAL;
}

/* text == NULL: read the file name. */
static int conf_parse(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		      const struct conf_schema *schema,
		      struct conf_unknown *unknown, conf_entry_fn fn,
		      void *private_data, char **errmsg)
{
	struct conf_parser p = {
		.name = name,
		.schema = schema,
		.unknown = unknown,
		.fn = fn,
		.private_data = private_data,
	};
	int ret;

	if (text == NULL) {
		ret = line_file_parse(mem_ctx, name, "#;", conf_parse_line, &p,
				      errmsg);
	} else {
		ret = line_file_parse_text(mem_ctx, name, text, "#;",
					   conf_parse_line, &p, errmsg);
	}
	TALLOC_FREE(p.section);
	return ret;
}

int conf_parse_text_known(TALLOC_CTX *mem_ctx, const char *name,
			  const char *text, const struct conf_schema *schema,
			  struct conf_unknown *unknown, conf_entry_fn fn,
			  void *private_data, char **errmsg)
{
	return conf_parse(mem_ctx, name, text, schema, unknown, fn,
			  private_data, errmsg);
}

int conf_parse_file_known(TALLOC_CTX *mem_ctx, const char *path,
			  const struct conf_schema *schema,
			  struct conf_unknown *unknown, conf_entry_fn fn,
			  void *private_data, char **errmsg)
{
	return conf_parse(mem_ctx, path, NULL, schema, unknown, fn,
			  private_data, errmsg);
}

int conf_parse_text(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		    conf_entry_fn fn, void *private_data, char **errmsg)
{
	return conf_parse_text_known(mem_ctx, name, text, NULL, NULL, fn,
				     private_data, errmsg);
}

int conf_parse_file(TALLOC_CTX *mem_ctx, const char *path, conf_entry_fn fn,
		    void *private_data, char **errmsg)
{
	return conf_parse_file_known(mem_ctx, path, NULL, NULL, fn,
				     private_data, errmsg);
}

int conf_read_file(TALLOC_CTX *mem_ctx, const char *path, char **out)
{
	return line_file_read(mem_ctx, path, out);
}

bool conf_parse_uint(const char *value, unsigned long max,
		     unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	if (value == NULL || !isdigit((unsigned char)value[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || v > max) {
		return false;
	}
	*out = v;
	return true;
}
