#!/usr/bin/env bash
# Runs the suite on SQLite, then the database-backed tests on PostgreSQL when it answers.
# pytest exit 5 (no tests collected) is a failure: a suite that ran nothing proves nothing.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/test}"

run_pytest() {
  "$BIN/pytest" "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    return 1
  fi
  return "$rc"
}

echo "== tests on SQLite"
run_pytest -q -p no:cacheprovider || exit 1

if [ -n "${TEST_DATABASE_URL:-}" ] || "$BIN/python" - "$PG_URL" <<'PY' 2>/dev/null
import asyncio, sys
import asyncpg
async def main():
    conn = await asyncio.wait_for(asyncpg.connect(sys.argv[1]), 3)
    await conn.close()
asyncio.run(main())
PY
then
  echo "== database tests on PostgreSQL"
  TEST_DATABASE_URL="${TEST_DATABASE_URL:-$PG_URL}" run_pytest -q -p no:cacheprovider tests/integration || exit 1
else
  echo "== PostgreSQL not reachable at $PG_URL: PostgreSQL run skipped"
fi
