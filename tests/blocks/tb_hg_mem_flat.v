// Test bench of rtl/src/hg_mem_flat.v alone (tests/test_blocks.cc): {we, waddr, wdata, re,
// raddr} a cycle (wdata: WL entries); after each edge rdata.
`default_nettype none
module tb_hg_mem_flat;
  parameter WORDS = 8;
  parameter W     = 12;
  parameter RP    = 2;
  parameter WL    = 1;
  parameter NV    = 16;
  localparam AW = WORDS > 1 ? $clog2(WORDS) : 1;
  localparam VW = 1 + AW + WL * W + RP + RP * AW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, we;
  reg [AW-1:0] waddr;
  reg [WL*W-1:0] wdata;
  reg [RP-1:0] re;
  reg [RP*AW-1:0] raddr;
  wire [RP*W-1:0] rdata;
  hg_mem_flat #(.WORDS(WORDS), .W(W), .RP(RP), .WL(WL)) dut (
    .clk_i(clk), .we_i(we), .waddr_i(waddr), .wdata_i(wdata), .re_i(re), .raddr_i(raddr),
    .rdata_o(rdata));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {we, waddr, wdata, re, raddr} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", rdata);
    end
    $fclose(fd);
    $finish;
  end
endmodule
