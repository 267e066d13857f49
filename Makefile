# Makefile - argomig. GNU make; sources listed explicitly, flags from pkg-config.
#
#   make            build build/argomig and build/argomig-preflight
#   make demo       install deps, build, lint examples/ and render examples/orders
#   make test       install deps, build, run every test
#   make check      the whole suite under ASan + UBSan + LeakSanitizer
#   make install PREFIX=/usr/local
#   make fmt        clang-format every source file

VERSION    := 0.1.0
REVISION   := $(shell sh tools/revision.sh)
PREFIX     ?= /usr/local
BUILD      ?= build
PKG_CONFIG ?= pkg-config
CC         ?= cc

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Sanitizer builds live in their own tree (make check), so an ordinary
# build never links a sanitizer object.
SAN :=
ifdef SANITIZE
SAN := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wvla -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
AM_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN)
AM_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen \
	    -DAM_VERSION='"$(VERSION)"' \
	    $(shell $(PKG_CONFIG) --cflags yaml-0.1 jansson libgit2 libpq 2>/dev/null) \
	    $(if $(LIBGIT2_SONAME),-DAM_LIBGIT2_SONAME='"$(LIBGIT2_SONAME)"')
AM_LDFLAGS = $(SAN) $(LDFLAGS)

# libgit2 is not linked: gitbase.c opens it when --base is used (its
# soname, from the installed library, is compiled in).
LIBGIT2_SONAME := $(shell objdump -p $$($(PKG_CONFIG) --variable=libdir libgit2 2>/dev/null)/libgit2.so 2>/dev/null | awk '/SONAME/ { print $$2 }')
LIBS_ARGOMIG   = $(shell $(PKG_CONFIG) --libs yaml-0.1 jansson zlib 2>/dev/null) -l:libpg_query.a -lyajl -pthread -ldl
LIBS_PREFLIGHT = $(shell $(PKG_CONFIG) --libs libpq jansson zlib 2>/dev/null) -lpg_query -lyajl
LIBS_TEST      = $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null)

# --- sources ---------------------------------------------------------------
# Core: shared by argomig, its tests and (where noted) argomig-preflight.
CORE_SRC := \
	src/config.c \
	src/diag.c \
	src/err.c \
	src/lint.c \
	src/lint_input.c \
	src/lint_run.c \
	src/locmap.c \
	src/path.c \
	src/report.c \
	src/rules/registry.c \
	src/util.c \
	src/yaml_load.c \
	src/yaml_scalar.c \
	src/yaml_scan.c

# Kubernetes manifests: YAML loading, manifest accessors, rules.
K8S_SRC := \
	src/k8s.c \
	src/manifest.c \
	src/objset.c \
	src/rules/k8s_argocd.c \
	src/rules/k8s_containers.c \
	src/rules/k8s_hooks.c \
	src/rules/k8s_jobs.c \
	src/rules/k8s_secrets.c

# SQL migrations: parsing, Flyway, git base, rules.
SQL_SRC := \
	src/contract.c \
	src/flyway.c \
	src/gitbase.c \
	src/migfile.c \
	src/rules/sql_columns.c \
	src/rules/sql_constraints.c \
	src/rules/sql_data.c \
	src/rules/sql_files.c \
	src/rules/sql_index.c \
	src/rules/sql_locks.c \
	src/sqlfile.c \
	src/sqllint.c \
	src/sqlops.c \
	src/sqltext.c \
	src/sqltree.c

# generate: spec, rendering, emission.
GEN_SRC := \
	src/emit.c \
	src/generate.c \
	src/render.c \
	src/render_bundle.c \
	src/render_include.c \
	src/spec.c \
	src/spec_check.c \
	src/spec_env.c \
	src/spec_node.c

# Command-line front end (not in the unit-test binary).
CLI_SRC := \
	src/cmd_generate.c \
	src/cmd_lint.c \
	src/cmd_parameters.c \
	src/cmd_rules.c \
	src/main.c

# argomig-preflight: its own binary.
PREFLIGHT_SRC := \
	src/preflight/checks.c \
	src/preflight/checks_locks.c \
	src/preflight/conninfo.c \
	src/preflight/db.c \
	src/preflight/history.c \
	src/preflight/main.c \
	src/preflight/migrations.c \
	src/preflight/report.c \
	src/preflight/run.c \
	src/preflight/scrub.c

# The shared modules argomig-preflight links (no libgit2, no libyaml).
PREFLIGHT_SHARED := \
	src/err.c \
	src/flyway.c \
	src/migfile.c \
	src/sqlfile.c \
	src/sqlops.c \
	src/sqltext.c \
	src/sqltree.c \
	src/util.c

DOCS    := $(sort $(wildcard docs/rules/*.md))
GEN_DOC := $(BUILD)/gen/rule_docs.c

LIB_SRC  := $(CORE_SRC) $(K8S_SRC) $(SQL_SRC) $(GEN_SRC)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/rule_docs.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HDR      := $(wildcard src/*.h src/*/*.h src/rules/*.def)

PF_UNIT_SRC := $(sort $(wildcard tests/unit/test_preflight_*.c))
UNIT_SRC := $(filter-out $(PF_UNIT_SRC),$(sort $(wildcard tests/unit/test_*.c)))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)

# argomig-preflight's objects; PF_LIB_OBJ is all but main, for its tests.
PF_OBJ      := $(PREFLIGHT_SRC:%.c=$(BUILD)/obj/%.o)
PF_LIB_OBJ  := $(filter-out %/preflight/main.o,$(PF_OBJ)) \
	       $(PREFLIGHT_SHARED:%.c=$(BUILD)/obj/%.o)
PF_UNIT_OBJ := $(PF_UNIT_SRC:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/argomig $(BUILD)/argomig-preflight

# Rewritten only when the source list changes, so removing a file relinks.
SRCLIST := $(BUILD)/srclist
$(shell mkdir -p $(BUILD); echo '$(LIB_SRC) $(CLI_SRC) $(UNIT_SRC)' | cmp -s - $(SRCLIST) || echo '$(LIB_SRC) $(CLI_SRC) $(UNIT_SRC)' > $(SRCLIST))

$(BUILD)/obj/%.o: %.c $(HDR) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(AM_CPPFLAGS) $(AM_CFLAGS) -c -o $@ $<

# The revision lives in a generated header rewritten only when it changes:
# a new commit rebuilds main.o, and an unchanged tree rebuilds nothing.
REV_HDR := $(BUILD)/gen/revision.h
$(REV_HDR): FORCE
	@sh tools/revision.sh $@ '$(REVISION)'
$(BUILD)/obj/src/main.o $(BUILD)/obj/src/preflight/main.o: $(REV_HDR)

$(GEN_DOC): $(DOCS) tools/embed-docs.sh
	@mkdir -p $(dir $@)
	$(Q)sh tools/embed-docs.sh $@ $(DOCS)

$(BUILD)/obj/rule_docs.o: $(GEN_DOC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(AM_CPPFLAGS) $(AM_CFLAGS) -c -o $@ $<

$(BUILD)/argomig: $(LIB_OBJ) $(CLI_OBJ) $(SRCLIST)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(AM_LDFLAGS) -o $@ $(LIB_OBJ) $(CLI_OBJ) $(LIBS_ARGOMIG)

$(BUILD)/argomig-preflight: $(PF_OBJ) $(PF_LIB_OBJ)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(AM_LDFLAGS) -o $@ $(sort $(PF_OBJ) $(PF_LIB_OBJ)) $(LIBS_PREFLIGHT)

$(BUILD)/preflight-unit-tests: $(PF_LIB_OBJ) $(PF_UNIT_OBJ)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(AM_LDFLAGS) -o $@ $(PF_LIB_OBJ) $(PF_UNIT_OBJ) $(LIBS_PREFLIGHT) $(LIBS_TEST)

# Test helper: applies Flyway migrations the way Flyway records them.
$(BUILD)/pf-fwapply: $(BUILD)/obj/tests/preflight/fwapply.o $(BUILD)/obj/src/flyway.o \
		$(BUILD)/obj/src/util.o $(BUILD)/obj/src/err.o
	$(Q)$(CC) $(AM_LDFLAGS) -o $@ $^ $(LIBS_PREFLIGHT)

$(UNIT_OBJ): $(wildcard tests/unit/*.h)
$(BUILD)/unit-tests: $(LIB_OBJ) $(UNIT_OBJ) $(SRCLIST)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(AM_LDFLAGS) -o $@ $(LIB_OBJ) $(UNIT_OBJ) $(LIBS_ARGOMIG) $(LIBS_TEST)

# --- set-up ----------------------------------------------------------------
deps:
	@sh tools/deps.sh
	@sh tools/node-deps.sh

demo: deps
	$(MAKE) all
	@echo '$$ argomig lint examples/'
	@$(BUILD)/argomig lint examples/; \
	echo "(exit $$?: examples/unsafe has these findings on purpose; examples/safe and the rest have none)"
	@echo '$$ cd examples/orders && argomig generate   # as Argo CD runs it'
	@sh tools/render-example.sh $(BUILD)/argomig examples/orders
	@$(MAKE) --no-print-directory $(BUILD)/pf-fwapply
	@echo
	@echo '# argomig-preflight against a throwaway PostgreSQL with examples/orders half migrated'
	sh tests/preflight/demo.sh $(BUILD)

# --- tests -----------------------------------------------------------------
# Each test family is one phony target; `make test` runs them all.
TEST_TARGETS := test-unit test-rules test-cli test-sarif test-ship test-examples \
	test-generate test-cmp test-schema

test: deps
	$(MAKE) all $(BUILD)/unit-tests
	$(MAKE) --no-print-directory $(TEST_TARGETS)
	@echo 'argomig: all tests passed'

# argomig-preflight: its unit tests, then every scenario against a real
# PostgreSQL 15 that the script starts and always stops (tests/pg/pg.sh).
TEST_TARGETS += test-preflight
test-preflight: $(BUILD)/argomig-preflight $(BUILD)/preflight-unit-tests $(BUILD)/pf-fwapply
	$(BUILD)/preflight-unit-tests --jobs 1 --short-filename
	sh tests/preflight/run.sh $(BUILD)/argomig-preflight $(BUILD)/pf-fwapply

test-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests --jobs 1 --short-filename

# generate: every example renders exactly as its committed expected.yaml;
# cmp/plugin.yaml's commands run as argocd-cmp-server runs them; every
# rendered object passes the Kubernetes schemas.
test-generate: $(BUILD)/argomig
	sh tests/generate/golden.sh $(BUILD)/argomig

test-cmp: $(BUILD)/argomig
	node tests/cmp/harness.js $(BUILD)/argomig $(VERSION)

test-schema: $(BUILD)/argomig
	sh tests/schema/run.sh $(BUILD)/argomig

test-rules: $(BUILD)/argomig
	sh tests/rules/run.sh $(BUILD)/argomig

test-cli: $(BUILD)/argomig
	sh tests/cli/run.sh $(BUILD)/argomig

test-examples: $(BUILD)/argomig
	sh tests/examples/run.sh $(BUILD)/argomig

# Microsoft's SARIF validator (npm, installed by `make deps`).
SARIF_MULTITOOL := tools/node/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
test-sarif: $(BUILD)/argomig
	sh tests/sarif/run.sh $(BUILD)/argomig $(SARIF_MULTITOOL)

# Shipping: --version and its revision stamp, manifests/ (rendered,
# validated, merged into Argo CD's repo-server, linted), the CI recipes and
# pre-commit hooks, the Dockerfile's lint. Images themselves: make image-test.
test-ship: $(BUILD)/argomig $(BUILD)/argomig-preflight
	sh tests/ship/version.sh $(BUILD)/argomig $(BUILD)/argomig-preflight
	sh tests/ship/install.sh $(BUILD)/argomig
	sh tests/ship/ci.sh $(BUILD)/argomig
	tools/node/node_modules/.bin/dockerfile-utils lint Dockerfile

# --- benchmarks ------------------------------------------------------------
# Each benchmark family is one phony target; `make bench` runs them all.
# Corpora are generated under $(BUILD)/bench by scripts, never committed.
BENCH_TARGETS := bench-lint bench-sql bench-generate

bench: deps
	$(MAKE) all
	$(MAKE) --no-print-directory $(BENCH_TARGETS)

$(BUILD)/bench/yaml_parse: tools/bench/yaml_parse.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 $(WARN) $(shell $(PKG_CONFIG) --cflags yaml-0.1) -o $@ $< \
		$(shell $(PKG_CONFIG) --libs yaml-0.1)

bench-lint: $(BUILD)/argomig $(BUILD)/bench/yaml_parse
	sh tools/bench/lint-bench.sh $(BUILD)/argomig $(BUILD)/bench/yaml_parse $(BUILD)/bench/k8s

# squawk, the PostgreSQL migration linter: npm squawk-cli as locked in
# tools/bench/node/package-lock.json (npm install honours the lock; npm ci
# rejects squawk's per-platform optional packages).
SQUAWK := tools/bench/node/node_modules/.bin/squawk
$(SQUAWK): tools/bench/node/package-lock.json
	npm install --prefix tools/bench/node --no-audit --no-fund --loglevel=error
	@touch $@

bench-sql: $(BUILD)/argomig $(SQUAWK)
	sh tools/bench/sql-bench.sh $(BUILD)/argomig $(SQUAWK) $(BUILD)/bench/sql

# generate: examples/orders against kubectl kustomize of the same objects.
bench-generate: $(BUILD)/argomig
	sh tools/bench/generate-bench.sh $(BUILD)/argomig $(BUILD)/bench/generate

# ASan + UBSan + LeakSanitizer over the whole suite. Criterion reports a
# leak in a test but still exits 0 (reference/toolchain.md), so every
# sanitizer report in the log fails the run.
check: deps
	@mkdir -p build/check
	@rm -f build/check/asan.* build/check/ubsan.*
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23:log_path=$(CURDIR)/build/check/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(CURDIR)/build/check/ubsan \
	$(MAKE) BUILD=build/check SANITIZE=address,undefined CC=gcc \
		all build/check/unit-tests $(TEST_TARGETS)
	@reports=$$(find build/check -maxdepth 1 -name 'asan.*' -o -maxdepth 1 -name 'ubsan.*'); \
	if [ -n "$$reports" ]; then \
		cat $$reports; \
		echo 'argomig: sanitizer reports above' >&2; exit 1; \
	fi
	@echo 'argomig: make check clean'

# libFuzzer targets over the project's own sources (clang). Not part of
# `make test`: `make fuzz FUZZ_SECONDS=300` for a longer run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := yaml spec sql
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_CORE := $(LIB_SRC) $(GEN_DOC)
fuzz: $(GEN_DOC)
	@mkdir -p build/fuzz
	@for t in $(FUZZ_TARGETS); do \
		echo "  FUZZ    $$t ($(FUZZ_SECONDS)s)"; \
		clang $(AM_CPPFLAGS) -std=c11 $(FUZZ_FLAGS) -o build/fuzz/fuzz_$$t \
			tests/fuzz/fuzz_$$t.c $(FUZZ_CORE) $(LIBS_ARGOMIG) || exit 1; \
		mkdir -p build/fuzz/corpus-$$t; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			build/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/argomig $(DESTDIR)$(PREFIX)/bin/argomig
	install -m 755 $(BUILD)/argomig-preflight $(DESTDIR)$(PREFIX)/bin/argomig-preflight

FMT_SRC = $(LIB_SRC) $(CLI_SRC) $(PREFLIGHT_SRC) $(UNIT_SRC) $(filter %.h,$(HDR))
fmt:
	clang-format -i $(FMT_SRC)

clean:
	rm -rf build

.PHONY: all deps demo test check fuzz bench install fmt clean $(TEST_TARGETS) $(BENCH_TARGETS)

print-version:
	@echo $(VERSION)

# The libraries argomig opens with dlopen: the cmp image must hold them too.
print-dlopen:
	@echo $(LIBGIT2_SONAME)

# --- container images --------------------------------------------------------
# Not part of `make test` (.ci/run runs image-test after it). Podman keeps
# everything under IMAGE_DIR; `make clean` removes it with the rest.
IMAGE_DIR := build/image
deps-image:
	@sh tools/deps.sh image

image: deps-image
	sh tools/image.sh build $(IMAGE_DIR) $(VERSION) $(REVISION)

image-test: image $(BUILD)/argomig $(BUILD)/argomig-preflight
	sh tests/image/run.sh $(IMAGE_DIR) $(VERSION) $(REVISION) $(BUILD)/argomig \
		$(BUILD)/argomig-preflight

.PHONY: print-version print-dlopen deps-image image image-test FORCE
