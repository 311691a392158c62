/*
 * Build tool: turns the files under data/ into a C file with one table,
 * so the program carries its schema, word lists and demo content.
 * Usage: embed ROOT OUT.c FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: embed ROOT OUT.c FILE...\n");
		return 2;
	}
	size_t rootlen = strlen(argv[1]);
	FILE *out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "/* Generated from data/ by tools/embed.c; do not edit. */\n#include <stddef.h>\n"
		     "#include \"base/embed.h\"\n");
	for (int i = 3; i < argc; i++) {
		FILE *in = fopen(argv[i], "rb");
		if (!in) {
			perror(argv[i]);
			return 1;
		}
		fprintf(out, "static const unsigned char f%d[] = {", i);
		int c;
		size_t n = 0;
		while ((c = fgetc(in)) != EOF)
			fprintf(out, "%s%d,", (n++ % 24) ? "" : "\n", c);
		fprintf(out, "0};\n");
		fclose(in);
	}
	fprintf(out, "const struct embed_file embed_files[] = {\n");
	for (int i = 3; i < argc; i++) {
		const char *name = argv[i];
		if (!strncmp(name, argv[1], rootlen) && name[rootlen] == '/')
			name += rootlen + 1;
		fprintf(out, "\t{\"%s\", f%d, sizeof(f%d) - 1},\n", name, i, i);
	}
	fprintf(out, "\t{NULL, NULL, 0}\n};\n");
	return fclose(out) ? 1 : 0;
}
