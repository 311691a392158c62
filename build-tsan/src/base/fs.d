build-tsan/src/base/fs.o: src/base/fs.c src/base/fs.h src/base/buf.h \
 src/base/err.h src/base/alloc.h src/base/banned.h
src/base/fs.h:
src/base/buf.h:
src/base/err.h:
src/base/alloc.h:
src/base/banned.h:
