//===- RuntimeApi.cpp - the C API of the mgc runtime ----------------------===//
//
// Implements mgc_runtime.h over Model and Session: opaque structs holding
// shared pointers, status codes, and a thread-local last error.
//
//===----------------------------------------------------------------------===//

#include "runtime/api/mgc_runtime.h"

#include "runtime/engine/Model.h"
#include "runtime/engine/Session.h"

#include <memory>
#include <new>
#include <string>
#include <thread>

struct mgc_model {
  std::shared_ptr<mgc::Model> model;
};

struct mgc_session {
  std::unique_ptr<mgc::Session> session;
};

namespace {

thread_local std::string lastError;

mgc_status_t report(const mgc::Status &status) {
  if (!status.ok())
    lastError = status.message;
  return static_cast<mgc_status_t>(status.code);
}

mgc_status_t invalid(const char *message) {
  lastError = message;
  return MGC_STATUS_INVALID_ARGUMENT;
}

} // namespace

const char *mgc_last_error(void) { return lastError.c_str(); }

void mgc_model_options_initialize(mgc_model_options_t *options) {
  if (options)
    options->threads = 0;
}

mgc_status_t mgc_model_open(const char *path,
                            const mgc_model_options_t *options,
                            mgc_model_t **out_model) {
  if (!path || !out_model)
    return invalid("mgc_model_open: path and out_model must not be NULL");
  *out_model = nullptr;
  std::unique_ptr<mgc::Model> model;
  if (mgc::Status s = mgc::Model::open(path, model); !s.ok())
    return report(s);
  int threads = options && options->threads > 0
                    ? options->threads
                    : int(std::max(1u, std::thread::hardware_concurrency()));
  model->setThreads(threads);
  auto *handle = new (std::nothrow) mgc_model{std::move(model)};
  if (!handle)
    return report({mgc::StatusCode::outOfMemory, "out of memory"});
  *out_model = handle;
  return MGC_STATUS_OK;
}

void mgc_model_release(mgc_model_t *model) { delete model; }

int32_t mgc_model_vocab_size(const mgc_model_t *model) {
  return model ? int32_t(model->model->plan().vocab) : 0;
}

int64_t mgc_model_context_length(const mgc_model_t *model) {
  return model ? model->model->plan().context : 0;
}

void mgc_session_options_initialize(mgc_session_options_t *options) {
  if (options)
    options->context = 0;
}

mgc_status_t mgc_session_create(mgc_model_t *model,
                                const mgc_session_options_t *options,
                                mgc_session_t **out_session) {
  if (!model || !out_session)
    return invalid("mgc_session_create: model and out_session must not be "
                   "NULL");
  *out_session = nullptr;
  auto session = std::make_unique<mgc::Session>(model->model,
                                                options ? options->context : 0);
  if (!session->status().ok())
    return report(session->status());
  *out_session = new (std::nothrow) mgc_session{std::move(session)};
  return *out_session ? MGC_STATUS_OK
                      : report({mgc::StatusCode::outOfMemory, "out of memory"});
}

void mgc_session_release(mgc_session_t *session) { delete session; }

mgc_status_t mgc_session_eval(mgc_session_t *session, const int32_t *tokens,
                              int64_t count, float *logits) {
  if (!session)
    return invalid("mgc_session_eval: session must not be NULL");
  return report(session->session->eval(tokens, count, logits));
}

mgc_status_t mgc_session_eval_last(mgc_session_t *session,
                                   const int32_t *tokens, int64_t count,
                                   float *logits) {
  if (!session)
    return invalid("mgc_session_eval_last: session must not be NULL");
  return report(session->session->eval(tokens, count, logits,
                                       mgc::Session::Path::automatic,
                                       mgc::Session::LogitRows::last));
}

int64_t mgc_session_position(const mgc_session_t *session) {
  return session ? session->session->position() : 0;
}

void mgc_session_reset(mgc_session_t *session) {
  if (session)
    session->session->reset();
}
