/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Line-by-line reading of configuration files, shared by every parser. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/line_file.h"

char *line_file_trim(char *s)
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

char *line_file_where(TALLOC_CTX *mem_ctx, const char *name, unsigned lineno,
		      const char *fmt, ...)
{
	va_list ap;
	char *msg;
	char *out;

	va_start(ap, fmt);
	msg = talloc_vasprintf(mem_ctx, fmt, ap);
	va_end(ap);
	if (msg == NULL) {
		return NULL;
	}
	out = talloc_asprintf(mem_ctx, "%s:%u: %s", name, lineno, msg);
	talloc_free(msg);
	return out;
}

/* Hand one raw line to fn unless it is blank or a comment. */
static int feed_line(TALLOC_CTX *mem_ctx, const char *name, char *raw,
		     unsigned lineno, const char *comment_chars,
		     line_file_fn fn, void *private_data, char **errmsg)
{
	char *line = line_file_trim(raw);
	char *reason = NULL;
	int ret;

	if (line[0] == '\0' || strchr(comment_chars, line[0]) != NULL) {
		return 0;
	}
	ret = fn(mem_ctx, line, lineno, private_data, &reason);
	if (ret == 0 || reason == NULL) {
		return ret;
	}
	*errmsg = line_file_where(mem_ctx, name, lineno, "%s", reason);
	talloc_free(reason);
	return (*errmsg == NULL) ? ENOMEM : ret;
}

/* Split buf (modified in place) into lines and feed them to fn. */
static int parse_buffer(TALLOC_CTX *mem_ctx, const char *name, char *buf,
			const char *comment_chars, line_file_fn fn,
			void *private_data, char **errmsg)
{
	char *line;
	char *next;
	unsigned lineno = 0;
	int ret = 0;

	for (line = buf; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL) {
			*next++ = '\0';
		}
		lineno++;
		ret = feed_line(mem_ctx, name, line, lineno, comment_chars, fn,
				private_data, errmsg);
		if (ret != 0) {
			break;
		}
	}
	return ret;
}

int line_file_parse_text(TALLOC_CTX *mem_ctx, const char *name,
			 const char *text, const char *comment_chars,
			 line_file_fn fn, void *private_data, char **errmsg)
{
	char *copy = talloc_strdup(mem_ctx, text);
	int ret;

	if (copy == NULL) {
		return ENOMEM;
	}
	ret = parse_buffer(mem_ctx, name, copy, comment_chars, fn,
			   private_data, errmsg);
	talloc_free(copy);
	return ret;
}

int line_file_read(TALLOC_CTX *mem_ctx, const char *path, char **out)
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

int line_file_parse(TALLOC_CTX *mem_ctx, const char *path,
		    const char *comment_chars, line_file_fn fn,
		    void *private_data, char **errmsg)
{
	char *text = NULL;
	int ret;

	ret = line_file_read(mem_ctx, path, &text);
	if (ret == ENOENT) {
		return ENOENT;
	}
	if (ret != 0) {
		*errmsg = talloc_asprintf(mem_ctx, "%s: %s", path,
					  ret == EILSEQ ? "contains a NUL byte"
							: strerror(ret));
		return ret;
	}
	ret = parse_buffer(mem_ctx, path, text, comment_chars, fn,
			   private_data, errmsg);
	talloc_free(text);
	return ret;
}
