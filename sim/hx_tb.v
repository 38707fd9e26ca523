// hx_tb.v — Icarus Verilog bench of the cross-simulation (sim/hx_sim.c, hgxsim).
//
// Drives one generated core exactly as sim/hs_sim.c drives its Verilator model, cycle for
// cycle, so that outputs and cycle counts can be compared bit for bit:
//   reset: rst_ni low and o_ready_i low for two rising edges, then rst_ni high;
//   configuration writes, then the keys and values, HX_LW a beat (the last beat's keys past
//   n_k zero; valid held until the cycle in which ready was seen high before the edge);
//   queries back to back; each cycle q_valid_i is withheld with probability +hx_qgap %
//   and o_ready_i with probability +hx_ostall % (hs_set_stalls: the same xorshift32
//   stream, drawn in the same order, so both simulators see the same stalls).
// Inputs change while the clock is low; ready and valid are sampled 1 time unit later.
//
// Initial state: before the first edge every x or z bit of the core's variables is set to
// 0 ($hx_zero_x, sim/hx_vpi.c), the state Verilator's two-state models start from; with
// +hx_four_state=1 they stay x (4-state pessimism: 0 x unknown is unknown).
//
// Files (in the working directory, written by hx_sim.c): cfg.hex (one {addr[15:0],
// data[31:0]} per line), keys.hex, values.hex, queries.hex (one vector per line, bit 0 =
// bit 0 of byte 0). Written: out.hex (o_data_o of every output taken, in order) and
// stats.txt (cycle counts as hs_stats, and the bits set from x to 0). Anomalies go to stdout as
// lines starting "HX ": an x or z on a handshake output after reset (XSTATE), a stream that
// makes no progress for HX_PATIENCE cycles (HANG).
//
// Compile-time defines (hx_sim.c): HX_TOP top module, HX_KW key/query width, HX_LW keys per
// load beat, HX_D head dimension, HX_VW value row width, HX_OW output element width, HX_L max keys, HX_MAXCFG configuration writes,
// HX_MAXQ most queries, HX_PATIENCE cycles without progress before a stream is hung.
// Plusargs: hx_ncfg, hx_nk, hx_nq (counts in the files), hx_qgap, hx_ostall, hx_seed,
// hx_four_state.
`default_nettype none
`ifndef HX_LW
`define HX_LW 1
`endif

module hx_tb;
  reg                    clk = 1'b0;
  reg                    rst_n = 1'b0;
  reg                    cfg_valid = 1'b0;
  reg  [15:0]            cfg_addr = 16'd0;
  reg  [31:0]            cfg_data = 32'd0;
  reg                    kv_valid = 1'b0;
  reg  [`HX_LW*`HX_KW-1:0] kv_k = {`HX_LW*`HX_KW{1'b0}};
  reg  [`HX_LW*`HX_VW-1:0] kv_v = {`HX_LW*`HX_VW{1'b0}};
  reg                    q_valid = 1'b0;
  reg  [`HX_KW-1:0]      q_data = {`HX_KW{1'b0}};
  reg                    o_ready = 1'b0;
  wire                   cfg_ready, kv_ready, q_ready, o_valid;
  wire [`HX_D*`HX_OW-1:0] o_data;

  `HX_TOP dut (
    .clk_i(clk), .rst_ni(rst_n),
    .cfg_valid_i(cfg_valid), .cfg_ready_o(cfg_ready), .cfg_addr_i(cfg_addr), .cfg_data_i(cfg_data),
    .kv_valid_i(kv_valid), .kv_ready_o(kv_ready), .kv_k_i(kv_k), .kv_v_i(kv_v),
    .q_valid_i(q_valid), .q_ready_o(q_ready), .q_data_i(q_data),
    .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data)
  );

  reg [47:0]           cfg_mem [0:`HX_MAXCFG-1];
  reg [`HX_KW-1:0]     key_mem [0:`HX_L-1];
  reg [`HX_VW-1:0]     val_mem [0:`HX_L-1];
  reg [`HX_KW-1:0]     qry_mem [0:`HX_MAXQ-1];

  integer ncfg, nk, nq, qgap, ostall, seed, four_state, nzero;
  integer cyc, t_cfg, t_load, t_run, first_out, last_out, progress;
  integer i, j, qi, oi, shown, fd_out, fd_st;
  reg [31:0] rng;
  reg qv, ordy, rdy, qr;

  // hs_sim.c rnd(): xorshift32
  task next_rnd;
    begin
      rng = rng ^ (rng << 13);
      rng = rng ^ (rng >> 17);
      rng = rng ^ (rng << 5);
    end
  endtask

  // one rising edge, then the clock low again (hs_sim.c tick)
  task tick;
    begin
      #4 clk = 1'b1;
      #5 clk = 1'b0;
      cyc = cyc + 1;
    end
  endtask

  task fail;
    input [8*64-1:0] what;
    begin
      $display("HX %0s cycle=%0d", what, cyc);
      $fclose(fd_out);
      $finish;
    end
  endtask

  // A handshake output that is x or z after reset is an error (Verilator would read 0).
  task check_known;
    input v;
    input [8*16-1:0] port;
    begin
      if (v !== 1'b0 && v !== 1'b1) begin
        $display("HX XSTATE port=%0s cycle=%0d", port, cyc);
        $fclose(fd_out);
        $finish;
      end
    end
  endtask

  // One beat on the cfg (s = 0) or kv (s = 1) stream; data already set (hs_sim.c beat).
  task beat;
    input s;
    integer t;
    begin
      if (s) kv_valid = 1'b1; else cfg_valid = 1'b1;
      t = 0;
      rdy = 1'b0;
      while (!rdy) begin
        #1;
        if (s) begin
          check_known(kv_ready, "kv_ready_o");
          rdy = kv_ready;
        end else begin
          check_known(cfg_ready, "cfg_ready_o");
          rdy = cfg_ready;
        end
        tick;
        t = t + 1;
        if (!rdy && t > `HX_PATIENCE) fail(s ? "HANG: kv_ready_o stayed low (key/value not taken)" :
                                                   "HANG: cfg_ready_o stayed low (write not taken)");
      end
      if (s) kv_valid = 1'b0; else cfg_valid = 1'b0;
    end
  endtask

  initial begin
    if (!$value$plusargs("hx_ncfg=%d", ncfg)) ncfg = 0;
    if (!$value$plusargs("hx_nk=%d", nk)) nk = 0;
    if (!$value$plusargs("hx_nq=%d", nq)) nq = 0;
    if (!$value$plusargs("hx_qgap=%d", qgap)) qgap = 0;
    if (!$value$plusargs("hx_ostall=%d", ostall)) ostall = 0;
    if (!$value$plusargs("hx_seed=%d", seed)) seed = 1;
    if (!$value$plusargs("hx_four_state=%d", four_state)) four_state = 0;
    fd_out = $fopen("out.hex", "w");
    if (ncfg < 1 || ncfg > `HX_MAXCFG || nk < 1 || nk > `HX_L || nq < 1 || nq > `HX_MAXQ ||
        fd_out == 0) begin
      $display("HX BADARGS ncfg=%0d nk=%0d nq=%0d", ncfg, nk, nq);
      $finish;
    end
    $readmemh("cfg.hex", cfg_mem, 0, ncfg - 1);
    $readmemh("keys.hex", key_mem, 0, nk - 1);
    $readmemh("values.hex", val_mem, 0, nk - 1);
    $readmemh("queries.hex", qry_mem, 0, nq - 1);
    rng = seed == 0 ? 32'd1 : seed;
    cyc = 0;
    nzero = 0;
    #1;  // after the initial blocks of time 0, before the first edge
    if (!four_state) $hx_zero_x(dut, nzero);

    // reset (hs_open)
    tick;
    tick;
    rst_n = 1'b1;

    // configuration and K/V load (hs_load)
    t_cfg = cyc;
    for (i = 0; i < ncfg; i = i + 1) begin
      cfg_addr = cfg_mem[i][47:32];
      cfg_data = cfg_mem[i][31:0];
      beat(1'b0);
    end
    t_load = cyc;
    for (i = 0; i < nk; i = i + `HX_LW) begin
      for (j = 0; j < `HX_LW; j = j + 1) begin
        kv_k[j*`HX_KW +: `HX_KW] = i + j < nk ? key_mem[i + j] : {`HX_KW{1'b0}};
        kv_v[j*`HX_VW +: `HX_VW] = i + j < nk ? val_mem[i + j] : {`HX_VW{1'b0}};
      end
      beat(1'b1);
    end

    // queries (hs_run)
    t_run = cyc;
    progress = cyc;
    qi = 0;
    oi = 0;
    shown = -1;
    first_out = 0;
    last_out = 0;
    while (oi < nq) begin
      qv = 1'b0;
      if (qi < nq) begin
        qv = 1'b1;
        if (qgap != 0) begin
          next_rnd;
          if (rng % 100 < qgap) qv = 1'b0;
        end
      end
      ordy = 1'b1;
      if (ostall != 0) begin
        next_rnd;
        if (rng % 100 < ostall) ordy = 1'b0;
      end
      if (qv && shown != qi) begin
        q_data = qry_mem[qi];
        shown = qi;
      end
      q_valid = qv;
      o_ready = ordy;
      #1;
      check_known(q_ready, "q_ready_o");
      check_known(o_valid, "o_valid_o");
      qr = q_ready;
      if (o_valid && ordy) begin
        $fwrite(fd_out, "%h\n", o_data);
        if (oi == 0) first_out = cyc - t_run;
        last_out = cyc - t_run;
        oi = oi + 1;
        progress = cyc;
      end
      if (qv && qr) begin
        qi = qi + 1;
        progress = cyc;
      end
      tick;
      if (cyc - progress > `HX_PATIENCE) fail("HANG: q_ready_o, o_valid_o: no query taken and no output given");
    end
    q_valid = 1'b0;
    o_ready = 1'b0;
    $fclose(fd_out);
    fd_st = $fopen("stats.txt", "w");
    $fwrite(fd_st, "cycles %0d\ncycles_cfg %0d\ncycles_load %0d\ncycles_query %0d\n", cyc,
            t_load - t_cfg, t_run - t_load, cyc - t_run);
    $fwrite(fd_st, "first_out %0d\nlast_out %0d\noutputs %0d\nx_bits_zeroed %0d\n", first_out,
            last_out, oi, nzero);
    $fclose(fd_st);
    $finish;
  end
endmodule

`default_nettype wire
