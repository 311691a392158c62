build-tsan/src/cli/hub.o: src/cli/hub.c src/base/alloc.h src/base/buf.h \
 src/base/utf8.h src/cli/cli.h src/base/err.h src/hub/hub.h \
 src/text/analyse.h src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/base/utf8.h:
src/cli/cli.h:
src/base/err.h:
src/hub/hub.h:
src/text/analyse.h:
src/base/banned.h:
