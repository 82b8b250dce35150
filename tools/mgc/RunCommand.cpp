//===- RunCommand.cpp - `mgc run` -----------------------------------------===//
//
// Generation follows llama2.c's run.c so its reference outputs can be
// reproduced exactly: -n counts positions in all (prompt included), the
// prompt's tokens are forced, the text printed is every token after the
// first (the prompt's too), and generation stops at BOS (and EOS). The
// prompt runs as one prefill call, every later token as one decode call.
//
//===----------------------------------------------------------------------===//

#include "tools/mgc/RunCommand.h"

#include "runtime/engine/Model.h"
#include "runtime/engine/Session.h"
#include "runtime/sampler/Sampler.h"
#include "runtime/tokenizer/Tokenizer.h"
#include "tools/mgc/ProfileReport.h"
#include "tools/mgc/RoutingReport.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

using namespace mgc;

namespace {
std::string &programName() {
  static std::string name = "mgc run";
  return name;
}
} // namespace

void mgc::setRunProgramName(const std::string &name) { programName() = name; }

static const char *const kRunOptionsHelp =
         "  --prompt TEXT      text to continue (needs a tokenizer)\n"
         "  --tokens 1,2,3     token ids to continue; prints generated ids\n"
         "  -n N               positions in all, prompt included (llama2.c's\n"
         "                     -n); default: the context\n"
         "  --temp T           sampling temperature; 0 (default) is greedy\n"
         "  --top-k K          sample among the K most likely tokens\n"
         "  --top-p P          sample from the smallest set with mass P\n"
         "  --seed S           random seed of the sampler (default 0)\n"
         "  -t THREADS         threads of the kernels (default: all cores)\n"
         "  --ctx N            positions to allow (at most the model's)\n"
         "  --dump-logits FILE write float32 logits [positions][vocab] of\n"
         "                     every position processed\n"
         "  --tokenizer FILE   llama2.c tokenizer.bin or GGUF file; default:\n"
         "                     the tokenizer embedded in the model\n"
         "  --stats            print prefill and decode speed, and for MoE\n"
         "                     models each layer's expert load, imbalance,\n"
         "                     dropped routes and routing time, to stderr\n"
         "  --profile          print where the time goes to stderr: per op\n"
         "                     kind and per kernel call, time, FLOPs, bytes,\n"
         "                     FLOP/byte and the fraction of the target's\n"
         "                     roofline reached, with each call's layer and\n"
         "                     description position (30 slowest calls)\n"
         "  --json             print --stats and --profile as JSON\n";

const char *mgc::runUsage() {
  static const std::string text =
      std::string(
          "usage: mgc run MODEL [--prompt TEXT | --tokens 1,2,3] [-n N]\n"
          "               [--temp T] [--top-k K] [--top-p P] [--seed S]\n"
          "               [-t THREADS] [--ctx N] [--dump-logits FILE]\n"
          "               [--tokenizer FILE] [--stats] [--profile] [--json]\n"
          "\n"
          "  MODEL              a compiled model (mgc compile ... -o "
          "MODEL.mgc)\n") +
      kRunOptionsHelp;
  return text.c_str();
}

std::string mgc::embeddedRunUsage(const std::string &program) {
  return "usage: " + program +
         " [--prompt TEXT | --tokens 1,2,3] [-n N]\n"
         "         [--temp T] [--top-k K] [--top-p P] [--seed S]\n"
         "         [-t THREADS] [--ctx N] [--dump-logits FILE]\n"
         "         [--tokenizer FILE] [--stats] [--profile] [--json]\n"
         "\n"
         "  (the compiled model is built into this program; made by\n"
         "  mgc compile --emit=exe)\n" +
         kRunOptionsHelp;
}

namespace {

bool fail(const std::string &message) {
  std::fprintf(stderr, "%s: error: %s\n", programName().c_str(),
               message.c_str());
  return false;
}

int failStatus(const std::string &message) {
  fail(message);
  return 1;
}

bool parseInt(const std::string &text, int64_t low, int64_t high,
              int64_t &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno || *end != '\0' || value < low || value > high)
    return false;
  out = value;
  return true;
}

bool parseFloat(const std::string &text, float &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  out = std::strtof(text.c_str(), &end);
  return *end == '\0';
}

/// Token ids "1,2,3" (spaces allowed after commas).
bool parseTokens(const std::string &text, std::vector<int32_t> &out) {
  out.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    int64_t id;
    if (!parseInt(item, 0, INT32_MAX, id))
      return false;
    out.push_back(int32_t(id));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return !out.empty();
}

/// Loads the tokenizer: --tokenizer FILE, else the one embedded in the
/// model; std::nullopt (and no error) when there is none.
std::optional<Tokenizer> loadTokenizer(const RunOptions &options,
                                       const Plan &plan, std::string &error) {
  if (!options.tokenizer.empty()) {
    char magic[4] = {};
    if (FILE *f = std::fopen(options.tokenizer.c_str(), "rb")) {
      size_t n = std::fread(magic, 1, 4, f);
      (void)n;
      std::fclose(f);
    }
    TokenizerOrError t =
        std::memcmp(magic, "GGUF", 4) == 0
            ? Tokenizer::fromGguf(options.tokenizer)
            : Tokenizer::fromLlama2c(options.tokenizer, int32_t(plan.vocab));
    if (!t.ok())
      error = t.error;
    return t.tokenizer;
  }
  if (plan.tokenizerFormat.empty())
    return std::nullopt;
  // The embedded bytes, read through an anonymous file.
  int fd = ::memfd_create("mgc-tokenizer", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, plan.tokenizer.data(), plan.tokenizer.size()) !=
                    ssize_t(plan.tokenizer.size())) {
    if (fd >= 0)
      ::close(fd);
    error = "cannot read the model's embedded tokenizer";
    return std::nullopt;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  TokenizerOrError t = plan.tokenizerFormat == "gguf"
                           ? Tokenizer::fromGguf(path)
                           : Tokenizer::fromLlama2c(path, int32_t(plan.vocab));
  ::close(fd);
  if (!t.ok())
    error = "the model's embedded tokenizer: " + t.error;
  return t.tokenizer;
}

double millisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

bool mgc::parseRunOptions(const std::vector<std::string> &args,
                          RunOptions &options) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    // Options with a value: --name=value or --name value.
    auto take = [&](const char *name) {
      std::string n = name;
      if (arg.rfind(n + "=", 0) == 0) {
        value = arg.substr(n.size() + 1);
        return true;
      }
      if (arg != n)
        return false;
      if (i + 1 >= args.size()) {
        fail("option " + n + " needs a value");
        value = "\x01"; // marks the missing value
        return true;
      }
      value = args[++i];
      return true;
    };
    int64_t number;
    if (take("--prompt")) {
      options.prompt = value;
      options.havePrompt = true;
    } else if (take("--tokens")) {
      if (!parseTokens(value, options.tokens))
        return fail("--tokens needs comma-separated token ids, got '" + value +
                    "'");
      options.haveTokens = true;
    } else if (take("-n")) {
      if (!parseInt(value, 1, INT32_MAX, number))
        return fail("-n needs a positive number of positions, got '" + value +
                    "'");
      options.steps = number;
    } else if (take("--temp")) {
      if (!parseFloat(value, options.temperature))
        return fail("--temp needs a number, got '" + value + "'");
    } else if (take("--top-k")) {
      if (!parseInt(value, 0, INT32_MAX, number))
        return fail("--top-k needs a non-negative integer, got '" + value +
                    "'");
      options.topK = int32_t(number);
    } else if (take("--top-p")) {
      if (!parseFloat(value, options.topP))
        return fail("--top-p needs a number, got '" + value + "'");
    } else if (take("--seed")) {
      if (!parseInt(value, 0, INT64_MAX, number))
        return fail("--seed needs a non-negative integer, got '" + value + "'");
      options.seed = uint64_t(number);
    } else if (take("-t")) {
      if (!parseInt(value, 1, 1024, number))
        return fail("-t needs a thread count from 1 to 1024, got '" + value +
                    "'");
      options.threads = int(number);
    } else if (take("--ctx")) {
      if (!parseInt(value, 1, INT32_MAX, number))
        return fail("--ctx needs a positive number of positions, got '" +
                    value + "'");
      options.context = number;
    } else if (take("--dump-logits")) {
      options.dumpLogits = value;
    } else if (take("--tokenizer")) {
      options.tokenizer = value;
    } else if (arg == "--stats") {
      options.stats = true;
    } else if (arg == "--profile") {
      options.profile = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return fail("unknown option '" + arg + "'\n" +
                  (options.embedded ? embeddedRunUsage(programName())
                                    : std::string(runUsage())));
    } else if (options.embedded) {
      return fail("unexpected argument '" + arg +
                  "': the model is built into this program");
    } else if (options.model.empty()) {
      options.model = arg;
    } else {
      return fail("more than one model: '" + options.model + "' and '" + arg +
                  "'");
    }
    if (value == "\x01")
      return false;
  }
  if (options.model.empty())
    return fail(std::string("no model given\n") + runUsage());
  if (options.havePrompt && options.haveTokens)
    return fail("give either --prompt or --tokens, not both");
  SamplerOptions sampling{options.temperature, options.topK, options.topP,
                          options.seed};
  if (std::string bad = Sampler::validate(sampling); !bad.empty())
    return fail(bad);
  return true;
}

int mgc::runRun(const RunOptions &options) {
  std::unique_ptr<Model> opened;
  if (Status s = options.embedded
                     ? Model::open(options.model, options.modelOffset,
                                   options.modelSize, opened)
                     : Model::open(options.model, opened);
      !s.ok())
    return failStatus(s.message);
  std::shared_ptr<Model> model = std::move(opened);
  const Plan &plan = model->plan();
  model->setThreads(
      options.threads > 0
          ? options.threads
          : int(std::max(1u, std::thread::hardware_concurrency())));
  Session session(model, options.context);
  if (!session.status().ok())
    return failStatus(session.status().message);
  // --stats reports routing time shares, which need the call timings.
  session.enableProfiling(options.profile || options.stats);
  session.enableRoutingStats(options.stats);

  std::string error;
  std::optional<Tokenizer> tokenizer = loadTokenizer(options, plan, error);
  if (!error.empty())
    return failStatus(error);

  // The prompt's token ids.
  std::vector<int32_t> prompt = options.tokens;
  if (!options.haveTokens) {
    if (!tokenizer)
      return failStatus(
          "the model has no tokenizer: give --tokenizer FILE (or compile with "
          "--tokenizer), or pass token ids with --tokens");
    prompt = tokenizer->encode(options.prompt, tokenizer->addBos(), false);
    if (prompt.empty())
      return failStatus("the prompt encodes to no tokens");
  }
  const int64_t P = int64_t(prompt.size());
  const int64_t context = session.contextLength();
  if (context > 0 && P > context)
    return failStatus("the prompt has " + std::to_string(P) +
                      " tokens, more than the context of " +
                      std::to_string(context) + " positions");
  int64_t steps = options.steps > 0 ? options.steps
                  : context > 0     ? context
                                    : P + 256;
  if (context > 0)
    steps = std::min(steps, context);

  FILE *dump = nullptr;
  if (!options.dumpLogits.empty() &&
      !(dump = std::fopen(options.dumpLogits.c_str(), "wb")))
    return failStatus("cannot write " + options.dumpLogits + ": " +
                      std::strerror(errno));
  const int64_t vocab = plan.vocab;
  auto dumpRows = [&](const float *rows, int64_t n) {
    return !dump || std::fwrite(rows, sizeof(float), size_t(n * vocab), dump) ==
                        size_t(n * vocab);
  };

  Sampler sampler(
      {options.temperature, options.topK, options.topP, options.seed});
  const bool text = !options.haveTokens;
  const int32_t bos = tokenizer ? tokenizer->bosId() : -1;
  const int32_t eos = tokenizer ? tokenizer->eosId() : -1;
  bool stopped = false, firstId = true;
  // Prints `next`, the token after `token`; false at a stop token.
  auto emit = [&](int32_t token, int32_t next, bool generated) {
    if (next == bos || next == eos) {
      stopped = true;
      return;
    }
    if (text) {
      std::string piece = Tokenizer::safePiece(tokenizer->decode(token, next));
      std::fwrite(piece.data(), 1, piece.size(), stdout);
    } else if (generated) {
      std::printf(firstId ? "%d" : ",%d", next);
      firstId = false;
    }
    std::fflush(stdout);
  };

  // The prompt, in one prefill call. Only a dump needs every position's
  // logits; sampling needs the last one's (the prompt's other positions are
  // forced).
  const int64_t prefill = std::min(P, steps);
  const bool everyRow = dump != nullptr;
  std::vector<float> logits(size_t((everyRow ? prefill : 1) * vocab));
  auto start = std::chrono::steady_clock::now();
  if (Status s = session.eval(
          prompt.data(), prefill, logits.data(), Session::Path::prefill,
          everyRow ? Session::LogitRows::all : Session::LogitRows::last);
      !s.ok())
    return failStatus(s.message);
  double prefillMs = millisSince(start);
  if (!dumpRows(logits.data(), prefill))
    return failStatus("writing " + options.dumpLogits + " failed");
  int32_t token = prompt[0];
  for (int64_t pos = 0; pos < prefill && !stopped; ++pos) {
    bool forced = pos < P - 1; // so pos == prefill - 1 when sampling
    const float *row = everyRow ? &logits[size_t(pos * vocab)] : logits.data();
    int32_t next =
        forced ? prompt[size_t(pos + 1)] : sampler.sample(row, int32_t(vocab));
    emit(token, next, !forced);
    token = next;
  }

  // One decode call per generated token.
  int64_t decoded = 0;
  start = std::chrono::steady_clock::now();
  std::vector<float> row(static_cast<size_t>(vocab));
  for (int64_t pos = prefill; pos < steps && !stopped; ++pos) {
    if (Status s = session.eval(&token, 1, row.data()); !s.ok())
      return failStatus(s.message);
    ++decoded;
    if (!dumpRows(row.data(), 1))
      return failStatus("writing " + options.dumpLogits + " failed");
    int32_t next = sampler.sample(row.data(), int32_t(vocab));
    emit(token, next, true);
    token = next;
  }
  double decodeMs = millisSince(start);
  std::printf("\n");
  std::fflush(stdout);
  if (dump && std::fclose(dump) != 0)
    return failStatus("writing " + options.dumpLogits + " failed");

  if (options.stats) {
    double prefillRate =
        prefillMs > 0 ? 1000.0 * double(prefill) / prefillMs : 0.0;
    double decodeRate =
        decodeMs > 0 ? 1000.0 * double(decoded) / decodeMs : 0.0;
    if (options.json) {
      std::fprintf(stderr,
                   "{\"prefill\": {\"tokens\": %lld, \"ms\": %.6g, "
                   "\"tokens_per_s\": %.6g}, \"decode\": {\"tokens\": %lld, "
                   "\"ms\": %.6g, \"tokens_per_s\": %.6g}, \"routing\": ",
                   static_cast<long long>(prefill), prefillMs, prefillRate,
                   static_cast<long long>(decoded), decodeMs, decodeRate);
      printRoutingReport(session, stderr, true);
      std::fprintf(stderr, "}\n");
    } else {
      std::fprintf(stderr,
                   "prefill: %lld tokens in %.2f ms (%.1f tokens/s)\n"
                   "decode:  %lld tokens in %.2f ms (%.1f tokens/s)\n",
                   static_cast<long long>(prefill), prefillMs, prefillRate,
                   static_cast<long long>(decoded), decodeMs, decodeRate);
      printRoutingReport(session, stderr, false);
    }
  }
  if (options.profile) {
    if (options.json)
      printProfileJson(session, stderr);
    else
      printProfile(session, stderr, 30);
  }
  return 0;
}
