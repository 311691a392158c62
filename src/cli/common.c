/* What every command shares: errors, help, the workspace, JSON and progress output. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* ---- progress bar ---- */

static int bar_shown;
static struct timespec bar_last;

void cli_progress(void *ctx, unsigned long long done, unsigned long long total, const char *current)
{
	(void)ctx;
	if (!isatty(STDERR_FILENO))
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - bar_last.tv_sec) * 1000 + (now.tv_nsec - bar_last.tv_nsec) / 1000000;
	if (bar_shown && ms < 100 && done < total)
		return;
	bar_last = now;
	int width = 30, pct = total ? (int)(done * 100 / total) : 0;
	if (pct > 100)
		pct = 100;
	int fill = pct * width / 100;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	const char *name = current ? current : "";
	size_t len = strlen(name);
	if (len > 40)
		name += len - 40;
	fprintf(stderr, "\r\033[K[%s] %3d%%  %.1f/%.1f MB  %s", bar, pct, (double)done / 1e6, (double)total / 1e6, name);
	fflush(stderr);
	bar_shown = 1;
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
