/* What every command shares: errors, help, the workspace, JSON and progress output. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account/account.h"
#include "base/alloc.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "base/banned.h"

int cli_error(const struct err *e)
{
	cli_progress_end();
	fprintf(stderr, "asurif: %s\n", e->msg[0] ? e->msg : "something went wrong");
	return e->code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "asurif %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'asurif %s --help'.\n", cmd);
	return EXIT_USAGE;
}

void cli_help(const char *cmd)
{
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, cmd))
			continue;
		printf("usage: %s\n\n%s\n", c->usage, c->summary);
		if (c->help && *c->help)
			printf("\nOptions:\n%s", c->help);
		printf("  -w DIR          the workspace (default: $ASURIF_WORKSPACE, else ~/.local/share/asurif)\n"
		       "  -h, --help      this help\n");
		return;
	}
	printf("asurif: '%s' is not a command. See 'asurif --help'.\n", cmd);
}

int cli_wants_help(const char *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help(cmd);
			return 1;
		}
	}
	return 0;
}

int cli_open_hub(const char *flag, struct hub **out)
{
	struct err e = ERR_INIT;
	char *dir = hub_default_dir(flag);
	int r = hub_open(dir, out, &e);
	free(dir);
	return r ? cli_error(&e) : 0;
}

void cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(v);
}

json_t *cli_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

void cli_join_args(int argc, char **argv, int from, struct buf *out)
{
	for (int i = from; i < argc; i++) {
		if (out->len)
			buf_appendc(out, ' ');
		buf_appends(out, argv[i]);
	}
}

long long cli_parse_int(const char *s)
{
	char *end = NULL;
	if (!s || !*s)
		return -1;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 0)
		return -1;
	return v;
}

/* ---- text as it comes ---- */

int cli_print_delta(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	fwrite(text, 1, len, stdout);
	fflush(stdout);
	return 0;
}

void cli_print_marked(const char *s, int tty)
{
	for (; *s; s++) {
		if (*s == HL_OPEN)
			fputs(tty ? "\033[1;33m" : "«", stdout);
		else if (*s == HL_CLOSE)
			fputs(tty ? "\033[0m" : "»", stdout);
		else
			fputc(*s, stdout);
	}
}

/* ---- progress bar ---- */

static int bar_shown;
static struct timespec bar_last;

/*
 * Shows the bar of 30 marks, its percentage (empty_pct when there is no total) and then what
 * fmt says, on standard error when it is a terminal, at most every 100 ms but always at the end.
 */
static void bar_show(unsigned long long done, unsigned long long total, int empty_pct, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bar_show(unsigned long long done, unsigned long long total, int empty_pct, const char *fmt, ...)
{
	if (!isatty(STDERR_FILENO))
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - bar_last.tv_sec) * 1000 + (now.tv_nsec - bar_last.tv_nsec) / 1000000;
	if (bar_shown && ms < 100 && done < total)
		return;
	bar_last = now;
	int width = 30, pct = total ? (int)(done * 100 / total) : empty_pct;
	if (pct > 100)
		pct = 100;
	int fill = pct * width / 100;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r\033[K[%s] %3d%%  ", bar, pct);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	bar_shown = 1;
}

void cli_progress(void *ctx, unsigned long long done, unsigned long long total, const char *current)
{
	(void)ctx;
	const char *name = current ? current : "";
	size_t len = strlen(name);
	if (len > 40)
		name += len - 40;
	bar_show(done, total, 0, "%.1f/%.1f MB  %s", (double)done / 1e6, (double)total / 1e6, name);
}

void cli_progress_count(void *unit, unsigned long long done, unsigned long long total, const char *current)
{
	(void)current;
	bar_show(done, total, 100, "%llu / %llu %s", done, total, (const char *)unit);
}

void cli_progress_end(void)
{
	if (bar_shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		bar_shown = 0;
	}
}

const char *cli_take_subcommand(int *argc, char **argv)
{
	int i = 1;
	while (i + 1 < *argc && (!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workspace")))
		i += 2;
	if (i >= *argc || argv[i][0] == '-')
		return NULL;
	const char *sub = argv[i];
	memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
	(*argc)--;
	return sub;
}

/* ---- who acts ---- */

const char *cli_who(void)
{
	const char *user = getenv("USER");
	return user && *user ? user : "command line";
}

void cli_audit(struct sqlite3 *db, const char *action, const char *target, const char *detail)
{
	struct user u;
	const char *user = getenv("USER");
	int known = user && *user && !account_user_find(db, user, &u, NULL);
	char *full = xasprintf("%s; by %s", detail, cli_who());
	account_audit(db, known ? &u : NULL, "command line", action, target, full);
	free(full);
}

/* ---- files of personal data ---- */

int cli_write_private(const char *path, const void *data, size_t n, struct err *e)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int r = err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
		free(tmp);
		return r;
	}
	const char *p = data;
	size_t left = n;
	int r = 0;
	while (left && !r) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			r = err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
		else
			p += w, left -= (size_t)w;
	}
	if (!r && fsync(fd))
		r = err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	if (close(fd) && !r)
		r = err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	if (!r && rename(tmp, path))
		r = err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}
