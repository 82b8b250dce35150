//===- OutputFile.cpp - all-or-nothing output files -------------*- C++ -*-===//

#include "tools/mgc/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

bool mgc::writeFileAtomically(llvm::StringRef path, llvm::StringRef contents,
                              std::string &error) {
  if (path == "-") {
    llvm::outs() << contents;
    llvm::outs().flush();
    return true;
  }
  llvm::SmallString<256> temp;
  int fd = -1;
  // The temporary sits beside the target so the rename stays on one file
  // system and is atomic.
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          path + ".tmp-%%%%%%%%", fd, temp)) {
    error = (path + ": cannot create a temporary file: " + ec.message()).str();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.close();
    if (os.has_error()) {
      error = (path + ": write failed: " + os.error().message()).str();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    error = (path + ": cannot move the output into place: " + ec.message()).str();
    llvm::sys::fs::remove(temp);
    return false;
  }
  return true;
}
