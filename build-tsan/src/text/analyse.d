build-tsan/src/text/analyse.o: src/text/analyse.c src/text/analyse.h \
 src/base/alloc.h src/base/embed.h src/base/err.h src/base/utf8.h \
 src/base/banned.h
src/text/analyse.h:
src/base/alloc.h:
src/base/embed.h:
src/base/err.h:
src/base/utf8.h:
src/base/banned.h:
