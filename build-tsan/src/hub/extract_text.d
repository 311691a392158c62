build-tsan/src/hub/extract_text.o: src/hub/extract_text.c \
 src/base/alloc.h src/base/buf.h src/base/utf8.h src/hub/extract.h \
 src/base/err.h src/hub/extract_priv.h src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/base/utf8.h:
src/hub/extract.h:
src/base/err.h:
src/hub/extract_priv.h:
src/base/banned.h:
