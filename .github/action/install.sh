#!/usr/bin/env bash
# Installs one release of docspace-webhooks for the GitHub Action (action.yml), or anywhere bash,
# curl and tar are: the prebuilt binary of the runner's OS and CPU, checked against the SHA-256
# the release publishes in SHA256SUMS before it is unpacked. A binary whose sum does not match
# is refused and nothing is installed. Only when the release has no binary for this OS and CPU
# is the tool built from the release's tag with `cargo install --locked`.
#
# Environment:
#   DOCSPACE_WEBHOOKS_VERSION      the release tag, e.g. v0.1.0 (required)
#   DOCSPACE_WEBHOOKS_REPOSITORY   owner/name of the repository that publishes the releases
#   DOCSPACE_WEBHOOKS_RELEASE_URL  where the release's files are; default
#                                  https://github.com/OWNER/NAME/releases/download/TAG
#                                  (an https:// or file:// URL: tests use a local directory)
#   DOCSPACE_WEBHOOKS_INSTALL_DIR  the directory the binary goes into; default
#                                  $RUNNER_TEMP (or ~/.cache)/docspace-webhooks/OWNER/NAME/TAG/bin
#   RUNNER_OS, RUNNER_ARCH         set by GitHub; elsewhere read from uname
# Prints the directory installed into on stdout, adds it to $GITHUB_PATH and writes it as the
# step output `dir` when those are set.
#
# Release files, as .github/workflows/release.yml publishes them:
#   docspace-webhooks-TAG-TARGET.tar.gz (Windows: .zip), holding
#   docspace-webhooks-TAG-TARGET/docspace-webhooks (Windows: .exe), and SHA256SUMS.
set -euo pipefail

