//===- CompileTimeReport.h - `mgc compile --time-report` --------*- C++ -*-===//
//
// The phases of one compile with their wall-clock seconds and a note each
// (bytes, kernels compiled or cached), printed as a table on stderr.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_TOOLS_MGC_COMPILETIMEREPORT_H
#define MGC_TOOLS_MGC_COMPILETIMEREPORT_H

#include <chrono>
#include <string>
#include <vector>

namespace mgc {

class CompileTimeReport {
public:
  CompileTimeReport() : start_(Clock::now()), lap_(start_) {}

  /// Ends the current phase: its time is that since the previous lap.
  void lap(const std::string &phase, const std::string &note = "");

  /// A phase timed by its own code, ending now.
  void add(const std::string &phase, double seconds,
           const std::string &note = "");

  /// The table, phases in order and the total, on stderr.
  void print() const;

private:
  using Clock = std::chrono::steady_clock;
  struct Row {
    std::string phase, note;
    double seconds;
  };
  Clock::time_point start_, lap_;
  std::vector<Row> rows_;
};

} // namespace mgc

#endif // MGC_TOOLS_MGC_COMPILETIMEREPORT_H
