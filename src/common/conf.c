/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small ini reader with CTDB's syntax and precise error positions. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s)) {
		s++;
	}
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1])) {
		end--;
	}
	*end = '\0';
	return s;
}

struct conf_parser {
	TALLOC_CTX *mem_ctx;
	const char *name;
	conf_entry_fn fn;
	void *private_data;
	char *section;
	char **errmsg;
};

static int conf_fail(struct conf_parser *p, unsigned lineno,
		     const char *reason)
{
	*p->errmsg = talloc_asprintf(p->mem_ctx, "%s:%u: %s", p->name, lineno,
				     reason);
	return EINVAL;
}

static int conf_parse_line(struct conf_parser *p, char *line, unsigned lineno)
{
	char *s = trim(line);
	char *eq;
	char *key;
	char *value;
	char *reason = NULL;
	bool ok;

	if (*s == '\0' || *s == '#' || *s == ';') {
		return 0;
	}
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (close == NULL || close[1] != '\0') {
			return conf_fail(p, lineno, "malformed section header");
		}
		*close = '\0';
		TALLOC_FREE(p->section);
		p->section = talloc_strdup(p->mem_ctx, trim(s + 1));
		if (p->section == NULL) {
			return ENOMEM;
		}
		if (p->section[0] == '\0') {
			return conf_fail(p, lineno, "empty section name");
		}
		return 0;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		return conf_fail(p, lineno, "expected \"key = value\"");
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (*key == '\0') {
		return conf_fail(p, lineno, "missing key before '='");
	}
	if (p->section == NULL) {
		return conf_fail(p, lineno, "key outside of a [section]");
	}
	ok = p->fn(p->mem_ctx, p->section, key, value, p->private_data,
		   &reason);
	if (!ok) {
		return conf_fail(p, lineno,
				 reason != NULL ? reason : "invalid value");
	}
	return 0;
}

int conf_parse_text(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		    conf_entry_fn fn, void *private_data, char **errmsg)
{
	struct conf_parser p = {
		.mem_ctx = mem_ctx,
		.name = name,
		.fn = fn,
		.private_data = private_data,
		.errmsg = errmsg,
	};
	char *copy = talloc_strdup(mem_ctx, text);
	char *line;
	char *next;
	unsigned lineno = 0;
	int ret = 0;

	if (copy == NULL) {
		return ENOMEM;
	}
	for (line = copy; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL) {
			*next++ = '\0';
		}
		lineno++;
		ret = conf_parse_line(&p, line, lineno);
		if (ret != 0) {
			break;
		}
	}
	talloc_free(copy);
	TALLOC_FREE(p.section);
	return ret;
}

int conf_read_file(TALLOC_CTX *mem_ctx, const char *path, char **out)
{
	FILE *f;
	char *buf;
	size_t len = 0;
	size_t n;
	char chunk[4096];
	int ret = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		return errno;
	}
	buf = talloc_strdup(mem_ctx, "");
	while (buf != NULL) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (n == 0) {
			break;
		}
		buf = talloc_realloc(mem_ctx, buf, char, len + n + 1);
		if (buf != NULL) {
			memcpy(buf + len, chunk, n);
			len += n;
			buf[len] = '\0';
		}
	}
	if (buf != NULL && ferror(f) != 0) {
		ret = errno != 0 ? errno : EIO;
	}
	(void)fclose(f);
	if (buf == NULL) {
		return ENOMEM;
	}
	if (ret == 0 && memchr(buf, '\0', len) != NULL) {
		ret = EILSEQ;
	}
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

int conf_parse_file(TALLOC_CTX *mem_ctx, const char *path, conf_entry_fn fn,
		    void *private_data, char **errmsg)
{
	char *text = NULL;
	int ret;

	ret = conf_read_file(mem_ctx, path, &text);
	if (ret == ENOENT) {
		return ENOENT;
	}
	if (ret != 0) {
		*errmsg = talloc_asprintf(mem_ctx, "%s: %s", path,
					  ret == EILSEQ ? "contains a NUL byte"
							: strerror(ret));
		return ret;
	}
	ret = conf_parse_text(mem_ctx, path, text, fn, private_data, errmsg);
	talloc_free(text);
	return ret;
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
