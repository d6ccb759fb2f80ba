#!/usr/bin/env bash
# The crash loop, long: `kill -9` of the real `pelihara serve` during concurrent acknowledged
# writes, CYCLES times (default 200), then every acknowledgement checked and `pelihara audit
# verify` run (crates/pelihara/tests/crash_loop.rs). The short run (20 cycles on SQLite, 10 on
# PostgreSQL) is part of scripts/test.sh; this one prints the figures docs/crash-loop.md records.
#
#   scripts/crash-loop.sh [CYCLES] [sqlite|postgres|both]
#
# PostgreSQL needs PELIHARA_TEST_POSTGRES_URL (scripts/test-env.sh start, then source its env).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
cycles=${1:-200}
backend=${2:-sqlite}
case $backend in
    sqlite) filter='test(/on_sqlite$/)' ;;
    postgres) filter='test(/on_postgres$/)' ;;
    both) filter='all()' ;;
    *)
        echo "usage: $0 [CYCLES] [sqlite|postgres|both]" >&2
        exit 2
        ;;
esac
if [[ $backend != sqlite && -z ${PELIHARA_TEST_POSTGRES_URL:-} ]]; then
    echo "crash-loop: PELIHARA_TEST_POSTGRES_URL is not set (scripts/test-env.sh start)" >&2
    exit 2
fi
started=$SECONDS
PELIHARA_CRASH_CYCLES=$cycles cargo nextest run --workspace --no-fail-fast \
    --test-threads 1 --no-capture -E "binary(crash_loop) and $filter" 2>&1 |
    grep -E '^crash loop|panicked|lost|PASS|FAIL|Summary'
status=${PIPESTATUS[0]}
echo "crash-loop: $cycles cycles ($backend), exit $status, $((SECONDS - started)) s in all"
exit "$status"
