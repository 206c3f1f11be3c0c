#!/usr/bin/env bash
# Packs one built binary the way install.sh looks for it in a release:
#   package.sh TAG TARGET BINARY OUTDIR
# writes OUTDIR/docspace-webhooks-TAG-TARGET.tar.gz (.zip for Windows targets) holding
# docspace-webhooks-TAG-TARGET/ with the binary and the README. The release's SHA256SUMS is made
# over all the archives afterwards (release.yml), as `sha256sum` writes it.
set -euo pipefail
[ $# = 4 ] || { echo "usage: package.sh TAG TARGET BINARY OUTDIR" >&2; exit 1; }
tag=$1 target=$2 binary=$3 out=$4
name=docspace-webhooks-$tag-$target
root=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$out"
cp "$binary" "$stage/$name/"
cp "$root/README.md" "$stage/$name/"
case "$target" in
  *windows*) (cd "$stage" && 7z a -tzip -bso0 "$name.zip" "$name") && mv "$stage/$name.zip" "$out/" ;;
  *) tar -czf "$out/$name.tar.gz" -C "$stage" "$name" ;;
esac
echo "$out/$name.$(case "$target" in *windows*) echo zip ;; *) echo tar.gz ;; esac)"
