#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/nextsteps/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack bootstrap@5.3.9 htmx.org@2.0.11 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp bootstrap-5.3.9/package/dist/css/bootstrap.min.css* "$dest/bootstrap/"
cp bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js* "$dest/bootstrap/"
cp bootstrap-5.3.9/package/LICENSE "$dest/bootstrap/LICENSE"
cp htmx.org-2.0.11/package/dist/htmx.min.js "$dest/htmx/"
cp htmx.org-2.0.11/package/LICENSE "$dest/htmx/LICENSE"
