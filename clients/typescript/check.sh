#!/usr/bin/env bash
# CI for the TypeScript SDK: pinned install, generated types in step with the contract,
# and a strict example that needs no `!` and no cast.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error

generated="$(mktemp -d)"
trap 'rm -rf "$generated"' EXIT
npx --no-install openapi-typescript ../../openapi.yaml --output "$generated/schema.d.ts" --silent
if ! diff -u src/schema.d.ts "$generated/schema.d.ts" > "$generated/diff"; then
    head -n 40 "$generated/diff" >&2
    echo "clients/typescript/src/schema.d.ts is not what openapi.yaml generates:" \
        "run 'npm run generate' in clients/typescript and commit it." >&2
    exit 1
fi

npx --no-install tsc --strict --noEmit -p tsconfig.json
node no-casts.mjs examples/*.ts
echo "TypeScript SDK: types current, examples strict."
