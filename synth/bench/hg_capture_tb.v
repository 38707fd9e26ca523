// hg_capture_tb.v — activity-capture bench of the synthesis flow (synth/flow.sh).
//
// Drives a generated core (had, baseline or int8-topn) with synthetic but realistic data
// and lets the core's probes (<prefix>_probes.v, compiled with HG_CAPTURE; they sit beside
// the core here, Icarus having no bind) write one <instance>.hex per logic instance:
//   reset; nkeys = +hg_keys (default L); exp table (HAD) or exp multiplier/shift (int8
//   cores); that many key/value pairs, HGB_LW a beat (the last beat's keys past n_k zero);
//   then +hg_queries queries back to back, outputs always taken.
// Data: int8 values ~ N(0, 32^2) (a sum of four uniforms, clipped), i.e. activations of
// unit scale quantised with 1/32 (values of VB < 8 bits: shifted right by 8 - VB); HAD key/query sign bits are the signs of such values.
// +hg_const=1 holds every key, value and query at one fixed pattern (the "constant
// inputs" case of the power tests); +hg_seed=N changes the random stream.
// It writes hg_phase.txt into +hg_capture_dir: the cycle (= capture line) at which the
// first query is offered and the one after the last output, the query count and the key
// count n_keys.
// Watchdog: a handshake the core does not complete within WATCHDOG cycles (an output within
// WATCHDOG cycles of the one before) ends the run with "hg_capture_tb: timeout: <stream>
// stream, cycle C: <state>; valid/ready ..." and no hg_phase.txt (synth/flow.sh fails on
// it). WATCHDOG = 64 x (3L + 2d + 128) + 1024 is at least the simulator's bound
// 64 x (II + G + N + CR + CM) + 1024 (sim/hs_sim.h): G, N <= L, CR <= 64, CM <= d,
// II = max(G, CR + CM).
//
// Compile-time defines, from `hgsynth plan` (the manifest):
//   HGB_TOP top module, HGB_KW key/query width, HGB_LW keys per load beat (default 1),
//   HGB_VW value width,
//   HGB_OW output width, HGB_D head dimension, HGB_L max keys, HGB_HAD 1 for HAD,
//   HGB_WB HAD weight bits, HGB_FRAC int8-core exp fraction bits, HGB_PROBES the probes
//   module (with HS_DUT=dut and HS_NAME="hg_capture_tb.dut": where they find the core and
//   how the capture files are named)
`timescale 1ns/1ps
`ifndef HGB_LW
`define HGB_LW 1
`endif
module hg_capture_tb;
  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg cfg_valid = 1'b0;
  reg [15:0] cfg_addr = 16'd0;
  reg [31:0] cfg_data = 32'd0;
  reg kv_valid = 1'b0;
  reg [`HGB_LW*`HGB_KW-1:0] kv_k = 0;
  reg [`HGB_LW*`HGB_VW-1:0] kv_v = 0;
  reg [`HGB_KW-1:0] one_k;
  reg [`HGB_VW-1:0] one_v;
  reg q_valid = 1'b0;
  reg [`HGB_KW-1:0] q_data = 0;
  wire cfg_ready, kv_ready, q_ready, o_valid;
  wire [`HGB_OW-1:0] o_data;

  `HGB_TOP dut (
    .clk_i(clk), .rst_ni(rst_n),
    .cfg_valid_i(cfg_valid), .cfg_ready_o(cfg_ready), .cfg_addr_i(cfg_addr), .cfg_data_i(cfg_data),
    .kv_valid_i(kv_valid), .kv_ready_o(kv_ready), .kv_k_i(kv_k), .kv_v_i(kv_v),
    .q_valid_i(q_valid), .q_ready_o(q_ready), .q_data_i(q_data),
    .o_valid_o(o_valid), .o_ready_i(1'b1), .o_data_o(o_data)
  );
`ifdef HGB_PROBES
  `HGB_PROBES u_probes ();
`endif

  always #5 clk = ~clk;

  integer seed, cst, nq, nk, i, j, nout, cycle, q_start, q_end, fd;
  reg [8*256-1:0] dir;
  reg [8*512-1:0] path;
  real alpha, c;

  always @(posedge clk) cycle <= cycle + 1;
  always @(posedge clk) if (o_valid) nout <= nout + 1;

  localparam integer WATCHDOG = 64 * (3 * `HGB_L + 2 * `HGB_D + 128) + 1024;
  integer idle;

  // Ends the run: the stream that stalled, the state, the cycle, every valid/ready.
  task timeout;
    input [8*16-1:0] stream;
    input [8*64-1:0] state;
    begin
      $display("hg_capture_tb: timeout: %0s stream, cycle %0d: %0s (%0d of %0d outputs); valid/ready: cfg %0d/%0d, kv %0d/%0d, q %0d/%0d, o %0d/1; no handshake for %0d cycles (watchdog %0d)",
               stream, cycle, state, nout, nq, cfg_valid, cfg_ready, kv_valid, kv_ready, q_valid,
               q_ready, o_valid, idle, WATCHDOG);
      $finish;
    end
  endtask

  // One int8 value ~ N(0, 32^2): sum of four uniforms in [-55, 55], clipped.
  function [7:0] gauss8;
    input integer dummy;
    integer s;
    begin
      s = ($random(seed) % 56) + ($random(seed) % 56) + ($random(seed) % 56) + ($random(seed) % 56);
      if (s > 127) s = 127;
      if (s < -128) s = -128;
      gauss8 = s[7:0];
    end
  endfunction

  // A key or query: HAD sign bits, or int8 elements.
  task make_kq;
    output [`HGB_KW-1:0] v;
    integer b;
    reg [7:0] e;
    begin
      v = 0;
      if (`HGB_HAD) begin
        for (b = 0; b < `HGB_KW; b = b + 1) begin
          e = gauss8(0);
          v[b] = cst ? b[0] : ~e[7];
        end
      end else begin
        for (b = 0; b < `HGB_KW / 8; b = b + 1) v[8*b +: 8] = cst ? 8'd37 : gauss8(0);
      end
    end
  endtask

  // V elements of VB = HGB_VW / HGB_D bits: the int8 value shifted right by 8 - VB (the same
  // activations quantised with a step 2^(8-VB) times coarser)
  localparam integer VB = `HGB_VW / `HGB_D;
  task make_v;
    output [`HGB_VW-1:0] v;
    integer b;
    reg signed [7:0] e;
    begin
      for (b = 0; b < `HGB_D; b = b + 1) begin
        e = cst ? 8'sd21 : gauss8(0);
        e = e >>> (8 - VB);
        v[VB*b +: VB] = e[VB-1:0];
      end
    end
  endtask

  task cfg_write;
    input [15:0] a;
    input [31:0] d;
    begin
      @(negedge clk);
      cfg_valid = 1'b1;
      cfg_addr = a;
      cfg_data = d;
      @(posedge clk);
      idle = 0;
      while (!cfg_ready && idle < WATCHDOG) begin
        @(posedge clk);
        idle = idle + 1;
      end
      if (!cfg_ready) timeout("configuration", "a write waits for cfg_ready");
      @(negedge clk) cfg_valid = 1'b0;
    end
  endtask

  initial begin
    cycle = 0;
    nout = 0;
    if (!$value$plusargs("hg_seed=%d", seed)) seed = 1;
    if (!$value$plusargs("hg_const=%d", cst)) cst = 0;
    if (!$value$plusargs("hg_queries=%d", nq)) nq = 16;
    if (!$value$plusargs("hg_keys=%d", nk)) nk = `HGB_L;
    if (nk < 1 || nk > `HGB_L) begin
      $display("hg_capture_tb: error: +hg_keys=%0d: must be in 1..%0d (L)", nk, `HGB_L);
      $finish;
    end
    if (!$value$plusargs("hg_capture_dir=%s", dir)) dir = ".";
    repeat (4) @(negedge clk);
    rst_n = 1'b1;
    cfg_write(16'h000, nk[31:0]);
    if (`HGB_HAD) begin
      // exp(-(S_max - S)) over delta = m_max - m: S step 2 sigma^2 / sqrt(d), sigma = 0.8
      alpha = 2.0 * 0.64 / $sqrt(`HGB_D * 1.0);
      for (i = 0; i <= `HGB_D; i = i + 1)
        cfg_write(16'h100 + i[15:0], $rtoi((1 << `HGB_WB) * $exp(-alpha * i) + 0.5));
    end else begin
      // z = (t * mul) >> shift is the base-2 exponent with HGB_FRAC fraction bits:
      // t * log2(e) * (1/32)^2 / sqrt(d) for unit-scale activations quantised by 1/32
      c = 1.4426950408889634 / (32.0 * 32.0 * $sqrt(`HGB_D * 1.0));
      cfg_write(16'h001, $rtoi(c * (1 << (`HGB_FRAC + 20)) + 0.5));
      cfg_write(16'h002, 20);
    end
    for (i = 0; i < nk; i = i + `HGB_LW) begin
      @(negedge clk);
      kv_valid = 1'b1;
      for (j = 0; j < `HGB_LW; j = j + 1) begin
        one_k = 0;
        one_v = 0;
        if (i + j < nk) begin
          make_kq(one_k);
          make_v(one_v);
        end
        kv_k[j*`HGB_KW +: `HGB_KW] = one_k;
        kv_v[j*`HGB_VW +: `HGB_VW] = one_v;
      end
      @(posedge clk);
      idle = 0;
      while (!kv_ready && idle < WATCHDOG) begin
        @(posedge clk);
        idle = idle + 1;
      end
      if (!kv_ready) timeout("keys/values", "a key/value beat waits for kv_ready");
    end
    @(negedge clk) kv_valid = 1'b0;
    q_start = cycle;
    for (i = 0; i < nq; i = i + 1) begin
      q_valid = 1'b1;
      make_kq(q_data);
      @(posedge clk);
      idle = 0;
      while (!q_ready && idle < WATCHDOG) begin
        @(posedge clk);
        idle = idle + 1;
      end
      if (!q_ready) timeout("queries", "a query waits for q_ready");
      @(negedge clk);
    end
    q_valid = 1'b0;
    idle = 0;
    j = nout;
    while (nout < nq && idle < WATCHDOG) begin
      @(negedge clk);
      idle = nout == j ? idle + 1 : 0;
      j = nout;
    end
    q_end = cycle;
    if (nout < nq) timeout("outputs", "all queries taken, waiting for o_valid");
    $sformat(path, "%0s/hg_phase.txt", dir);
    fd = $fopen(path, "w");
    $fwrite(fd, "query_start %0d\nquery_end %0d\nqueries %0d\noutputs %0d\ncycles %0d\nn_keys %0d\n",
            q_start, q_end, nq, nout, cycle, nk);
    $fclose(fd);
    repeat (2) @(negedge clk);
    $finish;
  end
endmodule
