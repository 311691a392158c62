build-tsan/src/text/rank.o: src/text/rank.c src/text/rank.h \
 src/base/alloc.h src/base/banned.h
src/text/rank.h:
src/base/alloc.h:
src/base/banned.h:
