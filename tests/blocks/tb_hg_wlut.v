// Test bench of rtl/src/hg_wlut.v alone (tests/test_blocks.cc): {we, waddr, wdata, en,
// valid, delta} a cycle; SHADOW as the block's.
`default_nettype none
module tb_hg_wlut;
  parameter D  = 64;
  parameter WW = 16;
  parameter R  = 1;
  parameter E  = 2;
  parameter SHADOW = 0;
  parameter NV = 16;
  localparam MW = $clog2(D + 1);
  localparam NWR = (D + E) / E + SHADOW;
  localparam XW = NWR > 1 ? $clog2(NWR) : 1;
  localparam IW = 1 + XW + E * WW + 1 + R + R * MW;
  reg [IW-1:0] vec [0:NV-1];
  reg clk, we, en;
  reg [XW-1:0] waddr;
  reg [E*WW-1:0] wdata;
  reg [R-1:0] valid;
  reg [R*MW-1:0] delta;
  wire [R*WW-1:0] w;
  hg_wlut #(.D(D), .WW(WW), .E(E), .R(R), .SHADOW(SHADOW)) dut (.clk_i(clk), .we_i(we), .waddr_i(waddr),
                                                              .wdata_i(wdata), .en_i(en), .valid_i(valid),
                                                              .delta_i(delta), .w_o(w));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {we, waddr, wdata, en, valid, delta} = vec[i];
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%h\n", w);
    end
    $fclose(fd);
    $finish;
  end
endmodule
