set terminal svg size 720,440 dynamic noenhanced font 'sans,12'
set datafile missing 'NaN'
set key top left
set grid
set logscale x 2
set xlabel 'context length (tokens)'
set output "docs/compare/decode-latency.svg"
set title 'decode latency vs context'
set ylabel 'ms per token'
set yrange [0:*]
plot "compare.dat" using 1:2 with linespoints lw 2 title "llama-125m", "docs/compare/compare.dat" using 1:4 with linespoints lw 2 title "moe-8x-125m", "docs/compare/compare.dat" using 1:6 with linespoints lw 2 title "mamba-130m", "docs/compare/compare.dat" using 1:8 with linespoints lw 2 title "jamba-mini"
set output "docs/compare/memory.svg"
set title 'memory vs context (weights + KV cache + state)'
set ylabel 'MB'
plot "compare.dat" using 1:3 with linespoints lw 2 title "llama-125m", "docs/compare/compare.dat" using 1:5 with linespoints lw 2 title "moe-8x-125m", "docs/compare/compare.dat" using 1:7 with linespoints lw 2 title "mamba-130m", "docs/compare/compare.dat" using 1:9 with linespoints lw 2 title "jamba-mini"