fail() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then
    # Escaped as GitHub reads a command's message: a line break in the version (an input) or a
    # URL cannot start another command.
    local message=${*//%/%25}
    message=${message//$'\r'/%0D}
    echo "::error title=docspace-webhooks install::${message//$'\n'/%0A}" >&2
  else
    echo "error: $*" >&2
  fi
  exit 1
}

version=${DOCSPACE_WEBHOOKS_VERSION:-}
[[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  fail "the version must be a release tag such as v0.1.0, not '${version}'"
repository=${DOCSPACE_WEBHOOKS_REPOSITORY:-}
# Checked, as the version is, before either goes into a URL or a path.
[[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ && ! $repository =~ (^|/)\.\.?(/|$) ]] ||
  fail "the repository must be OWNER/NAME, not '${repository}'"
base=${DOCSPACE_WEBHOOKS_RELEASE_URL:-https://github.com/$repository/releases/download/$version}
# RUNNER_TEMP, not the tool cache: the runner empties it around each job, so the binary found
# there below was checked by this job. A self-hosted runner's tool cache outlives jobs, and a
# binary another job left in it would run here with this job's keys. One directory per
# repository and tag: a step taking the Action from another repository (a fork's, upstream's)
# checks that repository's release, never running the binary of the same tag from the other.
dir=${DOCSPACE_WEBHOOKS_INSTALL_DIR:-${RUNNER_TEMP:-$HOME/.cache}/docspace-webhooks/$repository/$version/bin}

os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
# cargo names the binary .exe on Windows whatever the CPU (an ARM64 runner builds it).
case "$os" in
  Windows | MINGW* | MSYS*) exe=docspace-webhooks.exe ;;
  *) exe=docspace-webhooks ;;
esac
case "$os/$arch" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac

# A binary already installed for this tag was checked when it was installed (by an earlier
# step of this job, on a runner).
if [ -x "$dir/$exe" ] && [ "$("$dir/$exe" --version 2>/dev/null)" = "docspace-webhooks ${version#v}" ]; then
  echo "docspace-webhooks $version is already installed in $dir" >&2
else
  command -v curl >/dev/null || fail "curl is needed to download release $version; nothing was installed"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  fetch() { curl --fail --silent --show-error --location --retry 3 --proto '=https,file' -o "$2" "$1"; }

  fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" ||
    fail "could not download SHA256SUMS of $version from $base; nothing was installed"
  archive=
  expected=
  if [ -n "$target" ]; then
    archive=docspace-webhooks-$version-$target.tar.gz
    [ "$exe" = docspace-webhooks ] || archive=docspace-webhooks-$version-$target.zip
    # `sha256sum` lines: the digest, then the name (after '*' in binary mode). Every release
    # has a binary for each of these targets, so a sums file that does not list this one
    # exactly once (cut short, another format, edited) is refused: building from source
    # instead would skip the check the sums are for.
    expected=$(awk -v name="$archive" '{ sub(/\r$/, "") } $2 == name || $2 == "*" name { print tolower($1) }' "$tmp/SHA256SUMS")
    [[ $expected =~ ^[0-9a-f]{64}$ ]] ||
      fail "the release's SHA256SUMS does not list one SHA-256 for $archive; nothing was installed"
  fi

  if [ -z "$target" ]; then
    # No binary for this runner: build the release's tag, pinned by Cargo.lock.
    command -v cargo >/dev/null ||
      fail "release $version has no binary for $os/$arch and cargo is not installed; nothing was installed"
    echo "release $version has no binary for $os/$arch: building it with cargo install --locked" >&2
    cargo install --locked --root "$tmp/cargo" --git "https://github.com/$repository" --tag "$version" docspace-webhooks >&2
    mkdir -p "$dir"
    mv "$tmp/cargo/bin/$exe" "$dir/.$exe.$$"
    mv "$dir/.$exe.$$" "$dir/$exe"
  else
    fetch "$base/$archive" "$tmp/$archive" ||
      fail "could not download $archive from $base; nothing was installed"
    if command -v sha256sum >/dev/null; then
      actual=$(sha256sum "$tmp/$archive" | awk '{ print $1 }')
    elif command -v shasum >/dev/null; then
      actual=$(shasum -a 256 "$tmp/$archive" | awk '{ print $1 }')
    else
      fail "neither sha256sum nor shasum is installed, so $archive cannot be checked; nothing was installed"
    fi
    [ "$actual" = "$expected" ] ||
      fail "refusing $archive: its SHA-256 is $actual, but the release's SHA256SUMS says $expected; nothing was installed"
    mkdir "$tmp/unpacked"
    case "$archive" in
      *.zip) unzip -q "$tmp/$archive" -d "$tmp/unpacked" ;;
      *) tar -xzf "$tmp/$archive" -C "$tmp/unpacked" ;;
    esac
    top=docspace-webhooks-$version-$target
    # Only regular files and directories, all under the one top directory: through a link (the
    # binary, or a directory above it) this would chmod and move whatever the link points at.
    odd=$(cd "$tmp/unpacked" && find . -mindepth 1 \( ! -type f ! -type d -o ! -path "./$top" ! -path "./$top/*" \) -print)
    odd=${odd%%$'\n'*}
    [ -z "$odd" ] ||
      fail "refusing $archive: it holds ${odd#./}, but only regular files and directories inside $top/ (no links); nothing was installed"
    binary=$tmp/unpacked/$top/$exe
    [ -f "$binary" ] || fail "$archive holds no $top/$exe; nothing was installed"
    chmod +x "$binary"
    said=$("$binary" --version 2>&1) || said="(it does not run: $said)"
    [ "$said" = "docspace-webhooks ${version#v}" ] ||
      fail "refusing $archive: the binary says '$said', not docspace-webhooks ${version#v}; nothing was installed"
    # Renamed into place, so a concurrent or interrupted install never leaves half a binary.
    mkdir -p "$dir"
    mv "$binary" "$dir/.$exe.$$"
    mv "$dir/.$exe.$$" "$dir/$exe"
    echo "installed docspace-webhooks $version ($target, sha256 $actual) into $dir" >&2
  fi
fi

if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dir" >> "$GITHUB_PATH"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "dir=$dir" >> "$GITHUB_OUTPUT"
fi
echo "$dir"
