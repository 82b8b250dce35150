//===- BenchCommand.cpp - `mgc bench` -------------------------------------===//
//
// Each measurement starts a fresh sequence: ppP times one prefill call of P
// token ids; tgN feeds one token, then times N decode calls. One untimed
// warm-up run precedes the repetitions; the figure is the mean tokens/s and
// its standard deviation over them.
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/BenchCommand.h"

#include "runtime/engine/Model.h"
#include "runtime/engine/Session.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

using namespace mgc;

const char *mgc::benchUsage() {
  return "usage: mgc bench MODEL [-p 128,512] [-n 64] [-t 1,2] [-r REPS] "
         "[--json]\n"
         "\n"
         "  -p P,...    prefill sizes to measure (ppP); 0 skips prefill\n"
         "  -n N,...    generated token counts to measure (tgN); 0 skips\n"
         "  -t T,...    thread counts (default: all cores)\n"
         "  -r REPS     repetitions of each measurement (default 5)\n"
         "  --json      one JSON object per line per measurement\n";
}

namespace {

bool fail(const std::string &message) {
  std::fprintf(stderr, "mgc bench: error: %s\n", message.c_str());
  return false;
}

/// "1,2,3" into non-negative integers.
bool parseList(const std::string &text, std::vector<int64_t> &out) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    char *end = nullptr;
    long long value = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 0 || value > (1ll << 30))
      return false;
    out.push_back(value);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
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
    bool hasValue = arg == "-p" || arg == "-n" || arg == "-t" || arg == "-r";
    if (hasValue && i + 1 >= args.size())
      return fail("option " + arg + " needs a value");
    std::vector<int64_t> list;
    if (arg == "-p" || arg == "-n") {
      if (!parseList(args[++i], list))
        return fail(arg + " needs comma-separated counts, got '" + args[i] +
                    "'");
      (arg == "-p" ? options.prompts : options.generate) = list;
    } else if (arg == "-t") {
      if (!parseList(args[++i], list))
        return fail("-t needs comma-separated thread counts, got '" + args[i] +
                    "'");
      options.threads.clear();
      for (int64_t t : list) {
        if (t < 1 || t > 1024)
          return fail("thread counts must be 1 to 1024");
        options.threads.push_back(int(t));
      }
    } else if (arg == "-r") {
      if (!parseList(args[++i], list) || list.size() != 1 || list[0] < 1)
        return fail("-r needs a positive number of repetitions");
      options.repetitions = int(list[0]);
    } else if (arg == "--json") {
      options.json = true;
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

int mgc::runBench(const BenchOptions &options) {
  std::unique_ptr<Model> opened;
  if (Status s = Model::open(options.model, opened); !s.ok())
    return fail(s.message), 1;
  std::shared_ptr<Model> model = std::move(opened);
  const int64_t vocab = model->plan().vocab;
  Session session(model);
  if (!session.status().ok())
    return fail(session.status().message), 1;
  const int64_t context = session.contextLength();

  std::mt19937 rng(1234);
  std::uniform_int_distribution<int32_t> ids(0, int32_t(vocab - 1));
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };

  if (!options.json)
    std::printf("%-8s %8s %14s %10s\n", "test", "threads", "tokens/s",
                "stddev");
  for (int requested : options.threads) {
    int threads = requested > 0
                      ? requested
                      : int(std::max(1u, std::thread::hardware_concurrency()));
    model->setThreads(threads);
    // (name, tokens, prefill?) for every test.
    struct Test {
      std::string name;
      int64_t tokens;
      bool prefill;
    };
    std::vector<Test> tests;
    for (int64_t p : options.prompts)
      if (p > 0)
        tests.push_back({"pp" + std::to_string(p), p, true});
    for (int64_t n : options.generate)
      if (n > 0)
        tests.push_back({"tg" + std::to_string(n), n, false});
    for (const Test &test : tests) {
      int64_t needed = test.prefill ? test.tokens : test.tokens + 1;
      if (context > 0 && needed > context)
        return fail(test.name + " needs " + std::to_string(needed) +
                    " positions; the model holds " + std::to_string(context)),
               1;
      std::vector<int32_t> tokens(static_cast<size_t>(needed));
      for (int32_t &t : tokens)
        t = ids(rng);
      std::vector<double> rates;
      for (int rep = 0; rep <= options.repetitions; ++rep) {
        session.reset();
        double elapsed;
        if (test.prefill) {
          auto start = now();
          if (Status s = session.eval(tokens.data(), test.tokens, nullptr,
                                      Session::Path::prefill);
              !s.ok())
            return fail(s.message), 1;
          elapsed = seconds(start, now());
        } else {
          if (Status s = session.eval(tokens.data(), 1, nullptr); !s.ok())
            return fail(s.message), 1;
          auto start = now();
          for (int64_t i = 1; i <= test.tokens; ++i)
            if (Status s = session.eval(&tokens[size_t(i)], 1, nullptr);
                !s.ok())
              return fail(s.message), 1;
          elapsed = seconds(start, now());
        }
        if (rep > 0) // the first run warms caches and the thread pool
          rates.push_back(double(test.tokens) / elapsed);
      }
      Measurement m = summarize(rates);
      if (options.json)
        std::printf("{\"test\": \"%s\", \"threads\": %d, \"tokens_per_s\": "
                    "%.2f, \"stddev\": %.2f}\n",
                    test.name.c_str(), threads, m.mean, m.stddev);
      else
        std::printf("%-8s %8d %14.2f %10.2f\n", test.name.c_str(), threads,
                    m.mean, m.stddev);
      std::fflush(stdout);
    }
  }
  return 0;
}
