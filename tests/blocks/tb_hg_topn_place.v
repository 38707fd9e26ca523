// Test bench of rtl/src/hg_topn_place.v (tests/test_blocks.cc) on a score memory of its own
// (2G rows of P counts, registered read like hg_mem_flat). A vector a cycle: {rst_n, we, waddr,
// wdata, nkeys, present, bank, thr, quota, smax, take_ok}: `we` writes a row of the memory;
// `present` offers a query's counts (bank and figures) as the first pass does: held until the
// block releases them (sc_take), the figures a cycle later than the bank (registered once
// more); the consumer takes a published list in a cycle where take_ok is set. A line a cycle, before its edge: {take, out_v, out_s, out_idx, out_smax, sc_valid,
// idle}, the list in binary (its invalid entries are never written: x).
`default_nettype none
module tb_hg_topn_place;
  parameter N  = 4;
  parameter P  = 2;
  parameter G  = 3;
  parameter L  = 6;
  parameter D  = 8;
  parameter SW = 4;
  parameter IW = 3;
  parameter NV = 16;
  localparam AW  = (G > 1 ? $clog2(G) : 0) + 1;
  localparam NKW = $clog2(L + 1);
  localparam CW  = $clog2(N + 1);
  localparam VW  = 5 + AW + P * SW + NKW + 2 * SW + CW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, we, present, bank, take_ok;
  reg [AW-1:0] waddr;
  reg [P*SW-1:0] wdata;
  reg [NKW-1:0] nkeys;
  reg [SW-1:0] thr, smax, pre_thr, pre_smax, sc_thr, sc_smax;
  reg [CW-1:0] quota, pre_quota, sc_quota;
  reg [P*SW-1:0] mem [0:2*G-1];
  reg [P*SW-1:0] rdata;
  reg sc_v, sc_bank;
  wire sc_take, sm_re, out_valid, idle;
  wire [AW-1:0] sm_raddr;
  wire [N-1:0] out_v;
  wire [N*SW-1:0] out_s;
  wire [N*IW-1:0] out_idx;
  wire [SW-1:0] out_smax;
  wire take = out_valid && take_ok;
  hg_topn_place #(.N(N), .P(P), .G(G), .L(L), .D(D), .SW(SW), .IW(IW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .nkeys_i(nkeys), .sc_valid_i(sc_v), .sc_bank_i(sc_bank),
    .sc_thr_i(sc_thr), .sc_quota_i(sc_quota), .sc_smax_i(sc_smax), .sc_take_o(sc_take), .sm_re_o(sm_re), .sm_raddr_o(sm_raddr),
    .sm_rdata_i(rdata), .take_i(take), .out_valid_o(out_valid), .out_v_o(out_v), .out_s_o(out_s),
    .out_idx_o(out_idx), .out_smax_o(out_smax), .idle_o(idle));
  always @(posedge clk) begin
    if (we) mem[waddr] <= wdata;
    if (sm_re) rdata <= mem[sm_raddr];
    if (!rst_n) sc_v <= 1'b0;
    else if (present) sc_v <= 1'b1;
    else if (sc_take) sc_v <= 1'b0;
    if (present) begin
      sc_bank   <= bank;
      pre_thr   <= thr;
      pre_quota <= quota;
      pre_smax  <= smax;
    end
    sc_thr   <= pre_thr;
    sc_quota <= pre_quota;
    sc_smax  <= pre_smax;
  end
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, we, waddr, wdata, nkeys, present, bank, thr, quota, smax, take_ok} = vec[i];
      #1 $fwrite(fd, "%h %b %b %b %h %h %h\n", take, out_v, out_s, out_idx, out_smax, sc_v, idle);
      clk = 1'b1;
      #1 clk = 1'b0;
    end
    $fclose(fd);
    $finish;
  end
endmodule
