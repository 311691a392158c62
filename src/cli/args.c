/* The command line's options: one table for every command; each command says which it allows. */
#include <getopt.h> /* struct option, for the table of long options */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/banned.h"

static const struct option common_opts[] = {
	{"workspace", required_argument, NULL, OPT_WORKSPACE}, {"json", no_argument, NULL, OPT_JSON},
	{"kind", required_argument, NULL, OPT_KIND}, {"title", required_argument, NULL, OPT_TITLE},
	{"lang", required_argument, NULL, OPT_LANG}, {"issuer", required_argument, NULL, OPT_ISSUER},
	{"date", required_argument, NULL, OPT_DATE}, {"url", required_argument, NULL, OPT_URL},
	{"max-size", required_argument, NULL, OPT_MAXSIZE}, {"limit", required_argument, NULL, OPT_LIMIT},
	{"offset", required_argument, NULL, OPT_OFFSET}, {"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL}, {"batch", required_argument, NULL, OPT_BATCH},
	{"all", no_argument, NULL, OPT_ALL}, {"passages", no_argument, NULL, OPT_PASSAGES},
	{"of", required_argument, NULL, OPT_OF}, {"query", no_argument, NULL, OPT_QUERY},
	{"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE},
	{"listen", required_argument, NULL, OPT_LISTEN}, {"max-upload", required_argument, NULL, OPT_MAXUPLOAD},
	{"threads", required_argument, NULL, OPT_THREADS}, {"role", required_argument, NULL, OPT_ROLE},
	{"name", required_argument, NULL, OPT_NAME}, {"enable", no_argument, NULL, OPT_ENABLE},
	{"org", required_argument, NULL, OPT_ORG}, {"level", required_argument, NULL, OPT_LEVEL},
	{"goal", required_argument, NULL, OPT_GOAL}, {"theme", required_argument, NULL, OPT_THEME},
	{"territory", required_argument, NULL, OPT_TERRITORY}, {"target", required_argument, NULL, OPT_TARGET},
	{"status", required_argument, NULL, OPT_STATUS}, {"start", required_argument, NULL, OPT_START},
	{"end", required_argument, NULL, OPT_END}, {"campaign", required_argument, NULL, OPT_CAMPAIGN},
	{"note", required_argument, NULL, OPT_NOTE}, {"description", required_argument, NULL, OPT_DESCRIPTION},
	{"affected", required_argument, NULL, OPT_AFFECTED}, {"severity", required_argument, NULL, OPT_SEVERITY},
	{"evidence", required_argument, NULL, OPT_EVIDENCE}, {"barrier", required_argument, NULL, OPT_BARRIER},
	{"authority", required_argument, NULL, OPT_AUTHORITY}, {"priority", required_argument, NULL, OPT_PRIORITY},
	{"feasibility", required_argument, NULL, OPT_FEASIBILITY}, {"type", required_argument, NULL, OPT_TYPE},
	{"power", required_argument, NULL, OPT_POWER}, {"interest", required_argument, NULL, OPT_INTEREST},
	{"position", required_argument, NULL, OPT_POSITION}, {"member", required_argument, NULL, OPT_MEMBER},
	{"from", required_argument, NULL, OPT_FROM}, {"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT}, {"text", required_argument, NULL, OPT_TEXT},
	{"field", required_argument, NULL, OPT_FIELD}, {"as", required_argument, NULL, OPT_AS},
	{"version", required_argument, NULL, OPT_VERSION},
	{"draft", required_argument, NULL, OPT_DRAFT}, {"by-association", required_argument, NULL, OPT_BY_ASSOCIATION},
	{"first-name", required_argument, NULL, OPT_FIRST_NAME}, {"last-name", required_argument, NULL, OPT_LAST_NAME},
	{"cin", required_argument, NULL, OPT_CIN}, {"address", required_argument, NULL, OPT_ADDRESS},
	{"commune", required_argument, NULL, OPT_COMMUNE}, {"contact", required_argument, NULL, OPT_CONTACT},
	{"channel", required_argument, NULL, OPT_CHANNEL}, {"sheet", required_argument, NULL, OPT_SHEET},
	{"row", required_argument, NULL, OPT_ROW}, {"rule", required_argument, NULL, OPT_RULE},
	{"receipt", required_argument, NULL, OPT_RECEIPT},
	{"doc", required_argument, NULL, OPT_DOC}, {"to", required_argument, NULL, OPT_TO},
	{"items", required_argument, NULL, OPT_ITEMS},
	{"year", required_argument, NULL, OPT_YEAR}, {"csv", no_argument, NULL, OPT_CSV},
	{"first", required_argument, NULL, OPT_FIRST}, {"count", required_argument, NULL, OPT_COUNT},
	{"rows", required_argument, NULL, OPT_ROWS},
	{"base-url", required_argument, NULL, OPT_BASE_URL}, {"chat-model", required_argument, NULL, OPT_CHAT_MODEL},
	{"embed-model", required_argument, NULL, OPT_EMBED_MODEL},
	{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
};

/*
 * Parses the options in `allowed` (OPT_ codes, as letters from 'A') for cmd. Options
 * may come anywhere; "--" ends them. A single dash followed by a word ("-numérique")
 * is an argument, not an option: searches use it to exclude words.
 */
int cli_parse(const char *cmd, int argc, char **argv, const char *allowed, struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->limit = 10;
	a->of = -1;
	int out = 1;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		const char *val = NULL;
		int c = 0;
		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				argv[out++] = argv[i];
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli_help(cmd);
			exit(EXIT_OK);
		}
		if (!strcmp(arg, "-w")) {
			c = 'w';
		} else if (!strcmp(arg, "-o")) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "-o needs a file name");
			c = OPT_OUTPUT;
			val = argv[++i];
		} else if (!strncmp(arg, "--", 2)) {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			for (const struct option *o = common_opts; o->name; o++) {
				if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
					c = o->val;
					if (o->has_arg == required_argument) {
						if (eq)
							val = eq + 1;
						else if (i + 1 < argc)
							val = argv[++i];
						else
							return cli_usage_error(cmd, "%s needs a value", arg);
					} else if (eq) {
						return cli_usage_error(cmd, "%.*s takes no value", (int)len + 2, arg);
					}
					break;
				}
			}
			if (!c)
				return cli_usage_error(cmd, "unknown option %s", arg);
		} else {
			argv[out++] = arg;
			continue;
		}
		if (c == 'w') {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "-w needs a folder");
			val = argv[++i];
		}
		if (c == 'h') {
			cli_help(cmd);
			exit(EXIT_OK);
		}
		if (c >= 1000 && !strchr(allowed, c - 1000 + 'A'))
			return cli_usage_error(cmd, "the option %s does not apply here", arg);
		switch (c) {
		case 'w':
		case OPT_WORKSPACE:
			a->ws = val;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_KIND:
			a->meta.kind = val;
			break;
		case OPT_TITLE:
			a->meta.title = val;
			break;
		case OPT_LANG:
			a->meta.lang = val;
			break;
		case OPT_ISSUER:
			a->meta.issuer = val;
			break;
		case OPT_DATE:
			a->meta.date = val;
			break;
		case OPT_URL:
			a->meta.url = val;
			break;
		case OPT_MAXSIZE:
			if ((a->max_mb = cli_parse_int(val)) <= 0)
				return cli_usage_error(cmd, "--max-size wants a number of megabytes, not \"%s\"", val);
			break;
		case OPT_LIMIT:
			if ((a->limit = cli_parse_int(val)) <= 0 || a->limit > 1000)
				return cli_usage_error(cmd, "--limit wants a number from 1 to 1000, not \"%s\"", val);
			break;
		case OPT_OFFSET:
			if ((a->offset = cli_parse_int(val)) < 0)
				return cli_usage_error(cmd, "--offset wants a number, not \"%s\"", val);
			break;
		case OPT_SINCE:
			a->since = val;
			break;
		case OPT_UNTIL:
			a->until = val;
			break;
		case OPT_BATCH:
			a->batch = val;
			break;
		case OPT_ALL:
			a->all = 1;
			break;
		case OPT_PASSAGES:
			a->passages = 1;
			break;
		case OPT_OF:
			if ((a->of = cli_parse_int(val)) <= 0)
				return cli_usage_error(cmd, "--of wants a document number, not \"%s\"", val);
			break;
		case OPT_QUERY:
			a->query = 1;
			break;
		case OPT_EXHAUSTIVE:
			a->exhaustive = 1;
			break;
		case OPT_LISTEN:
			a->listen = val;
			break;
		case OPT_MAXUPLOAD:
			if ((a->max_upload_mb = cli_parse_int(val)) <= 0 || a->max_upload_mb > 4096)
				return cli_usage_error(cmd, "--max-upload wants a number of megabytes, not \"%s\"", val);
			break;
		case OPT_THREADS:
			if ((a->threads = cli_parse_int(val)) <= 0 || a->threads > 64)
				return cli_usage_error(cmd, "--threads wants a number from 1 to 64, not \"%s\"", val);
			break;
		case OPT_ROLE:
			a->role = val;
			break;
		case OPT_NAME:
			a->name = val;
			break;
		case OPT_LEVEL:
			a->level = val;
			break;
		case OPT_ORG:
			a->org = val;
			break;
		case OPT_ENABLE:
			a->enable = 1;
			break;
		case OPT_CSV:
			a->s[c - 1000] = "csv";
			break;
		default:
			if (c > OPT_LEVEL && c < OPT_LAST_) {
				a->s[c - 1000] = val;
				if (c == OPT_THEME || c == OPT_EVIDENCE || c == OPT_BARRIER || c == OPT_MEMBER ||
				    c == OPT_FIELD) {
					if (a->nrep >= (int)(sizeof(a->rep) / sizeof(a->rep[0])))
						return cli_usage_error(cmd, "too many %s options", arg);
					a->rep[a->nrep].opt = c;
					a->rep[a->nrep++].val = val;
				}
				break;
			}
			return cli_usage_error(cmd, "unknown option %s", arg);
		}
	}
	argv[out] = NULL;
	a->rest = 1;
	a->argc = out;
	return 0;
}


const char *cli_opt(const struct args *a, int opt)
{
	return opt > 1000 && opt < OPT_LAST_ ? a->s[opt - 1000] : NULL;
}

const char *cli_opt_nth(const struct args *a, int opt, int i)
{
	for (int k = 0; k < a->nrep; k++)
		if (a->rep[k].opt == opt && i-- == 0)
			return a->rep[k].val;
	return NULL;
}
