build-tsan/src/hub/extract.o: src/hub/extract.c src/hub/extract.h \
 src/base/err.h src/base/alloc.h src/base/buf.h src/base/utf8.h \
 src/hub/extract_priv.h src/base/banned.h
src/hub/extract.h:
src/base/err.h:
src/base/alloc.h:
src/base/buf.h:
src/base/utf8.h:
src/hub/extract_priv.h:
src/base/banned.h:
