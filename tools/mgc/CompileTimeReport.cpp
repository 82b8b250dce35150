//===- CompileTimeReport.cpp - `mgc compile --time-report` ----------------===//

#include "tools/mgc/CompileTimeReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mgc;

void CompileTimeReport::lap(const std::string &phase, const std::string &note) {
  Clock::time_point now = Clock::now();
  rows_.push_back({phase, note, std::chrono::duration<double>(now - lap_).count()});
  lap_ = now;
}

void CompileTimeReport::add(const std::string &phase, double seconds,
                            const std::string &note) {
  rows_.push_back({phase, note, seconds});
  lap_ = Clock::now();
}

void CompileTimeReport::print() const {
  auto row = [](const std::string &phase, double seconds,
                const std::string &note) {
    llvm::errs() << llvm::format("  %-10s %7.3f s", phase.c_str(), seconds)
                 << (note.empty() ? "" : "   " + note) << "\n";
  };
  llvm::errs() << "mgc compile: time report\n";
  for (const Row &r : rows_)
    row(r.phase, r.seconds, r.note);
  row("total", std::chrono::duration<double>(lap_ - start_).count(), "");
}
