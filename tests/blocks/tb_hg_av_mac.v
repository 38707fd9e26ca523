// Test bench of rtl/src/hg_av_mac.v (with hg_av_dim and hg_av_out; tests/test_blocks.cc):
// {rst_n, mac_v, mac_first, mac_last, w, v, busy, out_ready} a cycle; per cycle {en, idle}
// before the edge, then {out_valid, wsum, acc} after it.
`default_nettype none
module tb_hg_av_mac;
  parameter D    = 4;
  parameter R    = 1;
  parameter WW   = 9;
  parameter ACCW = 20;
  parameter WSW  = 13;
  parameter FAN  = 0;
  parameter NV   = 16;
  localparam VW = 6 + R * WW + R * 8 * D;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, mac_v, mac_first, mac_last, busy, out_ready;
  reg [R*WW-1:0] w;
  reg [R*8*D-1:0] v;
  wire en, out_valid, idle;
  wire [WSW-1:0] wsum;
  wire [D*ACCW-1:0] acc;
  hg_av_mac #(.D(D), .R(R), .WW(WW), .ACCW(ACCW), .WSW(WSW), .FAN(FAN)) dut (
    .clk_i(clk), .rst_ni(rst_n), .mac_v_i(mac_v), .mac_first_i(mac_first), .mac_last_i(mac_last),
    .w_i(w), .v_i(v), .busy_i(busy), .en_o(en), .out_valid_o(out_valid), .out_ready_i(out_ready),
    .acc_o(acc), .wsum_o(wsum), .idle_o(idle));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, mac_v, mac_first, mac_last, w, v, busy, out_ready} = vec[i];
      #1 $fwrite(fd, "%b %b ", en, idle);
      clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%b %h %h\n", out_valid, wsum, acc);
    end
    $fclose(fd);
    $finish;
  end
endmodule
