#!/usr/bin/env bash
# Install riskcheck with its test tools into a fresh virtual environment, then run everything
# CI runs: the shipped rule packs validated and tested like code, and the test suite (against
# the installed package, not the source tree).
#   PYTHON  interpreter to use (default: python3)     VENV  where to create it (default: .venv)
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
venv=${VENV:-.venv}

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check ".[test]"
"$venv/bin/riskcheck" validate
"$venv/bin/riskcheck" test
"$venv/bin/pytest" "$@"
