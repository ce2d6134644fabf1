#!/usr/bin/env bash
# Makes linker/matrix-lean.order again: the functions the Matrix-only server build runs, in
# the order it first runs them (build.rs says what the linker does with it, and why).
#
# Run it after a Rust or dependency upgrade (the list names symbols as they are mangled, so
# most names stop matching), or when `cargo bench --bench matrix` with the lean binary says
# that few of the listed functions are found. It takes about ten minutes on two cores:
#  1. builds the lean Matrix-only binary (as docs/DEPLOY.md does);
#  2. runs the Matrix bench's 130 requests (the start-up path, then /findgroup) and the Matrix
#     test suite against that binary, with trace.c preloaded to record each function's first run;
#  3. writes the list (order.py), in first-run order, the bench's run first.
# Rebuild the lean binary afterwards to use it. Needs cc, nm, python3, and Synapse as the
# Matrix tests start it (bash scripts/synapse.sh install).
set -euo pipefail
cd "$(dirname "$0")/../.."

# Where cargo puts what it builds, however it was told (CARGO_TARGET_DIR, a config file).
target="$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
# trace.c compares the program's resolved path with this one, so no symbolic links in it.
work="$(realpath "$(mktemp -d)")"
trap 'rm -rf "$work"' EXIT

cargo build --profile lean --no-default-features --features matrix
binary="$work/labcircle"
cp "$target/lean/labcircle" "$binary"

cc -O2 -shared -fPIC -o "$work/trace.so" scripts/text-order/trace.c
nm -S --defined-only "$binary" |
    awk '$3 ~ /^[tTwW]$/ && $2 !~ /^0+$/ { print $1 }' | sort -u >"$work/functions"

cargo bench --bench matrix --profile dev --no-run
cargo test --test matrix --no-run
traced=(env LD_PRELOAD="$work/trace.so" TEXT_ORDER_EXE="$binary"
    TEXT_ORDER_FUNCS="$work/functions" LABCIRCLE_BOT_BIN="$binary")
"${traced[@]}" TEXT_ORDER_OUT="$work/1-bench" cargo bench --bench matrix --profile dev
# Every Matrix test but the one that also needs Discord (this build has only Matrix).
"${traced[@]}" TEXT_ORDER_OUT="$work/2-tests" cargo test --test matrix -- \
    --skip one_process_serves_matrix_and_discord

shopt -s nullglob
bench=("$work"/1-bench.*)
tests=("$work"/2-tests.*)
if [ ${#bench[@]} -eq 0 ] || [ ${#tests[@]} -eq 0 ]; then
    echo "no trace was written (is $binary the program the bench and tests started?)" >&2
    exit 1
fi
python3 scripts/text-order/order.py "$binary" "$work/functions" linker/matrix-lean.order \
    "${bench[@]}" "${tests[@]}"
echo "wrote linker/matrix-lean.order; rebuild the lean binary to use it"
