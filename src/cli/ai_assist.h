/*
 * The `ai` command's sub-commands that help with the work (src/cli/ai_assist.c): summaries,
 * proposed barriers, drafted and translated sections, and what the model wrote, kept for a
 * person to accept or reject. Each takes argv without the sub-command's name.
 */
#ifndef CLI_AI_ASSIST_H
#define CLI_AI_ASSIST_H

int cmd_ai_summarise(int argc, char **argv);
int cmd_ai_barriers(int argc, char **argv);
int cmd_ai_accept(int argc, char **argv);
int cmd_ai_reject(int argc, char **argv);
int cmd_ai_section(int argc, char **argv);
int cmd_ai_translate(int argc, char **argv);
int cmd_ai_outputs(int argc, char **argv);
int cmd_ai_output(int argc, char **argv);
#endif
