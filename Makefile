# xenshm-compose: `make` builds ./xenshm-compose, `make check` runs every test.
# Knobs: SANITIZE=address,undefined   CC=clang   V=1

CC ?= cc
PKG_CONFIG ?= pkg-config
# GRAPHVIZ=no: graph renders through the dot program instead of libgvc (cross builds)
GRAPHVIZ ?= yes
PKGS := yaml-0.1 jansson nettle
GVC_PKGS := $(if $(filter yes,$(GRAPHVIZ)),libgvc)
XEN_PKGS := xenlight xenstore xentoollog

# -std=c11 plus dtc's extra warnings (STYLE.md 11)
WARNINGS := -Wall -Wextra -Werror -Wpointer-arith -Wcast-qual -Wnested-externs \
	-Wstrict-prototypes -Wmissing-prototypes -Wredundant-decls -Wshadow -Wwrite-strings \
	-Wsuggest-attribute=format \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -Icompiler -Iruntime \
	$(if $(filter yes,$(GRAPHVIZ)),-DHAVE_GVC) \
	$(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags $(PKGS) $(GVC_PKGS)))
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lfdt -pthread -ldl
# Graphviz and Xen are opened when a command needs them (compiler/dynlib.h), not linked
GVC_LIBS := $(if $(GVC_PKGS),$(shell $(PKG_CONFIG) --libs $(GVC_PKGS)))
# library headers are system headers, even from a cross sysroot: their warnings are not ours
XEN_CFLAGS := $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags $(XEN_PKGS)))
XEN_LIBS := $(shell $(PKG_CONFIG) --libs $(XEN_PKGS))
# xl's config parser, for import (compiler/xlcfg.c)
XLU_LIBS := $(shell $(PKG_CONFIG) --libs xlutil)

