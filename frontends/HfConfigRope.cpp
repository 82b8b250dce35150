//===- HfConfigRope.cpp - RoPE settings from config.json ------------------===//
//
// This file reads rope_theta, partial_rotary_factor and the RoPE scaling
// object (rope_scaling in transformers 4, rope_parameters in 5) into a
// RopeSpec, following transformers' modeling_rope_utils.py. A scaling type
// mgc does not implement, or a parameter RopeSpec cannot carry, is an error.
//
// mgc's yarn is transformers' default yarn: beta_fast 32, beta_slow 1, a
// truncated correction range, and cos/sin scaled by 0.1 ln(factor) + 1
// unless attention_factor or mscale / mscale_all_dim say otherwise.
//
//===----------------------------------------------------------------------===//

#include "frontends/HfConfig.h"

#include <cmath>

using namespace mgc;
using namespace mgc::hf;
using llvm::StringRef;

namespace {

const char *kRopeTypes = "\"default\", \"linear\", \"dynamic\", \"yarn\" or "
                         "\"llama3\"";

std::string str(double value) {
  std::string s = std::to_string(value);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.')
    s.pop_back();
  return s;
}

bool near(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b));
}

/// transformers' get_mscale: the yarn attention factor for `scale`.
double yarnMscale(double scale, double mscale) {
  return scale <= 1 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0;
}

/// Reads the yarn keys of `d` into `r`; `maxPositions` is the model's
/// max_position_embeddings.
void readYarn(Object &d, RopeSpec &r, int64_t maxPositions) {
  double factor = d.requirePositive("factor");
  int64_t original =
      d.getInt("original_max_position_embeddings", 0, 1, kMaxSize);
  if (d.failed())
    return;
  // transformers 4 recomputes the factor from the two context lengths when
  // original_max_position_embeddings is given; transformers 5 uses the stated
  // one. Only a config where they agree means the same thing to both.
  if (original > 0 && !near(double(maxPositions) / double(original), factor)) {
    d.fail("factor", d.name("factor") + " " + str(factor) +
                         " disagrees with max_position_embeddings / " +
                         d.name("original_max_position_embeddings") + " = " +
                         str(double(maxPositions) / double(original)) +
                         "; transformers versions differ on which applies, "
                         "so make them agree");
    return;
  }
  if (original == 0)
    original = maxPositions;
  for (auto [key, expected] :
       {std::pair<const char *, double>{"beta_fast", 32}, {"beta_slow", 1}}) {
    double value = d.getPositive(key, expected);
    if (!d.failed() && value != expected)
      d.fail(key, d.name(key) + " " + str(value) +
                      " is not supported; mgc's yarn uses transformers' "
                      "default " +
                      str(expected));
  }
  if (!d.getBool("truncate", true))
    d.fail("truncate", d.name("truncate") + " false is not supported; mgc's "
                                            "yarn truncates the correction "
                                            "range (expected true)");
  // The factor transformers scales cos and sin by.
  const char *source = "attention_factor";
  double attention = d.getPositive("attention_factor", 0.0);
  double mscale = d.getNumber("mscale", 0.0);
  double mscaleAllDim = d.getNumber("mscale_all_dim", 0.0);
  if (d.failed())
    return;
  if (attention == 0.0) {
    source = "mscale";
    attention =
        mscale != 0 && mscaleAllDim != 0
            ? yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim)
            : yarnMscale(factor, 1.0);
  }
  // mgc's default yarn factor is transformers' 0.1 ln(factor) + 1; any other
  // value is carried explicitly.
  if (!near(attention, yarnMscale(factor, 1.0)))
    r.attentionFactor = attention;
  r.scaling = RopeScaling::yarn;
  r.factor = factor;
  r.originalContext = original;
}

/// Sets rotaryDim from partial_rotary_factor, read from `o`.
void readPartial(Object &o, RopeSpec &r, int64_t rotated) {
  if (!o.has("partial_rotary_factor"))
    return;
  double f = o.getPositive("partial_rotary_factor", 1.0);
  if (o.failed())
    return;
  if (f > 1.0) {
    o.fail("partial_rotary_factor", o.name("partial_rotary_factor") +
                                        " must be in (0, 1], got " + str(f));
    return;
  }
  if (f < 1.0)
    r.rotaryDim = int64_t(double(rotated) * f); // transformers truncates
}

} // namespace

void hf::readRope(Object &cfg, ModelSpec &spec, double defaultTheta,
                  int64_t rotated, RopeExtras *extras) {
  RopeSpec &r = spec.rope;
  r.style = RopeStyle::half; // transformers' rotate_half
  r.theta = cfg.getPositive("rope_theta", defaultTheta);
  r.pos = cfg.posOr("rope_theta", spec.pos);
  readPartial(cfg, r, rotated);
  if (cfg.has("rope_scaling") && cfg.has("rope_parameters")) {
    cfg.fail("rope_parameters", "give either 'rope_scaling' (transformers 4) "
                                "or 'rope_parameters' (transformers 5), not "
                                "both");
    return;
  }
  const char *key =
      cfg.has("rope_parameters") ? "rope_parameters" : "rope_scaling";
  cfg.use("rope_scaling");
  std::optional<Object> d = cfg.getObject(key);
  if (!d)
    return;
  r.pos = cfg.posOf(key);
  if (d->has("rope_theta")) // transformers 5 keeps theta inside
    r.theta = d->getPositive("rope_theta", r.theta);
  readPartial(*d, r, rotated);
  if (d->has("mrope_section")) {
    d->fail("mrope_section", d->name("mrope_section") +
                                 ": multimodal RoPE sections are not "
                                 "supported");
    return;
  }

  // "rope_type" wins over the older "type", as in transformers.
  std::string type = d->getString("type", "");
  type = d->getString("rope_type", type);
  if (cfg.failed())
    return;
  if (type.empty()) {
    cfg.fail(key, "'" + std::string(key) +
                      "' needs \"rope_type\" (or "
                      "\"type\"): one of " +
                      kRopeTypes);
    return;
  }
  const char *typeKey = d->has("rope_type") ? "rope_type" : "type";
  if (type == "default") {
    r.scaling = RopeScaling::none;
  } else if (type == "linear") {
    r.scaling = RopeScaling::linear;
    r.factor = d->requirePositive("factor");
  } else if (type == "dynamic") {
    // transformers' dynamic NTK: the base grows once the sequence passes
    // max_position_embeddings.
    r.scaling = RopeScaling::ntk;
    r.factor = d->requirePositive("factor");
    r.originalContext = spec.maxContext;
    if (d->has("original_max_position_embeddings"))
      d->warn("original_max_position_embeddings",
              d->name("original_max_position_embeddings") +
                  " is ignored: transformers' dynamic scaling starts at "
                  "max_position_embeddings");
    d->use("original_max_position_embeddings");
  } else if (type == "yarn") {
    readYarn(*d, r, spec.maxContext);
  } else if (type == "llama3") {
    r.scaling = RopeScaling::llama3;
    r.factor = d->requirePositive("factor");
    r.lowFreqFactor = d->requirePositive("low_freq_factor");
    r.highFreqFactor = d->requirePositive("high_freq_factor");
    r.originalContext =
        d->requireInt("original_max_position_embeddings", 1, kMaxSize);
    if (!cfg.failed() && !(r.highFreqFactor > r.lowFreqFactor))
      d->fail("high_freq_factor", d->name("high_freq_factor") +
                                      " must be greater than " +
                                      d->name("low_freq_factor"));
  } else {
    d->fail(typeKey, d->name(typeKey) + " \"" + type +
                         "\" is not supported; expected " + kRopeTypes);
  }
  if (cfg.failed())
    return;
  if (extras) {
    // DeepSeek's attention reads these from any scaling type.
    extras->scaled = true;
    extras->factor = d->getPositive("factor", 1.0);
    extras->mscaleAllDim = d->getNumber("mscale_all_dim", 0.0);
  }
  if (!cfg.failed())
    d->warnUnread([](StringRef) -> const char * { return nullptr; },
                  "RoPE type '" + type + "' (transformers ignores it too)");
}
