// Test bench of rtl/src/hg_av_rows.v alone (tests/test_blocks.cc): {rst_n, en, nkeys,
// sc_valid, sc_bank, sc_smax, sm_rdata} a cycle; per cycle {sc_take, sm_re, sm_raddr, vm_re,
// vm_raddr, lookup_v, t, busy} before the edge, then {mac_v, mac_first, mac_last} after it.
`default_nettype none
module tb_hg_av_rows;
  parameter P  = 4;
  parameter G  = 4;
  parameter L  = 16;
  parameter SW = 8;
  parameter NV = 16;
  localparam NKW = $clog2(L + 1);
  localparam GW  = G > 1 ? $clog2(G) : 1;
  localparam RAW = G > 1 ? GW + 1 : 1;
  localparam VW = 4 + NKW + SW + P * SW;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, en, sc_valid, sc_bank;
  reg [NKW-1:0] nkeys;
  reg [SW-1:0] sc_smax;
  reg [P*SW-1:0] sm_rdata;
  wire sc_take, sm_re, vm_re, busy, mac_v, mac_first, mac_last;
  wire [RAW-1:0] sm_raddr;
  wire [GW-1:0] vm_raddr;
  wire [P-1:0] lookup_v;
  wire [P*(SW+1)-1:0] t;
  hg_av_rows #(.P(P), .G(G), .L(L), .SW(SW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en), .nkeys_i(nkeys), .sc_valid_i(sc_valid),
    .sc_bank_i(sc_bank), .sc_smax_i(sc_smax), .sc_take_o(sc_take), .sm_re_o(sm_re),
    .sm_raddr_o(sm_raddr), .sm_rdata_i(sm_rdata), .vm_re_o(vm_re), .vm_raddr_o(vm_raddr),
    .lookup_v_o(lookup_v), .t_o(t), .busy_o(busy), .mac_v_o(mac_v), .mac_first_o(mac_first),
    .mac_last_o(mac_last));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, en, nkeys, sc_valid, sc_bank, sc_smax, sm_rdata} = vec[i];
      #1 $fwrite(fd, "%b %b %h %b %h %h %h %b ", sc_take, sm_re, sm_raddr, vm_re, vm_raddr, lookup_v, t,
                 busy);
      clk = 1'b1;
      #1 clk = 1'b0;
      $fwrite(fd, "%b %b %b\n", mac_v, mac_first, mac_last);
    end
    $fclose(fd);
    $finish;
  end
endmodule
