#!/usr/bin/env bash
# Vendors the front-end libraries that crates/web embeds into the binary (Pelihara runs on
# intranets without a CDN). It fetches exact versions from the npm registry with `npm pack`,
# checks each tarball against the integrity hash pinned here, and copies only the minified dist
# files, byte for byte (their license header comments stay intact), into
# crates/web/assets/vendor/. It never runs package scripts and never touches anything else.
#
# To upgrade: change a version, run the script once with the new integrity left empty, take the
# integrity that `npm view <pkg>@<version> dist.integrity` prints, pin it, update
# crates/web/assets/vendor/README.md, and commit the changed dist files with the script.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST="$REPO/crates/web/assets/vendor"

BOOTSTRAP_VERSION=5.3.9
BOOTSTRAP_INTEGRITY="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
HTMX_VERSION=2.0.11 # Stay on htmx 2: htmx 4 changes attribute inheritance and error swapping.
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

WORK=$(mktemp -d /tmp/pelihara-vendor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Fetches one package tarball, checks its integrity and unpacks it into $WORK/<name>.
fetch() {
    local spec=$1 expected=$2 unpack_to=$3 tarball actual
    tarball=$(cd "$WORK" && npm pack --silent --ignore-scripts "$spec")
    actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$tarball" | base64 -w0)"
    if [[ -n $expected && $actual != "$expected" ]]; then
        echo "vendor-assets: $spec integrity $actual, expected $expected" >&2
        exit 1
    fi
    echo "vendor-assets: $spec $actual"
    mkdir -p "$WORK/$unpack_to"
    tar -xzf "$WORK/$tarball" -C "$WORK/$unpack_to" --strip-components=1
}

fetch "bootstrap@$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY" bootstrap
fetch "htmx.org@$HTMX_VERSION" "$HTMX_INTEGRITY" htmx

mkdir -p "$DEST"
install -m 0644 "$WORK/bootstrap/dist/css/bootstrap.min.css" "$DEST/bootstrap.min.css"
install -m 0644 "$WORK/bootstrap/dist/js/bootstrap.bundle.min.js" "$DEST/bootstrap.bundle.min.js"
install -m 0644 "$WORK/htmx/dist/htmx.min.js" "$DEST/htmx.min.js"

# The header comment is what carries Bootstrap's MIT notice inside the binary: refuse a file
# that lost it. (htmx is 0BSD, which asks for no notice; its file has none.)
for file in bootstrap.min.css bootstrap.bundle.min.js; do
    if ! head -c 400 "$DEST/$file" | grep -q "Licensed under MIT"; then
        echo "vendor-assets: $file has no license header" >&2
        exit 1
    fi
done
(cd "$DEST" && sha256sum bootstrap.min.css bootstrap.bundle.min.js htmx.min.js)
