# -*- Python -*-
# lit configuration for mgc's IR tests (FileCheck and --verify-diagnostics).

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "MGC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mgc_obj_root, "tests")
config.excludes = ["Inputs", "unit", "helpers", "fuzz", "CMakeLists.txt",
                   "lit.cfg.py"]

config.substitutions.append(("%mgc_src_root", config.mgc_src_root))

# Real trained models with reference outputs live beside the repository;
# tests that need them say `REQUIRES: shared-models` and are reported as
# unsupported (not passed) without them.
shared_models = os.path.join(os.path.dirname(config.mgc_src_root), "shared", "models")
if os.path.isdir(shared_models):
    config.available_features.add("shared-models")
config.substitutions.append(("%shared_models", shared_models))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.mgc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["mgc-opt", "mgc", "mgc-compare-logits", "mgc-check-profile",
                                    "mgc-llama2c-to-hf"],
                                   tool_dirs)

# Compiled kernels are cached inside the build tree, shared by the tests and
# never in the user's cache.
config.environment["MGC_CACHE_DIR"] = os.path.join(config.mgc_obj_root,
                                                   "kernel-cache")
