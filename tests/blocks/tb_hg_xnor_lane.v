// Test bench of rtl/src/hg_xnor_lane.v alone (tests/test_blocks.cc): one vector a cycle from
// in.hex ({en, q, k}), the output after each rising edge to out.txt.
`default_nettype none
module tb_hg_xnor_lane;
  parameter D  = 64;  // the block's parameter
  parameter NV = 16;  // vectors
  localparam MW = $clog2(D + 1);
  reg [2*D:0] vec [0:NV-1];
  reg clk, en;
  reg [D-1:0] q, k;
  wire [MW-1:0] m;
  hg_xnor_lane #(.D(D)) dut (.clk_i(clk), .en_i(en), .q_i(q), .k_i(k), .m_o(m));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {en, q, k} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", m);
    end
    $fclose(fd);
    $finish;
  end
endmodule
