#include "base/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/banned.h"

int fs_read_file(const char *path, size_t max, struct buf *out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_IO, "%s: is a folder", path);
	}
	if (max && st.st_size > 0 && (unsigned long long)st.st_size > max) {
		close(fd);
		return err_set(e, ERR_TOO_BIG, "%s: too large (%.1f MB; the limit is %.1f MB)", path,
			       (double)st.st_size / 1e6, (double)max / 1e6);
	}
	buf_reset(out);
	char chunk[65536];
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(saved));
		}
		if (r == 0)
			break;
		if ((max && out->len + (size_t)r > max) || buf_append(out, chunk, (size_t)r)) {
			close(fd);
			return err_set(e, ERR_TOO_BIG, "%s: too large (the limit is %.1f MB)", path, (double)max / 1e6);
		}
	}
	close(fd);
	if (!out->data)
		buf_append(out, "", 0);
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t n, struct err *e)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int saved = errno;
		free(tmp);
		return err_set(e, ERR_IO, "%s: cannot create: %s", path, strerror(saved));
	}
	const char *p = data;
	size_t left = n;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			unlink(tmp);
			free(tmp);
			return err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(saved));
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		int saved = errno;
		unlink(tmp);
		free(tmp);
		return err_set(e, ERR_IO, "%s: cannot save: %s", path, strerror(saved));
	}
	free(tmp);
	return 0;
}

int fs_mkdirs(const char *path, int mode, struct err *e)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) && errno != EEXIST) {
			int saved = errno;
			err_set(e, ERR_IO, "%s: cannot create folder: %s", p, strerror(saved));
			free(p);
			return ERR_IO;
		}
		*s = '/';
	}
	int r = 0;
	if (mkdir(p, (mode_t)mode) && errno != EEXIST)
		r = err_set(e, ERR_IO, "%s: cannot create folder: %s", p, strerror(errno));
	free(p);
	return r;
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int walk(const char *path, fs_walk_fn fn, void *ctx, struct err *e, int depth)
{
	struct stat st;
	if (stat(path, &st))
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? fn(path, ctx) : 0;
	if (depth > 64)
		return err_set(e, ERR_IO, "%s: folders nested too deeply", path);
	DIR *d = opendir(path);
	if (!d)
		return err_set(e, ERR_IO, "%s: cannot open folder: %s", path, strerror(errno));
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* hidden files and . .. */
		names = xgrow(names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (!r) {
			char *child = fs_join(path, names[i]);
			r = walk(child, fn, ctx, e, depth + 1);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int fs_walk(const char *path, fs_walk_fn fn, void *ctx, struct err *e)
{
	return walk(path, fn, ctx, e, 0);
}
