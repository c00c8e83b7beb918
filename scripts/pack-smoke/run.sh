#!/usr/bin/env bash
# Packs @kprim/machine, @kprim/spinlock and @kprim/sleepq (built dist/ must
# exist), installs the tarballs into a project outside the workspace and runs
# smoke.mjs there with plain node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for p in machine spinlock sleepq; do
  (cd "$root/packages/$p" && npx -y pnpm@10.34.9 pack --pack-destination "$tmp" >/dev/null)
done
mkdir "$tmp/project"
cp "$here/smoke.mjs" "$tmp/project/"
cd "$tmp/project"
printf '{ "name": "kprim-pack-smoke", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund --silent "$tmp"/kprim-machine-*.tgz "$tmp"/kprim-spinlock-*.tgz "$tmp"/kprim-sleepq-*.tgz
ls node_modules/@kprim
node smoke.mjs
