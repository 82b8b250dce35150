//===- CompareCommand.cpp - `mgc compare` ---------------------------------===//
//
// Compiles each input that is not a compiled model to a temporary file (the
// `mgc compile --random-weights` pipeline), then measures every model with
// the runtime: prefill of -p tokens from an empty context, and -n decode
// steps after filling each context length with one prefill; each figure is
// the median of -r repetitions. Contexts beyond a model's capacity are
// skipped for that model (and shown as "-").
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/CompareCommand.h"

#include "runtime/engine/Model.h"
#include "runtime/engine/Session.h"
#include "tools/mgc/CompileCommand.h"
#include "tools/mgc/CountList.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace mgc;

const char *mgc::compareUsage() {
  return "usage: mgc compare INPUT INPUT... [--contexts 128,512,2048] "
         "[-p 128] [-n 16]\n"
         "                   [-t THREADS] [-r REPS] [--json] [--plots DIR]\n"
         "\n"
         "  INPUT         a description, Hugging Face directory, .mlir (compiled\n"
         "                here with random weights) or a compiled model\n"
         "  --contexts    context lengths to measure decode latency and memory\n"
         "  -p P          prefill size measured (tokens/s)\n"
         "  -n N          decode steps timed at each context\n"
         "  -t THREADS    kernel threads (default: all cores)\n"
         "  -r REPS       repetitions; the median is reported (default 3)\n"
         "  --json        one JSON object instead of a table\n"
         "  --plots DIR   write DIR/decode-latency.svg and DIR/memory.svg (needs\n"
         "                gnuplot; Debian: gnuplot-nox)\n";
}

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "mgc compare: error: %s\n", message.c_str());
  return 1;
}

bool isCompiledModel(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, sizeof(magic)) &&
         std::memcmp(magic, "MGCMODEL", sizeof(magic)) == 0;
}

/// What was measured of one model.
struct Measured {
  std::string input, name;
  PlanFigures figures;
  int64_t context = 0;             // positions the model holds (0: any)
  double prefillTokensPerSecond = 0;
  std::vector<double> decodeMs;    // per context; < 0: not measured
  std::vector<double> memoryBytes; // per context
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::string measure(const std::string &path, const CompareOptions &options,
                    Measured &out) {
  std::unique_ptr<Model> opened;
  if (Status s = Model::open(path, opened); !s.ok())
    return s.message;
  std::shared_ptr<Model> model = std::move(opened);
  const Plan &plan = model->plan();
  model->setThreads(options.threads > 0
                        ? options.threads
                        : int(std::max(1u, std::thread::hardware_concurrency())));
  Session session(model);
  if (!session.status().ok())
    return session.status().message;
  out.name = plan.model;
  out.figures = plan.figures;
  out.context = session.contextLength();

  std::mt19937 rng(99);
  std::uniform_int_distribution<int32_t> ids(0, int32_t(plan.vocab - 1));
  int64_t longest = options.prompt;
  for (int64_t c : options.contexts)
    longest = std::max(longest, c + options.decodeTokens);
  std::vector<int32_t> tokens(size_t(longest + 1));
  for (int32_t &t : tokens)
    t = ids(rng);
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };
  auto fits = [&](int64_t positions) {
    return out.context == 0 || positions <= out.context;
  };

  // Prefill (one untimed warm-up run first).
  if (fits(options.prompt)) {
    std::vector<double> rates;
    for (int rep = 0; rep <= options.repetitions; ++rep) {
      session.reset();
      auto start = now();
      if (Status s = session.eval(tokens.data(), options.prompt, nullptr,
                                  Session::Path::prefill,
                                  Session::LogitRows::last);
          !s.ok())
        return s.message;
      if (rep > 0)
        rates.push_back(double(options.prompt) / seconds(start, now()));
    }
    out.prefillTokensPerSecond = median(rates);
  }
  // Decode at each context: fill it, then time the steps.
  for (int64_t c : options.contexts) {
    const PlanFigures &f = out.figures;
    out.memoryBytes.push_back(double(f.weightBytesTotal) +
                              double(f.kvBytesPerToken) * double(c) +
                              double(f.stateBytes));
    if (!fits(c + options.decodeTokens)) {
      out.decodeMs.push_back(-1);
      continue;
    }
    std::vector<double> times;
    for (int rep = 0; rep <= options.repetitions; ++rep) {
      session.reset();
      if (Status s = session.eval(tokens.data(), c, nullptr,
                                  Session::Path::prefill,
                                  Session::LogitRows::last);
          !s.ok())
        return s.message;
      auto start = now();
      for (int64_t i = 0; i < options.decodeTokens; ++i)
        if (Status s = session.eval(&tokens[size_t(c + i)], 1, nullptr);
            !s.ok())
          return s.message;
      if (rep > 0)
        times.push_back(1e3 * seconds(start, now()) /
                        double(options.decodeTokens));
    }
    out.decodeMs.push_back(median(times));
  }
  return {};
}

