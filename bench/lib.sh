# bench/run's method, sourced by it: every workload is measured BENCH_ROUNDS times (3 by default)
# per side, interleaved, and reported as median (min-max); a ratio is of medians.
#
#   interleave NAME CMD [NAME CMD ...]
#       BENCH_ROUNDS rounds; each round runs every CMD once, the order rotated by one each round
#       (A B C, B C A, C A B), so no side always runs first or last. A CMD prepares its own
#       starting state (untimed) and prints a rate, higher is better; an optional second field is
#       kept as R[NAME.2] (CPU per call, peak RSS). Results accumulate in R[NAME] ("v1 v2 v3 ").
#   compare LABEL A B GOAL [FORMAT]
#       a table row: median (min-max) of R[A] and of R[B], the ratio of medians A / B, the goal.

rounds=${BENCH_ROUNDS:-3}
declare -A R
declare -a lines

interleave() {
  local -a names=() cmds=()
  local n r k i out name
  while (($#)); do names+=("$1"); cmds+=("$2"); shift 2; done
  n=${#names[@]}
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < n; k++)); do
      i=$(((r + k) % n))
      out=$(eval "${cmds[i]}")
      [ -n "$out" ] || { echo "bench: '${cmds[i]}' printed nothing" >&2; exit 1; }
      R[${names[i]}]+="${out%% *} "
      if [[ $out == *" "* ]]; then R[${names[i]}.2]+="${out#* } "; fi
    done
  done
  for name in "${names[@]}"; do echo "   $name: ${R[$name]}${R[$name.2]:+ / ${R[$name.2]}}" >&2; done
}

# The median of a list of numbers.
med() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# "median (min-max)" of a list, each number in FORMAT (default %.0f).
cell() {
  [ -n "$1" ] || { echo ""; return; }
  printf '%s\n' $1 | sort -g | awk -v f="${2:-%.0f}" '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f " (" f "-" f ")", m, v[1], v[NR] }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

row() { printf '| %-46s | %-26s | %-26s | %6s | %-26s |\n' "$@"; }

compare() {
  local label=$1 a=$2 b=$3 goal=$4 f=${5:-%.0f}
  lines+=("$(row "$label" "$(cell "${R[$a]}" "$f")" "$(cell "${R[$b]:-}" "$f")" \
    "$( [ -n "${R[$b]:-}" ] && ratio "$(med "${R[$a]}")" "$(med "${R[$b]}")")" "$goal")")
}

table_head() {
  row workload "blogdb: median (min-max)" "anchor: median (min-max)" ratio goal
  printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "$(printf -- '-%.0s' {1..28})" \
    "$(printf -- '-%.0s' {1..28})" "--------" "$(printf -- '-%.0s' {1..28})"
}

# rate N CMD...: runs CMD (it prints seconds) and prints N per second.
rate() {
  local n=$1 t; shift
  t=$("$@" | awk '{ print $1 }')
  [[ $t =~ ^[0-9.]+$ ]] || { echo "bench: '$*' gave no time" >&2; exit 1; }
  awk -v n="$n" -v t="$t" 'BEGIN { printf "%.0f", n / t }'; }

# tps SCALE FORMAT ARGS...: runs "$pgbin/pgbench" -n ARGS; prints its tps times SCALE in FORMAT.
tps() { local scale=$1 f=$2; shift 2; "$pgbin/pgbench" -n "$@" 2>/dev/null | awk -v s="$scale" -v f="$f" '/^tps/ { printf f, $3 * s }'; }

# elapsed CMD...: runs CMD (its output discarded) and prints the seconds it took.
elapsed() { local t0; t0=$(date +%s.%N); "$@" >/dev/null; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; }
