// Test bench of rtl/src/hg_bank_addr.v alone (tests/test_blocks.cc): one vector a step from
// in.hex ({bank, row}), the address after it settles to out.txt (combinational block).
`default_nettype none
module tb_hg_bank_addr;
  parameter G  = 16;  // the block's parameter
  parameter NV = 16;  // vectors
  localparam GW = G > 1 ? $clog2(G) : 1;
  localparam AW = (G > 1 ? $clog2(G) : 0) + 1;
  reg [GW:0] vec [0:NV-1];
  reg bank;
  reg [GW-1:0] row;
  wire [AW-1:0] addr;
  hg_bank_addr #(.G(G)) dut (.bank_i(bank), .row_i(row), .addr_o(addr));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    for (i = 0; i < NV; i = i + 1) begin
      {bank, row} = vec[i];
      #1 $fwrite(fd, "%h\n", addr);
    end
    $fclose(fd);
    $finish;
  end
endmodule
