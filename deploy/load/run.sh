#!/usr/bin/env bash
# Load test of the running service (default http://localhost:5080, Development keys): end-to-end review latency under load.
# Usage: deploy/load/run.sh [contract.txt] [connections] [seconds]
# Start the service with RateLimits__SubmissionsPerMinute and RateLimits__RequestsPerMinute raised (e.g. 1000000):
# one key sends everything here, and the default of 60 submissions a minute would answer 429.
set -euo pipefail
cd "$(dirname "$0")/../.."
contract=${1:-eval-data/contracts/LUCIDINC-04-15-2011-EX-10-9-DISTRIBUTOR-AGREEMENT.txt}
export BODY=$(mktemp)
jq -n --rawfile text "$contract" --arg name "$(basename "$contract")" \
  '{policy: "contract-review", document: {fileName: $name, contentType: "text/plain", text: $text}}' > "$BODY"
wrk -t2 -c"${2:-4}" -d"${3:-30}s" --timeout 60s -s deploy/load/submit.lua "${URL:-http://localhost:5080}/v1/reviews"
