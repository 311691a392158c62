build-asan/tests/test_analyse: tests/unit/test_analyse.c src/base/buf.h \
 src/text/analyse.h src/text/fts5.h
src/base/buf.h:
src/text/analyse.h:
src/text/fts5.h:
