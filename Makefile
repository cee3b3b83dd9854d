# Makefile: the README's commands. CMake does the building; this file only names the steps.
#   make        install what is missing, build (build/)
#   make lab    ... then open the console (on real Sparks directly, else in a virtual lab)
#   make test   install what is missing, build with ASan+UBSan (build-test/), run every test
#   make format apply .clang-format to every C file (make test checks it: test style_format)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build lab test bench clean lab-down format

all: build

deps:
	@./scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j$(JOBS)

lab: build
	@./scripts/open-console build

lab-down:
	@./build/sparklab down

test: deps
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DSPARKLINK_SANITIZE=ON >/dev/null
	@cmake --build build-test -j$(JOBS)
	@cd build-test && ctest --output-on-failure -j$(JOBS)

bench: build
	@cd build && ctest -C bench -L bench --output-on-failure || true

format:
	@./scripts/format

clean:
	rm -rf build build-test
