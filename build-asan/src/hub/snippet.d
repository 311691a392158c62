build-asan/src/hub/snippet.o: src/hub/snippet.c src/hub/snippet.h \
 src/text/analyse.h src/base/alloc.h src/base/buf.h src/hub/hub.h \
 src/base/err.h src/base/banned.h
src/hub/snippet.h:
src/text/analyse.h:
src/base/alloc.h:
src/base/buf.h:
src/hub/hub.h:
src/base/err.h:
src/base/banned.h:
