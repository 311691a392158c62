build-tsan/src/text/fts5.o: src/text/fts5.c src/text/fts5.h \
 src/base/alloc.h src/text/analyse.h src/base/banned.h
src/text/fts5.h:
src/base/alloc.h:
src/text/analyse.h:
src/base/banned.h:
