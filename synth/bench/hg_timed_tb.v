// hg_timed_tb.v — timed gate-level bench of one module instance (synth/flow.sh, GL_SIM=timed).
//
// Compiled by Icarus (iverilog -gspecify) with the module's hggl_top.v and hggl_timed.vh
// (`hgsynth glgen --timed`, its directory on the include path), the memories' RTL and the
// timed cell library (CELLS_TIMED, cells with specify blocks). It replays one instance's
// captured stimulus (`hgsynth glvec`: per cycle FLAGS IN EXP CARE in hex) under the SDF
// delays of the module netlist and counts every transition of every toggle net, glitches
// included; `hgsynth gltog` turns what it writes into the instance's .tog file.
//
// Plusargs: +hgt_vec=FILE (stimulus), +hgt_raw=FILE (output), +hgt_sdf=FILE (annotated onto
// hggl_top; none: the cells' own specify delays with -gspecify, zero delay without),
// +hgt_period_ps=N (clock period), +hgt_offset_ps=N (inputs change this long after the rising
// edge; 0: in the edge's time step, after the flip-flops have sampled).
//
// Memories are not simulated: their read data is the captured value of the bits they feed
// (mem_i), applied with the inputs, as the built-in simulator does.
// Time line of cycle c (S_c = start, a rising edge for c > 0): inputs of cycle c at
// S_c + offset; falling edge at S_c + period/2; outputs and memory enables sampled 1 ps
// before S_c+1 (outputs checked against EXP where CARE is 1 when FLAGS bit 0 is set). The
// transitions of a net are counted in the cycle they happen in, when FLAGS bit 2 is set.
// A transition counts when the net's value at the end of a time step is 0 or 1 and differs
// from its last such value: a 0->1->0 glitch of nonzero width counts 2, a pulse of zero
// width (two events in one time step) none, an X in between is skipped (0->X->1 counts 1,
// 0->X->0 none).
// Start: every flip-flop's data inputs are forced to 0 for one clock edge, so every flop
// starts at 0 as in the other simulators (the library's flops start at X); counting starts
// with all nets known.
`timescale 1ns / 1fs
module hg_timed_tb;
  // a net's value is taken this long after it changes: once its time step is over (the cell
  // library's delays are multiples of 10 ps, the bench's times of 1 ps)
  localparam real SETTLE = 0.000001;
`include "hggl_timed.vh"
  localparam NTOGA = NTOG > 0 ? NTOG : 1, NACCA = NACC > 0 ? NACC : 1;

  reg clk_i = 1'b0;
  reg [NIN-1:0] in_r = {NIN{1'b0}};
  wire [NOUT-1:0] out_o;
  wire [NTOG_W-1:0] tog_o;
  wire [NACC_W-1:0] acc_o;
  reg [NOUT-1:0] mem_r = {NOUT{1'b0}};  // memory read data: the captured values it must have
  hggl_top dut (.clk_i(clk_i), .in_i(in_r), .out_o(out_o), .tog_o(tog_o), .acc_o(acc_o), .mem_i(mem_r));

  reg counting = 1'b0;
  reg [47:0] cnt[0:NTOGA-1];
  reg last[0:NTOGA-1];
  reg known[0:NTOGA-1];
  reg [47:0] accn[0:NACCA-1];

  // one net's value once its time step is over
  task hgt_tog(input integer k, input v);
    begin
      if (v === 1'b0 || v === 1'b1) begin
        if (counting && known[k] && last[k] !== v) cnt[k] = cnt[k] + 1;
        last[k] = v;
        known[k] = 1'b1;
      end
    end
  endtask

  reg [8*4096-1:0] vec_path, raw_path, sdf_path;
  integer period_ps, offset_ps, fv, fr, r, c, k, counted;
  reg [3:0] flags;
  reg [NIN-1:0] vin;
  reg [NOUT-1:0] vexp, vcare;
  real period, offset;

  initial begin
    for (k = 0; k < NTOGA; k = k + 1) begin
      cnt[k] = 0;
      known[k] = 1'b0;
      last[k] = 1'b0;
    end
    for (k = 0; k < NACCA; k = k + 1) accn[k] = 0;
    if (!$value$plusargs("hgt_vec=%s", vec_path) || !$value$plusargs("hgt_raw=%s", raw_path) ||
        !$value$plusargs("hgt_period_ps=%d", period_ps) || !$value$plusargs("hgt_offset_ps=%d", offset_ps)) begin
      $display("hg_timed_tb: error: +hgt_vec, +hgt_raw, +hgt_period_ps and +hgt_offset_ps are required");
      $finish_and_return(2);
    end
    if (period_ps < 2 || offset_ps < 0 || 2 * offset_ps >= period_ps - 2) begin
      $display("hg_timed_tb: error: +hgt_period_ps=%0d +hgt_offset_ps=%0d: need 0 <= offset < period/2",
               period_ps, offset_ps);
      $finish_and_return(2);
    end
    period = period_ps * 0.001;
    offset = offset_ps * 0.001;
    if ($value$plusargs("hgt_sdf=%s", sdf_path)) $sdf_annotate(sdf_path, dut);
    fv = $fopen(vec_path, "r");
    fr = $fopen(raw_path, "w");
    if (fv == 0 || fr == 0) begin
      $display("hg_timed_tb: error: cannot read %0s or write %0s", vec_path, raw_path);
      $finish_and_return(2);
    end
    $fwrite(fr, "hgtraw 1\n");
    // every flip-flop to 0: data inputs held at 0 over one rising edge
    hgt_hold_state;
    #(period / 2) clk_i = 1'b1;
    #(period / 2) clk_i = 1'b0;
    hgt_free_state;
    #(period);
    counted = 0;
    c = 0;
    r = $fscanf(fv, "%h %h %h %h\n", flags, vin, vexp, vcare);
    while (r == 4) begin
      counting = flags[2];
      counted = counted + flags[2];
      if (c > 0) clk_i = 1'b1;
      if (offset_ps == 0) begin
        in_r <= vin;
        mem_r <= vexp;
      end else begin
        #(offset) in_r = vin;
        mem_r = vexp;
      end
      #(period / 2 - offset) clk_i = 1'b0;
      #(period / 2 - 0.001);
      if (flags[0] && (((out_o ^ vexp) & vcare) !== {NOUT{1'b0}}))
        $fwrite(fr, "mismatch %0d %h %h %h\n", c, out_o, vexp, vcare);
      if (flags[1]) for (k = 0; k < NACC; k = k + 1) accn[k] = accn[k] + (acc_o[k] === 1'b1);
      #(0.001);
      c = c + 1;
      r = $fscanf(fv, "%h %h %h %h\n", flags, vin, vexp, vcare);
    end
    counting = 1'b0;
    if (r != -1) begin
      $display("hg_timed_tb: error: %0s: line %0d is not FLAGS IN EXP CARE", vec_path, c + 1);
      $finish_and_return(2);
    end
    $fwrite(fr, "cycles %0d\ncounted %0d\n", c, counted);
    for (k = 0; k < NACC; k = k + 1) $fwrite(fr, "acc %0d %0d\n", k, accn[k]);
    $fwrite(fr, "toggles %0d\n", NTOG);
    for (k = 0; k < NTOG; k = k + 1) $fwrite(fr, "%0d\n", cnt[k]);
    $fwrite(fr, "end\n");
    $fclose(fr);
    $finish;
  end
endmodule
