# loss.gp — loss curves of a distillation run: gnuplot -e "dir='DIR'" sw/distill/loss.gp
# reads DIR/train_log.csv (had_distill.py), writes DIR/loss.png.
if (!exists("dir")) dir = "sw/distill/model"
set datafile separator ","
set terminal pngcairo size 1100,700 font ",11"
set output dir."/loss.png"
set multiplot layout 2,1 title "HAD distillation: ".dir
set key autotitle columnhead top right
set logscale y
set grid
set ylabel "loss"
set xlabel ""
# stage boundaries from the stage column
plot dir."/train_log.csv" using 1:($6 > 0 ? $6 : 1/0) with lines lw 1 title "KL(teacher || student attention)", \
     "" using 1:7 with lines lw 1 title "1 - cos(embeddings)", \
     "" using 1:5 with lines lw 1 title "total"
unset logscale y
set ylabel "c (tanh temperature) / mean alpha"
set xlabel "step (stages 1-2: tanh, c 5 -> 1 -> 0.05; 3: sign + STE; 4: sign, no KL)"
plot dir."/train_log.csv" using 1:3 with lines lw 2 title "c", \
     "" using 1:9 with lines lw 2 title "mean alpha"
unset multiplot
