#!/usr/bin/env bash
# Builds mgc's libFuzzer harnesses (tests/fuzz, clang, into build-fuzz/) and
# runs each for a time budget.
#
#   scripts/fuzz.sh SECONDS [HARNESS...]   fuzz each harness SECONDS (all
#                                          harnesses by default)
#   scripts/fuzz.sh --merge SECONDS ...    then fold the new inputs that add
#                                          coverage into tests/fuzz/corpus/
#   scripts/fuzz.sh --smoke                build every harness, then run the
#                                          fuzz/<harness>/smoke ctest tests:
#                                          each replays its committed corpus
#                                          and fuzzes a few seconds (CI)
#   scripts/fuzz.sh --list                 the harness names
#
# Seeds come from tests/fuzz/corpus/<harness>/ and the reproducers of fixed
# bugs in tests/fuzz/crashes/<harness>/ (both read-only); new inputs go to
# build-fuzz/corpus/<harness>/, crashes to build-fuzz/artifacts/<harness>/.
# The exit status is non-zero when any harness found a crash, leak or
# timeout; the reproducer's path is printed (rerun it with
# build-fuzz/bin/mgc-fuzz-<harness> FILE).
#
# MGC_JOBS (default 2): harnesses fuzzed at once, and build jobs.
# MGC_FUZZ_CXX / MGC_FUZZ_CC: the clang to use (default clang++-14 / clang-14).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build-fuzz
jobs="${MGC_JOBS:-2}"

all=(description hf_config safetensors gguf llama2c tokenizer tokenizer_encode
     model_file mlir rwkv_cpp)

merge=0
smoke=0
case "${1:-}" in
  --list) printf '%s\n' "${all[@]}"; exit 0 ;;
  --merge) merge=1; shift ;;
  --smoke) smoke=1; shift ;;
esac
if [ "$smoke" -eq 0 ] && { [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; }; then
  echo "usage: scripts/fuzz.sh [--merge] SECONDS [HARNESS...] | --smoke | --list" >&2
  exit 2
fi
seconds=0
if [ "$smoke" -eq 0 ]; then
  seconds=$1
  shift
fi
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=("${all[@]}")
for h in "${harnesses[@]}"; do
  if [ ! -f "tests/fuzz/fuzz_$h.cpp" ]; then
    echo "fuzz: no harness '$h'; harnesses: ${all[*]}" >&2
    exit 2
  fi
done

# Inputs larger than this teach little and slow every step.
max_len() {
  case "$1" in
    mlir|rwkv_cpp) echo 16384 ;;
    description|hf_config|tokenizer_encode) echo 4096 ;;
    *) echo 12288 ;;
  esac
}

cxx="${MGC_FUZZ_CXX:-clang++-14}"
cc="${MGC_FUZZ_CC:-clang-14}"
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found; install clang-14 and libclang-rt-14-dev" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S tests/fuzz -B "$build" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" >/dev/null
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("mgc-fuzz-$h"); done
start=$(date +%s)
ninja -C "$build" -j "$jobs" "${targets[@]}"

if [ "$smoke" -eq 1 ]; then
  built=$(date +%s)
  status=0
  ctest --test-dir "$build" -L fuzz-smoke -j "$jobs" --output-on-failure \
    || status=$?
  end=$(date +%s)
  echo "fuzz: smoke: build $((built - start)) s, tests $((end - built)) s"
  exit "$status"
fi

# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs in code
# built with ASan, and Debian's (uninstrumented) MLIR libraries use that
# memory without unpoisoning it: a false use-after-poison in every
# MLIRContext otherwise. Leak checking stays on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
  local h=$1
  local dir="$build/corpus/$h" art="$build/artifacts/$h/" log="$build/logs/$h.log"
  mkdir -p "$dir" "$art" "$build/logs"
  local dict=() seeds=("tests/fuzz/corpus/$h")
  [ -f "tests/fuzz/dict/$h.dict" ] && dict=(-dict="tests/fuzz/dict/$h.dict")
  [ -d "tests/fuzz/crashes/$h" ] && seeds+=("tests/fuzz/crashes/$h")
  local rc=0
  "$build/bin/mgc-fuzz-$h" "$dir" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -max_len="$(max_len "$h")" -print_final_stats=1 \
    -artifact_prefix="$art" "${dict[@]}" >"$log" 2>&1 || rc=$?
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $h: FAILED after ${execs:-?} runs (exit $rc); log $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|\*\*\* mgc fuzz|.*runtime error)' "$log" | head -5 | sed 's/^/    /'
    find "$art" -type f -newer "$stamp" | sed "s|^|    reproducer: |"
    return 1
  fi
  echo "fuzz: $h: ok, ${execs:-?} runs in ${seconds}s, coverage ${cov:-?}"
}

status=0
stamp="$build/logs/.start"
mkdir -p "$build/logs"
touch "$stamp"
pids=()
names=()
for h in "${harnesses[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
  run_one "$h" &
  pids+=($!)
  names+=("$h")
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
done

# Merging keeps the committed corpus small: only inputs that reach new edges
# (hit counts ignored), cut to a few KB.
merge_len() {
  case "$1" in
    model_file) echo 4200 ;; # a valid file has its weights at 4096
    llama2c) echo 4096 ;;
    gguf|mlir) echo 2048 ;;
    tokenizer) echo 1536 ;;
    tokenizer_encode) echo 512 ;;
    *) echo 1024 ;;
  esac
}

if [ "$merge" -eq 1 ]; then
  for h in "${harnesses[@]}"; do
    before=$(ls "tests/fuzz/corpus/$h" | wc -l)
    "$build/bin/mgc-fuzz-$h" -merge=1 -use_counters=0 \
      -max_len="$(merge_len "$h")" \
      -timeout=25 "tests/fuzz/corpus/$h" "$build/corpus/$h" \
      >"$build/logs/$h.merge.log" 2>&1 || status=1
    echo "fuzz: $h: corpus $before -> $(ls "tests/fuzz/corpus/$h" | wc -l) files"
  done
fi
exit "$status"
