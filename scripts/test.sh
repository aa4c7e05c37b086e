#!/usr/bin/env bash
# The whole check: lint, the import-linter contract, then the suite on SQLite and on
# PostgreSQL. Exits non-zero if any step fails (every step still runs).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
step() { echo; echo "== $1"; shift; "$@" || status=1; }
step "ruff" $BIN/ruff check src tests bench
step "import-linter" $BIN/lint-imports
step "pytest on SQLite" env -u DATABASE_URL $BIN/pytest -q -p no:cacheprovider
step "pytest on PostgreSQL" bash scripts/with-postgres.sh $BIN/pytest -q -p no:cacheprovider
echo
if [ $status -eq 0 ]; then echo "All checks passed."; else echo "Some checks FAILED."; fi
exit $status
