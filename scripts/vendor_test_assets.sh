#!/usr/bin/env bash
# Fetch the third-party files the tests read, from the npm registry, into tests/fixtures/vendor/:
# axe-core's minified engine (the browser accessibility check) and the SARIF 2.1.0 JSON schema
# (shipped in @microsoft/jest-sarif). They are third-party text, so they are not committed: .ci/run
# fetches them (npm registry) and the tests that need them skip with a message when they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE=${AXE_VERSION:-4.14.1}
JEST_SARIF=${JEST_SARIF_VERSION:-1.0.0-beta.0}
dest=tests/fixtures/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
(cd "$work" && npm pack --silent "axe-core@$AXE" "@microsoft/jest-sarif@$JEST_SARIF" >/dev/null)
tar -xzf "$work/axe-core-$AXE.tgz" -C "$work" package/axe.min.js package/LICENSE
cp "$work/package/axe.min.js" "$dest/axe.min.js"
cp "$work/package/LICENSE" "$dest/axe-core.LICENSE"
rm -rf "$work/package"
tar -xzf "$work/microsoft-jest-sarif-$JEST_SARIF.tgz" -C "$work" package/lib/schemas/sarif-2.1.0-rtm.5.json
cp "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$dest/sarif-2.1.0.schema.json"
cat > "$dest/README.md" <<MD
Third-party files the tests read, fetched by \`scripts/vendor_test_assets.sh\` from the npm registry:

- \`axe.min.js\`: axe-core $AXE (MPL-2.0, \`axe-core.LICENSE\`), injected into the web page and the HTML
  report by \`tests/test_browser.py\` and \`tests/test_report_browser.py\`.
- \`sarif-2.1.0.schema.json\`: the SARIF 2.1.0 JSON schema (OASIS), as shipped in @microsoft/jest-sarif
  $JEST_SARIF; \`tests/test_sarif.py\` validates \`scan --format sarif\` output against it.
MD
ls -l "$dest"
