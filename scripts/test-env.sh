#!/usr/bin/env bash
# Test environment: installs the system packages the tests use and starts the services they
# talk to (a private PostgreSQL 15 cluster, an SMTP sink and an OpenID Connect provider), all
# on loopback only.
# It must never touch a PostgreSQL cluster or process it did not start itself.
#
# Usage: scripts/test-env.sh start|stop|status|env
#   start   install what is missing, start the services (or reuse running ones), print the
#           `export` lines on stdout; they are also in $PELIHARA_TEST_ENV_DIR/env.
#   stop    stop the services recorded in the state folder and delete their data.
#   status  exit 0 when the recorded services are running, 1 otherwise.
#   env     print the `export` lines of the running services.
# Running `start` twice is safe: the second call reuses what the first started.
# scripts/test.sh calls `start` and, when it was the one that started them, `stop` at exit.
#
# Exported to tests (read them with std::env::var in Rust):
#   PELIHARA_TEST_POSTGRES_URL        postgres://pelihara:<password>@127.0.0.1:<port>/pelihara_test
#                                     role `pelihara`: LOGIN CREATEDB, no superuser, owns the database
#   PELIHARA_TEST_POSTGRES_ADMIN_URL  the same cluster as the `postgres` superuser (to create roles)
#   PELIHARA_TEST_SMTP_HOST/_PORT     a shared SMTP sink; messages land in PELIHARA_TEST_SMTP_MAILDIR/new/
#   PELIHARA_TEST_PYTHON              a python3 that imports aiosmtpd
#   PELIHARA_TEST_SMTP_SINK           scripts/smtp-sink.py, for tests that start their own sink
#   CHROMIUM, CHROMEDRIVER            /usr/bin/chromium, /usr/bin/chromedriver
#   PELIHARA_TEST_SCHEMATHESIS        the `st` command of schemathesis (pinned version, in its
#                                     own virtualenv under $PELIHARA_TEST_TOOLS_DIR)
#   PELIHARA_TEST_AXE                 axe.min.js of axe-core (pinned version, installed with npm
#                                     under $PELIHARA_TEST_TOOLS_DIR), injected by the browser tests
#   PELIHARA_TEST_OIDC_ISSUER         a real OpenID Connect provider (npm `oidc-provider`, pinned,
#                                     under $PELIHARA_TEST_TOOLS_DIR; scripts/oidc-provider.mjs)
#   PELIHARA_TEST_OIDC_CLIENT_ID/_SECRET  its client for Pelihara (redirect URI
#                                     http://127.0.0.1:<any port>/masuk/sso/kembali, PKCE)
#
# Knobs: PELIHARA_TEST_ENV_DIR (state folder, default <repo>/target/test-env),
#        PELIHARA_PG_BIN (default /usr/lib/postgresql/15/bin),
#        PELIHARA_TEST_TOOLS_DIR (kept across runs, default ~/.cache/pelihara-test).
set -euo pipefail
# runuser and useradd live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${PELIHARA_TEST_ENV_DIR:-$REPO/target/test-env}
ENV_FILE=$STATE_DIR/env
STATE_FILE=$STATE_DIR/state
PG_BIN=${PELIHARA_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=postgres
DATABASE=pelihara_test
APP_ROLE=pelihara

log() { printf 'test-env: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# System packages
# ---------------------------------------------------------------------------------------------

is_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

aiosmtpd_python() {
    # Debian's python3-aiosmtpd lives beside /usr/bin/python3, which may not be the python3
    # first on PATH (pyenv); pip installs into the python3 on PATH.
    local candidate
    for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
        if [[ -n $candidate ]] && "$candidate" -c 'import aiosmtpd' 2>/dev/null; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

install_packages() {
    # make and gcc build the C the workspace links (SQLite, jemalloc).
    local wanted=(make gcc chromium chromium-driver poppler-utils qpdf fonts-dejavu-core)
    # Node.js runs the OpenID Connect provider and npm installs it and axe-core; a machine
    # may have them from elsewhere.
    command -v node >/dev/null && command -v npm >/dev/null || wanted+=(nodejs npm)
    [[ -x $PG_BIN/initdb ]] || wanted+=(postgresql-15)
    aiosmtpd_python >/dev/null || wanted+=(python3-aiosmtpd)

    local missing=() package
    for package in "${wanted[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    local from_pip=false
    if [[ " ${missing[*]} " == *" python3-aiosmtpd "* ]] &&
        ! apt-cache policy python3-aiosmtpd 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        missing=("${missing[@]/python3-aiosmtpd/}")
        from_pip=true
    fi
    # Word splitting drops the empty slot left by removing python3-aiosmtpd.
    # shellcheck disable=SC2068
    as_root apt-get install -y -qq --no-install-recommends ${missing[@]} >&2
    if $from_pip || ! aiosmtpd_python >/dev/null; then
        log "python3-aiosmtpd unavailable from apt: installing aiosmtpd with pip"
        python3 -m pip install --quiet aiosmtpd >&2
    fi
    aiosmtpd_python >/dev/null || die "no python3 can import aiosmtpd"
    [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL server binaries in $PG_BIN"
}

# The schema-based fuzzer the API test runs (crates/e2e/tests/fuzz.rs), pinned, in a
# virtualenv of its own that outlives the services: installed once, then only checked.
SCHEMATHESIS_VERSION=4.32.5
TOOLS_DIR=${PELIHARA_TEST_TOOLS_DIR:-${HOME:-/root}/.cache/pelihara-test}
SCHEMATHESIS_VENV=$TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION

install_schemathesis() {
    local st=$SCHEMATHESIS_VENV/bin/st
    if [[ -x $st ]] && "$st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
        return 0
    fi
    log "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
    rm -rf "$SCHEMATHESIS_VENV"
    mkdir -p "$TOOLS_DIR"
    python3 -m venv "$SCHEMATHESIS_VENV" >&2 ||
        { as_root apt-get install -y -qq --no-install-recommends python3-venv >&2 &&
            python3 -m venv "$SCHEMATHESIS_VENV" >&2; } ||
        die "cannot make a python virtualenv for schemathesis"
    "$SCHEMATHESIS_VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" >&2 ||
        die "cannot install schemathesis $SCHEMATHESIS_VERSION"
    "$st" --version >/dev/null || die "schemathesis does not run"
}

# The accessibility checker the browser tests inject into every page they walk
# (crates/e2e/tests/accessibility.rs): axe-core, pinned, its own npm prefix beside schemathesis.
AXE_VERSION=4.11.0
AXE_PREFIX=$TOOLS_DIR/axe-core-$AXE_VERSION
AXE_SCRIPT=$AXE_PREFIX/node_modules/axe-core/axe.min.js

install_axe() {
    if [[ -s $AXE_SCRIPT ]] && grep -q "axe v$AXE_VERSION" "$AXE_SCRIPT"; then
        return 0
    fi
    log "installing axe-core $AXE_VERSION into $AXE_PREFIX"
    rm -rf "$AXE_PREFIX"
    mkdir -p "$AXE_PREFIX"
    npm install --prefix "$AXE_PREFIX" --no-audit --no-fund --no-save --loglevel=error \
        "axe-core@$AXE_VERSION" >&2 || die "cannot install axe-core $AXE_VERSION"
    grep -q "axe v$AXE_VERSION" "$AXE_SCRIPT" || die "axe-core $AXE_VERSION has no $AXE_SCRIPT"
}

# The OpenID Connect provider the single sign-on tests sign in through (crates/e2e/tests/sso.rs),
# pinned, in a folder of its own beside schemathesis: installed once, then only checked.
OIDC_PROVIDER_VERSION=9.13.3
OIDC_PROVIDER_DIR=$TOOLS_DIR/oidc-provider-$OIDC_PROVIDER_VERSION
OIDC_CLIENT_ID=pelihara-test
OIDC_CLIENT_SECRET=pelihara-test-secret # Test-only, public: scripts/oidc-provider.mjs.

install_oidc_provider() {
    local installed=$OIDC_PROVIDER_DIR/node_modules/oidc-provider/package.json
    if [[ -f $installed ]] && grep -q "\"version\": \"$OIDC_PROVIDER_VERSION\"" "$installed"; then
        return 0
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    [[ $major -ge 20 ]] || die "oidc-provider $OIDC_PROVIDER_VERSION needs Node.js 20 or later (found $major)"
    log "installing oidc-provider $OIDC_PROVIDER_VERSION into $OIDC_PROVIDER_DIR"
    rm -rf "$OIDC_PROVIDER_DIR"
    mkdir -p "$OIDC_PROVIDER_DIR"
    printf '{ "private": true }\n' >"$OIDC_PROVIDER_DIR/package.json"
    (cd "$OIDC_PROVIDER_DIR" && npm install --no-audit --no-fund --omit=dev --save-exact \
        "oidc-provider@$OIDC_PROVIDER_VERSION" >&2) ||
        die "cannot install oidc-provider $OIDC_PROVIDER_VERSION"
    [[ -f $installed ]] || die "oidc-provider is not where it was installed"
}

# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------

free_port() {
    # The kernel's choice of a free port; another process could take it before PostgreSQL
    # binds, so start_postgres retries on a bind failure.
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_pg() {
    # runuser because initdb and postgres refuse to run as root; from / because the postgres
    # user may not be allowed into the current folder. A non-root developer runs them as self.
    if [[ $(id -u) -eq 0 ]]; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

pg_owner() {
    if [[ $(id -u) -eq 0 ]]; then printf '%s\n' "$PG_USER"; else id -un; fi
}

read_state() {
    PG_ROOT='' PG_PORT='' SMTP_PID='' OIDC_PID=''
    if [[ -f $STATE_FILE ]]; then
        # shellcheck source=/dev/null
        source "$STATE_FILE"
    fi
}

postgres_running() {
    [[ -n $PG_ROOT && -f $PG_ROOT/data/postmaster.pid ]] &&
        as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" status >/dev/null 2>&1
}

smtp_running() {
    [[ -n $SMTP_PID ]] && kill -0 "$SMTP_PID" 2>/dev/null &&
        grep -q smtp-sink "/proc/$SMTP_PID/cmdline" 2>/dev/null
}

oidc_running() {
    [[ -n $OIDC_PID ]] && kill -0 "$OIDC_PID" 2>/dev/null &&
        grep -q oidc-provider "/proc/$OIDC_PID/cmdline" 2>/dev/null
}

start_oidc() {
    rm -f "$STATE_DIR/oidc.port"
    nohup node "$REPO/scripts/oidc-provider.mjs" --module-dir "$OIDC_PROVIDER_DIR" \
        --port-file "$STATE_DIR/oidc.port" </dev/null >"$STATE_DIR/oidc.log" 2>&1 9>&- &
    OIDC_PID=$!
    record_state
    for _ in $(seq 1 200); do
        [[ -s $STATE_DIR/oidc.port ]] && break
        kill -0 "$OIDC_PID" 2>/dev/null || die "OpenID provider exited: see $STATE_DIR/oidc.log"
        sleep 0.1
    done
    [[ -s $STATE_DIR/oidc.port ]] || die "OpenID provider did not report its port within 20 s"
    log "OpenID provider on http://127.0.0.1:$(cat "$STATE_DIR/oidc.port")"
}

start_postgres() {
    if [[ $(id -u) -eq 0 ]] && ! id "$PG_USER" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
    fi

    PG_ROOT=$(mktemp -d /tmp/pelihara-pg.XXXXXX)
    record_state # From here on, `stop` can clean up even if the start fails half way.
    chown "$(pg_owner)" "$PG_ROOT"
    chmod 700 "$PG_ROOT"

    local admin_password app_password
    admin_password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    app_password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$admin_password" >"$PG_ROOT/pwfile"
    chown "$(pg_owner)" "$PG_ROOT/pwfile"

    as_pg "$PG_BIN/initdb" --pgdata="$PG_ROOT/data" --username="$PG_USER" \
        --pwfile="$PG_ROOT/pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_ROOT/initdb.log" 2>&1 ||
        die "initdb failed: see $PG_ROOT/initdb.log"
    rm -f "$PG_ROOT/pwfile"

    # Only the socket in our private folder (reachable by root and postgres alone) is trusted;
    # TCP is loopback IPv4 only and needs a password.
    cat >"$PG_ROOT/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 scram-sha-256
EOF
    # Tests need speed, not durability of the test cluster itself: a SIGKILL of the app under
    # test still loses nothing, only a power cut of this machine would.
    cat >>"$PG_ROOT/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_ROOT'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    local attempt
    for attempt in 1 2 3 4 5; do
        PG_PORT=$(free_port)
        record_state
        rm -f "$PG_ROOT/postgres.log" # So the bind check below reads this attempt only.
        # 9>&- keeps the postmaster from holding our lock file open forever.
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/postgres.log" -w -t 60 \
            -o "-p $PG_PORT" start >/dev/null 9>&-; then
            break
        fi
        if [[ $attempt -eq 5 ]] || ! grep -q 'could not bind\|already in use' "$PG_ROOT/postgres.log"; then
            die "PostgreSQL did not start: see $PG_ROOT/postgres.log"
        fi
        log "port $PG_PORT was taken, trying another"
    done

    as_pg "$PG_BIN/psql" -h "$PG_ROOT" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -q \
        -c "create role $APP_ROLE login createdb password '$app_password'" \
        -c "create database $DATABASE owner $APP_ROLE" >/dev/null

    PG_ADMIN_URL="postgres://$PG_USER:$admin_password@127.0.0.1:$PG_PORT/$DATABASE"
    PG_URL="postgres://$APP_ROLE:$app_password@127.0.0.1:$PG_PORT/$DATABASE"
    # Prove the URL tests will use works over TCP with its password.
    "$PG_BIN/psql" "$PG_URL" -tAc 'select 1' >/dev/null ||
        die "cannot connect with the test URL (see $PG_ROOT/postgres.log)"
    log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, data in $PG_ROOT"
}

start_smtp() {
    local python
    python=$(aiosmtpd_python) || die "no python3 can import aiosmtpd"
    rm -f "$STATE_DIR/smtp.port" "$STATE_DIR/oidc.port"
    nohup "$python" "$REPO/scripts/smtp-sink.py" --maildir "$STATE_DIR/mail" \
        --port-file "$STATE_DIR/smtp.port" </dev/null >"$STATE_DIR/smtp.log" 2>&1 9>&- &
    SMTP_PID=$!
    record_state
    for _ in $(seq 1 100); do
        [[ -s $STATE_DIR/smtp.port ]] && break
        kill -0 "$SMTP_PID" 2>/dev/null || die "SMTP sink exited: see $STATE_DIR/smtp.log"
        sleep 0.1
    done
    [[ -s $STATE_DIR/smtp.port ]] || die "SMTP sink did not report its port within 10 s"
    log "SMTP sink on 127.0.0.1:$(cat "$STATE_DIR/smtp.port"), mail in $STATE_DIR/mail/new"
}

record_state() {
    cat >"$STATE_FILE" <<EOF
PG_ROOT='$PG_ROOT'
PG_PORT='$PG_PORT'
SMTP_PID='$SMTP_PID'
OIDC_PID='$OIDC_PID'
EOF
}

write_env() {
    local python
    python=$(aiosmtpd_python)
    (umask 077 && : >"$ENV_FILE.partial") # The file holds database passwords.
    cat >"$ENV_FILE.partial" <<EOF
export PELIHARA_TEST_POSTGRES_URL='$PG_URL'
export PELIHARA_TEST_POSTGRES_ADMIN_URL='$PG_ADMIN_URL'
export PELIHARA_TEST_SMTP_HOST='127.0.0.1'
export PELIHARA_TEST_SMTP_PORT='$(cat "$STATE_DIR/smtp.port")'
export PELIHARA_TEST_SMTP_MAILDIR='$STATE_DIR/mail'
export PELIHARA_TEST_PYTHON='$python'
export PELIHARA_TEST_SMTP_SINK='$REPO/scripts/smtp-sink.py'
export CHROMIUM='/usr/bin/chromium'
export CHROMEDRIVER='/usr/bin/chromedriver'
export PELIHARA_TEST_SCHEMATHESIS='$SCHEMATHESIS_VENV/bin/st'
export PELIHARA_TEST_AXE='$AXE_SCRIPT'
export PELIHARA_TEST_OIDC_ISSUER='http://127.0.0.1:$(cat "$STATE_DIR/oidc.port")'
export PELIHARA_TEST_OIDC_CLIENT_ID='$OIDC_CLIENT_ID'
export PELIHARA_TEST_OIDC_CLIENT_SECRET='$OIDC_CLIENT_SECRET'
EOF
    mv "$ENV_FILE.partial" "$ENV_FILE"
}

stop_services() {
    read_state
    if [[ -n $SMTP_PID ]] && smtp_running; then
        kill "$SMTP_PID" 2>/dev/null || true
        log "stopped SMTP sink (pid $SMTP_PID)"
    fi
    if [[ -n $OIDC_PID ]] && oidc_running; then
        kill "$OIDC_PID" 2>/dev/null || true
        log "stopped OpenID provider (pid $OIDC_PID)"
    fi
    if [[ -n $PG_ROOT && -d $PG_ROOT ]]; then
        if postgres_running; then
            as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast -w stop >/dev/null 2>&1 ||
                log "warning: PostgreSQL in $PG_ROOT did not stop cleanly"
            log "stopped PostgreSQL on port $PG_PORT"
        fi
        # Only ever our own mktemp folder: never delete a path we did not create.
        [[ $PG_ROOT == /tmp/pelihara-pg.* ]] && rm -rf "$PG_ROOT"
    fi
    rm -rf "$STATE_FILE" "$ENV_FILE" "$STATE_DIR/mail" "$STATE_DIR/smtp.port"
}

start_services() {
    read_state
    if [[ -f $ENV_FILE ]] && postgres_running && smtp_running && oidc_running; then
        log "reusing the running services"
        cat "$ENV_FILE"
        return 0
    fi
    # Anything half alive from an earlier run is ours: clear it and start clean.
    stop_services 2>/dev/null
    PG_ROOT='' PG_PORT='' SMTP_PID='' OIDC_PID=''

    install_packages
    install_schemathesis
    install_axe
    install_oidc_provider
    # With `set -e` any failure exits: leave nothing half started behind.
    trap 'log "start failed: cleaning up"; stop_services' EXIT
    start_postgres
    start_smtp
    start_oidc
    write_env
    trap - EXIT
    cat "$ENV_FILE"
}

main() {
    local command=${1:-start}
    mkdir -p "$STATE_DIR"
    # One start or stop at a time per state folder.
    exec 9>"$STATE_DIR/lock"
    flock 9
    case $command in
        start) start_services ;;
        stop) stop_services ;;
        status)
            read_state
            postgres_running && smtp_running && oidc_running
            ;;
        env)
            read_state
            postgres_running && smtp_running && oidc_running && [[ -f $ENV_FILE ]] ||
                die "services are not running"
            cat "$ENV_FILE"
            ;;
        *) die "unknown command '$command' (start|stop|status|env)" ;;
    esac
}

main "$@"
