// hg_core_dense — the standard int8 attention core (the baseline).
//
// int8 dot-product scores of every key, exp softmax over all keys (two passes: the row
// maximum is found while scoring, the scores wait in a double-buffered score memory), dense
// AV, normalization. Pipeline: score (ceil(n_k / P) cycles) | AV (ceil(n_k / P)) | norm
// (CR + CM). The derived widths the units need (score, accumulator, weight sum, normalizer
// schedule) are parameters: hadgen computes them (sw/base/hg_config.c) and writes them into the
// core's top, <prefix>_core; the register addresses are those of sw/base/hg_config.h.
// K/V load: ceil(n_k / LW) beats of LW keys, one a cycle (hg_cfg_load).
`default_nettype none

module hg_core_dense #(
  parameter D           = 32,       // head dimension
  parameter P           = 8,        // lanes (keys scored per cycle)
  parameter LW          = 1,        // keys per K/V load beat: a power of two dividing P
  parameter L           = 128,      // maximum keys
  parameter SW          = 21,       // score width: 16 + $clog2(D)
  parameter WB          = 8,        // weight fraction bits
  parameter FB          = 6,        // exp units' fraction-table index bits
  parameter OF          = 8,        // output fraction bits
  parameter VB          = 8,        // value width (signed)
  parameter OW          = 16,       // output width
  parameter ACCW        = 23,       // accumulator width
  parameter WSW         = 16,       // weight-sum width
  parameter RQ          = 32,       // normalizer: reciprocal exponent
  parameter BPC         = 7,        // normalizer: quotient bits per reciprocal cycle
  parameter CR          = 5,        // normalizer: reciprocal cycles
  parameter MN          = 3,        // normalizer: multipliers
  parameter CM          = 11,       // normalizer: multiply cycles
  parameter FAN         = 0,        // AV: dimensions per buffer stage of their shared signals (0: none)
  parameter A_NKEYS     = 16'h000,  // register address of n_k
  parameter A_EXP_MUL   = 16'h001,  // register address of the exp multiplier
  parameter A_EXP_SHIFT = 16'h002,  // register address of the exp shift
  parameter A_ETAB      = 16'h100   // register address of exp-table entry 0 (no table: unused)
) (
  input  wire                         clk_i,        // clock
  input  wire                         rst_ni,       // synchronous reset, active low
  input  wire                         cfg_valid_i,  // configuration write
  output wire                         cfg_ready_o,  // accepted (only while idle)
  input  wire [15:0]                  cfg_addr_i,   // register address (docs/spec.md)
  input  wire [31:0]                  cfg_data_i,   // register value
  input  wire                         kv_valid_i,   // key/value pair (next index)
  output wire                         kv_ready_o,   // accepted (only while idle)
  input  wire [LW*8*D-1:0]            kv_k_i,       // LW keys, key j at [j*8*D +: 8*D], D x int8
  input  wire [LW*VB*D-1:0]           kv_v_i,       // LW values, value j at [j*VB*D +: VB*D], D x VB-bit signed
  input  wire                         q_valid_i,    // query
  output wire                         q_ready_o,    // query accepted
  input  wire [8*D-1:0]               q_data_i,     // query, D x int8
  output wire                         o_valid_o,    // attention output
  input  wire                         o_ready_i,    // output taken
  output wire [D*OW-1:0]              o_data_o      // D outputs, dim i at [i*OW +: OW]
);

  localparam KW  = 8 * D;                  // bits per key / query
  localparam G   = (L + P - 1) / P;        // K memory rows, and score rows per bank
  localparam IW  = L > 1 ? $clog2(L) : 1;  // key index width
  localparam NKW = $clog2(L + 1);          // key count width
  localparam LNW = P > 1 ? $clog2(P) : 1;  // lane select width
  localparam GW  = G > 1 ? $clog2(G) : 1;  // row address width
  localparam SAW = G > 1 ? GW + 1 : 1;     // score memory address: bank * G + row
  localparam WW  = WB + 1;                 // weight width
  localparam E   = 32 / WW;                // exp-table entries a configuration write (hg_cfg_load)
  localparam XW  = (D + E) / E > 1 ? $clog2((D + E) / E) : 1; // exp-table word address width

  wire              sc_v, sc_bank, sc_take;
  wire [SW-1:0]     sc_smax;
  wire              sm_we, sm_re;
  wire [SAW-1:0]    sm_waddr, sm_raddr;
  wire [P*SW-1:0]   sm_rdata;
  wire              vm_re;
  wire [GW-1:0]     vm_raddr;
  wire [P*VB*D-1:0] vm_rdata;
  wire              idle;
  wire [NKW-1:0]    nkeys;
  wire [15:0]       exp_mul;
  wire [5:0]        exp_shift;
  /* verilator lint_off UNUSEDSIGNAL */
  wire              unused_etab_we;  // no exp table
  wire [XW-1:0]     unused_etab_addr;
  wire [E*WW-1:0]   unused_etab_data;
  wire [IW-1:0]     unused_ld_idx;   // V is banked like K
  wire [IW-1:0]     unused_p2_index; // no top-N list
  /* verilator lint_on UNUSEDSIGNAL */
  wire              ld_we;
  wire [LNW-1:0]    ld_lane;
  wire [GW-1:0]     ld_row;
  wire              s_en, s_issue;
  wire [GW-1:0]     s_row;
  wire [KW-1:0]     p1_q;
  wire              p2_v, p2_first, p2_last;
  wire [P-1:0]      lane_ok;
  wire              p2_bank;
  wire [GW-1:0]     p2_row;
  wire [P*KW-1:0]   k_row;
  wire [P*SW-1:0]   scores;
  wire              av_valid, av_ready, av_idle, norm_idle;
  wire [D*ACCW-1:0] av_acc;
  wire [WSW-1:0]    av_wsum;

  wire              cfg_wait;   // a configuration write waits for idle: queries are held back

  // ---- configuration registers and K/V load --------------------------------------
  hg_cfg_load #(
    .P(P),
    .LW(LW),
    .L(L),
    .D(D),
    .WW(WW),
    .WB(WB),
    .EXP(1),
    .ETAB(0),
    .A_NKEYS(A_NKEYS),
    .A_EXP_MUL(A_EXP_MUL),
    .A_EXP_SHIFT(A_EXP_SHIFT),
    .A_ETAB(A_ETAB)
  ) u_cfg (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .idle_i       (idle),
    .cfg_valid_i  (cfg_valid_i),
    .cfg_ready_o  (cfg_ready_o),
    .cfg_wait_o   (cfg_wait),
    .cfg_addr_i   (cfg_addr_i),
    .cfg_data_i   (cfg_data_i),
    .kv_valid_i   (kv_valid_i),
    .kv_ready_o   (kv_ready_o),
    .nkeys_o      (nkeys),
    .exp_mul_o    (exp_mul),
    .exp_shift_o  (exp_shift),
    .etab_we_o    (unused_etab_we),
    .etab_addr_o  (unused_etab_addr),
    .etab_data_o  (unused_etab_data),
    .ld_we_o      (ld_we),
    .ld_idx_o     (unused_ld_idx),
    .ld_lane_o    (ld_lane),
    .ld_row_o     (ld_row)
  );

  // ---- score stage: one row of P keys per cycle --------------------------------
  hg_score_stage #(
    .P(P),
    .L(L),
    .KW(KW),
    .BANKED(1)
  ) u_stage (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .q_valid_i    (q_valid_i),
    .q_ready_o    (q_ready_o),
    .q_data_i     (q_data_i),
    .cfg_valid_i  (cfg_wait),
    .kv_valid_i   (kv_valid_i),
    .nkeys_i      (nkeys),
    .s_full_i     (sc_v),
    .s_take_i     (sc_take),
    .s_hold_i     (1'b0),
    .down_idle_i  (!sc_v && av_idle && norm_idle),
    .en_o         (s_en),
    .issue_o      (s_issue),
    .row_o        (s_row),
    .p1_q_o       (p1_q),
    .p2_v_o       (p2_v),
    .p2_first_o   (p2_first),
    .p2_last_o    (p2_last),
    .p2_index_o   (unused_p2_index),
    .lane_ok_o    (lane_ok),
    .p2_bank_o    (p2_bank),
    .p2_row_o     (p2_row),
    .idle_o       (idle)
  );

  // K memory and score lanes
  hg_mem_banked #(.LANES(P), .WORDS(G), .W(KW), .WL(LW)) u_kmem (
    .clk_i   (clk_i),
    .we_i    (ld_we),
    .wlane_i (ld_lane),
    .wrow_i  (ld_row),
    .wdata_i (kv_k_i),
    .re_i    (s_issue),
    .rrow_i  (s_row),
    .rdata_o (k_row)
  );

  hg_score_array #(.P(P), .D(D), .HAD(0), .SW(SW)) u_score (
    .clk_i (clk_i),
    .en_i  (s_en),
    .q_i   (p1_q),
    .k_i   (k_row),
    .s_o   (scores)
  );

  // ---- row maximum and score memory ----------------------------------------------
  hg_rowmax #(
    .P(P),
    .G(G),
    .SW(SW)
  ) u_rowmax (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .en_i         (s_en),
    .p2_v_i       (p2_v),
    .p2_first_i   (p2_first),
    .p2_last_i    (p2_last),
    .p2_bank_i    (p2_bank),
    .p2_row_i     (p2_row),
    .scores_i     (scores),
    .lane_ok_i    (lane_ok),
    .sc_take_i    (sc_take),
    .sc_v_o       (sc_v),
    .sc_bank_o    (sc_bank),
    .sc_smax_o    (sc_smax),
    .sm_we_o      (sm_we),
    .sm_waddr_o   (sm_waddr)
  );

  hg_mem_flat #(.WORDS(2*G), .W(P*SW), .RP(1)) u_smem (
    .clk_i   (clk_i),
    .we_i    (sm_we),
    .waddr_i (sm_waddr),
    .wdata_i (scores),
    .re_i    (sm_re),
    .raddr_i (sm_raddr),
    .rdata_o (sm_rdata)
  );

  // ---- AV and V memory -----------------------------------------------------------
  hg_mem_banked #(.LANES(P), .WORDS(G), .W(VB*D), .WL(LW)) u_vmem (
    .clk_i   (clk_i),
    .we_i    (ld_we),
    .wlane_i (ld_lane),
    .wrow_i  (ld_row),
    .wdata_i (kv_v_i),
    .re_i    (vm_re),
    .rrow_i  (vm_raddr),
    .rdata_o (vm_rdata)
  );

  hg_av_dense #(.D(D), .P(P), .L(L), .G(G), .SW(SW), .WB(WB), .FB(FB), .VB(VB), .ACCW(ACCW), .WSW(WSW),
                .FAN(FAN)) u_av (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .nkeys_i     (nkeys),
    .sc_valid_i  (sc_v),
    .sc_bank_i   (sc_bank),
    .sc_smax_i   (sc_smax),
    .sc_take_o   (sc_take),
    .exp_mul_i   (exp_mul),
    .exp_shift_i (exp_shift),
    .sm_re_o     (sm_re),
    .sm_raddr_o  (sm_raddr),
    .sm_rdata_i  (sm_rdata),
    .vm_re_o     (vm_re),
    .vm_raddr_o  (vm_raddr),
    .vm_rdata_i  (vm_rdata),
    .out_valid_o (av_valid),
    .out_ready_i (av_ready),
    .acc_o       (av_acc),
    .wsum_o      (av_wsum),
    .idle_o      (av_idle)
  );

  // ---- normalizer ---------------------------------------------------------------
  hg_norm #(.D(D), .ACCW(ACCW), .WSW(WSW), .RQ(RQ), .OF(OF), .OW(OW), .BPC(BPC), .CR(CR), .MN(MN), .CM(CM)) u_norm (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .in_valid_i (av_valid),
    .in_ready_o (av_ready),
    .acc_i      (av_acc),
    .wsum_i     (av_wsum),
    .o_valid_o  (o_valid_o),
    .o_ready_i  (o_ready_i),
    .o_data_o   (o_data_o),
    .idle_o     (norm_idle)
  );

endmodule

`default_nettype wire
