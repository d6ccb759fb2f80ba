#!/usr/bin/env bash
# The project's test command: formatting, lints, every test of the workspace, against real
# services (PostgreSQL, SMTP, Chromium) that scripts/test-env.sh installs and starts.
# It must never hide a failing step: every step runs, and any failure makes the exit non-zero.
#
# Steps: cargo fmt --all --check; cargo clippy --workspace --all-targets -- -D warnings;
# cargo test --workspace --doc (nextest does not run doctests); cargo nextest run --workspace
# (cargo test --workspace when nextest is missing). Extra arguments go to the test runner,
# e.g. `scripts/test.sh -p pelihara-store` or `scripts/test.sh -E 'test(audit)'` (nextest).
#
# Services: when they are not already running, this script starts them and stops them at exit;
# when a developer started them with `scripts/test-env.sh start`, it reuses them and leaves them
# running. See scripts/test-env.sh for every variable a test can read.
#
# Convention for tests that need a service (PostgreSQL contract tests, mail, browser):
#   - read the variable: PELIHARA_TEST_POSTGRES_URL, PELIHARA_TEST_SMTP_PORT, CHROMIUM, ...;
#   - when it is unset and the environment variable CI is set (non-empty and not "false"), FAIL
#     (panic with a message naming the variable): CI must never pass by skipping;
#   - when it is unset outside CI (a bare `cargo test` on a laptop), print
#     "skipped: PELIHARA_TEST_POSTGRES_URL is not set" to stderr and return early.
# This script always sets them, so through it nothing is skipped.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1

started_at=$SECONDS
lock_before=$(cksum <Cargo.lock 2>/dev/null)
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pelihara-test.XXXXXX")
results=()
failed_steps=()

cleanup() {
    if [[ ${STARTED_SERVICES:-false} == true ]]; then
        "$REPO/scripts/test-env.sh" stop || true
    fi
    rm -rf "$LOG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

banner() { printf '\n==> %s\n' "$*"; }

# run_step NAME COMMAND...: runs the command with its output shown and kept in $LOG_DIR/NAME.log.
run_step() {
    local name=$1
    shift
    banner "$name: $*"
    local step_started=$SECONDS status
    "$@" 2>&1 | tee "$LOG_DIR/$name.log"
    status=${PIPESTATUS[0]}
    local took=$((SECONDS - step_started))
    if [[ $status -eq 0 ]]; then
        results+=("$name ok (${took}s)")
    else
        results+=("$name FAILED (exit $status, ${took}s)")
        failed_steps+=("$name")
    fi
    return "$status"
}

# --- services ---------------------------------------------------------------------------------
banner "test environment"
if "$REPO/scripts/test-env.sh" status 2>/dev/null; then
    echo "reusing services started earlier (scripts/test-env.sh stop ends them)"
    STARTED_SERVICES=false
    env_lines=$("$REPO/scripts/test-env.sh" env)
else
    STARTED_SERVICES=true
    if ! env_lines=$("$REPO/scripts/test-env.sh" start); then
        echo "test.sh: the test environment did not start; no test ran" >&2
        exit 1
    fi
fi
eval "$env_lines"
printf '%s\n' "$env_lines" | sed -E 's#(://[^:]+:)[^@]+@#\1***@#'

# --- checks and tests -------------------------------------------------------------------------
# rustfmt colours its diff on its own unless told, even into a pipe.
run_step fmt cargo fmt --all --check -- --color="${CARGO_TERM_COLOR:-auto}"
run_step clippy cargo clippy --workspace --all-targets -- -D warnings
run_step doctest cargo test --workspace --doc
if cargo nextest --version >/dev/null 2>&1; then
    # nextest runs last so that its summary is the runner's closing line that CI reads.
    run_step test cargo nextest run --workspace --no-fail-fast "$@"
else
    echo "cargo-nextest not found: falling back to cargo test"
    run_step test cargo test --workspace --lib --bins --tests --no-fail-fast "$@"
fi

# Cargo rewrites a Cargo.lock that no longer matches the manifests; in a fresh clone that means
# someone committed a Cargo.toml change without its Cargo.lock. Worth a loud note, not a failure.
if [[ $(cksum <Cargo.lock 2>/dev/null) != "$lock_before" ]]; then
    echo "warning: Cargo.lock changed during the run: the committed Cargo.lock is out of date"
fi

# --- summary ----------------------------------------------------------------------------------
# Counts come from the runners' own closing lines: nextest's "Summary ... N passed, N failed,
# N skipped" and libtest's "test result: ok. N passed; N failed; N ignored".
count() {
    local word=$1
    cat "$LOG_DIR"/doctest.log "$LOG_DIR"/test.log 2>/dev/null |
        grep -E '^ *Summary \[|^test result:' |
        grep -oE "[0-9]+ $word" | awk '{ sum += $1 } END { print sum + 0 }'
}
passed=$(count passed)
failed=$(($(count failed) + $(count 'timed out')))
skipped=$(($(count skipped) + $(count ignored)))

# Stop the services now rather than in the EXIT trap, so the counts below are the last lines
# printed: CI reads the closing line.
if [[ $STARTED_SERVICES == true ]]; then
    "$REPO/scripts/test-env.sh" stop
    STARTED_SERVICES=false
fi

banner "summary"
printf '  %s\n' "${results[@]}"
if [[ ${#failed_steps[@]} -eq 0 ]]; then
    echo "RESULT: all steps passed in $((SECONDS - started_at))s"
else
    echo "RESULT: FAILED steps: ${failed_steps[*]} (after $((SECONDS - started_at))s)"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[[ ${#failed_steps[@]} -eq 0 ]]