std::string grouped(int64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

void printTable(const std::vector<Measured> &models,
                const CompareOptions &options) {
  auto row = [&](const std::string &label, auto cell) {
    std::printf("%-28s", label.c_str());
    for (const Measured &m : models)
      std::printf(" %16s", cell(m).c_str());
    std::printf("\n");
  };
  row("model", [](const Measured &m) { return m.name; });
  row("params total", [](const Measured &m) {
    return grouped(m.figures.paramsTotal);
  });
  row("params active per token", [](const Measured &m) {
    return grouped(m.figures.paramsActive);
  });
  row("weight bytes per token", [](const Measured &m) {
    return grouped(m.figures.weightBytesPerToken);
  });
  row("KV bytes per position", [](const Measured &m) {
    return grouped(m.figures.kvBytesPerToken);
  });
  row("state bytes", [](const Measured &m) {
    return grouped(m.figures.stateBytes);
  });
  char buffer[64];
  row("prefill tokens/s (pp" + std::to_string(options.prompt) + ")",
      [&](const Measured &m) {
        std::snprintf(buffer, sizeof(buffer), "%.1f",
                      m.prefillTokensPerSecond);
        return m.prefillTokensPerSecond > 0 ? std::string(buffer) : "-";
      });
  for (size_t i = 0; i < options.contexts.size(); ++i)
    row("decode ms/token @" + std::to_string(options.contexts[i]),
        [&](const Measured &m) {
          std::snprintf(buffer, sizeof(buffer), "%.4f", m.decodeMs[i]);
          return m.decodeMs[i] >= 0 ? std::string(buffer) : "-";
        });
  for (size_t i = 0; i < options.contexts.size(); ++i)
    row("memory MB @" + std::to_string(options.contexts[i]),
        [&](const Measured &m) {
          std::snprintf(buffer, sizeof(buffer), "%.3f",
                        m.memoryBytes[i] / 1e6);
          return std::string(buffer);
        });
}

void printJson(const std::vector<Measured> &models,
               const CompareOptions &options) {
  std::printf("{\"contexts\": [");
  for (size_t i = 0; i < options.contexts.size(); ++i)
    std::printf("%s%lld", i ? ", " : "",
                static_cast<long long>(options.contexts[i]));
  std::printf("], \"prefill_tokens\": %lld, \"models\": [",
              static_cast<long long>(options.prompt));
  for (size_t m = 0; m < models.size(); ++m) {
    const Measured &x = models[m];
    const PlanFigures &f = x.figures;
    std::printf("%s{\"model\": \"%s\", \"params_total\": %lld, "
                "\"params_active\": %lld, \"weight_bytes_per_token\": %lld, "
                "\"kv_bytes_per_token\": %lld, \"state_bytes\": %lld, "
                "\"prefill_tokens_per_s\": %.3f, \"decode_ms_per_token\": [",
                m ? ", " : "", x.name.c_str(),
                static_cast<long long>(f.paramsTotal),
                static_cast<long long>(f.paramsActive),
                static_cast<long long>(f.weightBytesPerToken),
                static_cast<long long>(f.kvBytesPerToken),
                static_cast<long long>(f.stateBytes),
                x.prefillTokensPerSecond);
    for (size_t i = 0; i < x.decodeMs.size(); ++i)
      if (x.decodeMs[i] >= 0)
        std::printf("%s%.6f", i ? ", " : "", x.decodeMs[i]);
      else
        std::printf("%snull", i ? ", " : "");
    std::printf("], \"memory_bytes\": [");
    for (size_t i = 0; i < x.memoryBytes.size(); ++i)
      std::printf("%s%.0f", i ? ", " : "", x.memoryBytes[i]);
    std::printf("]}");
  }
  std::printf("]}\n");
}

/// A gnuplot string literal.
std::string quoted(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string plot(const std::vector<Measured> &models,
                 const CompareOptions &options, const std::string &dir) {
  auto gnuplot = llvm::sys::findProgramByName("gnuplot");
  if (!gnuplot)
    return "--plots needs gnuplot, which is not installed (Debian: "
           "gnuplot-nox)";
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return dir + ": " + ec.message();
  // One data file: context, then per model decode ms and memory MB ("NaN"
  // where not measured, which gnuplot skips).
  std::string data = dir + "/compare.dat", script = dir + "/compare.gp";
  {
    std::ofstream out(data);
    for (size_t i = 0; i < options.contexts.size(); ++i) {
      out << options.contexts[i];
      for (const Measured &m : models)
        out << ' ' << (m.decodeMs[i] >= 0 ? std::to_string(m.decodeMs[i])
                                          : std::string("NaN"))
            << ' ' << m.memoryBytes[i] / 1e6;
      out << '\n';
    }
    if (!out)
      return "cannot write " + data;
  }
  std::ofstream gp(script);
  gp << "set terminal svg size 720,440 dynamic noenhanced font 'sans,12'\n"
        "set datafile missing 'NaN'\n"
        "set key top left\nset grid\nset logscale x 2\n"
        "set xlabel 'context length (tokens)'\n";
  auto series = [&](int column) {
    std::string s;
    for (size_t m = 0; m < models.size(); ++m)
      s += std::string(m ? ", " : "") + quoted(data) + " using 1:" +
           std::to_string(2 + 2 * m + column) +
           " with linespoints lw 2 title " + quoted(models[m].name);
    return s;
  };
  gp << "set output " << quoted(dir + "/decode-latency.svg") << "\n"
     << "set title 'decode latency vs context'\n"
     << "set ylabel 'ms per token'\nset yrange [0:*]\n"
     << "plot " << series(0) << "\n"
     << "set output " << quoted(dir + "/memory.svg") << "\n"
     << "set title 'memory vs context (weights + KV cache + state)'\n"
     << "set ylabel 'MB'\n"
     << "plot " << series(1) << "\n";
  gp.close();
  if (!gp)
    return "cannot write " + script;
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*gnuplot, {*gnuplot, script}, std::nullopt,
                                     {}, 0, 0, &error);
  if (rc != 0)
    return "gnuplot failed on " + script +
           (error.empty() ? "" : ": " + error);
  return {};
}

} // namespace

