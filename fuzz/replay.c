/* SPDX-License-Identifier: GPL-3.0-or-later */
/* make check's driver for a fuzz target: replay its corpus and findings. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/fuzz.h"

/*
 * Built from the same fuzz_<target>.c as the libFuzzer binary but without
 * libFuzzer, so every configuration replays, and a sanitizer build
 * replays with ASan and UBSan. With no arguments the inputs are those of
 * $abs_top_srcdir/fuzz/corpus/<target> (must hold at least one file) and
 * fuzz/regress/<target> (inputs that once failed; may be absent). Each
 * input gets a buffer of exactly its size, as under libFuzzer, so that a
 * read past the end is seen by ASan or valgrind.
 */

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target, e.g. -DFUZZ_TARGET=\"conf\""
#endif

/* Exit status automake reports as ERROR rather than FAIL. */
#define EXIT_HARD_ERROR 99

static int replay_file(const char *path, unsigned *count)
{
	struct stat st;
	uint8_t *buf;
	size_t len;
	FILE *f;
	int ret;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return EXIT_HARD_ERROR;
	}
	ret = fstat(fileno(f), &st);
	if (ret != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		fclose(f);
		return EXIT_HARD_ERROR;
	}
	len = (size_t)st.st_size;
	/* malloc(0) may return NULL; an empty input still gets a pointer. */
	buf = malloc(len > 0 ? len : 1);
	if (buf == NULL) {
		fclose(f);
		return EXIT_HARD_ERROR;
	}
	if (len > 0 && fread(buf, 1, len, f) != len) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		fclose(f);
		return EXIT_HARD_ERROR;
	}
	fclose(f);

	printf("replay %s (%zu bytes)\n", path, len);
	fflush(stdout);
	(void)LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int dir_filter(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/*
 * Every file of dir, in name order so that logs compare across runs.
 * @return 0, ENOENT when dir does not exist (the caller decides whether
 * that matters), or EXIT_HARD_ERROR.
 */
static int replay_dir(const char *dir, unsigned *count)
{
	struct dirent **names = NULL;
	char *path;
	int n;
	int i;
	int ret = 0;

	n = scandir(dir, &names, dir_filter, alphasort);
	if (n < 0 && errno == ENOENT) {
		return ENOENT;
	}
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return EXIT_HARD_ERROR;
	}
	for (i = 0; i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]->d_name) + 2;

		path = malloc(plen);
		if (path == NULL) {
			ret = EXIT_HARD_ERROR;
		} else if (ret == 0) {
			snprintf(path, plen, "%s/%s", dir, names[i]->d_name);
			ret = replay_file(path, count);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int replay_path(const char *path, unsigned *count)
{
	struct stat st;
	int ret;

	ret = stat(path, &st);
	if (ret != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return EXIT_HARD_ERROR;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = replay_dir(path, count);
		return ret == ENOENT ? EXIT_HARD_ERROR : ret;
	}
	return replay_file(path, count);
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("abs_top_srcdir");
	char corpus[4096];
	char regress[4096];
	unsigned count = 0;
	unsigned before;
	int ret;
	int i;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			ret = replay_path(argv[i], &count);
			if (ret != 0) {
				return ret;
			}
		}
		printf("%u inputs replayed\n", count);
		return 0;
	}

	if (srcdir == NULL) {
		srcdir = FUZZ_SRCDIR;
	}
	snprintf(corpus, sizeof(corpus), "%s/fuzz/corpus/%s", srcdir,
		 FUZZ_TARGET);
	snprintf(regress, sizeof(regress), "%s/fuzz/regress/%s", srcdir,
		 FUZZ_TARGET);

	ret = replay_dir(corpus, &count);
	if (ret == ENOENT) {
		fprintf(stderr, "%s: missing seed corpus\n", corpus);
		return EXIT_HARD_ERROR;
	}
	if (ret != 0) {
		return ret;
	}
	if (count == 0) {
		fprintf(stderr, "%s: empty seed corpus\n", corpus);
		return EXIT_HARD_ERROR;
	}
	before = count;
	ret = replay_dir(regress, &count);
	if (ret != 0 && ret != ENOENT) {
		return ret;
	}
	printf("%s: %u seeds and %u regression inputs replayed\n",
	       FUZZ_TARGET, before, count - before);
	return 0;
}
