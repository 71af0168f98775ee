#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing of the query language with libFuzzer.
#   1. installs clang-14 and libclang-rt-14-dev (Debian 12) when missing
#   2. configures $FUZZ_BUILD with clang++-14, ECOUTE_FUZZ=ON (targets linked
#      with -fsanitize=fuzzer, the match library instrumented) and
#      ECOUTE_SANITIZE=ON (ASan + UBSan; ECOUTE_WERROR=OFF: warnings only clang
#      gives must not stop fuzzing), and builds only parser_fuzz and
#      engine_fuzz (and the libraries they need)
#   3. runs each target for FUZZ_SECONDS on a working corpus
#      $FUZZ_BUILD/corpus/<target> (kept between runs; new inputs go there)
#      seeded from src/match/testdata/fuzz/<target>/, with the dictionary
#      src/match/testdata/fuzz/query.dict
# A failing input is written to $FUZZ_BUILD/artifacts/<target>/ (libFuzzer
# prints the path); replay it with `$FUZZ_BUILD/src/match/<target>_fuzz FILE`,
# or with the g++ build's driver: `build/src/match/<target>_fuzz FILE`.
# Exit status: 0 when no target failed.
#
# usage: scripts/fuzz.sh [parser|engine ...]      (default: both)
# Environment: FUZZ_SECONDS (default 60 per target), FUZZ_BUILD (default
# build-fuzz), FUZZ_JOBS (libFuzzer -jobs, default 1), JOBS (build, nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
BUILD=${FUZZ_BUILD:-build-fuzz}
JOBS=${JOBS:-$(nproc)}
FUZZ_JOBS=${FUZZ_JOBS:-1}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parser engine)
for t in "${targets[@]}"; do
  case "$t" in parser | engine) ;; *) echo "fuzz: unknown target $t (parser, engine)" >&2; exit 2 ;; esac
done

# 1. The build's packages plus clang 14 and its compiler-rt (libFuzzer,
# sanitizers); idempotent.
scripts/install-deps.sh clang-14 libclang-rt-14-dev

# 2. The clang build (separate from build/ and build-asan/).
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
    -DECOUTE_FUZZ=ON -DECOUTE_SANITIZE=ON -DECOUTE_BUILD_BENCH=OFF -DECOUTE_WERROR=OFF
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz"); done
cmake --build "$BUILD" -j "$JOBS" --target "${build_targets[@]}"

# 3. Run.
status=0
for t in "${targets[@]}"; do
  corpus="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz $t: ${SECONDS_PER_TARGET} s, corpus $corpus, failures to $artifacts/"
  parallel=()
  [ "$FUZZ_JOBS" -gt 1 ] && parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$BUILD/src/match/${t}_fuzz" -max_total_time="$SECONDS_PER_TARGET" -timeout=25 -rss_limit_mb=4096 \
      "${parallel[@]}" -print_final_stats=1 \
      -dict=src/match/testdata/fuzz/query.dict -artifact_prefix="$artifacts/" \
      "$corpus" "src/match/testdata/fuzz/$t"; then
    echo "fuzz $t: FAILED (input in $artifacts/)" >&2
    status=1
  fi
done
exit $status
