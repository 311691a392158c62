build-tsan/src/hub/workspace.o: src/hub/workspace.c src/base/alloc.h \
 src/base/fs.h src/base/buf.h src/base/err.h src/hub/hub.h src/store/db.h \
 src/text/analyse.h src/base/banned.h
src/base/alloc.h:
src/base/fs.h:
src/base/buf.h:
src/base/err.h:
src/hub/hub.h:
src/store/db.h:
src/text/analyse.h:
src/base/banned.h:
