//===- Model.cpp - a compiled model, opened for execution -----------------===//

#include "runtime/engine/Model.h"

#include "runtime/engine/CpuSupport.h"

#include "runtime/engine/HalideTypes.h"

#include "HalideRuntime.h"

using namespace mgc;

Status Model::open(const std::string &path, std::unique_ptr<Model> &out) {
  return openImpl(path, 0, 0, /*whole=*/true, out);
}

Status Model::open(const std::string &path, uint64_t offset, uint64_t size,
                   std::unique_ptr<Model> &out) {
  return openImpl(path, offset, size, /*whole=*/false, out);
}

Status Model::openImpl(const std::string &path, uint64_t offset,
                       uint64_t size, bool whole,
                       std::unique_ptr<Model> &out) {
  out.reset();
  std::unique_ptr<Model> model(new Model());
  std::string error;
  model->file_ = whole ? ModelFile::open(path, error)
                       : ModelFile::open(path, offset, size, error);
  if (!model->file_)
    return Status::error(error.find("cannot open") != std::string::npos
                             ? StatusCode::ioError
                             : StatusCode::invalidModel,
                         error);
  const ModelFile &file = *model->file_;
  if (std::string bad = checkCpuForTarget(file.target()); !bad.empty())
    return Status::error(StatusCode::unsupportedCpu, path + ": " + bad);
  if (!parsePlan(file.plan().data, file.plan().size, file.weights().size,
                 model->plan_, error))
    return Status::error(StatusCode::invalidModel, path + ": " + error);
  if (Status s = KernelLibrary::load(file.code().data, file.code().size, path,
                                     model->library_);
      !s.ok())
    return s;
  for (const PlanKernel &k : model->plan_.kernels) {
    KernelLibrary::ArgvFunction fn = model->library_->function(k.symbol);
    if (!fn)
      return Status::error(StatusCode::invalidModel,
                           path + ": the code section lacks kernel '" +
                               k.symbol + "' (" + k.name + ")");
    model->kernels_.push_back(fn);
  }
  if (Status s = model->checkCalls(); !s.ok())
    return Status::error(s.code, path + ": " + s.message);
  out = std::move(model);
  return Status::success();
}

Status Model::checkCalls() const {
  for (const PlanEntry &entry : plan_.entries) {
    for (size_t c = 0; c < entry.calls.size(); ++c) {
      const PlanCall &call = entry.calls[c];
      if (call.kind != CallKind::kernel)
        continue; // the runtime's own steps (validatePlan checked them)
      const PlanKernel &kernel = plan_.kernels[call.kernel];
      auto bad = [&](const std::string &what) {
        return Status::error(StatusCode::invalidModel,
                             "invalid plan: " + entry.name + " call " +
                                 std::to_string(c) + " ('" + call.name +
                                 "'): " + what);
      };
      const halide_filter_metadata_t *meta = library_->metadata(kernel.symbol);
      if (!meta)
        return bad("the kernel has no metadata");
      if (size_t(meta->num_arguments) != call.args.size())
        return bad("it takes " + std::to_string(meta->num_arguments) +
                   " arguments, the plan binds " +
                   std::to_string(call.args.size()));
      for (size_t a = 0; a < call.args.size(); ++a) {
        const halide_filter_argument_t &param = meta->arguments[a];
        const PlanArg &arg = call.args[a];
        std::string which =
            "argument " + std::to_string(a) + " ('" + param.name + "')";
        if (arg.kind == ArgKind::position) {
          if (param.kind != halide_argument_kind_input_scalar ||
              param.type.code != halide_type_int || param.type.bits != 32)
            return bad(which + " is not the int32 position");
          continue;
        }
        const PlanTensor &t = entry.tensors[arg.tensor];
        bool output = param.kind == halide_argument_kind_output_buffer;
        if (param.kind == halide_argument_kind_input_scalar)
          return bad(which + " is a scalar, the plan binds a tensor");
        // An expert slice drops the experts dimension.
        size_t rank =
            t.shape.size() - (arg.kind == ArgKind::expertSlice ? 1 : 0);
        if (size_t(param.dimensions) != rank)
          return bad(which + " has " + std::to_string(param.dimensions) +
                     " dimensions, the plan binds " + std::to_string(rank));
        if (param.type != halideTypeOf(t.type))
          return bad(which + " has another element type than the plan's");
        // States are updated in place: KV-cache rows, or a whole recurrent,
        // convolution or token-shift state.
        bool writable = arg.kind == ArgKind::stateRows ||
                        t.kind == TensorKind::activation ||
                        t.kind == TensorKind::state;
        if (output && !writable)
          return bad(which + " is an output bound to a read-only tensor");
        if (!output && arg.kind == ArgKind::stateRows)
          return bad(which + " is an input, but KV-cache rows are written");
      }
    }
  }
  return Status::success();
}
