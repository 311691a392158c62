build-asan/src/hub/ingest.o: src/hub/ingest.c src/base/alloc.h \
 src/base/buf.h src/base/fs.h src/base/err.h src/base/utf8.h \
 src/hub/extract.h src/hub/hub.h src/hub/passages.h src/hub/refs.h \
 src/store/db.h src/text/analyse.h src/text/fts5.h src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/base/fs.h:
src/base/err.h:
src/base/utf8.h:
src/hub/extract.h:
src/hub/hub.h:
src/hub/passages.h:
src/hub/refs.h:
src/store/db.h:
src/text/analyse.h:
src/text/fts5.h:
src/base/banned.h:
