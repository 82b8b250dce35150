//===- fuzz_mlir.cpp - fuzzes the .mlir path of mgc-opt and mgc -----------===//
//
// Input: MLIR text. It is parsed and verified with the dialects the mgc tools
// register (tools/Registration.h), as mgc-opt does, and a module that
// verifies is printed (as mgc-opt does), parsed again (the printed form of
// a valid module must parse and verify: the custom printers and parsers of
// the mgc dialect agree) and inspected (`mgc inspect x.mlir`).
//
// Crashes inside upstream MLIR's own parser are upstream bugs; the report
// says where a crash is.
//
//===----------------------------------------------------------------------===//

#include "FuzzMlir.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

namespace {

mlir::OwningOpRef<mlir::ModuleOp> parse(mgcfuzz::FuzzContext &fc,
                                        llvm::StringRef text) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "input.mlir"), llvm::SMLoc());
  // verifyAfterParse is on by default: the module is verified as parsed.
  return mlir::parseSourceFile<mlir::ModuleOp>(
      sourceMgr, mlir::ParserConfig(&fc.context));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Deep nesting overflows the stack of MLIR's recursive-descent parser
  // (upstream, also in mlir-opt); keep the fuzzer off that known problem.
  int depth = 0;
  for (size_t i = 0; i < size; ++i) {
    char c = char(data[i]);
    if (c == '(' || c == '[' || c == '{' || c == '<')
      ++depth;
    else if ((c == ')' || c == ']' || c == '}' || c == '>') && depth > 0)
      --depth;
    if (depth > 100)
      return -1; // -1: libFuzzer keeps it out of the corpus
  }
  mgcfuzz::FuzzContext fc;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parse(fc, llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!module)
    return 0;

  std::string printed;
  {
    llvm::raw_string_ostream os(printed);
    module->print(os);
  }
  std::string generic;
  {
    llvm::raw_string_ostream os(generic);
    module->print(os, mlir::OpPrintingFlags().printGenericOpForm());
  }
  for (const std::string *text : {&printed, &generic}) {
    mgcfuzz::FuzzContext again;
    if (!parse(again, *text))
      mgcfuzz::violated("a verified module does not parse back after printing",
                        "printed:\n" + *text + "\ndiagnostics:\n" +
                            again.diagnostics);
  }
  int64_t contexts[] = {1, 4096};
  (void)mgc::computeModelStats(*module, contexts);
  return 0;
}
