/*
 * asurif: the advocacy workbench. This file is the table of commands; each
 * command lives in src/cli/ and calls the core modules.
 */
#include <curl/curl.h>
#include <locale.h>
#include <malloc.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "export/doc.h"
#include "base/banned.h"

#define ASURIF_VERSION "0.1.0"

const struct command commands[] = {
	{"init", cmd_init, "asurif init DIR", "Create a workspace in DIR.", ""},
	{"add", cmd_add, "asurif add PATH... [options]",
	 "Add documents to the knowledge hub: files or whole folders (PDF, DOCX, ODT, HTML, Markdown, text; a .jsonl "
	 "file holds one document per line).",
	 "  --kind K        law, organic-law, decree, circular, budget, plan, report, study, minutes, petition, other\n"
	 "  --title T       the title (otherwise taken from the document)\n"
	 "  --lang L        ar, fr or en (otherwise guessed from the text)\n"
	 "  --issuer I      who issued it (ministry, council...)\n"
	 "  --date D        its date, YYYY-MM-DD\n"
	 "  --url U         where it was published\n"
	 "  --max-size MB   refuse files larger than this (default 100)\n"
	 "  --json          print the outcome as JSON\n"},
	{"search", cmd_search, "asurif search QUERY [options]",
	 "Search the hub. Words are ranked by relevance; \"exact phrase\", -exclude, prefix* are understood.",
	 "  --limit N       results per page (default 10)\n"
	 "  --offset N      skip the first N results\n"
	 "  --all           only passages containing every word\n"
	 "  --exhaustive    score every matching passage (slower, same results: to verify the ranking)\n"
	 "  --kind K  --lang L  --issuer I  --since YYYY-MM-DD  --until YYYY-MM-DD   filters\n"
	 "  --batch FILE    one query per line (- for standard input); prints one JSON line per query\n"
	 "  --json          print results as JSON\n"},
	{"docs", cmd_docs, "asurif docs [--json]", "List the documents in the hub.", "  --json          print as JSON\n"},
	{"show", cmd_show, "asurif show DOC_ID [--passages] [--json]", "Show a document's details.",
	 "  --passages      also print its passages, with page and article\n"
	 "  --json          print as JSON\n"},
	{"rm", cmd_rm, "asurif rm DOC_ID...", "Remove documents from the hub.", ""},
	{"refs", cmd_refs, "asurif refs KEY [--json] | asurif refs --of DOC_ID [--json]",
	 "List the passages citing a law, decree, dahir, circular or article; or what a document cites.",
	 "  KEY             113.14, organic-law:113.14, \"loi n° 31-13\", \"المادة 12\"...\n"
	 "  --of DOC_ID     what this document cites\n"
	 "  --json          print as JSON\n"},
	{"reindex", cmd_reindex, "asurif reindex", "Rebuild the search index and the references (after an update).", ""},
	{"check", cmd_check, "asurif check [--json]",
	 "Check the database, the search index and the stored files. Exits 1 if anything is wrong.",
	 "  --json          print the report as JSON\n"},
	{"backup", cmd_backup, "asurif backup FILE", "Copy the database to FILE, safely, even while it is in use.", ""},
	{"analyse", cmd_analyse, "asurif analyse TEXT [--query] [--lang L] [--json]",
	 "Show the search terms a text gives (to understand why a search finds something or not).",
	 "  --query         analyse it as a search would\n"
	 "  --lang L        fr or en: how to treat Latin words (default fr)\n"
	 "  --json          print as JSON\n"},
	{"serve", cmd_serve, "asurif serve [--listen ADDRESS:PORT] [options]",
	 "Serve the web application (by default on http://127.0.0.1:8080/, this computer only).",
	 "  --listen A:P     address and port (default 127.0.0.1:8080; 0.0.0.0:8080 opens it to the network)\n"
	 "  --max-upload MB  largest upload (default 100)\n"
	 "  --threads N      requests served at once (default: the number of cores)\n"},
	{"user", cmd_user,
	 "asurif user add LOGIN --role ROLE [--name NAME] [--org ORG] | list | passwd LOGIN | disable LOGIN | role LOGIN "
	 "ROLE | org LOGIN [ORG]",
	 "Manage the people who can sign in. Passwords are typed (or read from standard input), never given as arguments.",
	 "  --role R        admin, coordinator, member or viewer\n"
	 "  --name N        the person's name\n"
	 "  --org O         the association or organisation they belong to (made if new)\n"
	 "  --enable        with disable: let the person sign in again\n"
	 "  --json          with list: print as JSON\n"},
	{"territory", cmd_territory, "asurif territory [NAME] [--level region|province|commune] [--limit N] [--json]",
	 "Find Morocco's regions, provinces and communes by name (Arabic or French), with their 2024 population.",
	 "  --level L       only regions, provinces (and prefectures) or communes\n"
	 "  --limit N       how many (default 10), the most populated first\n"
	 "  --json          print as JSON\n"},
	{"campaign", cmd_campaign,
	 "asurif campaign new --title T [options] | list | show ID | edit ID [options] | rm ID | export ID [-o FILE] | "
	 "import FILE | theme add KEY --name NAME [--lang L] | theme list",
	 "Campaigns: the case file of an advocacy campaign (goal, themes, territory, evidence, barriers, "
	 "recommendations, stakeholders, timeline).",
	 "  --title T       the campaign's title (needed for new)\n"
	 "  --goal G        what the campaign wants to obtain\n"
	 "  --theme TH      training, finance, procurement or a theme of the workspace (repeat for several)\n"
	 "  --level L       commune, province, region or national\n"
	 "  --territory C   the code of the commune, province or region (see: asurif territory NAME)\n"
	 "  --target T      the authority addressed, e.g. \"مجلس جماعة أزيلال\"\n"
	 "  --org NAME      the lead organisation\n"
	 "  --start D  --end D   dates, YYYY-MM-DD\n"
	 "  --status S      preparing, active, won or closed\n"
	 "  --member LOGIN[:ROLE]  a person taking part: lead, member or observer (none takes them out)\n"
	 "  -o FILE         with export: write to FILE (the case file as JSON, for another workspace)\n"
	 "  --name N  --lang L   with theme add: the theme's name (in ar, fr or en; all three for a new theme)\n"
	 "  --json          print as JSON (new prints {\"id\": N}; show prints the whole case file)\n"},
	{"evidence", cmd_evidence,
	 "asurif evidence pin PASSAGE_ID --campaign C [--note N] | list --campaign C | note ID --note N | rm ID",
	 "The evidence board: passages of the hub pinned to a campaign, with a note. A copy of each passage is kept.",
	 "  --campaign C    the campaign's number\n"
	 "  --note N        why this passage matters\n"
	 "  --json          print as JSON\n"},
	{"barrier", cmd_barrier,
	 "asurif barrier add --campaign C --title T [options] | list --campaign C | edit ID [options] | rm ID",
	 "Barriers: what blocks the people the campaign is for, with the evidence that shows it.",
	 "  --title T       the barrier in a few words\n"
	 "  --description D what happens, in more words\n"
	 "  --affected A    who is affected\n"
	 "  --severity S    low, medium (the default) or high\n"
	 "  --theme TH      the theme it belongs to\n"
	 "  --evidence EID  a pinned passage showing it (repeat for several)\n"
	 "  --json          print as JSON\n"},
	{"recommend", cmd_recommend,
	 "asurif recommend add --campaign C --text T [options] | list --campaign C | edit ID [options] | rm ID",
	 "Recommendations: what the campaign asks for, each answering one or more barriers.",
	 "  --text T        the recommendation\n"
	 "  --barrier BID   a barrier it answers (repeat for several)\n"
	 "  --authority A   to whom it is addressed\n"
	 "  --priority P    high, medium (the default) or low\n"
	 "  --feasibility F easy, medium (the default) or hard\n"
	 "  --json          print as JSON\n"},
	{"stakeholder", cmd_stakeholder,
	 "asurif stakeholder add --campaign C --name N [options] | list --campaign C | grid --campaign C [-o FILE.svg] "
	 "| edit ID [options] | rm ID",
	 "Stakeholders: who has a say, how much power and interest they have, and where they stand; grid draws them.",
	 "  --name N        the person or body\n"
	 "  --type T        council, ministry, administration, association, business, media, donor or other\n"
	 "  --power P       1 (little) to 5 (decides); 3 by default\n"
	 "  --interest I    1 (little) to 5 (very concerned); 3 by default\n"
	 "  --position P    ally, neutral (the default) or opponent\n"
	 "  --note N        notes\n"
	 "  -o FILE.svg     with grid: write the power-interest grid there (else to standard output)\n"
	 "  --lang L        with grid: the language of its words (ar, fr, en; default en)\n"
	 "  --json          print as JSON\n"},
	{"event", cmd_event,
	 "asurif event add --campaign C --date D --title T [--type TYPE] [--note N] | list --campaign C | edit ID "
	 "[options] | rm ID",
	 "The campaign's timeline: meetings, submissions, answers, in date order.",
	 "  --date D        YYYY-MM-DD\n"
	 "  --title T       what happened\n"
	 "  --type T        meeting, submission, answer or other (the default)\n"
	 "  --note N        notes\n"
	 "  --json          print as JSON\n"},
	{"draft", cmd_draft,
	 "asurif draft types | new --campaign C --type TYPE --lang ar|fr [--from FILE.json] | list | show ID | "
	 "edit ID | status ID STATUS | diff ID A B | export ID --format F [-o FILE] | rm ID",
	 "Write petitions, opinions and memoranda from a campaign's case file: every save is a version; "
	 "export to DOCX, ODT, PDF, HTML or Markdown.",
	 "  types                the kinds of document and their fields (--json for scripts)\n"
	 "  new                  start a draft, filled in from the campaign (prints its number)\n"
	 "  --campaign C         the campaign (new, list)\n"
	 "  --type T             petition-commune, petition-province, petition-region, petition-government,\n"
	 "                       motion, advisory-opinion, memorandum, policy-brief, information-request\n"
	 "  --lang L             ar (the default) or fr\n"
	 "  --from FILE.json     field values: a JSON object keyed by the type's field names\n"
	 "  --field NAME=VALUE   one field's value (new, edit); may be repeated\n"
	 "  --as NAME            the author's name recorded with the version (default: $USER)\n"
	 "  status ID S          draft, review, final or submitted (final needs every required field)\n"
	 "  diff ID A B          what changed between versions A and B, word by word\n"
	 "  --version N          show or export an earlier version\n"
	 "  --format F, -o FILE  export: docx, odt, pdf, html or md (taken from FILE's extension if not given)\n"
	 "  --json               print as JSON\n"},
	{"petition", cmd_petition,
	 "asurif petition rules|new|list|show|sign|import|withdraw|signing|export|purge|check|file|decide|dates|sheets ...",
	 "Petitions under Moroccan law: the legal rules (each figure with its source, status and date checked), "
	 "signatures on paper and online with personal data sealed, the admissibility check, filing and legal dates.",
	 "  rules [RULE]         the rule sets ma/commune, ma/province, ma/region, ma/government, ma/motion\n"
	 "                       (or one of them) with every figure, its source and status\n"
	 "  --territory CODE     also the signatures required there (a region: and from each province);\n"
	 "                       without RULE, the rule set of that territory's council\n"
	 "  rules override RULE FIGURE VALUE   replace a figure for this workspace (e.g. the council's\n"
	 "                       published threshold); shown as overridden and written to the activity log\n"
	 "  --note N             why (needed by override)\n"
	 "  rules reset RULE FIGURE   back to the rule data\n"
	 "  new --campaign C --rule RULE [--territory CODE] [--draft D] [--by-association ORG] [--title T]\n"
	 "                       start a petition (prints its number with --json)\n"
	 "  list [--campaign C], show ID   petitions and their counts (no personal data)\n"
	 "  sign ID --first-name F --last-name L --cin C --address A --commune CODE [--channel paper|online]\n"
	 "       [--sheet N --row M]   one signature; the ID number is checked and duplicates found\n"
	 "  import ID FILE       signatures from a CSV or XLSX file with the rule set's columns; a report of each\n"
	 "                       rejected row (exit 1 when there are some)\n"
	 "  withdraw SIGNATURE   take a signature back\n"
	 "  signing ID on|off    open or close the public signing page (http://HOST/p/KEY)\n"
	 "  export ID --format csv|xlsx|pdf|docx|odt -o FILE [--lang ar|fr]   the signatures in the official\n"
	 "                       column order (logged); pdf, docx and odt as a list to print, on A4 landscape\n"
	 "  purge ID             delete the personal data once the procedure is over (counts stay)\n"
	 "  check ID             every condition of the law: pass, fail or cannot tell, with its source\n"
	 "  file ID --date D [--channel C] [--receipt R]   record the filing\n"
	 "  decide ID accepted|refused [--date D] [--note REASONS]   record the decision\n"
	 "  dates ID | --all     the legal dates from the filing; overdue ones marked\n"
	 "  sheets ID [--first N] [--count N] [--rows N] [--lang ar|fr|en] -o FILE   printable signature\n"
	 "                       sheets (PDF), numbered for typing in as --sheet N --row M\n"
	 "  dossier ID -o FILE.pdf|FILE.zip [--lang ar|fr]   the dossier for filing: text, memo, agent and\n"
	 "                       committee, signatories, annexes; one PDF or numbered parts with their SHA-256 (logged)\n"
	 "  --json               print as JSON\n"},
	{"report", cmd_report, "asurif report [--year Y] [--campaign C] [--json|--csv] [-o FILE]",
	 "The network report: petitions, opinions and memoranda by status, level, theme and year; the acceptance "
	 "rate of petitions; signatures collected. Counts only, each with the date it was counted on.",
	 "  --year Y             only what was started in year Y\n"
	 "  --campaign C         only campaign C\n"
	 "  --json, --csv        print as JSON or as CSV (one row per figure, with what it counts)\n"
	 "  -o FILE              write to FILE; FILE.pdf writes the report as a PDF\n"
	 "  --lang ar|fr|en      the PDF's language (default ar)\n"},
	{"ask", cmd_ask, "asurif ask QUESTION [--campaign C] [--limit N] [--json]",
	 "Ask the hub a question: the model answers from the best passages, citing them as [n]; without a model, "
	 "the passages' matching sentences.",
	 "  --campaign C    prefer the passages pinned to this campaign's evidence board\n"
	 "  --limit N       passages given to the model (default 5)\n"
	 "  --json          print {answer, language, model, supported, citations, passages} as JSON\n"},
	{"ai", cmd_ai, "asurif ai config|status|... [options]",
	 "The language model (an OpenAI-compatible service: llama-server, Ollama, vLLM...): its settings, whether it "
	 "works, and what it helps with. See 'asurif ai --help' for every sub-command and docs/ai.md.",
	 "  config [--base-url URL] [--chat-model M] [--embed-model E]   set or show the service and its models\n"
	 "                       (the key comes from ASURIF_AI_KEY or the workspace's keys/ai.key, never an option)\n"
	 "  status               check the service and the models; exit 0 when everything set up works\n"
	 "  --json               print as JSON\n"},
	{NULL, NULL, NULL, NULL, NULL},
};

