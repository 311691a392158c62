build-tsan/src/base/embed.o: src/base/embed.c src/base/embed.h
src/base/embed.h:
