build-tsan/src/hub/refs.o: src/hub/refs.c src/hub/refs.h src/base/alloc.h \
 src/base/err.h src/base/utf8.h src/base/banned.h
src/hub/refs.h:
src/base/alloc.h:
src/base/err.h:
src/base/utf8.h:
src/base/banned.h:
