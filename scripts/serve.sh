#!/usr/bin/env bash
# First README command: installs what is missing, builds the `juanzong` binary and starts the
# server on the embedded SQLite database in ./data. Extra arguments go to `juanzong serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's libtesseract uses OpenMP; one thread per recognition is faster with one engine per
# worker, and libgomp reads this before the program starts.
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"

./scripts/install-deps.sh
echo "正在编译 juanzong（首次编译需要几分钟）……"
cargo build --quiet -p juanzong-server --bin juanzong
exec ./target/debug/juanzong serve "$@"
