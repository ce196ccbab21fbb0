#!/usr/bin/env bash
# Fetch axe-core (the accessibility rules engine the browser tests inject into every
# public page) from the npm registry with npm itself, check it against the pinned
# integrity, and unpack its one file to var/axe-core/<version>/axe.min.js.
# Idempotent: prints the file's path, downloading only when it is missing.
# Not vendored: the file is only the tests' tool, never served to readers.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.14.1
# The registry's dist.integrity of that version (sha512-FHfa+lmN…), as hex.
SHA512=1477dafa598d8d065f273d6af302aa203c02e83131707b7fa648cd41bd3d6b734f8c22a0dab86ee6a6f64b8afbe804b214d36db85a2826965edfb3a0b9d546b5
DEST="var/axe-core/$VERSION"

if [ -s "$DEST/axe.min.js" ]; then
    echo "$PWD/$DEST/axe.min.js"
    exit 0
fi
command -v npm >/dev/null 2>&1 || {
    echo "npm is needed to fetch axe-core (scripts/system-deps.sh installs it)" >&2
    exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tarball="$work/axe-core-$VERSION.tgz"
actual=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$actual" != "$SHA512" ]; then
    echo "axe-core $VERSION: SHA-512 $actual, expected $SHA512" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/axe.min.js package/LICENSE
mkdir -p "$DEST"
mv "$work/package/LICENSE" "$DEST/LICENSE"
mv "$work/package/axe.min.js" "$DEST/axe.min.js.part"
mv "$DEST/axe.min.js.part" "$DEST/axe.min.js"
echo "$PWD/$DEST/axe.min.js"
