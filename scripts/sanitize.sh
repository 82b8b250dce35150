#!/usr/bin/env bash
# Builds mgc with AddressSanitizer + UndefinedBehaviorSanitizer (g++) into
# build-asan/ and runs the whole ctest suite (lit + GoogleTest) under it.
# Any sanitizer report aborts the process that made it, so the test that ran
# it fails (also under lit's `not`, which treats a crash as a failure).
#
#   scripts/sanitize.sh            configure if needed, build, run every test
#   scripts/sanitize.sh -R lit/    extra arguments go to ctest
#   scripts/sanitize.sh --no-kernel-tests
#                                  all but the Halide kernel tests
#   scripts/sanitize.sh --no-e2e   all but the end-to-end lit tests
#                                  (tests/e2e: model runs, whose kernels are
#                                  generated code, not instrumented)
#
# --no-kernel-tests leaves out the executables mgc-*-kernel-tests and
# mgc-halide-target-tests (about a sixth of the build and an eighth of the
# test time): they JIT-compile Halide pipelines and compare their numbers
# with references, and the generated code is not instrumented. The kernel
# generators themselves still run instrumented wherever the lit tests
# compile a model. CI leaves out both (.ci/run).
#
# MGC_JOBS (default 2) sets the build and test parallelism. Leak checking is
# on; known leaks and one undefined-behaviour report in code mgc does not own
# are suppressed below.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${MGC_JOBS:-2}"
build=build-asan
start=$(date +%s)
kernel_tests=1
e2e_tests=1
while true; do
  case "${1:-}" in
    --no-kernel-tests) kernel_tests=0; shift ;;
    --no-e2e) e2e_tests=0; shift ;;
    *) break ;;
  esac
done

# UBSan reports are recoverable in the code so that a suppressed one can go
# on; halt_on_error=1 (below) still aborts on every other.
san="-fsanitize=address,undefined"
# -O1 keeps the build fast and the stacks readable; -g1 gives file:line in
# reports without full debug info.
flags="$san -fno-omit-frame-pointer -g1"

# (Re)configure when the build is new or was made with other flags.
if [ ! -f "$build/build.ninja" ] ||
   ! grep -qxF "CMAKE_CXX_FLAGS:STRING=$flags" "$build/CMakeCache.txt"; then
  cmake -G Ninja -S . -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DCMAKE_EXE_LINKER_FLAGS="$san" -DCMAKE_SHARED_LINKER_FLAGS="$san" \
    -DCMAKE_MODULE_LINKER_FLAGS="$san"
fi
excluded=() # ctest name patterns left out, joined into one -E
if [ "$kernel_tests" -eq 1 ]; then
  ninja -C "$build" -j "$jobs"
else
  kernel='^bin/mgc-([a-z0-9-]+-kernel|halide-target)-tests$'
  mapfile -t targets < <(ninja -C "$build" -t targets all |
    sed -n 's/^\(bin\/[^:]*\): .*EXECUTABLE_LINKER.*/\1/p' | grep -Ev "$kernel")
  ninja -C "$build" -j "$jobs" "${targets[@]}"
  # Tests of executables never built here are placeholders named so.
  excluded+=('(-kernel|halide-target)-tests_NOT_BUILT$')
fi
[ "$e2e_tests" -eq 1 ] || excluded+=('^lit/e2e/')
ctest_args=()
if [ ${#excluded[@]} -gt 0 ]; then
  pattern=$(IFS='|'; echo "${excluded[*]}")
  ctest_args=(-E "$pattern")
fi
built=$(date +%s)

# Leaks in code mgc does not own (Halide's and LLVM's process-lifetime
# caches, the dynamic loader) are not ours to fix.
cat > "$build/lsan.supp" <<'EOF'
leak:libHalide
leak:libLLVM
leak:libstdc++
leak:_dl_
EOF
# Halide 14's Runtime::Buffer::for_each_value (inline in Halide.h, so
# compiled into mgc's objects) flattens dimensions by copying one task entry
# past the ones it filled, keeps that entry's uninitialized stride, and
# advances a pointer by it after the last row, without reading through it:
# a pointer-overflow report in Buffer::copy / copy_from whenever the stack
# holds a large value there.
cat > "$build/ubsan.supp" <<'EOF'
pointer-overflow:Halide.h
EOF

# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs when the
# code including it is built with ASan; Debian's MLIR libraries are not, and
# hand out that memory without unpoisoning it, so every MLIRContext would
# report a false use-after-poison in mlir::Dialect::addType.
export ASAN_OPTIONS="allow_user_poisoning=0:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:suppressions=$PWD/$build/ubsan.supp"
export LSAN_OPTIONS="suppressions=$PWD/$build/lsan.supp:print_suppressions=0"

status=0
ctest --test-dir "$build" --output-on-failure -j "$jobs" "${ctest_args[@]}" "$@" ||
  status=$?
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
exit "$status"
