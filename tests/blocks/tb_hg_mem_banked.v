// Test bench of rtl/src/hg_mem_banked.v alone (tests/test_blocks.cc): {we, wlane, wrow, wdata,
// re, rrow} a cycle (wdata: WL entries); after each edge rdata.
`default_nettype none
module tb_hg_mem_banked;
  parameter LANES = 4;
  parameter WORDS = 8;
  parameter W     = 12;
  parameter WL    = 1;
  parameter NV    = 16;
  localparam LNW = LANES > 1 ? $clog2(LANES) : 1;
  localparam GW  = WORDS > 1 ? $clog2(WORDS) : 1;
  localparam VW = 2 + LNW + 2 * GW + WL * W;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, we, re;
  reg [LNW-1:0] wlane;
  reg [GW-1:0] wrow, rrow;
  reg [WL*W-1:0] wdata;
  wire [LANES*W-1:0] rdata;
  hg_mem_banked #(.LANES(LANES), .WORDS(WORDS), .W(W), .WL(WL)) dut (
    .clk_i(clk), .we_i(we), .wlane_i(wlane), .wrow_i(wrow), .wdata_i(wdata), .re_i(re),
    .rrow_i(rrow), .rdata_o(rdata));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {we, wlane, wrow, wdata, re, rrow} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", rdata);
    end
    $fclose(fd);
    $finish;
  end
endmodule
