// Test bench of rtl/src/hg_rowmax.v alone (tests/test_blocks.cc): {rst_n, en, p2_v, p2_first,
// p2_last, p2_bank, p2_row, scores, lane_ok, sc_take} a cycle; per cycle {sm_we, sm_waddr}
// before the edge, then {sc_v, sc_bank, sc_smax} after it.
`default_nettype none
module tb_hg_rowmax;
  parameter P  = 8;
  parameter G  = 16;
  parameter SW = 21;
  parameter NV = 16;
  localparam GW = G > 1 ? $clog2(G) : 1;
  localparam AW = G > 1 ? GW + 1 : 1;
  localparam VW = 6 + GW + P * SW + P + 1;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, en, p2_v, p2_first, p2_last, p2_bank, sc_take;
  reg [GW-1:0] p2_row;
  reg [P*SW-1:0] scores;
  reg [P-1:0] lane_ok;
  wire sc_v, sc_bank, sm_we;
  wire [SW-1:0] sc_smax;
  wire [AW-1:0] sm_waddr;
  hg_rowmax #(.P(P), .G(G), .SW(SW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en), .p2_v_i(p2_v), .p2_first_i(p2_first),
    .p2_last_i(p2_last), .p2_bank_i(p2_bank), .p2_row_i(p2_row), .scores_i(scores),
    .lane_ok_i(lane_ok), .sc_take_i(sc_take), .sc_v_o(sc_v), .sc_bank_o(sc_bank),
    .sc_smax_o(sc_smax), .sm_we_o(sm_we), .sm_waddr_o(sm_waddr));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, en, p2_v, p2_first, p2_last, p2_bank, p2_row, scores, lane_ok, sc_take} = vec[i];
      #1 $fwrite(fd, "%b %h ", sm_we, sm_waddr);
      clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%b %b %h\n", sc_v, sc_bank, sc_smax);
    end
    $fclose(fd);
    $finish;
  end
endmodule
