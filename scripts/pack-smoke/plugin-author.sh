#!/usr/bin/env bash
# The plugin author's path of docs/plugins.md, outside the repository: builds and packs the kprim
# packages, installs the tarballs into a temp folder, writes the doc's files there
# (the .ts example also as .js and .mjs), loads the plugin from each with this repository's kprim
# (replacing lockmgr, a scenario from the scenario kit, a detector on typed events), and runs the
# doc's check.mjs: checkLayer passes the plugin's lockmgr and catches the broken one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && npx -y pnpm@10.34.9 exec turbo run build --filter=@kprim/plugin... --filter=@kprim/cli... --output-logs=errors-only >/dev/null)
for p in machine spinlock token sleepq lockmgr buf explore scenarios plugin-api plugin; do
  (cd "$root/packages/$p" && npx -y pnpm@10.34.9 pack --pack-destination "$tmp" >/dev/null)
done
mkdir "$tmp/author"
cd "$tmp/author"
printf '{ "name": "my-kprim-plugin", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund --silent "$tmp"/kprim-*.tgz
node "$root/scripts/pack-smoke/doc-files.mjs" "$root/docs/plugins.md" . >/dev/null
kprim() { node "$root/apps/cli/kprim.mjs" "$@"; }
for f in my-lockmgr.ts my-lockmgr.js my-lockmgr.mjs; do
  kprim run two-lockmgr-adders --plugin "./$f" | grep -q '^outcome: ok$'
  kprim explore lockmgr-lost-wakeup --plugin "./$f" | grep -q '^verdict: not found'
  echo "loaded ./$f: two-lockmgr-adders ok, lockmgr-lost-wakeup not found"
done
node check.mjs
