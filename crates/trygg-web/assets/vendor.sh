#!/bin/sh
# Re-fetches the vendored front-end libraries at their pinned versions from the npm registry
# (dist files and licence only). Run from anywhere; needs npm and tar.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { # package version file...
  pkg=$1 ver=$2; shift 2
  (cd "$tmp" && npm pack --silent "$pkg@$ver" >/dev/null && mkdir -p "$pkg" && tar -xzf "$pkg-$ver.tgz" -C "$pkg")
  rm -rf "$here/vendor/$pkg" && mkdir -p "$here/vendor/$pkg"
  for f in "$@"; do cp -r "$tmp/$pkg/package/$f" "$here/vendor/$pkg/"; done
  echo "$pkg@$ver" > "$here/vendor/$pkg/VERSION"
}
fetch leaflet 1.9.4 dist/leaflet.js dist/leaflet.js.map dist/leaflet.css dist/images LICENSE
fetch uplot 1.6.32 dist/uPlot.iife.min.js dist/uPlot.min.css LICENSE
