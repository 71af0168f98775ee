# ecoute — the two commands: `make run` and `make test`.
# Everything else: make build | bench | asan | clean.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps build run test test-asan asan bench clean fuzz

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# Starts ecoute on the embedded defaults: store in data/ecoute.db, API on
# http://127.0.0.1:8080, demo history loaded on first start, live demo stream.
run: build
	./$(BUILD)/ecoute serve --demo

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DECOUTE_SANITIZE=ON -DECOUTE_BUILD_BENCH=OFF -DECOUTE_BUILD_WEB=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# The sanitizer pass runs every test but the end-to-end scenarios that
# replay whole datasets or kill the process (cli.kill9 alone takes ~5 min
# under ASan); they run in the release pass of `make test`, and the code
# they drive is covered here by its unit and service tests.
ASAN_SKIP ?= ^cli\.(kill9|sigint|understanding|airline|monitor)$$

test-asan: asan
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -E '$(ASAN_SKIP)'

# ALERT_BENCH_SECONDS: measured seconds of the alert latency run (BENCHMARKS.md).
ALERT_BENCH_SECONDS ?= 30

bench: build
	scripts/bench.sh $(BUILD)
	@echo "== alert latency (POST /api/v1/mentions -> webhook, 10,000 msgs/s)"
	$(BUILD)/src/app/alert_latency_bench $(ALERT_BENCH_SECONDS) --quiet
	@echo "== care inbox: case creation and routing (10% need a reply, 10,000 open cases)"
	$(BUILD)/src/care/care_throughput_bench 200000
	@echo "== care inbox: first page with 10,000 open cases (and 100,000 resolved or closed), in-process and over HTTP"
	$(BUILD)/ecoute_bench inbox --open 10000 --resolved 100000 --rounds 100

# Coverage-guided fuzzing of the query language: clang-14 + libFuzzer +
# ASan/UBSan in $(BUILD_FUZZ), FUZZ_SECONDS (default 60) per target.
fuzz: deps
	FUZZ_BUILD=$(BUILD_FUZZ) JOBS=$(JOBS) scripts/fuzz.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
