// Test bench of a top-N selector alone (tests/test_blocks.cc): rtl/src/hg_topn.v (SEL = 0),
// rtl/src/hg_topn_bitonic.v (SEL = 1) or the same with its two stages (SEL = 2: PIPE = 1, its
// sort cut as SORT_CUT says).
// {rst_n, en, in_valid, first, last, lane_valid, s, base, take} a cycle; after each edge
// {out_valid, out_v, out_s, out_idx, busy} (busy: hg_topn_bitonic's busy_o, else 0).
`default_nettype none
module tb_hg_topn;
  parameter N      = 4;
  parameter P      = 2;
  parameter SW     = 7;
  parameter SIGNED = 0;
  parameter IW     = 6;
  parameter SEL    = 0;
  parameter SORT_CUT = 2;
  parameter NV     = 16;
  localparam VW = 6 + P + P * SW + IW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, en, in_valid, first, last, take;
  reg [P-1:0] lane_valid;
  reg [P*SW-1:0] s;
  reg [IW-1:0] base;
  wire out_valid;
  wire [N-1:0] out_v;
  wire [N*SW-1:0] out_s;
  wire [N*IW-1:0] out_idx;
  wire busy;
  generate
    if (SEL == 0) begin : g_sel
      hg_topn #(.N(N), .P(P), .SW(SW), .SIGNED(SIGNED), .IW(IW)) dut (
        .clk_i(clk), .rst_ni(rst_n), .en_i(en), .in_valid_i(in_valid), .first_i(first),
        .last_i(last), .lane_valid_i(lane_valid), .s_i(s), .base_i(base), .take_i(take),
        .out_valid_o(out_valid), .out_v_o(out_v), .out_s_o(out_s), .out_idx_o(out_idx));
      assign busy = 1'b0;
    end else begin : g_sel
      hg_topn_bitonic #(.N(N), .P(P), .SW(SW), .SIGNED(SIGNED), .IW(IW), .PIPE(SEL == 2 ? 1 : 0),
                        .SORT_CUT(SORT_CUT)) dut (
        .clk_i(clk), .rst_ni(rst_n), .en_i(en), .in_valid_i(in_valid), .first_i(first),
        .last_i(last), .lane_valid_i(lane_valid), .s_i(s), .base_i(base), .take_i(take),
        .out_valid_o(out_valid), .out_v_o(out_v), .out_s_o(out_s), .out_idx_o(out_idx),
        .busy_o(busy), .hold_o());
    end
  endgenerate
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, en, in_valid, first, last, lane_valid, s, base, take} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h %h %h %h %h\n", out_valid, out_v, out_s, out_idx, busy);
    end
    $fclose(fd);
    $finish;
  end
endmodule
