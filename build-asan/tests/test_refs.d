build-asan/tests/test_refs: tests/unit/test_refs.c src/base/alloc.h \
 src/base/buf.h src/hub/refs.h src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/hub/refs.h:
src/base/banned.h:
