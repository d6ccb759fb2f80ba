#!/usr/bin/env bash
# Pelihara's benchmark: one command, one table (see bench/RESULTS.md for the last recorded run).
#   bench/run.sh                 # full run: 10 k and 1 M cases, 5 s per throughput run
#   bench/run.sh --quick         # iteration: 10 k and 100 k cases
#   bench/run.sh -- --large 0    # extra options go to `pelihara-bench run` (see --help)
# Builds in release, installs SpiffWorkflow into bench/.venv, works in bench/work (emptied).
set -euo pipefail
cd "$(dirname "$0")/.."

extra=()
if [[ "${1:-}" == "--quick" ]]; then
    extra=(--small 10000 --large 100000)
    shift
fi
if [[ "${1:-}" == "--" ]]; then
    shift
fi

cargo build --release -p pelihara -p pelihara-bench

if [[ ! -x bench/.venv/bin/python ]]; then
    python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install --quiet --disable-pip-version-check "SpiffWorkflow==3.2.0"

exec target/release/pelihara-bench run \
    --pelihara target/release/pelihara \
    --python bench/.venv/bin/python \
    --work bench/work \
    "${extra[@]}" "$@"
