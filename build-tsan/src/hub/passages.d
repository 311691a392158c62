build-tsan/src/hub/passages.o: src/hub/passages.c src/hub/passages.h \
 src/hub/extract.h src/base/err.h src/base/alloc.h src/base/buf.h \
 src/base/utf8.h src/base/banned.h
src/hub/passages.h:
src/hub/extract.h:
src/base/err.h:
src/base/alloc.h:
src/base/buf.h:
src/base/utf8.h:
src/base/banned.h:
