# Makefile: the README's commands. CMake does the building; this file only names the steps.
#   make        install what is missing, build (build/)
#   make lab    ... then open the console (on real Sparks directly, else in a virtual lab)
#   make test   install what is missing (--tests: also the package tools), build with ASan+UBSan
#               and warnings as errors (build-test/), run every test
#   make deb    build/sparklink_VERSION_ARCH.deb: this machine's, or ARCH=arm64 (cross-compiled)
#   make format apply .clang-format to every C file (make test checks it: test style_format)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ARCH = $(shell dpkg --print-architecture)

.PHONY: all deps deps-tests build lab test deb bench clean lab-down format

all: build

deps:
	@./scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j$(JOBS)

deps-tests:
	@./scripts/install-deps --tests

lab: build
	@./scripts/open-console build

lab-down:
	@./build/sparklab down

test: deps-tests
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DSPARKLINK_SANITIZE=ON -DSPARKLINK_WERROR=ON >/dev/null
	@cmake --build build-test -j$(JOBS)
	@cd build-test && ctest --output-on-failure -j$(JOBS)

deb: deps-tests
	@./scripts/deb --arch $(ARCH) --out build

bench: build
	@cd build && ctest -C bench -L bench --output-on-failure || true

format:
	@./scripts/format

clean:
	rm -rf build build-test
