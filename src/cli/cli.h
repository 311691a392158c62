/* The command line: one table of commands (src/main.c), one file per command group. */
#ifndef CLI_CLI_H
#define CLI_CLI_H
#include <jansson.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

struct hub;
struct sqlite3;

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
/* Writes a piece of the model's text to stdout as it comes (an ai_delta_fn; ctx unused). */
int cli_print_delta(void *ctx, const char *text, size_t len);
/* Writes s to stdout with its matches (between HL_OPEN and HL_CLOSE) in bold yellow on a
   terminal (tty), between « and » otherwise. */
void cli_print_marked(const char *s, int tty);

/* A progress bar on stderr when stderr is a terminal; silent otherwise. */
void cli_progress(void *ctx, unsigned long long done, unsigned long long total, const char *current);
/* The same for things counted one by one: "[####......]  35%  1234 / 3500 passages", unit
   (a char *) naming what is counted. */
void cli_progress_count(void *unit, unsigned long long done, unsigned long long total, const char *current);
void cli_progress_end(void);

/* The arguments argv[from..argc) as one text, separated by spaces (a search, a name). */
void cli_join_args(int argc, char **argv, int from, struct buf *out);
/*
 * Takes the sub-command (the first word after the command, past a leading -w DIR) out of
 * argv, so that each sub-command parses its own options. NULL when there is none.
 */
const char *cli_take_subcommand(int *argc, char **argv);
/* Parses a non-negative integer option; -1 when it is not one. */
long long cli_parse_int(const char *s);
/* The person at the terminal: $USER, or "command line". */
const char *cli_who(void);
/* The activity log entry of a change made from the command line: by the account named $USER when
   there is one, the detail followed by "; by WHO". */
void cli_audit(struct sqlite3 *db, const char *action, const char *target, const char *detail);
/* Writes data to path, readable by its owner only (mode 0600; a temporary file, fsync, rename):
   files that hold personal data (signature lists, the filing dossier). */
int cli_write_private(const char *path, const void *data, size_t n, struct err *e);

/* Options of every command (a command allows some of them). */
enum {
	OPT_JSON = 1000,
	OPT_KIND,
	OPT_TITLE,
	OPT_LANG,
	OPT_ISSUER,
	OPT_DATE,
	OPT_URL,
	OPT_MAXSIZE,
	OPT_LIMIT,
	OPT_OFFSET,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_BATCH,
	OPT_ALL,
	OPT_PASSAGES,
	OPT_OF,
	OPT_QUERY,
	OPT_WORKSPACE,
	OPT_EXHAUSTIVE,
	OPT_LISTEN,
	OPT_MAXUPLOAD,
	OPT_THREADS,
	OPT_ROLE,
	OPT_NAME,
	OPT_ENABLE,
	OPT_ORG,
	OPT_LEVEL,
	/* campaigns and drafting: kept in a->s[] (see cli_opt) and, for repeatable ones, a->rep[] */
	OPT_GOAL,
	OPT_THEME,       /* repeatable */
	OPT_TERRITORY,
	OPT_TARGET,
	OPT_STATUS,
	OPT_START,
	OPT_END,
	OPT_CAMPAIGN,
	OPT_NOTE,
	OPT_DESCRIPTION,
	OPT_AFFECTED,
	OPT_SEVERITY,
	OPT_EVIDENCE,    /* repeatable */
	OPT_BARRIER,     /* repeatable */
	OPT_AUTHORITY,
	OPT_PRIORITY,
	OPT_FEASIBILITY,
	OPT_TYPE,
	OPT_POWER,
	OPT_INTEREST,
	OPT_POSITION,
	OPT_MEMBER,      /* repeatable */
	OPT_FROM,
	OPT_FORMAT,
	OPT_OUTPUT,      /* also -o */
	OPT_TEXT,
	OPT_FIELD,       /* repeatable: --field NAME=VALUE */
	OPT_AS,
	OPT_VERSION,
	/* petitions and their signatures */
	OPT_DRAFT,
	OPT_BY_ASSOCIATION,
	OPT_FIRST_NAME,
	OPT_LAST_NAME,
	OPT_CIN,
	OPT_ADDRESS,
	OPT_COMMUNE,
	OPT_CONTACT,
	OPT_CHANNEL,
	OPT_SHEET,
	OPT_ROW,
	OPT_RULE,
	OPT_RECEIPT,     /* petition file: the receipt number */
	OPT_FIRST,       /* petition sheets: the first sheet's number */
	OPT_COUNT,       /* petition sheets: how many sheets */
	OPT_ROWS,        /* petition sheets: rows on a sheet */
	OPT_YEAR,        /* report: the year counted */
	OPT_CSV,         /* report: print CSV (no value) */
	OPT_DOC,         /* ai: the document read */
	OPT_TO,          /* ai translate: the language */
	OPT_ITEMS,       /* ai accept: the proposals taken */
	OPT_BASE_URL,    /* ai config: the model service's address */
	OPT_CHAT_MODEL,  /* ai config */
	OPT_EMBED_MODEL, /* ai config */
	OPT_LAST_,
};

#include "hub/hub.h"

struct args {
	const char *ws;
	int json, all, passages, query, exhaustive;
	struct doc_meta meta;
	long long max_mb, limit, offset, of;
	const char *since, *until, *batch;
	const char *listen, *role, *name, *org, *level;
	long long max_upload_mb, threads;
	int enable;
	const char *s[OPT_LAST_ - 1000];            /* the last value of each option with a value */
	struct { int opt; const char *val; } rep[64]; /* every value of repeatable options, in order */
	int nrep;
	int rest; /* index of the first argument that is not an option */
	int argc; /* arguments are argv[rest..argc) after parsing */
};

/*
 * Parses argv for cmd, allowing the options in `allowed` (see ALLOW). Options may
 * come anywhere; "--" ends them; "-word" is an argument (a search exclusion).
 * Afterwards the arguments are argv[a->rest .. a->argc). Returns 0 or an exit code.
 */
int cli_parse(const char *cmd, int argc, char **argv, const char *allowed, struct args *a);
/* The value of a string option (NULL when not given); the i-th value of a repeatable one. */
const char *cli_opt(const struct args *a, int opt);
const char *cli_opt_nth(const struct args *a, int opt, int i);
#define ALLOW(...) ((const char[]){__VA_ARGS__, 0})
#define O(x) (char)((x)-1000 + 'A')


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
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_territory(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_barrier(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_stakeholder(int argc, char **argv);
int cmd_event(int argc, char **argv);
int cmd_draft(int argc, char **argv);
int cmd_petition(int argc, char **argv);
/* asurif ai: the sub-commands' table is in src/cli/ai.c (one line each). */
int cmd_ai(int argc, char **argv);
/* asurif ai embed, and the passages' vectors after documents are added (src/cli/ai_embed.c). */
int cmd_ai_embed(int argc, char **argv);
long long cli_ai_mark(struct hub *h);
void cli_ai_embed_added(struct hub *h, long long mark, int json);
int cmd_report(int argc, char **argv);
int cmd_ask(int argc, char **argv);
#endif
