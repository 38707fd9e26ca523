// Test bench of rtl/src/hg_score_stage.v alone (tests/test_blocks.cc): {rst_n, q_valid, q_data,
// cfg_valid, kv_valid, nkeys, s_full, s_take, s_hold, down_idle} a cycle; per cycle, before the edge:
// {q_ready, en, issue, row, p1_q, p2_v, p2_first, p2_last, p2_index, lane_ok, p2_bank, p2_row,
// idle}.
`default_nettype none
module tb_hg_score_stage;
  parameter P      = 8;
  parameter L      = 128;
  parameter KW     = 32;
  parameter BANKED = 0;
  parameter NV     = 16;
  localparam NKW = $clog2(L + 1);
  localparam IW  = L > 1 ? $clog2(L) : 1;
  localparam GW  = L > P ? $clog2((L + P - 1) / P) : 1;
  localparam VW = 2 + KW + 2 + NKW + 4;
  reg [VW-1:0] vec [0:NV-1];
  reg clk, rst_n, q_valid, cfg_valid, kv_valid, s_full, s_take, s_hold, down_idle;
  reg [KW-1:0] q_data;
  reg [NKW-1:0] nkeys;
  wire q_ready, en, issue, p2_v, p2_first, p2_last, p2_bank, idle;
  wire [GW-1:0] row, p2_row;
  wire [KW-1:0] p1_q;
  wire [IW-1:0] p2_index;
  wire [P-1:0] lane_ok;
  hg_score_stage #(.P(P), .L(L), .KW(KW), .BANKED(BANKED)) dut (
    .clk_i(clk), .rst_ni(rst_n), .q_valid_i(q_valid), .q_ready_o(q_ready), .q_data_i(q_data),
    .cfg_valid_i(cfg_valid), .kv_valid_i(kv_valid), .nkeys_i(nkeys), .s_full_i(s_full),
    .s_take_i(s_take), .s_hold_i(s_hold), .down_idle_i(down_idle), .en_o(en), .issue_o(issue), .row_o(row),
    .p1_q_o(p1_q), .p2_v_o(p2_v), .p2_first_o(p2_first), .p2_last_o(p2_last),
    .p2_index_o(p2_index), .lane_ok_o(lane_ok), .p2_bank_o(p2_bank), .p2_row_o(p2_row),
    .idle_o(idle));
  integer i, fd;
  initial begin
    $readmemh("in.hex", vec);
    fd = $fopen("out.txt", "w");
    clk = 1'b0;
    for (i = 0; i < NV; i = i + 1) begin
      {rst_n, q_valid, q_data, cfg_valid, kv_valid, nkeys, s_full, s_take, s_hold, down_idle} = vec[i];
      #1 $fwrite(fd, "%b %b %b %h %h %b %b %b %h %h %b %h %b\n", q_ready, en, issue, row, p1_q, p2_v,
                 p2_first, p2_last, p2_index, lane_ok, p2_bank, p2_row, idle);
      clk = 1'b1;
      #1 clk = 1'b0;
    end
    $fclose(fd);
    $finish;
  end
endmodule
