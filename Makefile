# Asurif build. `make` builds build/asurif; `make check` runs every test;
# `make run` starts the demo; `make bench` measures; `make install PREFIX=...`.

PREFIX ?= /usr/local
CC ?= cc
BUILD ?= build
SANITIZE ?=

PKGS = sqlite3 libutf8proc jansson libxml-2.0 libzip poppler-glib libpcre2-8 libcmark libsodium libmicrohttpd pangocairo fontconfig libqrencode xlsxwriter libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm -lpthread

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Werror
STD = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ifeq ($(SANITIZE),)
OPT = -O2 -g -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
LDHARD = -pie -Wl,-z,relro,-z,now
else
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDHARD = -fsanitize=$(SANITIZE)
endif
CFLAGS ?=
CPPFLAGS += -Isrc -I$(BUILD) -MMD -MP
ALL_CFLAGS = $(STD) $(OPT) $(WARN) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS ?=

SRC := $(sort $(shell find src -name '*.c'))
OBJ := $(SRC:%.c=$(BUILD)/%.o) $(BUILD)/embedded.o
# The core without the command line: what unit tests and benchmarks link with.
LIBOBJ := $(filter-out $(BUILD)/src/main.o $(BUILD)/src/cli/%,$(OBJ))
DATA := $(sort $(shell find data -type f))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all check test unit run bench install clean deps format
all: $(BUILD)/asurif

$(BUILD)/asurif: $(OBJ)
	@echo "  LINK    $@"
	@$(CC) $(OPT) -o $@ $(OBJ) $(LDHARD) $(LDFLAGS) $(PKG_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Files under data/ become one generated C file, so the binary carries them.
$(BUILD)/embed: tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) $(STD) -O1 $(WARN) -o $@ $<

$(BUILD)/embedded.c: $(BUILD)/embed $(DATA)
	$(BUILD)/embed data $@ $(DATA)

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(CC) $(STD) -O1 -Isrc -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIBOBJ) $(LDHARD) $(LDFLAGS) $(PKG_LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $<"
	@$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIBOBJ) $(LDHARD) $(LDFLAGS) $(PKG_LIBS)

unit: $(UNIT_BIN)

deps:
	scripts/deps.sh

check:
	scripts/deps.sh --test
	$(MAKE) all unit
	BUILD=$(BUILD) tests/run.sh

test: check

run:
	scripts/deps.sh
	$(MAKE) all
	scripts/demo.sh

bench:
	scripts/deps.sh --bench
	$(MAKE) all $(BENCH_BIN)
	BUILD=$(BUILD) bench/run.sh

install: $(BUILD)/asurif
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/asurif $(DESTDIR)$(PREFIX)/bin/asurif

format:
	clang-format -i $(SRC) $(UNIT_SRC) tools/*.c $(BENCH_SRC)

clean:
	rm -rf $(BUILD)

-include $(OBJ:.o=.d)
