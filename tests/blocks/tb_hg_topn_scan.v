// Test bench of rtl/src/hg_topn_scan.v alone (tests/test_blocks.cc): {rst_n, en, p2_v, first,
// last, bank, row, scores, lane_ok, take} a cycle; a line a cycle: {sm_we, sm_waddr} before the
// edge, {sc_v, sc_bank, sc_thr, sc_quota, sc_smax} after it.
`default_nettype none
module tb_hg_topn_scan;
  parameter N  = 4;
  parameter P  = 2;
  parameter G  = 3;
  parameter D  = 8;
  parameter SW = 4;
  parameter NV = 16;
  localparam GW = G > 1 ? $clog2(G) : 1;
  localparam AW = (G > 1 ? $clog2(G) : 0) + 1;
  localparam CW = $clog2(N + 1);
  localparam VW = 7 + GW + P * SW + P;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, en, p2_v, first, last, bank, take;
  reg [GW-1:0] row;
  reg [P*SW-1:0] scores;
  reg [P-1:0] lane_ok;
  wire sc_v, sc_bank, sm_we;
  wire [SW-1:0] sc_thr, sc_smax;
  wire [CW-1:0] sc_quota;
  wire [AW-1:0] sm_waddr;
  reg we_pre;
  reg [AW-1:0] waddr_pre;
  hg_topn_scan #(.N(N), .P(P), .G(G), .D(D), .SW(SW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en), .p2_v_i(p2_v), .p2_first_i(first), .p2_last_i(last),
    .p2_bank_i(bank), .p2_row_i(row), .scores_i(scores), .lane_ok_i(lane_ok), .sc_take_i(take),
    .sc_v_o(sc_v), .sc_bank_o(sc_bank), .sc_thr_o(sc_thr), .sc_quota_o(sc_quota), .sc_smax_o(sc_smax),
    .sm_we_o(sm_we), .sm_waddr_o(sm_waddr));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, en, p2_v, first, last, bank, row, scores, lane_ok, take} = vec[i];
      #1 we_pre = sm_we;
      waddr_pre = sm_waddr;
      clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h %h %h %h %h %h %h\n", we_pre, waddr_pre, sc_v, sc_bank, sc_thr, sc_quota, sc_smax);
    end
    $fclose(fd);
    $finish;
  end
endmodule
