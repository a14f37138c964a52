#!/usr/bin/env bash
# sip-vs-kamailio-report.sh OUT - the tables and plots of a
# sip-vs-kamailio.sh run from the reports it left in OUT (it calls this at
# its end; run it again on OUT to redo them):
#   OUT/summary.md     per scenario, backend and worker count: each
#                      server's highest rate with no failure and no
#                      retransmission (held for the confirmation run),
#                      that run's p50/p99 and CPUs;
#   OUT/rates.md       per scenario, backend and worker count and each
#                      rate both ladders offered: completed per second
#                      and p99 of each server, side by side;
#   OUT/SCENARIO.png   the highest rates as bars;
#   OUT/SCENARIO-BACKEND-p99.png   p99 against the offered rate, one line
#                      per server and worker count (log scale).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 64; }
out=$(cd "$1" && pwd)

# ladder_rows FILE: the rows of the ladder's first pass (before the
# confirmation run), fields separated by blanks; none when FILE is missing
# (a run that did not happen or is still going).
ladder_rows() {
    [ -f "$1" ] || return 0
    awk '/^confirmation run/ { exit } /^\| [0-9]/ { gsub(/\|/, " "); print }' "$1"
}

# confirmed_row FILE: the confirmation run's row, blank-separated.
confirmed_row() {
    awk '/^confirmation run/ { c = 1 } c && /^\| [0-9]/ { r = $0 } END { gsub(/\|/, " ", r); print r }' "$1"
}

# Columns of a row (blank-separated, from 1): register: ok/s 6, 200 p50 9,
# p99 10, proxy CPUs 11, dbd CPUs 12; call: completed/s 6, set-up p50 7,
# p99 8, proxy CPUs 10, dbd CPUs 11.
cols() {
    if [ "$1" = register ]; then echo "6 9 10 11 12"; else echo "6 7 8 10 11"; fi
}

reports=$(find "$out" -maxdepth 1 -name '*-w*-kamailio.txt' -printf '%f\n' |
    sed 's/-kamailio\.txt$//' | sort -t- -k1,1 -k2,2 -k3.2n)
[ -n "$reports" ] || { echo "no reports in $out" >&2; exit 1; }

{
    echo "| scenario | backend | workers | server | highest rate/s | p50 µs | p99 µs | server CPUs | dbd CPUs |"
    echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    for r in $reports; do
        IFS=- read -r scen backend w <<< "$r"
        read -r c_ok c_p50 c_p99 c_scpu c_dcpu <<< "$(cols "$scen")"
        for server in kamailio sipproxy; do
            f=$out/$r-$server.txt
            best=$(sed -n 's/^highest rate with no failure and no retransmission: \([0-9]*\)\/s.*/\1/p' "$f" 2> /dev/null || true)
            row=$(confirmed_row "$f" 2> /dev/null || true)
            if [ -z "$best" ] || [ -z "$row" ]; then
                echo "| $scen | $backend | ${w#w} | $server | 0 | - | - | - | - |"
                continue
            fi
            awk -v s="$scen" -v b="$backend" -v w="${w#w}" -v srv="$server" -v best="$best" \
                -v p50="$c_p50" -v p99="$c_p99" -v sc="$c_scpu" -v dc="$c_dcpu" \
                '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, b, w, srv, best, $p50, $p99, $sc, $dc }' <<< "$row"
        done
    done
} > "$out/summary.md"

{
    for r in $reports; do
        IFS=- read -r scen backend w <<< "$r"
        read -r c_ok c_p50 c_p99 c_scpu c_dcpu <<< "$(cols "$scen")"
        echo
        echo "$scen, $backend, ${w#w} workers:"
        echo
        echo "| offered/s | Kamailio ok/s | Kamailio p99 µs | Kamailio failed | sipproxy ok/s | sipproxy p99 µs | sipproxy failed |"
        echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        join -a1 -a2 -e - -o 0,1.2,1.3,1.4,2.2,2.3,2.4 \
            <(ladder_rows "$out/$r-kamailio.txt" | awk -v o="$c_ok" -v p="$c_p99" '{ print $1, $o, $p, $4 }' | sort -k1,1) \
            <(ladder_rows "$out/$r-sipproxy.txt" | awk -v o="$c_ok" -v p="$c_p99" '{ print $1, $o, $p, $4 }' | sort -k1,1) |
            sort -n | awk '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
    done
} > "$out/rates.md"

for scen in $(for r in $reports; do echo "${r%%-*}"; done | sort -u); do
    awk -F'|' -v s="$scen" '{ for (i = 1; i <= NF; i++) gsub(/ /, "", $i) }
        $2 == s { key = $3 " w" $4; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
                  v[key, $5] = $6 }
        END { for (i = 1; i <= n; i++) printf "\"%s\" %s %s\n", order[i],
                  (v[order[i], "kamailio"] == "" ? 0 : v[order[i], "kamailio"]),
                  (v[order[i], "sipproxy"] == "" ? 0 : v[order[i], "sipproxy"]) }' \
        "$out/summary.md" > "$out/$scen.dat"
    gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out/$scen.png"
set title "$scen: highest rate with no failure and no retransmission"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "per second"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set key top right
plot "$out/$scen.dat" using 2:xtic(1) lc rgb "#c0392b" title "Kamailio 5.6", '' using 3 lc rgb "#2471a3" title "sipproxy + dbd"
PLOT
    for backend in $(for r in $reports; do case $r in "$scen"-*) r=${r#*-}; echo "${r%%-*}" ;; esac; done | sort -u); do
        plots=()
        for r in $reports; do
            case $r in "$scen-$backend"-*) ;; *) continue ;; esac
            w=${r##*-}
            dash=$(( ${#plots[@]} / 2 + 1 ))  # one dash pattern per worker count
            for server in kamailio sipproxy; do
                color='#2471a3'
                [ "$server" = sipproxy ] || color='#c0392b'
                read -r c_ok c_p50 c_p99 c_scpu c_dcpu <<< "$(cols "$scen")"
                ladder_rows "$out/$r-$server.txt" | awk -v p="$c_p99" '{ print $1, $p }' \
                    > "$out/$r-$server.p99"
                plots+=("\"$out/$r-$server.p99\" using 1:2 with linespoints lc rgb \"$color\" dt $dash title \"$server ${w#w} worker(s)\"")
            done
        done
        gnuplot << PLOT
set terminal pngcairo size 900,500 font ",11"
set output "$out/$scen-$backend-p99.png"
set title "$scen on $backend: p99 response time against the offered rate"
set xlabel "offered per second"
set ylabel "p99 (µs)"
set logscale y
set grid
set key top left
plot $(IFS=,; echo "${plots[*]}")
PLOT
    done
done
echo "tables and plots in $out"
