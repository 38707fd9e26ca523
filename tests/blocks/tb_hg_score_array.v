// Test bench of rtl/src/hg_score_array.v with its lanes (tests/test_blocks.cc): one vector a
// cycle from in.hex ({en, q, k}), the P scores after each rising edge to out.txt.
`default_nettype none
module tb_hg_score_array;
  parameter P   = 8;   // the block's parameters
  parameter D   = 64;
  parameter HAD = 1;
  parameter SW  = 7;
  parameter NV  = 16;  // vectors
  localparam KW = HAD != 0 ? D : 8 * D;
  reg [(P+1)*KW:0] vec [0:NV-1];
  reg clk, en;
  reg [KW-1:0] q;
  reg [P*KW-1:0] k;
  wire [P*SW-1:0] s;
  hg_score_array #(.P(P), .D(D), .HAD(HAD), .SW(SW)) dut (.clk_i(clk), .en_i(en), .q_i(q), .k_i(k),
                                                         .s_o(s));
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
