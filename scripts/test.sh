#!/usr/bin/env bash
# Set up and run the whole test suite (slow end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh "test,dask"
# headless Chromium for the tests about what a person sees (Debian package)
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests ..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "warning: chromium is not installed; browser tests will be skipped" >&2
  fi
fi
# axe-core (npm), the accessibility checker the browser tests run in every example page
AXE_VERSION=4.10.3
if [ ! -f .cache/node/node_modules/axe-core/axe.min.js ] || \
   ! grep -q "\"version\": \"$AXE_VERSION\"" .cache/node/node_modules/axe-core/package.json; then
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's npm for the accessibility checker ..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  if command -v npm >/dev/null 2>&1; then
    npm install --silent --no-audit --no-fund --prefix .cache/node "axe-core@$AXE_VERSION"
  else
    echo "warning: npm is not installed; the axe-core accessibility test will be skipped" >&2
  fi
fi
# R with igraph for the test that reruns tests/reference/network.R (Debian packages)
if ! command -v Rscript >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's r-base-core, r-cran-igraph, r-cran-jsonlite ..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      r-base-core r-cran-igraph r-cran-jsonlite >/dev/null
  else
    echo "warning: Rscript is not installed; the R reference rerun will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
