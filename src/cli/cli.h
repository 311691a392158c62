/* The command line: one table of commands (src/main.c), one file per command group. */
#ifndef CLI_CLI_H
#define CLI_CLI_H
#include <jansson.h>
#include <stdio.h>

#include "base/err.h"

struct hub;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;   /* one line: arguments and options */
	const char *summary; /* what it does, in plain words */
	const char *help;    /* the options, one per line */
};

extern const struct command commands[];

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Prints "asurif: message" and returns EXIT_FAIL (or EXIT_USAGE for usage errors). */
int cli_error(const struct err *e);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a command's help to stdout. */
void cli_help(const char *cmd);
/* Looks for --help/-h among argv; prints the help and returns 1 if found. */
int cli_wants_help(const char *cmd, int argc, char **argv);

/* The workspace from -w / ASURIF_WORKSPACE / the default; opens it. */
int cli_open_hub(const char *flag, struct hub **out);

/* Writes a JSON value to stdout on one line, with a newline; frees it. */
void cli_print_json(json_t *v);
/* json_string for C strings that may be NULL (-> null). */
json_t *cli_json_str(const char *s);

/* A progress bar on stderr when stderr is a terminal; silent otherwise. */
void cli_progress(void *ctx, unsigned long long done, unsigned long long total, const char *current);
void cli_progress_end(void);

/* Parses a non-negative integer option; -1 when it is not one. */
long long cli_parse_int(const char *s);

int cmd_init(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_docs(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_refs(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_analyse(int argc, char **argv);
#endif
