#!/usr/bin/env bash
# The test command: installs what the tests need if it is missing, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
dotnet test "$@"
