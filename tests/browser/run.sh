#!/usr/bin/env bash
# The browser suite on its own: installs chromium and the npm packages if
# needed, builds the release server, then runs tests/browser/suite.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bash "$here/install.sh"
# Built as `cargo test --release` builds it: the test targets' features
# unify into the binary's dependencies, so a plain `cargo build --bin`
# would compile the whole tree a second time (time and gigabytes in CI).
(cd "$root" && cargo test --release --no-run -q)
cd "$here"
exec node suite.mjs
