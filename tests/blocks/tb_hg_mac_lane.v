// Test bench of rtl/src/hg_mac_lane.v alone (tests/test_blocks.cc): {en, q, k} a cycle.
`default_nettype none
module tb_hg_mac_lane;
  parameter D  = 64;
  parameter SW = 22;
  parameter NV = 16;
  reg [16*D:0] vec [0:NV-1];
  reg clk, en;
  reg [8*D-1:0] q, k;
  wire [SW-1:0] s;
  hg_mac_lane #(.D(D), .SW(SW)) dut (.clk_i(clk), .en_i(en), .q_i(q), .k_i(k), .s_o(s));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {en, q, k} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", s);
    end
    $fclose(fd);
    $finish;
  end
endmodule
