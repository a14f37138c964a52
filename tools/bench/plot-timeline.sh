#!/usr/bin/env bash
# plot-timeline.sh - draws a dbbench --timeline file as a PNG: answers per
# second over the run (OK and failed, from the per-100 ms counts) and the
# slowest answer of each interval (right axis, log scale), with a vertical
# marker at each event given (a swap, a server killed, ...).
#
#   tools/bench/plot-timeline.sh TIMELINE.tsv OUT.png "TITLE" [T_MS:LABEL ...]
#
# T_MS is the event's time in milliseconds since the measured start, the
# timeline's own clock.  Needs gnuplot (Debian: gnuplot-nox, see
# tools/install-deps --bench).  Prints the PNG's path.
set -euo pipefail

prog=plot-timeline.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() {
    echo "usage: $prog TIMELINE.tsv OUT.png \"TITLE\" [T_MS:LABEL ...]" >&2
    exit 64
}

[ $# -ge 3 ] || usage
tsv=$1 png=$2 title=$3
shift 3
command -v gnuplot > /dev/null || die "gnuplot is not installed (Debian: gnuplot-nox)"
if [ ! -f "$tsv" ] || [ ! -r "$tsv" ]; then die "$tsv: not a readable file"; fi
[ "$(head -1 "$tsv")" = "$(printf 't_ms\tok\tfailed\tlatency_max_us')" ] ||
    die "$tsv: not a dbbench timeline (want the header t_ms ok failed latency_max_us)"
[ "$(wc -l < "$tsv")" -ge 2 ] || die "$tsv: no intervals to draw"

# The intervals again, plus the last one repeated at its end, so that the
# steps draw the last interval as wide as the others.
data=$(mktemp "${TMPDIR:-/tmp}/plot-timeline.XXXXXX")
trap 'rm -f "$data"' EXIT
awk -F '\t' -v OFS='\t' 'NR > 1 { print; last = $0; t = $1 }
    END { split(last, f, "\t"); print t + 100, f[2], f[3], f[4] }' "$tsv" > "$data"

# A gnuplot single-quoted string: only ' needs escaping, as ''.
gp_quote() { printf "'%s'" "${1//\'/\'\'}"; }

markers=
for ev in "$@"; do
    t=${ev%%:*}
    label=${ev#*:}
    if [ "$t" = "$ev" ] || [[ ! "$t" =~ ^[0-9]+$ ]]; then
        echo "$prog: bad event '$ev' (want T_MS:LABEL, T_MS in ms)" >&2
        exit 64
    fi
    x=$(awk -v t="$t" 'BEGIN { printf "%.3f", t / 1000 }')
    markers+="set arrow from $x, graph 0 to $x, graph 1 nohead dashtype 2 lw 1.5 lc rgb '#555555'"$'\n'
    markers+="set label $(gp_quote "$label") at $x, graph 0.97 rotate by 90 right offset -0.8, 0 font ',9' textcolor rgb '#333333'"$'\n'
done

# pngcairo draws smoother; the libgd png terminal is the fallback.
terminal="png size 1100,500"
if gnuplot -e 'set terminal pngcairo' > /dev/null 2>&1; then
    terminal="pngcairo size 1100,500 font ',10'"
fi

gnuplot <<GP || die "gnuplot failed to draw $png"
set terminal $terminal noenhanced
set output $(gp_quote "$png")
set title $(gp_quote "$title")
set datafile separator "\t"
set key top left opaque box
set grid ytics
set xlabel 'time since the measured start (s)'
set ylabel 'answers per second (per 100 ms interval)'
set y2label 'slowest answer in the interval (ms)'
set yrange [0:*]
# Room above the highest step, so a steady rate does not sit on the border.
set offsets 0, 0, graph 0.1, 0
set logscale y2
set y2tics
set ytics nomirror
set style fill solid 0.25 noborder
$markers
plot $(gp_quote "$data") using (\$1/1000):(\$2*10) with steps lw 2 lc rgb '#1f77b4' title 'OK/s', \
     '' using (\$1/1000):(\$3*10) with steps lw 2 lc rgb '#d62728' title 'failed/s', \
     '' using (\$1/1000 + 0.05):(\$4 > 0 ? \$4/1000.0 : 1/0) every ::0::$(( $(wc -l < "$data") - 2 )) axes x1y2 with points pt 7 ps 0.5 lc rgb '#2ca02c' title 'max latency (ms)'
GP
[ -s "$png" ] || die "gnuplot wrote no $png"
echo "$png"
