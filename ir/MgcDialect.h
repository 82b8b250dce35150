//===- MgcDialect.h - the mgc dialect ---------------------------*- C++ -*-===//
//
// Declares the mgc dialect, its enums, attributes and ops. Include this one
// header to use any of them.
//
//===----------------------------------------------------------------------===//

#ifndef MGC_IR_MGCDIALECT_H
#define MGC_IR_MGCDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/MgcDialect.h.inc"
#include "ir/MgcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/MgcAttrs.h.inc"

#define GET_OP_CLASSES
#include "ir/MgcOps.h.inc"

#endif // MGC_IR_MGCDIALECT_H
