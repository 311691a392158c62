build-tsan/src/cli/common.o: src/cli/common.c src/base/alloc.h \
 src/cli/cli.h src/base/err.h src/hub/hub.h src/base/banned.h
src/base/alloc.h:
src/cli/cli.h:
src/base/err.h:
src/hub/hub.h:
src/base/banned.h:
