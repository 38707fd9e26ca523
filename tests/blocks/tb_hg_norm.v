// Test bench of rtl/src/hg_norm.v alone (tests/test_blocks.cc): {rst_n, in_valid, o_ready,
// wsum, acc} a cycle; per cycle, sampled before the edge: {take, o_fire, o_data}, take being
// in_valid & in_ready and o_fire o_valid & o_ready.
`default_nettype none
module tb_hg_norm;
  parameter D    = 4;
  parameter ACCW = 12;
  parameter WSW  = 6;
  parameter RQ   = 14;
  parameter OF   = 4;
  parameter OW   = 8;
  parameter BPC  = 1;
  parameter CR   = 15;
  parameter MN   = 4;
  parameter CM   = 1;
  parameter NV   = 16;
  localparam VW = 3 + WSW + D * ACCW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, in_valid, o_ready;
  reg [WSW-1:0] wsum;
  reg [D*ACCW-1:0] acc;
  wire in_ready, o_valid, idle;
  wire [D*OW-1:0] o_data;
  hg_norm #(.D(D), .ACCW(ACCW), .WSW(WSW), .RQ(RQ), .OF(OF), .OW(OW), .BPC(BPC), .CR(CR),
            .MN(MN), .CM(CM)) dut (
    .clk_i(clk), .rst_ni(rst_n), .in_valid_i(in_valid), .in_ready_o(in_ready), .acc_i(acc),
    .wsum_i(wsum), .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data), .idle_o(idle));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, in_valid, o_ready, wsum, acc} = vec[i];
      #1 $fwrite(fd, "%b %b %h %b\n", in_valid & in_ready & rst_n, o_valid & o_ready, o_data, idle);
      clk = 1'b1;
      #1 clk = 1'b0;
    end
    $fclose(fd);
    $finish;
  end
endmodule
