#!/usr/bin/env bash
# Fetches GitHub's published OpenAPI description (api.github.com.json from @octokit/openapi, at the pinned
# version), once per machine, cached: the fake GitHub of the tests (test/forge/github.mjs) validates every
# request and response against it. The package is 400 MB unpacked, so it is never an npm dependency: its
# 28 MB tarball is fetched with `npm pack`, checked against the pinned integrity, and only the one file kept.
set -euo pipefail
VERSION=23.0.2
# `npm view @octokit/openapi@23.0.2 dist.integrity`: what the registry published, so a changed tarball fails.
INTEGRITY=sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg==
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
W=$CACHE/openapi-github-$VERSION
OUT=$W/api.github.com.json
mkdir -p "$W"

exec 9>"$W/.setup.lock"
if ! flock -n 9; then
  echo "[setup-github-openapi] another setup-github-openapi.sh is running; waiting for it to finish"
  flock 9
fi
if [ -s "$OUT" ]; then
  echo "[setup-github-openapi] cached: GitHub's OpenAPI description (@octokit/openapi $VERSION) in $OUT"; exit 0
fi
command -v npm >/dev/null || { echo "[setup-github-openapi] npm is not installed: install Node.js 20.19 or later and run again" >&2; exit 1; }

echo "[setup-github-openapi] fetching @octokit/openapi $VERSION (a 28 MB tarball) from the npm registry"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@octokit/openapi@$VERSION" > pack.log 2>&1) || {
  echo "[setup-github-openapi] npm pack @octokit/openapi@$VERSION failed (is the npm registry reachable?):" >&2
  sed 's/^/    /' "$tmp/pack.log" >&2; exit 1
}
tarball=$tmp/octokit-openapi-$VERSION.tgz
actual=$(node -e 'const c = require("node:crypto"); process.stdout.write("sha512-" + c.createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$actual" != "$INTEGRITY" ]; then
  echo "[setup-github-openapi] the tarball's integrity is $actual, not the pinned $INTEGRITY: refusing it" >&2; exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/generated/api.github.com.json
mv "$tmp/package/generated/api.github.com.json" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo "[setup-github-openapi] done: $OUT ($(du -h "$OUT" | cut -f1))"
