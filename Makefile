# xenshm-compose: `make` builds ./xenshm-compose, `make check` runs every test.
# Knobs: SANITIZE=address,undefined   CC=clang   V=1

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := yaml-0.1 jansson

# -std=c11 plus dtc's extra warnings (STYLE.md 11)
WARNINGS := -Wall -Wextra -Werror -Wpointer-arith -Wcast-qual -Wnested-externs \
	-Wstrict-prototypes -Wmissing-prototypes -Wredundant-decls -Wshadow \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

COMPILER_SRCS := $(wildcard compiler/*.c)
OBJS := $(COMPILER_SRCS:compiler/%.c=build/%.o)

# Debian 12 packages: building, and the tests (real dtc, Graphviz, xl's parser, SARIF validator)
DEPS_BUILD := build-essential pkg-config libyaml-dev libjansson-dev
DEPS_TEST := jq nodejs npm

.PHONY: all check deps clean

all: xenshm-compose

xenshm-compose: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

build/%.o: compiler/%.c $(wildcard compiler/*.h) | build
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build:
	mkdir -p build

deps:
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$(DEPS_BUILD) $(DEPS_TEST)

check: xenshm-compose
	tests/run.sh ./xenshm-compose

clean:
	rm -rf build xenshm-compose
