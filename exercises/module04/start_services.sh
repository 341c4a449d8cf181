#!/usr/bin/env bash
# Starts module 4 in one go: the account API (5000), the Money Transfer UI (5001) and the
# worker. Extra arguments are passed on, e.g. `./start_services.sh --host 0.0.0.0` in the lab.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec cargo run --quiet -p module04 -- "$@"
