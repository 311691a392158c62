/*
 * The petition command's sub-commands other than "rules" (src/cli/petition.c holds the
 * table that dispatches to them). Each takes argv without the sub-command's name and
 * parses its own options with cli_parse.
 */
#ifndef CLI_PETITION_H
#define CLI_PETITION_H

/* Petitions and their signatures (src/cli/petition_sign.c). */
int cmd_petition_new(int argc, char **argv);
int cmd_petition_list(int argc, char **argv);
int cmd_petition_show(int argc, char **argv);
int cmd_petition_sign(int argc, char **argv);
int cmd_petition_import(int argc, char **argv);
int cmd_petition_withdraw(int argc, char **argv);
int cmd_petition_signing(int argc, char **argv);
int cmd_petition_export(int argc, char **argv);
int cmd_petition_purge(int argc, char **argv);

/* Admissibility, filing, decision and legal dates (src/cli/petition_check.c). */
int cmd_petition_check(int argc, char **argv);
int cmd_petition_file(int argc, char **argv);
int cmd_petition_decide(int argc, char **argv);
int cmd_petition_dates(int argc, char **argv);

/* The dossier for filing, one PDF or a ZIP of parts (src/cli/petition_dossier.c). */
int cmd_petition_dossier(int argc, char **argv);

/* Printable signature sheets (src/cli/petition_sheets.c). */
int cmd_petition_sheets(int argc, char **argv);
#endif
