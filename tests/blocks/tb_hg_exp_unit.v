// Test bench of rtl/src/hg_exp_unit.v alone (tests/test_blocks.cc): {en, valid, t, mul, shift}
// a cycle; the weight after each.
`default_nettype none
module tb_hg_exp_unit;
  parameter TW = 23;
  parameter FB = 6;
  parameter WB = 15;
  parameter NV = 16;
  localparam IW = 2 + TW + 16 + 6;
  reg [IW-1:0] vec [0:NV-1];
  reg clk, en, valid;
  reg [TW-1:0] t;
  reg [15:0] mul;
  reg [5:0] shift;
  wire [WB:0] w;
  hg_exp_unit #(.TW(TW), .FB(FB), .WB(WB)) dut (.clk_i(clk), .en_i(en), .valid_i(valid), .t_i(t),
    .mul_i(mul), .shift_i(shift), .w_o(w));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {en, valid, t, mul, shift} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", w);
    end
    $fclose(fd);
    $finish;
  end
endmodule
