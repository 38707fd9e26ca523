// Test bench of rtl/src/hg_av_list.v alone (tests/test_blocks.cc): {rst_n, en, list_valid,
// list_v, list_s, list_idx, list_smax} a cycle; per cycle {list_take, vm_re, vm_raddr, lookup_v, t}
// before the edge, then {mac_v, mac_first, mac_last} after it.
`default_nettype none
module tb_hg_av_list;
  parameter N      = 4;
  parameter R      = 1;
  parameter SW     = 6;
  parameter SIGNED = 0;
  parameter IW     = 5;
  parameter NV     = 16;
  localparam TW = SW + SIGNED;
  localparam VW = 3 + N + N * SW + N * IW + SW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, en, list_valid;
  reg [N-1:0] list_v;
  reg [N*SW-1:0] list_s;
  reg [N*IW-1:0] list_idx;
  reg [SW-1:0] list_smax;
  wire list_take, mac_v, mac_first, mac_last;
  wire [R-1:0] vm_re, lookup_v;
  wire [R*IW-1:0] vm_raddr;
  wire [R*TW-1:0] t;
  hg_av_list #(.N(N), .R(R), .SW(SW), .SIGNED(SIGNED), .IW(IW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en), .list_valid_i(list_valid), .list_v_i(list_v),
    .list_s_i(list_s), .list_idx_i(list_idx), .list_smax_i(list_smax), .list_take_o(list_take), .vm_re_o(vm_re),
    .vm_raddr_o(vm_raddr), .lookup_v_o(lookup_v), .t_o(t), .mac_v_o(mac_v),
    .mac_first_o(mac_first), .mac_last_o(mac_last));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, en, list_valid, list_v, list_s, list_idx, list_smax} = vec[i];
      #1 $fwrite(fd, "%b %h %h %h %h ", list_take, vm_re, vm_raddr, lookup_v, t);
      clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%b %b %b\n", mac_v, mac_first, mac_last);
    end
    $fclose(fd);
    $finish;
  end
endmodule
