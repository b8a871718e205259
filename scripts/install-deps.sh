#!/usr/bin/env bash
# Installs the Debian packages that building and testing Juanzong Sync need, only those that are
# missing, with apt-get. Safe to run again: it does nothing when everything is present.
set -euo pipefail

packages=(
    build-essential       # C compiler for bundled SQLite and other -sys crates
    pkg-config            # finds libtesseract and libleptonica
    libclang-dev          # bindgen, used by the tesseract bindings
    libtesseract-dev      # Tesseract OCR library
    libleptonica-dev      # image library Tesseract reads from
    tesseract-ocr-chi-sim # Simplified Chinese OCR model
    tesseract-ocr-eng     # English model, for digits and Latin letters
    tesseract-ocr-osd     # orientation and script detection model
    tesseract-ocr         # the tesseract command line, compared against in the OCR benchmark
    libheif-dev           # HEIC decoding (iPhone photos)
    fonts-noto-cjk        # CJK font for the demo's generated document images
    curl                  # used by the README walkthrough
    chromium              # headless browser for the web console's browser tests
    chromium-driver       # WebDriver server the browser tests drive Chromium through
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "正在安装缺少的系统软件包：${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "未找到 Rust 工具链（cargo）。请先按 https://rustup.rs 的说明安装 Rust 1.94 或更新版本，然后重新运行本命令。" >&2
    exit 1
fi
