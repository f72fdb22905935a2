#!/usr/bin/env bash
# The browser suite on its own: installs chromium and the npm packages if
# needed, builds the release server, then runs tests/browser/suite.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bash "$here/install.sh"
(cd "$root" && cargo build --release --bin signpost)
cd "$here"
exec node suite.mjs