# quiet unless V=1
Q := $(if $(V),,@)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# one object directory per flavour, so switching SANITIZE never mixes objects
BUILD ?= build/$(if $(SANITIZE),san,opt)
COMPILER_SRCS := $(wildcard compiler/*.c)
RUNTIME_SRCS := $(wildcard runtime/*.c)
OBJS := $(COMPILER_SRCS:compiler/%.c=$(BUILD)/%.o) $(RUNTIME_SRCS:runtime/%.c=$(BUILD)/rt_%.o)
LIB_OBJS := $(filter-out $(BUILD)/main.o $(BUILD)/rt_%.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/*.c)

# Debian 12 packages: building, and the tests (real dtc, Graphviz, xl's parser, SARIF validator)
DEPS_BUILD := build-essential pkg-config libyaml-dev libjansson-dev nettle-dev libgraphviz-dev libxen-dev libfdt-dev
DEPS_TEST := jq device-tree-compiler graphviz shellcheck file valgrind time clang libclang-rt-dev man-db \
	debhelper lintian
# Node.js for the SARIF and schema validators (ajv); a machine may already have
# it from elsewhere (NodeSource), whose nodejs conflicts with Debian's npm
DEPS_NODE := $(if $(shell command -v npm),,nodejs npm)

.PHONY: all check deps print-deps clean distclean e2e demo bench FORCE

all: xenshm-compose

# the root binary is always the flavour asked for
# replaced by rename, never rewritten in place: a running one keeps its file
xenshm-compose: $(BUILD)/xenshm-compose FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/xenshm-compose: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

# the sonames those libraries have here, as the link would bind them: a probe
# linked against them (same -L, sysroot and arch) lists them, libc aside; the
# probes stay, for the Debian package's Recommends (debian/rules)
$(BUILD)/xen.probe.so $(BUILD)/gvc.probe.so $(BUILD)/xlu.probe.so: Makefile | $(BUILD)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,--no-as-needed -o $@ \
		$(if $(findstring xen.probe,$@),$(XEN_LIBS),$(if $(findstring xlu.probe,$@),$(XLU_LIBS),$(GVC_LIBS)))
needed = readelf -d $(1) | sed -n 's/.*(NEEDED).*\[\(.*\)\]/"\1",/p' | grep -v '"libc\.so' | tr '\n' ' '
$(BUILD)/sonames.h: $(BUILD)/xen.probe.so $(BUILD)/gvc.probe.so $(BUILD)/xlu.probe.so
	@echo "  GEN     $@"
	$(Q)xen=$$($(call needed,$(BUILD)/xen.probe.so)) && \
	gvc=$$($(if $(GVC_LIBS),$(call needed,$(BUILD)/gvc.probe.so))) && \
	xlu=$$($(call needed,$(BUILD)/xlu.probe.so)) && \
	printf '#define XEN_SONAMES %s\n#define GVC_SONAMES %s\n#define XLU_SONAMES %s\n' \
		"$$xen" "$$gvc" "$$xlu" >$@.tmp && \
	mv -f $@.tmp $@

# runtime/status.c reads the journal against domains without calling Xen: unit-tested
# guest/xenshm_channel.h (header-only) is tested over normal memory with two threads
$(BUILD)/unit: $(UNIT_SRCS) $(LIB_OBJS) $(BUILD)/rt_status.o $(wildcard tests/unit/*.h) guest/xenshm_channel.h guest/xenshm_msg.h
	$(CC) $(ALL_CFLAGS) -Icompiler -Iguest -pthread $(LDFLAGS) -o $@ $(UNIT_SRCS) $(LIB_OBJS) $(BUILD)/rt_status.o $(LIBS)

# the check table run reversed must give the same diagnostics (tests/checks.sh)
$(BUILD)/check_order: tests/order/check_order.c $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS)

# the real xl parser, to read back the configs we generate (tests only)
$(BUILD)/xlparse: tests/xl/xlparse.c | $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror $(CFLAGS) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs xlutil)

$(BUILD)/%.o: compiler/%.c $(wildcard compiler/*.h compiler/*.def) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/cmd_graph.o: $(BUILD)/sonames.h
$(BUILD)/cmd_graph.o: ALL_CFLAGS += -I$(BUILD)
# the compiler's one file with a Xen header: libxlutil.h, for import
$(BUILD)/xlcfg.o: $(BUILD)/sonames.h
$(BUILD)/xlcfg.o: ALL_CFLAGS += -I$(BUILD) $(XEN_CFLAGS)

# only runtime/xen.c sees Xen's headers (STYLE.md 6)
$(BUILD)/rt_xen.o: runtime/xen.c $(wildcard runtime/*.h compiler/*.h compiler/*.def) $(BUILD)/sonames.h | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -I$(BUILD) $(XEN_CFLAGS) -c -o $@ $<

$(BUILD)/rt_%.o: runtime/%.c $(wildcard runtime/*.h compiler/*.h compiler/*.def) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $@

# the Debian packages, one list for `make deps` and for .ci/run
print-deps:
	@echo $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_NODE)

deps:
	@[ "$$(id -u)" = 0 ] || { echo "make deps runs apt-get: run it as root (sudo make deps)"; exit 1; }
	apt-get update -qq || echo "apt-get update failed; trying the package lists at hand"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$(DEPS_BUILD) $(DEPS_TEST) $(DEPS_NODE)

# the floors `make bench` measures against: libyaml's parser alone, the files alone
$(BUILD)/floor_parse: bench/floor_parse.c | $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< -lyaml
$(BUILD)/floor_write: bench/floor_write.c | $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

# the Linux guest side (guest/): libxenshm and its tool, for this machine
GUEST_SRCS := guest/xenshm-guest.c guest/libxenshm.c
$(BUILD)/xenshm-guest: $(GUEST_SRCS) guest/libxenshm.h guest/xenshm_channel.h guest/xenshm_msg.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(XEN_CFLAGS) -Iguest -pthread $(LDFLAGS) -o $@ $(GUEST_SRCS) -lfdt -lxenstore

# static, for a guest's initramfs: the E2E suites put it into Linux guests (arm64 cross-built)
$(BUILD)/xenshm-guest-static: $(GUEST_SRCS) guest/libxenshm.h guest/xenshm_channel.h guest/xenshm_msg.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(XEN_CFLAGS) -Iguest -static -pthread $(LDFLAGS) -o $@ $(GUEST_SRCS) \
		-lfdt -lxenstore -lxentoolcore

check: xenshm-compose $(BUILD)/unit $(BUILD)/xlparse $(BUILD)/check_order $(BUILD)/xenshm-guest
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		UNIT=$(BUILD)/unit XLPARSE=$(BUILD)/xlparse CHECK_ORDER=$(BUILD)/check_order \
		XENSHM_GUEST=$(BUILD)/xenshm-guest tests/run.sh ./xenshm-compose

# Xen 4.17 under QEMU, arm64 then x86_64 (tests/e2e/): needs root for apt-get the first time
e2e: xenshm-compose
	tests/e2e/all.sh

# the main job for users without a Xen host: `up` of examples/qemu-demo.yaml in QEMU
demo: xenshm-compose
	tests/e2e/run.sh demo

# instruction counts and times up to 32 752 VMs, against bench/baseline.txt
# (the channel's figures first: a target that fails ends the recipe with run.sh)
bench: xenshm-compose $(BUILD)/xenshm-guest $(BUILD)/floor_parse $(BUILD)/floor_write
	@echo "channel ring (guest/xenshm_channel.h), two threads over normal memory, this machine:"
	$(BUILD)/xenshm-guest bench --local --count 1000000 --size 64
	$(BUILD)/xenshm-guest bench --local --count 100000 --size 4088
	FLOORS=$(BUILD) bench/run.sh ./xenshm-compose

# `make install` / `make uninstall`: PREFIX (/usr/local) and DESTDIR as usual;
# what goes where is one list, so uninstall removes exactly what install put
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
DATADIR := $(PREFIX)/share/xenshm-compose
DOCDIR := $(PREFIX)/share/doc/xenshm-compose
INSTALL_DOCS := README.md $(filter-out docs/README.md,$(wildcard docs/*.md))
# SOURCE:DESTINATION:MODE
INSTALL_FILES := $(BUILD)/xenshm-compose:$(BINDIR)/xenshm-compose:0755 \
	docs/xenshm-compose.1:$(MAN1DIR)/xenshm-compose.1:0644 \
	completion/xenshm-compose.bash:$(COMPLETIONDIR)/xenshm-compose:0644 \
	$(foreach f,$(wildcard schemas/*.json),$(f):$(DATADIR)/$(f):0644) \
	$(foreach f,$(wildcard examples/*.yaml),$(f):$(DOCDIR)/$(f):0644) \
	$(foreach f,$(INSTALL_DOCS),$(f):$(DOCDIR)/$(notdir $(f)):0644)

.PHONY: install uninstall
install: $(BUILD)/xenshm-compose
	@set -e; for e in $(INSTALL_FILES); do \
		src=$${e%%:*} rest=$${e#*:}; dst=$${rest%:*} mode=$${rest##*:}; \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		install -D -m "$$mode" "$$src" "$(DESTDIR)$$dst"; \
	done
	@# the examples' editor modeline names the schema where it is installed
	@sed -i 's|$$schema=../schemas/|$$schema=$(DATADIR)/schemas/|' $(DESTDIR)$(DOCDIR)/examples/*.yaml

uninstall:
	@for e in $(INSTALL_FILES); do \
		rest=$${e#*:}; dst=$${rest%:*}; \
		rm -f "$(DESTDIR)$$dst"; \
	done
	@# only the directories that are ours alone; bin/, man1/ and completions/ are shared
	@rmdir "$(DESTDIR)$(DATADIR)/schemas" "$(DESTDIR)$(DATADIR)" "$(DESTDIR)$(DOCDIR)/examples" \
		"$(DESTDIR)$(DOCDIR)" 2>/dev/null || true

# keeps the E2E's downloaded packages (build/e2e/debs, root); distclean drops them too
clean:
	rm -rf build/opt build/san build/arm64 build/x86 build/nogvc build/fuzz \
		build/e2e/work-* build/e2e/x86/work build/e2e/dom0less/work xenshm-compose

distclean:
	rm -rf build xenshm-compose

# libFuzzer on the whole pipeline under random severity flags (clang): `make fuzz FUZZ_SECONDS=60`
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) $(GVC_PKGS)) $(XEN_CFLAGS) -Icompiler -Iruntime -I$(BUILD) \
	$(if $(filter yes,$(GRAPHVIZ)),-DHAVE_GVC)
FUZZ_SRCS := tests/fuzz/fuzz_compile.c $(filter-out compiler/main.c,$(COMPILER_SRCS)) \
	runtime/records.c runtime/xen.c
build/fuzz/fuzz_compile: $(FUZZ_SRCS) $(wildcard compiler/*.h compiler/*.def runtime/*.h) $(BUILD)/sonames.h
	mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS) $(LIBS)

.PHONY: fuzz
fuzz: build/fuzz/fuzz_compile
	mkdir -p build/fuzz/corpus
	cp examples/*.yaml tests/checks/*.yaml tests/golden/inputs/*.yaml build/fuzz/corpus/
	cd build/fuzz && ./fuzz_compile -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=20 \
		-dict=../../tests/fuzz/topology.dict corpus