bool mgc::parseCompareOptions(const std::vector<std::string> &args,
                              CompareOptions &options) {
  auto bad = [](const std::string &message) {
    fail(message);
    return false;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    bool hasValue = arg == "--contexts" || arg == "-p" || arg == "-n" ||
                    arg == "-t" || arg == "-r" || arg == "--plots";
    if (hasValue && i + 1 >= args.size())
      return bad("option " + arg + " needs a value");
    std::vector<int64_t> list;
    if (arg == "--contexts") {
      if (!parseCountList(args[++i], 1, list))
        return bad("--contexts needs comma-separated positive lengths, got '" +
                   args[i] + "'");
      options.contexts = list;
    } else if (arg == "-p" || arg == "-n" || arg == "-t" || arg == "-r") {
      if (!parseCountList(args[++i], 1, list) || list.size() != 1)
        return bad(arg + " needs a positive number, got '" + args[i] + "'");
      if (arg == "-p")
        options.prompt = list[0];
      else if (arg == "-n")
        options.decodeTokens = list[0];
      else if (arg == "-t")
        options.threads = int(std::min<int64_t>(list[0], 1024));
      else
        options.repetitions = int(std::min<int64_t>(list[0], 1000));
    } else if (arg == "--plots") {
      options.plotsDir = args[++i];
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return bad("unknown option '" + arg + "'\n" + compareUsage());
    } else {
      options.inputs.push_back(arg);
    }
  }
  if (options.inputs.size() < 2)
    return bad(std::string("give at least two models to compare\n") +
               compareUsage());
  return true;
}

int mgc::runCompare(const CompareOptions &options) {
  std::vector<Measured> models;
  std::vector<std::string> temporaries;
  auto cleanup = [&] {
    for (const std::string &t : temporaries)
      llvm::sys::fs::remove(t);
  };
  for (const std::string &input : options.inputs) {
    std::string path = input;
    if (!isCompiledModel(input)) {
      llvm::SmallString<128> temp;
      int fd = -1;
      if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
              "mgc-compare", "mgc", fd, temp)) {
        cleanup();
        return fail("cannot create a temporary file: " + ec.message());
      }
      ::close(fd);
      temporaries.push_back(temp.str().str());
      CompileOptions compile;
      compile.input = input;
      compile.output = temporaries.back();
      compile.emit = "artifact";
      compile.randomWeights = true;
      if (runCompile(compile) != 0) {
        cleanup();
        return fail("cannot compile " + input);
      }
      path = temporaries.back();
    }
    Measured m;
    m.input = input;
    if (std::string error = measure(path, options, m); !error.empty()) {
      cleanup();
      return fail(input + ": " + error);
    }
    models.push_back(std::move(m));
  }
  cleanup();
  if (options.json)
    printJson(models, options);
  else
    printTable(models, options);
  if (!options.plotsDir.empty()) {
    if (std::string error = plot(models, options, options.plotsDir);
        !error.empty())
      return fail(error);
    if (!options.json)
      std::printf("plots: %s/decode-latency.svg, %s/memory.svg\n",
                  options.plotsDir.c_str(), options.plotsDir.c_str());
  }
  return 0;
}
