/*
 * The petition command's sub-commands other than "rules" (src/cli/petition.c holds the
 * table that dispatches to them). Each takes argv without the sub-command's name and
 * parses its own options with cli_parse.
 */
#ifndef CLI_PETITION_H
#define CLI_PETITION_H
#endif
