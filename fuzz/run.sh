#!/usr/bin/env bash
# Builds every fuzz target and runs each for a bounded time, one after the other, on the stable
# toolchain; prints one summary line per target and exits non-zero if any target crashed.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 seconds, every target)
#
# Each target reads its committed seeds (fuzz/seeds/T) and regressions (fuzz/regressions/T) and
# grows a working corpus in fuzz/corpus/T (not committed). A crashing, hanging (-timeout) or
# memory-hungry (-rss_limit_mb, -malloc_limit_mb) input is written to fuzz/artifacts/T/.
set -uo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
all_targets=(scenario trace_invocations trace_azure2021 trace_azure2019 trace_cloudwatch trace_huawei2025 trace_huawei2023 prices policy)
targets=("${@:-${all_targets[@]}}")

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked || exit 1
fi

# Stable toolchain: no sanitizer (-s none) needs no nightly flag; coverage instrumentation
# (-Cpasses=sancov-module and -Cllvm-args) is stable. Debug assertions and overflow checks are on.
echo "== building the fuzz targets"
cargo fuzz build -s none || exit 1
triple="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="target/$triple/release"

status=0
summary=()
for t in "${targets[@]}"; do
  if [ ! -x "$bin_dir/$t" ]; then
    echo "unknown target $t; known: ${all_targets[*]}" >&2
    exit 2
  fi
  mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t" "regressions/$t"
  dict=()
  [ -f "dict/$t.dict" ] && dict=("-dict=dict/$t.dict")
  log="artifacts/$t/last-run.log"
  echo "== $t: ${seconds}s"
  # stdin from /dev/null: a scenario may name /dev/stdin as its price sheet.
  "$bin_dir/$t" "corpus/$t" "seeds/$t" "regressions/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    </dev/null >"$log" 2>&1
  rc=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  if [ "$rc" -eq 0 ]; then
    result="ok"
  else
    status=1
    artifact="$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$log" | tail -1)"
    kind="$(grep -o 'ERROR: libFuzzer: [a-z-]*\|panicked at [^ ]*' "$log" | head -1)"
    result="CRASH (rc $rc${kind:+, $kind}${artifact:+, input fuzz/$artifact}; log fuzz/$log)"
  fi
  line="$(printf '%-18s %6ss  runs %-10s coverage %-6s %s' "$t" "$seconds" "${runs:-?}" "${cov:-?}" "$result")"
  echo "$line"
  summary+=("$line")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"
