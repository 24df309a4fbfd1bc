#!/usr/bin/env bash
# The real-world corpus runner; see scripts/corpus.py --help.
#   scripts/corpus.sh                        # 100 × 3.0 + 50 × 3.1 + GitHub + Stripe, cargo check each
#   scripts/corpus.sh --sample 30 --sample-31 10 --min-30 95 --min-31 90   # the CI sample
#   scripts/corpus.sh --full                 # generate every spec (no compile): no panics
set -euo pipefail
exec python3 "$(dirname "$0")/corpus.py" "$@"
