#!/usr/bin/env bash
# Makes a WebGPU adapter available on a fresh Debian 12 machine without a GPU,
# then installs the project's npm dependencies. Idempotent: safe to run again.
#
# Why backports: Dawn (npm `webgpu`) needs a newer Vulkan driver than Debian 12's
# Mesa 22.3; bookworm-backports ships Mesa 25, whose lavapipe (software Vulkan)
# Dawn accepts.
set -euo pipefail
cd "$(dirname "$0")/.."

have_lavapipe() {
  ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[4-9]\|^[3-9]'
}

if [ "$(uname -s)" = "Linux" ] && [ -r /etc/debian_version ] && ! have_lavapipe; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  if [ "$codename" = "bookworm" ]; then
    list=/etc/apt/sources.list.d/bookworm-backports.list
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee "$list" >/dev/null
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports \
      mesa-vulkan-drivers libvulkan1 >/dev/null
  else
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
  fi
fi

# Headless Chromium for the real-browser tests (tests/browser, driven by
# playwright-core, which must never download a browser of its own). Its WebGPU
# runs on SwiftShader, so it needs no Vulkan driver.
if [ "$(uname -s)" = "Linux" ] && [ -r /etc/debian_version ] && ! [ -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

# A fresh machine may lack XDG_RUNTIME_DIR, which some Vulkan loaders warn about.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/xdg-runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
npx tsx scripts/check-device.ts
echo "setup: done ($(dpkg-query -W -f='mesa-vulkan-drivers ${Version}' mesa-vulkan-drivers 2>/dev/null || echo 'no mesa'); $(/usr/bin/chromium --version 2>/dev/null || echo 'no chromium'))"
