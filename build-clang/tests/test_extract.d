build-clang/tests/test_extract: tests/unit/test_extract.c \
  src/base/alloc.h src/base/buf.h src/base/err.h src/base/fs.h \
  src/base/utf8.h src/hub/extract.h src/base/banned.h

src/base/alloc.h:

src/base/buf.h:

src/base/err.h:

src/base/fs.h:

src/base/utf8.h:

src/hub/extract.h:

src/base/banned.h:
