#!/usr/bin/env bash
# Installs everything mgc needs to build and test on Debian 12 (run as root, or with sudo on PATH).
# Idempotent: when every package is already installed it returns without touching apt.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libhalide14-0-dev
  libgtest-dev libfmt-dev libtomlplusplus-dev
  clang-14 libclang-rt-14-dev
  gnuplot-nox
  zlib1g-dev libzstd-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
