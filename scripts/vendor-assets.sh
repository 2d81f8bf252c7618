#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/nextsteps/web/static/vendor"
# axe-core is for the accessibility tests only: it is never served by the product.
test_dest="$here/tests/browser/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack bootstrap@5.3.9 htmx.org@2.0.11 axe-core@4.14.1 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp bootstrap-5.3.9/package/dist/css/bootstrap.min.css* "$dest/bootstrap/"
cp bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js* "$dest/bootstrap/"
cp bootstrap-5.3.9/package/LICENSE "$dest/bootstrap/LICENSE"
cp htmx.org-2.0.11/package/dist/htmx.min.js "$dest/htmx/"
cp htmx.org-2.0.11/package/LICENSE "$dest/htmx/LICENSE"
mkdir -p "$test_dest/axe-core"
cp axe-core-4.14.1/package/axe.min.js "$test_dest/axe-core/"
cp axe-core-4.14.1/package/LICENSE "$test_dest/axe-core/LICENSE"
