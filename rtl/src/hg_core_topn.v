// hg_core_topn — an attention core with top-N selection: HAD or int8 + top-N.
//
// HAD = 1: binarized Q/K scored by XNOR-popcount, top-N selection, softmax over the kept
//          keys from the run-time exp table, sparse AV, normalization.
// HAD = 0: int8 dot-product scores, top-N selection, exp-unit softmax over the kept keys,
//          sparse AV, normalization.
// Pipeline: score + select (ceil(n_k / P) cycles) | AV (ceil(N / R)) | norm (CR + CM); with
// the counting selector (SEL = 2, HAD): score + count | pick (ceil(n_k / P)) | AV | norm;
// the two-stage one (SEL = 3): score + sort a row | merge it (1 or 2 cycles later) | AV | norm.
// The derived widths the units need (score, accumulator, weight sum, normalizer schedule)
// are parameters: hadgen computes them (sw/base/hg_config.c) and writes them into the core's
// top, <prefix>_core; the register addresses are those of sw/base/hg_config.h.
// K/V load: ceil(n_k / LW) beats of LW keys, one a cycle (hg_cfg_load).
`default_nettype none

module hg_core_topn #(
  parameter D           = 32,       // head dimension
  parameter P           = 8,        // lanes (keys scored per cycle)
  parameter LW          = 1,        // keys per K/V load beat: a power of two dividing P
  parameter L           = 128,      // maximum keys
  parameter N           = 16,       // top-N
  parameter R           = 1,        // AV key slots per cycle: ceil(N / ceil(L / P))
  parameter HAD         = 1,        // 1: HAD; 0: int8 + top-N
  parameter SEL         = 0,        // top-N selector: 0 hg_topn (merge), 1 hg_topn_bitonic,
                                    // 2 counting (HAD): hg_topn_scan + score memory + hg_topn_place,
                                    // 3 two-stage: hg_topn_bitonic with PIPE = 1
  parameter SORT_CUT    = 2,        // SEL = 3: its sort cut by a second register: 0 never,
                                    // 1 always, 2 where deeper than its merge (hg_topn_bitonic)
  parameter ETAB_SHADOW = 0,        // HAD: 1: a shadow exp table, written while busy, copied in
                                    // by a write to A_ETAB + ceil((D + 1) / E) (hg_cfg_load)
  parameter SW          = 6,        // score width: $clog2(D+1) (HAD), 16 + $clog2(D) (int8)
  parameter WB          = 8,        // weight fraction bits
  parameter FB          = 6,        // exp units' fraction-table index bits (HAD = 0)
  parameter OF          = 8,        // output fraction bits
  parameter VB          = 8,        // value width (signed)
  parameter OW          = 16,       // output width
  parameter ACCW        = 20,       // accumulator width
  parameter WSW         = 13,       // weight-sum width
  parameter RQ          = 29,       // normalizer: reciprocal exponent
  parameter BPC         = 6,        // normalizer: quotient bits per reciprocal cycle
  parameter CR          = 5,        // normalizer: reciprocal cycles
  parameter MN          = 3,        // normalizer: multipliers
  parameter CM          = 11,       // normalizer: multiply cycles
  parameter FAN         = 0,        // AV: dimensions per buffer stage of their shared signals (0: none)
  parameter A_NKEYS     = 16'h000,  // register address of n_k
  parameter A_EXP_MUL   = 16'h001,  // register address of the exp multiplier (HAD = 0)
  parameter A_EXP_SHIFT = 16'h002,  // register address of the exp shift (HAD = 0)
  parameter A_ETAB      = 16'h100   // register address of exp-table entry 0 (HAD)
) (
  input  wire                         clk_i,        // clock
  input  wire                         rst_ni,       // synchronous reset, active low
  input  wire                         cfg_valid_i,  // configuration write
  output wire                         cfg_ready_o,  // accepted (while idle; shadow exp-table words always)
  input  wire [15:0]                  cfg_addr_i,   // register address (docs/spec.md)
  input  wire [31:0]                  cfg_data_i,   // register value
  input  wire                         kv_valid_i,   // key/value pair (next index)
  output wire                         kv_ready_o,   // accepted (only while idle)
  input  wire [LW*(HAD != 0 ? D : 8*D)-1:0] kv_k_i, // LW keys, key j at [j*KW +: KW]: D sign bits (HAD) or D x int8
  input  wire [LW*VB*D-1:0]           kv_v_i,       // LW values, value j at [j*VB*D +: VB*D], D x VB-bit signed
  input  wire                         q_valid_i,    // query
  output wire                         q_ready_o,    // query accepted
  input  wire [(HAD != 0 ? D : 8*D)-1:0] q_data_i,  // query: D sign bits (HAD) or D x int8
  output wire                         o_valid_o,    // attention output
  input  wire                         o_ready_i,    // output taken
  output wire [D*OW-1:0]              o_data_o      // D outputs, dim i at [i*OW +: OW]
);

  localparam KW  = HAD != 0 ? D : 8 * D;   // bits per key / query
  localparam G   = (L + P - 1) / P;        // K memory rows
  localparam IW  = L > 1 ? $clog2(L) : 1;  // key index width
  localparam NKW = $clog2(L + 1);          // key count width
  localparam LNW = P > 1 ? $clog2(P) : 1;  // lane select width
  localparam GW  = G > 1 ? $clog2(G) : 1;  // row address width
  localparam WW  = WB + 1;                 // weight width
  localparam E   = 32 / WW;                // exp-table entries a configuration write (hg_cfg_load)
  localparam XW  = (D + E) / E + ETAB_SHADOW > 1 ? $clog2((D + E) / E + ETAB_SHADOW) : 1; // exp-table word address width

  generate
    if (HAD != 0 && HAD != 1) begin : g_check_had
      hg_error_parameter_had_must_be_0_or_1 u_error ();
    end
    if (SEL < 0 || SEL > 3) begin : g_check_sel
      hg_error_parameter_sel_must_be_0_1_2_or_3 u_error ();
    end
    if (SEL == 2 && HAD == 0) begin : g_check_count
      hg_error_counting_selector_needs_had_match_counts u_error ();
    end
    if (SEL != 3 && SORT_CUT != 2) begin : g_check_cut
      hg_error_parameter_sort_cut_is_the_two_stage_selectors_leave_it_at_2 u_error ();
    end
    if (R < 1 || R * G < N) begin : g_check_r
      hg_error_parameter_r_must_cover_n_in_ceil_l_over_p_cycles u_error ();
    end
  endgenerate

  wire              list_valid, list_take;
  wire [N-1:0]      list_v;
  wire [N*SW-1:0]   list_s;
  wire [N*IW-1:0]   list_idx;
  wire [SW-1:0]     list_smax;  // the list's largest score
  wire [R-1:0]      vm_re;
  wire [R*IW-1:0]   vm_raddr;
  wire [R*VB*D-1:0] vm_rdata;
  wire              idle;
  wire [NKW-1:0]    nkeys;
  wire [15:0]       exp_mul;    // HAD = 0
  wire [5:0]        exp_shift;  // HAD = 0
  wire              etab_we;    // HAD
  wire [XW-1:0]     etab_addr;  // HAD: a word of E entries
  wire [E*WW-1:0]   etab_data;  // HAD
  wire              ld_we;
  wire [IW-1:0]     ld_idx;
  wire [LNW-1:0]    ld_lane;
  wire [GW-1:0]     ld_row;
  wire              s_en, s_issue;
  wire [GW-1:0]     s_row;
  wire [KW-1:0]     p1_q;
  wire              p2_v, p2_first, p2_last;
  wire [IW-1:0]     p2_index;
  wire [P-1:0]      lane_ok;
  wire              p2_bank;  // the score-memory bank and row (counting selector)
  wire [GW-1:0]     p2_row;
  wire              sel_full, sel_take, sel_idle;  // the selector's result is held / released
  wire              sel_hold;                      // the selector takes no row (two-stage)
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
    .EXP(HAD != 0 ? 0 : 1),
    .ETAB(HAD != 0 ? 1 : 0),
    .ETAB_SHADOW(ETAB_SHADOW),
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
    .etab_we_o    (etab_we),
    .etab_addr_o  (etab_addr),
    .etab_data_o  (etab_data),
    .ld_we_o      (ld_we),
    .ld_idx_o     (ld_idx),
    .ld_lane_o    (ld_lane),
    .ld_row_o     (ld_row)
  );

  // ---- score stage: one row of P keys per cycle --------------------------------
  hg_score_stage #(
    .P(P),
    .L(L),
    .KW(KW),
    .BANKED(SEL == 2 ? 1 : 0)
  ) u_stage (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .q_valid_i    (q_valid_i),
    .q_ready_o    (q_ready_o),
    .q_data_i     (q_data_i),
    .cfg_valid_i  (cfg_wait),
    .kv_valid_i   (kv_valid_i),
    .nkeys_i      (nkeys),
    .s_full_i     (sel_full),
    .s_take_i     (sel_take),
    .s_hold_i     (sel_hold),
    .down_idle_i  (sel_idle && !list_valid && av_idle && norm_idle),
    .en_o         (s_en),
    .issue_o      (s_issue),
    .row_o        (s_row),
    .p1_q_o       (p1_q),
    .p2_v_o       (p2_v),
    .p2_first_o   (p2_first),
    .p2_last_o    (p2_last),
    .p2_index_o   (p2_index),
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

  hg_score_array #(.P(P), .D(D), .HAD(HAD), .SW(SW)) u_score (
    .clk_i (clk_i),
    .en_i  (s_en),
    .q_i   (p1_q),
    .k_i   (k_row),
    .s_o   (scores)
  );

  // ---- top-N selection: one of four selectors of the same function ----------------
  // (the blocks are named apart: a hierarchical reference, as the simulation probes make,
  // then names the one that exists). The streaming selectors merge each row as it is scored
  // and publish the list after the last one; the score stage holds a query's last row while
  // the list is still held (the two-stage one: or while the last row before it waits between
  // its stages, to be published in the next cycle). The counting selector stores the query's counts and places the
  // kept keys in a second pass, in key order, with the list's largest count beside it; the
  // score stage holds the last row while the counts of the previous query are still held (not
  // yet read by the second pass).
  generate
    if (SEL != 2) begin : g_stream
      assign list_smax = list_s[0 +: SW];  // best first
      /* verilator lint_off UNUSEDSIGNAL */
      wire unused_bank = p2_bank;  // the score-memory bank and row: the counting selector's
      wire [GW-1:0] unused_row = p2_row;
      /* verilator lint_on UNUSEDSIGNAL */
    end
    if (SEL == 0) begin : g_merge
      hg_topn #(.N(N), .P(P), .SW(SW), .SIGNED(HAD != 0 ? 0 : 1), .IW(IW)) u_topn (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .en_i         (s_en),
        .in_valid_i   (p2_v),
        .first_i      (p2_first),
        .last_i       (p2_last),
        .lane_valid_i (lane_ok),
        .s_i          (scores),
        .base_i       (p2_index),
        .take_i       (list_take),
        .out_valid_o  (list_valid),
        .out_v_o      (list_v),
        .out_s_o      (list_s),
        .out_idx_o    (list_idx)
      );
      assign sel_full = list_valid;
      assign sel_take = list_take;
      assign sel_hold = 1'b0;
      assign sel_idle = 1'b1;
    end
    if (SEL == 1 || SEL == 3) begin : g_bitonic
      wire busy, hold;  // a row is between the two-stage selector's stages, and waits there
      hg_topn_bitonic #(
        .N(N), .P(P), .SW(SW), .SIGNED(HAD != 0 ? 0 : 1), .IW(IW), .PIPE(SEL == 3 ? 1 : 0),
        .SORT_CUT(SORT_CUT)
      ) u_topn (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .en_i         (s_en),
        .in_valid_i   (p2_v),
        .first_i      (p2_first),
        .last_i       (p2_last),
        .lane_valid_i (lane_ok),
        .s_i          (scores),
        .base_i       (p2_index),
        .take_i       (list_take),
        .out_valid_o  (list_valid),
        .out_v_o      (list_v),
        .out_s_o      (list_s),
        .out_idx_o    (list_idx),
        .busy_o       (busy),
        .hold_o       (hold)
      );
      // one stage: the last row waits in the score stage while the list is held; two: in
      // the selector's register, and the score stage's row behind it too
      assign sel_full = SEL == 1 ? list_valid : 1'b0;
      assign sel_take = list_take;
      assign sel_hold = hold;
      assign sel_idle = !busy;
    end
    // (separate ifs, not an else-if chain: Yosys names the blocks of a chain genblk<n>)
    if (SEL == 2) begin : g_count
      localparam CW  = $clog2(N + 1);
      localparam SAW = G > 1 ? GW + 1 : 1;  // score memory address: bank * G + row
      wire              sc_v, sc_bank, list_take_sc;  // counts held, their bank, released
      wire [SW-1:0]     sc_thr, sc_smax;  // threshold level, largest count
      wire [CW-1:0]     sc_quota;         // keys of the threshold level kept
      wire              sm_we, sm_re;
      wire [SAW-1:0]    sm_waddr, sm_raddr;
      wire [P*SW-1:0]   sm_rdata;
      wire              place_idle;
      /* verilator lint_off UNUSEDSIGNAL */
      wire [IW-1:0]     unused_index = p2_index;  // the second pass numbers the keys itself
      /* verilator lint_on UNUSEDSIGNAL */
      assign sel_full = sc_v;
      assign sel_take = list_take_sc;
      assign sel_hold = 1'b0;
      assign sel_idle = !sc_v && place_idle;
      hg_topn_scan #(.N(N), .P(P), .G(G), .D(D), .SW(SW)) u_scan (
        .clk_i      (clk_i),
        .rst_ni     (rst_ni),
        .en_i       (s_en),
        .p2_v_i     (p2_v),
        .p2_first_i (p2_first),
        .p2_last_i  (p2_last),
        .p2_bank_i  (p2_bank),
        .p2_row_i   (p2_row),
        .scores_i   (scores),
        .lane_ok_i  (lane_ok),
        .sc_take_i  (list_take_sc),
        .sc_v_o     (sc_v),
        .sc_bank_o  (sc_bank),
        .sc_thr_o   (sc_thr),
        .sc_quota_o (sc_quota),
        .sc_smax_o  (sc_smax),
        .sm_we_o    (sm_we),
        .sm_waddr_o (sm_waddr)
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
      hg_topn_place #(.N(N), .P(P), .G(G), .L(L), .D(D), .SW(SW), .IW(IW)) u_topn (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .nkeys_i     (nkeys),
        .sc_valid_i  (sc_v),
        .sc_bank_i   (sc_bank),
        .sc_thr_i    (sc_thr),
        .sc_quota_i  (sc_quota),
        .sc_smax_i   (sc_smax),
        .sc_take_o   (list_take_sc),
        .sm_re_o     (sm_re),
        .sm_raddr_o  (sm_raddr),
        .sm_rdata_i  (sm_rdata),
        .take_i      (list_take),
        .out_valid_o (list_valid),
        .out_v_o     (list_v),
        .out_s_o     (list_s),
        .out_idx_o   (list_idx),
        .out_smax_o  (list_smax),
        .idle_o      (place_idle)
      );
    end
  endgenerate

  // ---- AV and V memory -----------------------------------------------------------
  hg_mem_flat #(.WORDS(L), .W(VB*D), .RP(R), .WL(LW)) u_vmem (
    .clk_i   (clk_i),
    .we_i    (ld_we),
    .waddr_i (ld_idx),
    .wdata_i (kv_v_i),
    .re_i    (vm_re),
    .raddr_i (vm_raddr),
    .rdata_o (vm_rdata)
  );

  hg_av_topn #(.D(D), .N(N), .R(R), .SW(SW), .IW(IW), .HAD(HAD), .WB(WB), .E(E), .FB(FB), .VB(VB), .ACCW(ACCW), .WSW(WSW),
               .SHADOW(ETAB_SHADOW), .FAN(FAN)) u_av (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .list_valid_i (list_valid),
    .list_v_i     (list_v),
    .list_s_i     (list_s),
    .list_idx_i   (list_idx),
    .list_smax_i  (list_smax),
    .list_take_o  (list_take),
    .etab_we_i    (etab_we),
    .etab_addr_i  (etab_addr),
    .etab_data_i  (etab_data),
    .exp_mul_i    (exp_mul),
    .exp_shift_i  (exp_shift),
    .vm_re_o      (vm_re),
    .vm_raddr_o   (vm_raddr),
    .vm_rdata_i   (vm_rdata),
    .out_valid_o  (av_valid),
    .out_ready_i  (av_ready),
    .acc_o        (av_acc),
    .wsum_o       (av_wsum),
    .idle_o       (av_idle)
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
