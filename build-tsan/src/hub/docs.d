build-tsan/src/hub/docs.o: src/hub/docs.c src/base/alloc.h src/base/buf.h \
 src/base/fs.h src/base/err.h src/hub/hub.h src/hub/refs.h src/store/db.h \
 src/text/analyse.h src/base/banned.h
src/base/alloc.h:
src/base/buf.h:
src/base/fs.h:
src/base/err.h:
src/hub/hub.h:
src/hub/refs.h:
src/store/db.h:
src/text/analyse.h:
src/base/banned.h:
