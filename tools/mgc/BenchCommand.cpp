//===- BenchCommand.cpp - `mgc bench` -------------------------------------===//
//
// Each measurement starts a fresh sequence and, at depth D, first fills D
// positions of context with one untimed prefill: ppP then times one prefill
// call of P token ids; tgN feeds one token, then times N decode calls. One
// untimed warm-up run precedes the repetitions; the figure is the mean
// tokens/s and its standard deviation over them, with the FLOP/s and bytes/s
// the timed calls reached (their analytic costs, runtime/model/Plan.h
// PlanCost) and the fraction of the roofline: achieved FLOP/s over
// min(peak, intensity x bandwidth), where peak is the target's FP32 peak
// scaled to the threads used and bandwidth is read bandwidth measured when
// the bench starts with that many threads, over as many bytes as a decode
// step reads weights (64 MiB to 2 GiB).
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/BenchCommand.h"

#include "codegen/TargetDescription.h"
#include "runtime/engine/Model.h"
#include "runtime/engine/Session.h"
#include "tools/mgc/CountList.h"
#include "tools/mgc/ProfileReport.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

using namespace mgc;

const char *mgc::benchUsage() {
  return "usage: mgc bench MODEL [-p 128,512] [-n 64] [-d 0,1024] [-t 1,2] "
         "[-r REPS]\n"
         "                 [--json] [--profile]\n"
         "\n"
         "  -p P,...    prefill sizes to measure (ppP); 0 skips prefill\n"
         "  -n N,...    generated token counts to measure (tgN); 0 skips\n"
         "  -d D,...    context depths: positions filled before each test\n"
         "              (tgN@dD; default 0)\n"
         "  -t T,...    thread counts (default: all cores)\n"
         "  -r REPS     repetitions of each measurement (default 5)\n"
         "  --json      one JSON object per line per measurement\n"
         "  --profile   after each measurement, where its time went (see\n"
         "              mgc run --profile)\n";
}

namespace {

bool fail(const std::string &message) {
  std::fprintf(stderr, "mgc bench: error: %s\n", message.c_str());
  return false;
}

struct Measurement {
  double mean = 0, stddev = 0; // tokens/s
};

Measurement summarize(const std::vector<double> &rates) {
  Measurement m;
  for (double r : rates)
    m.mean += r;
  m.mean /= double(rates.size());
  for (double r : rates)
    m.stddev += (r - m.mean) * (r - m.mean);
  m.stddev =
      rates.size() > 1 ? std::sqrt(m.stddev / double(rates.size() - 1)) : 0.0;
  return m;
}

} // namespace

bool mgc::parseBenchOptions(const std::vector<std::string> &args,
                            BenchOptions &options) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    bool hasValue = arg == "-p" || arg == "-n" || arg == "-t" || arg == "-r" ||
                    arg == "-d";
    if (hasValue && i + 1 >= args.size())
      return fail("option " + arg + " needs a value");
    std::vector<int64_t> list;
    if (arg == "-p" || arg == "-n" || arg == "-d") {
      if (!parseCountList(args[++i], 0, list))
        return fail(arg + " needs comma-separated counts, got '" + args[i] +
                    "'");
      (arg == "-p"   ? options.prompts
       : arg == "-n" ? options.generate
                     : options.depths) = list;
    } else if (arg == "-t") {
      if (!parseCountList(args[++i], 0, list))
        return fail("-t needs comma-separated thread counts, got '" + args[i] +
                    "'");
      options.threads.clear();
      for (int64_t t : list) {
        if (t < 1 || t > 1024)
          return fail("thread counts must be 1 to 1024");
        options.threads.push_back(int(t));
      }
    } else if (arg == "-r") {
      if (!parseCountList(args[++i], 0, list) || list.size() != 1 || list[0] < 1)
        return fail("-r needs a positive number of repetitions");
      options.repetitions = int(list[0]);
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--profile") {
      options.profile = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option '" + arg + "'\n" + benchUsage());
    } else if (options.model.empty()) {
      options.model = arg;
    } else {
      return fail("more than one model: '" + options.model + "' and '" + arg +
                  "'");
    }
  }
  if (options.model.empty())
    return fail(std::string("no model given\n") + benchUsage());
  return true;
}

/// FLOPs and bytes of the calls profiled since profiling was (re)enabled.
static void profiledWork(const Session &session, double &flops,
                         double &bytes) {
  flops = bytes = 0;
  for (const auto &entry : session.callProfile())
    for (const Session::CallProfile &call : entry) {
      flops += call.flops;
      bytes += call.bytes;
    }
}

int mgc::runBench(const BenchOptions &options) {
  std::unique_ptr<Model> opened;
  if (Status s = Model::open(options.model, opened); !s.ok())
    return fail(s.message), 1;
  std::shared_ptr<Model> model = std::move(opened);
  const Plan &plan = model->plan();
  const int64_t vocab = plan.vocab;
  Session session(model);
  if (!session.status().ok())
    return fail(session.status().message), 1;
  const int64_t context = session.contextLength();
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));

  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> ids(0, int32_t(vocab - 1));
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };

  // The bandwidth's working set (measureReadBandwidthGbps clamps it).
  const uint64_t workingSet =
      std::clamp<uint64_t>(uint64_t(std::max<int64_t>(
                               0, plan.figures.weightBytesPerToken)),
                           uint64_t(64) << 20, uint64_t(2048) << 20);
  if (!options.json)
    std::printf("%-12s %7s %12s %9s %9s %8s %6s\n", "test", "threads",
                "tokens/s", "stddev", "GFLOP/s", "GB/s", "roof");
  for (int requested : options.threads) {
    int threads = requested > 0 ? requested : cores;
    model->setThreads(threads);
    // The roofline for this many threads: the target's peak scaled to the
    // threads, the read bandwidth they reach on this machine now over a
    // working set of the weights a decode step reads (how much of it the
    // last-level cache holds changes the rate).
    const double bandwidth = measureReadBandwidthGbps(threads, workingSet);
    const double peak =
        plan.peakGflops * double(std::min(threads, cores)) / double(cores);
    // (name, tokens, prefill?, depth) for every test.
    struct Test {
      std::string name;
      int64_t tokens;
      bool prefill;
      int64_t depth;
    };
    std::vector<Test> tests;
    for (int64_t d : options.depths) {
      std::string at = d > 0 ? "@d" + std::to_string(d) : "";
      for (int64_t p : options.prompts)
        if (p > 0)
          tests.push_back({"pp" + std::to_string(p) + at, p, true, d});
      for (int64_t n : options.generate)
        if (n > 0)
          tests.push_back({"tg" + std::to_string(n) + at, n, false, d});
    }
    for (const Test &test : tests) {
      int64_t needed = test.depth + (test.prefill ? test.tokens : test.tokens + 1);
      if (context > 0 && needed > context)
        return fail(test.name + " needs " + std::to_string(needed) +
                    " positions; the model holds " + std::to_string(context)),
               1;
      std::vector<int32_t> tokens(static_cast<size_t>(needed));
      for (int32_t &t : tokens)
        t = ids(rng);
      std::vector<double> rates;
      double flops = 0, bytes = 0, timed = 0;
      for (int rep = 0; rep <= options.repetitions; ++rep) {
        session.reset();
        const int32_t *next = tokens.data();
        if (test.depth > 0) {
          if (Status s = session.eval(next, test.depth, nullptr,
                                      Session::Path::prefill,
                                      Session::LogitRows::last);
              !s.ok())
            return fail(s.message), 1;
          next += test.depth;
        }
        if (!test.prefill) {
          if (Status s = session.eval(next++, 1, nullptr); !s.ok())
            return fail(s.message), 1;
        }
        // Only the timed calls count; the warm-up run is not measured.
        session.enableProfiling(rep > 0);
        auto start = now();
        if (test.prefill) {
          if (Status s = session.eval(next, test.tokens, nullptr,
                                      Session::Path::prefill,
                                      Session::LogitRows::last);
              !s.ok())
            return fail(s.message), 1;
        } else {
          for (int64_t i = 0; i < test.tokens; ++i)
            if (Status s = session.eval(next + i, 1, nullptr); !s.ok())
              return fail(s.message), 1;
        }
        double elapsed = seconds(start, now());
        if (rep > 0) { // the first run warms caches and the thread pool
          rates.push_back(double(test.tokens) / elapsed);
          double f, b;
          profiledWork(session, f, b);
          flops += f;
          bytes += b;
          timed += elapsed;
        }
        if (options.profile && rep == options.repetitions) {
          std::fprintf(stderr, "%s, %d threads, last repetition:\n",
                       test.name.c_str(), threads);
          printProfile(session, stderr, 15);
          std::fprintf(stderr, "\n");
        }
      }
      session.enableProfiling(false);
      Measurement m = summarize(rates);
      ProfileRow work;
      work.seconds = timed;
      work.flops = flops;
      work.bytes = bytes;
      double roof = rooflineFraction(work, peak, bandwidth);
      double gflops = timed > 0 ? flops / timed / 1e9 : 0;
      double gbps = timed > 0 ? bytes / timed / 1e9 : 0;
      if (options.json)
        std::printf("{\"test\": \"%s\", \"threads\": %d, \"depth\": %lld, "
                    "\"tokens_per_s\": %.2f, \"stddev\": %.2f, "
                    "\"gflops\": %.3f, \"gbps\": %.3f, "
                    "\"peak_gflops\": %.1f, \"bandwidth_gbps\": %.2f, "
                    "\"roofline_fraction\": %.4f}\n",
                    test.name.c_str(), threads,
                    static_cast<long long>(test.depth), m.mean, m.stddev,
                    gflops, gbps, peak, bandwidth, roof);
      else
        std::printf("%-12s %7d %12.2f %9.2f %9.2f %8.2f %5.1f%%\n",
                    test.name.c_str(), threads, m.mean, m.stddev, gflops, gbps,
                    100 * roof);
      std::fflush(stdout);
    }
    if (!options.json)
      std::printf("  (%d threads: roofline of %.1f GFLOP/s and %.1f GB/s "
                  "read bandwidth measured now over %.0f MB, the weights a "
                  "decode step reads)\n",
                  threads, peak, bandwidth, double(workingSet) / 1e6);
  }
  return 0;
}
