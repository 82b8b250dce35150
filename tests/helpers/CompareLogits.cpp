//===- CompareLogits.cpp - compare two float32 logit dumps ----------------===//
//
// `mgc-compare-logits ACTUAL EXPECTED --vocab V [--tol T | --row-tol R]
//                     [--positions N] [--first F]`
// reads two float32 little-endian files of [positions][V] logits (the
// format of `mgc run --dump-logits` and llama2.c's dumps) and checks, at
// every position and token, |actual - expected| <= T * max(1, |expected|)
// (default T = 1e-4: relative for logits of magnitude above 1, absolute
// below), or with --row-tol |actual - expected| <= R * the row's largest
// |expected| (for reduced-precision weights, whose rounding errors scale
// with the logits around them, not with each one). --first F compares
// only the first F positions of each file. It prints the position count,
// the largest absolute error and the largest error relative to its row's
// largest |expected|, and exits 1 when the files differ in length (or
// hold fewer than N or F positions) or any value is out of tolerance,
// naming the first such position and token.
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

bool load(const char *path, std::vector<float> &out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return false;
  std::streamsize size = in.tellg();
  if (size % 4 != 0)
    return false;
  out.resize(size_t(size / 4));
  in.seekg(0);
  return bool(in.read(reinterpret_cast<char *>(out.data()), size));
}

int usage() {
  std::fprintf(stderr, "usage: mgc-compare-logits ACTUAL EXPECTED --vocab V "
                       "[--tol T | --row-tol R] [--positions N] "
                       "[--first F]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  const char *files[2] = {nullptr, nullptr};
  long vocab = 0, positions = -1, first = -1;
  double tol = 1e-4, rowTol = 0;
  int nfiles = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--vocab" || arg == "--tol" || arg == "--row-tol" ||
         arg == "--positions" || arg == "--first") &&
        i + 1 < argc) {
      const char *value = argv[++i];
      if (arg == "--vocab")
        vocab = std::strtol(value, nullptr, 10);
      else if (arg == "--tol")
        tol = std::strtod(value, nullptr);
      else if (arg == "--row-tol")
        rowTol = std::strtod(value, nullptr);
      else if (arg == "--first")
        first = std::strtol(value, nullptr, 10);
      else
        positions = std::strtol(value, nullptr, 10);
    } else if (nfiles < 2 && arg[0] != '-') {
      files[nfiles++] = argv[i];
    } else {
      return usage();
    }
  }
  if (nfiles != 2 || vocab < 1 || !(tol > 0) || rowTol < 0 || first == 0)
    return usage();
  std::vector<float> actual, expected;
  for (int f = 0; f < 2; ++f)
    if (!load(files[f], f ? expected : actual)) {
      std::fprintf(stderr, "error: cannot read %s as float32 values\n",
                   files[f]);
      return 1;
    }
  if (first > 0) {
    const size_t keep = size_t(first) * size_t(vocab);
    if (actual.size() < keep || expected.size() < keep) {
      std::fprintf(stderr, "error: fewer than %ld positions to compare\n",
                   first);
      return 1;
    }
    actual.resize(keep);
    expected.resize(keep);
  }
  if (actual.size() != expected.size() || actual.size() % size_t(vocab)) {
    std::fprintf(stderr,
                 "error: %s holds %zu values, %s %zu; expected equal "
                 "multiples of the vocabulary (%ld)\n",
                 files[0], actual.size(), files[1], expected.size(), vocab);
    return 1;
  }
  long rows = long(actual.size() / size_t(vocab));
  if (positions >= 0 && rows < positions) {
    std::fprintf(stderr, "error: %ld positions, expected at least %ld\n", rows,
                 positions);
    return 1;
  }
  double maxAbs = 0, maxRowRel = 0;
  long badRow = -1, badToken = -1;
  for (long r = 0; r < rows; ++r) {
    const float *a = &actual[size_t(r * vocab)],
                *e = &expected[size_t(r * vocab)];
    double scale = 0, rowAbs = 0;
    for (long v = 0; v < vocab; ++v)
      scale = std::fmax(scale, std::fabs(double(e[v])));
    for (long v = 0; v < vocab; ++v) {
      double err = std::fabs(double(a[v]) - double(e[v]));
      double limit = rowTol > 0 ? rowTol * scale
                                : tol * std::fmax(1.0, std::fabs(double(e[v])));
      if (!(err <= limit) && badRow < 0) {
        badRow = r;
        badToken = v;
      }
      rowAbs = std::fmax(rowAbs, std::isnan(err) ? INFINITY : err);
    }
    maxAbs = std::fmax(maxAbs, rowAbs);
    if (scale > 0)
      maxRowRel = std::fmax(maxRowRel, rowAbs / scale);
  }
  std::printf("positions %ld, max abs error %.3g, max error relative to the "
              "row's largest logit %.3g\n",
              rows, maxAbs, maxRowRel);
  if (badRow >= 0) {
    const double a = actual[size_t(badRow * vocab + badToken)],
                 e = expected[size_t(badRow * vocab + badToken)];
    if (rowTol > 0)
      std::fprintf(stderr,
                   "error: position %ld token %ld: %.9g, expected %.9g "
                   "(tolerance %g of the row's largest logit)\n",
                   badRow, badToken, a, e, rowTol);
    else
      std::fprintf(stderr,
                   "error: position %ld token %ld: %.9g, expected %.9g "
                   "(tolerance %g relative, at least %g absolute)\n",
                   badRow, badToken, a, e, tol, tol);
    return 1;
  }
  return 0;
}
