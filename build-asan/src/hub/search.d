build-asan/src/hub/search.o: src/hub/search.c src/base/alloc.h \
 src/base/buf.h src/base/utf8.h src/hub/hub.h src/base/err.h \
 src/hub/snippet.h src/text/analyse.h src/store/db.h src/text/rank.h \
 src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/base/utf8.h:
src/hub/hub.h:
src/base/err.h:
src/hub/snippet.h:
src/text/analyse.h:
src/store/db.h:
src/text/rank.h:
src/base/banned.h:
