#!/usr/bin/env bash
# Mutation testing of rules/, the ledger and the verifier, by hand (like the benchmarks).
#
#   bash scripts/mutation.sh [SET]   SET: ledger (default) | rules | commissions | reconciliation | iin | all
#
# Cosmic Ray mutates the chosen modules one change at a time in a throw-away copy of
# HEAD (never in this checkout) and runs the tests that cover them; a mutant the tests
# still pass "survived". The score (killed / total) and the survivors go to
# var/mutation/SET.txt; docs/security.md keeps the latest figures. Runtime is bounded by
# the set chosen and by a per-mutant timeout; `ledger` takes minutes, `all` much longer.
set -euo pipefail
cd "$(dirname "$0")/.."
SET="${1:-ledger}"
ROOT="$PWD"
OUT="$ROOT/var/mutation"
mkdir -p "$OUT"
case "$SET" in
  ledger)
    MODULES='"psephos/ledger/rules/treehead.py", "psephos/ledger/rules/signing.py"'
    TESTS="psephos/ledger/tests/test_treehead_rule.py psephos/ledger/tests/test_hashing.py psephos/ledger/tests/test_chain_rules.py psephos/ledger/tests/test_merkle.py"
    ;;
  rules)
    MODULES='"psephos/voters/rules/iin.py", "psephos/results/rules/reconciliation.py"'
    TESTS="psephos/voters/tests/test_rules_iin.py psephos/voters/tests/test_rules_iin_centuries.py psephos/results/tests/test_rules_reconciliation.py psephos/results/tests/test_submission_guards.py"
    ;;
  commissions)
    # The commissions' pure rules (decision votes, sessions, composition): their tests need
    # neither Django nor the project's fixtures, so each mutant costs a bare pytest start.
    MODULES='"psephos/commissions/rules"'
    TESTS="-p no:django -p no:xdist -p no:playwright -p no:base_url --noconftest psephos/commissions/tests/test_rules_decisions.py psephos/commissions/tests/test_rules_sessions.py psephos/commissions/tests/test_rules_composition.py"
    ;;
  reconciliation)
    # The protocol's arithmetic checks alone, against their pure table of cases: the `rules`
    # set also creates a test database per mutant (test_submission_guards.py).
    MODULES='"psephos/results/rules/reconciliation.py"'
    TESTS="-p no:django -p no:xdist -p no:playwright -p no:base_url --noconftest psephos/results/tests/test_rules_reconciliation.py"
    ;;
  iin)
    # The IIN's check digit, century and birth-date rules alone, against their pure tests:
    # the `rules` set also creates a test database per mutant.
    MODULES='"psephos/voters/rules/iin.py"'
    TESTS="-p no:django -p no:xdist -p no:playwright -p no:base_url --noconftest psephos/voters/tests/test_rules_iin.py psephos/voters/tests/test_rules_iin_centuries.py"
    ;;
  all)
    MODULES='"psephos/ledger/rules", "psephos/ledger/services/verification.py", "psephos/ledger/services/checkpoints.py", "psephos/voters/rules", "psephos/results/rules", "psephos/integrity/rules/integer.py"'
    TESTS="psephos/ledger psephos/voters/tests/test_rules_iin.py psephos/voters/tests/test_rules_iin_centuries.py psephos/results psephos/integrity/tests/test_rules_integer.py psephos/integrity/tests/test_rules_integer_window.py -m 'not browser and not postgres'"
    ;;
  *) echo "unknown set $SET (ledger, rules, commissions, reconciliation, iin, all)"; exit 2 ;;
esac
# The fixed-examples profile is registered by the root conftest.py.
case "$TESTS" in *--noconftest*) PROFILE="" ;; *) PROFILE="--hypothesis-profile=mutation" ;; esac
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
git archive HEAD | tar -x -C "$WORK"
ln -s "$ROOT/.venv" "$WORK/.venv"
cd "$WORK"
cat > mutation.toml <<TOML
[cosmic-ray]
module-path = [$MODULES]
timeout = 120.0
excluded-modules = []
test-command = "env DATABASE_URL= PSEPHOS_VAR_DIR=$WORK/var .venv/bin/pytest -x -q -p no:cacheprovider $PROFILE $TESTS"

[cosmic-ray.distributor]
name = "local"
TOML
.venv/bin/cosmic-ray init mutation.toml session.sqlite
.venv/bin/cosmic-ray baseline mutation.toml
.venv/bin/cosmic-ray exec mutation.toml session.sqlite
.venv/bin/cr-report session.sqlite --show-pending | tee "$OUT/$SET.txt" | tail -5
