/* Files: whole-file reads with a size cap, atomic writes, directory walks. */
#ifndef BASE_FS_H
#define BASE_FS_H
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Reads path into out (replacing its contents); ERR_TOO_BIG past max bytes (0 = no cap). */
int fs_read_file(const char *path, size_t max, struct buf *out, struct err *e);
/* Writes data to path through a temporary file and rename, with fsync. */
int fs_write_atomic(const char *path, const void *data, size_t n, struct err *e);
/* mkdir -p; mode for the created directories. */
int fs_mkdirs(const char *path, int mode, struct err *e);
int fs_is_dir(const char *path);
int fs_exists(const char *path);
/* Joins two path parts with one '/'; caller frees. */
char *fs_join(const char *a, const char *b);

/* Calls fn for every regular file under path (or path itself), sorted by name. */
typedef int (*fs_walk_fn)(const char *file, void *ctx);
int fs_walk(const char *path, fs_walk_fn fn, void *ctx, struct err *e);
#endif
