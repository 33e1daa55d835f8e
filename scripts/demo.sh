#!/usr/bin/env bash
# Set up and run the main job on the bundled example project: reports/example/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/transfer-eval demo "$@"
