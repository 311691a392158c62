/*
 * A scratch folder for a unit test's files: made under $TMPROOT, else $TMPDIR, else /tmp,
 * and removed at the end unless ASURIF_KEEP_TMP is set (then its path is printed). Shared
 * by the test files that write files (each test file is its own program: static functions).
 */
#ifndef TESTS_UNIT_TMPDIR_H
#define TESTS_UNIT_TMPDIR_H
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/alloc.h"

/* A new folder named PREFIX.XXXXXX (the caller frees the path), or NULL after a message. */
static inline char *tmpdir_make(const char *prefix)
{
	const char *base = getenv("TMPROOT");
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	char *dir = xasprintf("%s/%s.XXXXXX", base, prefix);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "cannot make a folder under %s: %s\n", base, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static inline int tmpdir_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the folder and everything in it (or keeps it, see above), and frees dir. */
static inline void tmpdir_remove(char *dir)
{
	if (!dir)
		return;
	if (getenv("ASURIF_KEEP_TMP"))
		fprintf(stderr, "files kept in %s\n", dir);
	else
		nftw(dir, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}
#endif
