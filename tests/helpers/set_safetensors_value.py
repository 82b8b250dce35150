#!/usr/bin/env python3
"""Copies a Hugging Face model directory, setting one element of one tensor.

    set_safetensors_value.py SRC_DIR DST_DIR TENSOR INDEX VALUE

SRC_DIR holds config.json and model.safetensors (float32 tensors); DST_DIR
(which may be SRC_DIR) gets both, with element INDEX (flat, row-major) of
TENSOR set to VALUE.
Standard library only: the tests use it to craft inputs, e.g. a router whose
correction bias always prefers one expert.
"""
import json
import os
import shutil
import struct
import sys


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    src, dst, name, index, value = sys.argv[1:]
    os.makedirs(dst, exist_ok=True)
    if os.path.abspath(src) != os.path.abspath(dst):
        shutil.copyfile(os.path.join(src, "config.json"),
                        os.path.join(dst, "config.json"))
    with open(os.path.join(src, "model.safetensors"), "rb") as f:
        data = bytearray(f.read())
    (header_size,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + header_size])
    if name not in header:
        sys.exit(f"no tensor {name}")
    info = header[name]
    if info["dtype"] != "F32":
        sys.exit(f"{name} is {info['dtype']}, not F32")
    begin, end = info["data_offsets"]
    offset = 8 + header_size + begin + 4 * int(index)
    if offset + 4 > 8 + header_size + end:
        sys.exit(f"index {index} is outside {name}")
    struct.pack_into("<f", data, offset, float(value))
    with open(os.path.join(dst, "model.safetensors"), "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