static void usage(FILE *out)
{
	fprintf(out, "Asurif %s — advocacy workbench\n\n"
		     "usage: asurif [-w WORKSPACE] COMMAND [options]\n\n"
		     "Commands:\n",
		ASURIF_VERSION);
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-9s %s\n", c->name, c->summary);
	fprintf(out, "\nEvery command takes -w DIR (or the ASURIF_WORKSPACE variable) to choose the workspace,\n"
		     "and --help. See 'asurif COMMAND --help'.\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	/* Documents come and go by the thousand: keep freed memory instead of returning it to
	 * the system after each one (that churn cost more than the analysis itself). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 8 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	/* Each thread has its own connections: no global locks around SQLite's memory accounting. */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* once, before any thread: the model service's client (src/ai/) */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sodium_init() < 0) {
		fprintf(stderr, "asurif: the cryptography library could not start\n");
		return EXIT_FAIL;
	}
	int i = 1;
	/* "-w DIR" before the command applies to it: moved after the command name. */
	const char *ws = NULL;
	while (i < argc && argv[i][0] == '-') {
		if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workspace")) && i + 1 < argc) {
			ws = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "--version")) {
			printf("asurif %s\n", ASURIF_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "asurif: unknown option %s\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc) {
			cli_help(argv[i + 1]);
		} else {
			usage(stdout);
		}
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[i]))
			continue;
		if (ws) {
			/* rebuild argv as: name -w DIR rest... */
			static char *nargv[1024];
			int n = 0;
			if (argc - i + 3 > (int)(sizeof(nargv) / sizeof(*nargv)))
				return cli_usage_error(c->name, "too many arguments");
			nargv[n++] = argv[i];
			nargv[n++] = "-w";
			nargv[n++] = (char *)ws;
			for (int j = i + 1; j < argc; j++)
				nargv[n++] = argv[j];
			nargv[n] = NULL;
			int rc = c->run(n, nargv);
			export_release();
			return rc;
		}
		int rc = c->run(argc - i, argv + i);
		export_release();
		return rc;
	}
	fprintf(stderr, "asurif: '%s' is not a command. See 'asurif --help'.\n", argv[i]);
	return EXIT_USAGE;
}
