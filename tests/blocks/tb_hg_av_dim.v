// Test bench of rtl/src/hg_av_dim.v alone (tests/test_blocks.cc): {en, valid, first, w, v} a
// cycle.
`default_nettype none
module tb_hg_av_dim;
  parameter R    = 1;
  parameter WW   = 16;
  parameter VB   = 8;
  parameter ACCW = 28;
  parameter NV   = 16;
  localparam IW = 3 + R * WW + R * VB;
  reg [IW-1:0] vec [0:NV-1];
  reg clk, en, valid, first;
  reg [R*WW-1:0] w;
  reg [R*VB-1:0] v;
  wire [ACCW-1:0] acc;
  hg_av_dim #(.R(R), .WW(WW), .VB(VB), .ACCW(ACCW)) dut (.clk_i(clk), .en_i(en), .valid_i(valid),
                                                .first_i(first), .w_i(w), .v_i(v), .acc_o(acc));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {en, valid, first, w, v} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", acc);
    end
    $fclose(fd);
    $finish;
  end
endmodule
