build-tsan/src/main.o: src/main.c src/cli/cli.h src/base/err.h \
 src/base/banned.h
src/cli/cli.h:
src/base/err.h:
src/base/banned.h:
