build-tsan/src/store/db.o: src/store/db.c src/store/db.h src/base/err.h \
 src/base/alloc.h src/base/embed.h src/text/fts5.h src/text/rank.h \
 src/base/banned.h
src/store/db.h:
src/base/err.h:
src/base/alloc.h:
src/base/embed.h:
src/text/fts5.h:
src/text/rank.h:
src/base/banned.h:
