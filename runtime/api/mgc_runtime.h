/*===- mgc_runtime.h - the C API of the mgc runtime ---------------*- C -*-===*
 *
 * Runs models compiled by `mgc compile -o MODEL.mgc`: open a model, create a
 * session per sequence, feed it tokens, read logits. Sampling and
 * tokenization are left to the caller (the `mgc run` tool shows both).
 *
 * Conventions: every fallible function returns an mgc_status_t; on failure
 * mgc_last_error() returns one message describing it (per thread, valid
 * until the next failing call on that thread). Objects are opaque, created
 * by *_create / *_open and freed by *_release; releasing NULL is a no-op.
 *
 * Thread safety: an mgc_model_t may be shared by any number of threads and
 * sessions; an mgc_session_t must be used by one thread at a time.
 *
 *===----------------------------------------------------------------------===*/

#ifndef MGC_RUNTIME_API_MGC_RUNTIME_H
#define MGC_RUNTIME_API_MGC_RUNTIME_H

#include <stdint.h>

#if defined(__GNUC__)
#define MGC_API __attribute__((visibility("default")))
#else
#define MGC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mgc_status {
  MGC_STATUS_OK = 0,
  MGC_STATUS_INVALID_ARGUMENT = 1, /* bad token, count or option */
  MGC_STATUS_IO_ERROR = 2,         /* the file cannot be read */
  MGC_STATUS_INVALID_MODEL = 3,    /* not a valid compiled model */
  MGC_STATUS_UNSUPPORTED_CPU = 4,  /* compiled for an ISA this CPU lacks */
  MGC_STATUS_CONTEXT_FULL = 5,     /* no room for more positions */
  MGC_STATUS_KERNEL_FAILED = 6,    /* a compiled kernel reported an error */
  MGC_STATUS_OUT_OF_MEMORY = 7,
} mgc_status_t;

typedef struct mgc_model mgc_model_t;     /* a compiled model, opened */
typedef struct mgc_session mgc_session_t; /* one sequence being evaluated */

typedef struct mgc_model_options {
  int32_t threads; /* threads of the kernels' parallel loops; 0: all cores */
} mgc_model_options_t;

typedef struct mgc_session_options {
  int64_t context; /* positions to allow; 0: the model's KV-cache capacity */
} mgc_session_options_t;

/* The message of the last failed call on this thread ("" if none). */
MGC_API const char *mgc_last_error(void);

MGC_API void mgc_model_options_initialize(mgc_model_options_t *options);
/* Opens and validates the model at `path` (options may be NULL). */
MGC_API mgc_status_t mgc_model_open(const char *path,
                                    const mgc_model_options_t *options,
                                    mgc_model_t **out_model);
/* Drops the caller's reference; sessions keep the model alive. */
MGC_API void mgc_model_release(mgc_model_t *model);
MGC_API int32_t mgc_model_vocab_size(const mgc_model_t *model);
/* Positions the model's KV caches hold (0: unlimited). */
MGC_API int64_t mgc_model_context_length(const mgc_model_t *model);

MGC_API void mgc_session_options_initialize(mgc_session_options_t *options);
/* A new sequence at position 0 (options may be NULL). */
MGC_API mgc_status_t mgc_session_create(mgc_model_t *model,
                                        const mgc_session_options_t *options,
                                        mgc_session_t **out_session);
MGC_API void mgc_session_release(mgc_session_t *session);
/* Runs `count` tokens at the session's position and advances it; writes
 * logits[count][vocab] when `logits` is not NULL. One token takes the
 * decode path (KV cache), more take prefill. */
MGC_API mgc_status_t mgc_session_eval(mgc_session_t *session,
                                      const int32_t *tokens, int64_t count,
                                      float *logits);
/* Like mgc_session_eval, but computes and writes the last position's logits
 * only, logits[vocab]: what sampling the next token needs. A prompt's
 * logits product then runs on its last row alone. */
MGC_API mgc_status_t mgc_session_eval_last(mgc_session_t *session,
                                           const int32_t *tokens,
                                           int64_t count, float *logits);
/* The position of the next token. */
MGC_API int64_t mgc_session_position(const mgc_session_t *session);
/* Back to position 0 with empty caches. */
MGC_API void mgc_session_reset(mgc_session_t *session);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MGC_RUNTIME_API_MGC_RUNTIME_H */
