// Test bench of rtl/src/hg_cfg_load.v alone (tests/test_blocks.cc): {rst_n, idle, cfg_valid,
// cfg_addr, cfg_data, kv_valid} a cycle; per cycle, before the edge: {cfg_ready, kv_ready,
// nkeys, exp_mul, exp_shift, etab_we, etab_addr, etab_data, ld_we, ld_idx, ld_lane, ld_row,
// cfg_wait}.
`default_nettype none
module tb_hg_cfg_load;
  parameter P    = 8;
  parameter LW   = 1;
  parameter L    = 128;
  parameter D    = 32;
  parameter WW   = 9;
  parameter WB   = 8;
  parameter EXP  = 0;
  parameter ETAB = 1;
  parameter A_ETAB = 16'h100;
  parameter ETAB_SHADOW = 0;
  parameter NV   = 16;
  localparam VW = 3 + 16 + 32 + 1;
  localparam NKW = $clog2(L + 1);
  localparam IW  = L > 1 ? $clog2(L) : 1;
  localparam LNW = P > 1 ? $clog2(P) : 1;
  localparam GW  = L > P ? $clog2((L + P - 1) / P) : 1;
  localparam E   = 32 / WW;                       // exp-table entries a write
  localparam XW  = (D + E) / E + ETAB_SHADOW > 1 ? $clog2((D + E) / E + ETAB_SHADOW) : 1;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, idle, cfg_valid, kv_valid;
  reg [15:0] cfg_addr;
  reg [31:0] cfg_data;
  wire cfg_ready, cfg_wait, kv_ready, etab_we, ld_we;
  wire [NKW-1:0] nkeys;
  wire [15:0] exp_mul;
  wire [5:0] exp_shift;
  wire [XW-1:0] etab_addr;
  wire [E*WW-1:0] etab_data;
  wire [IW-1:0] ld_idx;
  wire [LNW-1:0] ld_lane;
  wire [GW-1:0] ld_row;
  hg_cfg_load #(.P(P), .LW(LW), .L(L), .D(D), .WW(WW), .WB(WB), .EXP(EXP), .ETAB(ETAB), .A_ETAB(A_ETAB),
                .ETAB_SHADOW(ETAB_SHADOW)) dut (
    .clk_i(clk), .rst_ni(rst_n), .idle_i(idle), .cfg_valid_i(cfg_valid), .cfg_ready_o(cfg_ready), .cfg_wait_o(cfg_wait),
    .cfg_addr_i(cfg_addr), .cfg_data_i(cfg_data), .kv_valid_i(kv_valid), .kv_ready_o(kv_ready),
    .nkeys_o(nkeys), .exp_mul_o(exp_mul), .exp_shift_o(exp_shift), .etab_we_o(etab_we),
    .etab_addr_o(etab_addr), .etab_data_o(etab_data), .ld_we_o(ld_we), .ld_idx_o(ld_idx),
    .ld_lane_o(ld_lane), .ld_row_o(ld_row));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, idle, cfg_valid, cfg_addr, cfg_data, kv_valid} = vec[i];
      #1 $fwrite(fd, "%b %b %h %h %h %b %h %h %b %h %h %h %b\n", cfg_ready, kv_ready, nkeys, exp_mul,
                 exp_shift, etab_we, etab_addr, etab_data, ld_we, ld_idx, ld_lane, ld_row, cfg_wait);
      clk = 1'b1;
      #1 clk = 1'b0;
    end
    $fclose(fd);
    $finish;
  end
endmodule
