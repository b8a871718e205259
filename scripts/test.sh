#!/usr/bin/env bash
# Second README command: installs what is missing and runs every test of the workspace.
#
# Tests always run on SQLite. They also run on PostgreSQL when JUANZONG_TEST_DATABASE_URL names
# a server (each test creates and drops its own database there). Tests that read the shared
# image fixtures run when JUANZONG_FIXTURES names that folder; otherwise they print that they
# were skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's libtesseract uses OpenMP; one thread per recognition is faster with one engine per
# worker, and libgomp reads this before the program starts.
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"

./scripts/install-deps.sh

if [ -z "${JUANZONG_TEST_DATABASE_URL:-}" ]; then
    echo "提示：未设置 JUANZONG_TEST_DATABASE_URL，PostgreSQL 测试将跳过。"
fi
if [ -z "${JUANZONG_FIXTURES:-}" ]; then
    echo "提示：未设置 JUANZONG_FIXTURES，使用真实图片样本的测试将跳过。"
fi

if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast
else
    cargo test --workspace --no-fail-fast
fi
cargo test --workspace --doc --quiet
