// hg_score_stage — the score stage of a core: one row of P keys issued a cycle.
//
// A query taken on the q stream is issued row by row (issue: the K memory row is read; p1:
// the lanes score it; p2: the scores are presented downstream) until its n_k keys are
// covered; the next query is taken in the cycle of the last issue. The stage stalls (en_o
// low) while its last row waits in p2 for a downstream result that is still held (s_full_i
// and not s_take_i), and while any row waits in p2 for a selector that takes none (s_hold_i:
// the two-stage selector's register is held). Queries are not taken while a configuration write
// that waits for the idle core (every one but a shadow exp-table word, hg_cfg_load) or a K/V pair
// is offered. BANKED (the baseline) also carries the score-memory bank of each query, which
// alternates, and the row in p2.
`default_nettype none

module hg_score_stage #(
  parameter P      = 8,    // lanes: keys a row
  parameter L      = 128,  // most keys
  parameter KW     = 32,   // bits per query
  parameter BANKED = 0     // 1: the score-memory bank and row of p2 (baseline)
) (
  input  wire                            clk_i,        // clock
  input  wire                            rst_ni,       // synchronous reset, active low
  input  wire                            q_valid_i,    // query
  output wire                            q_ready_o,    // query taken
  input  wire [KW-1:0]                   q_data_i,     // the query
  input  wire                            cfg_valid_i,  // a configuration write that waits for idle is offered (hg_cfg_load cfg_wait_o)
  input  wire                            kv_valid_i,   // a K/V pair is offered
  input  wire [$clog2(L+1)-1:0]          nkeys_i,      // keys per query, 1..L
  input  wire                            s_full_i,     // the downstream result is still held
  input  wire                            s_take_i,     // ... and is released this cycle
  input  wire                            s_hold_i,     // the selector takes no row this cycle
  input  wire                            down_idle_i,  // nothing in flight downstream
  output wire                            en_o,         // stage enable
  output wire                            issue_o,      // a row is issued: read K row row_o
  output reg  [(L > P ? $clog2((L+P-1)/P) : 1)-1:0] row_o, // the row issued
  output reg  [KW-1:0]                   p1_q_o,       // the query the lanes score (loaded with its first row)
  output reg                             p2_v_o,       // p2 holds a row's scores
  output reg                             p2_first_o,   // ... the first row of its query
  output reg                             p2_last_o,    // ... the last row of its query
  output wire [(L > 1 ? $clog2(L) : 1)-1:0] p2_index_o, // key index of its lane 0 (0..L-1)
  output wire [P-1:0]                    lane_ok_o,    // lane j of the row in p2 is a real key
  output wire                            p2_bank_o,    // BANKED: score-memory bank of p2's query
  output wire [(L > P ? $clog2((L+P-1)/P) : 1)-1:0] p2_row_o, // BANKED: the row in p2
  output wire                            idle_o        // nothing in flight in the core
);

  localparam NKW = $clog2(L + 1);                   // key count width
  localparam BW  = $clog2(L + P + 1);                // key base width (at least NKW)
  localparam IW  = L > 1 ? $clog2(L) : 1;            // key index width
  localparam G   = (L + P - 1) / P;                  // rows
  localparam GW  = G > 1 ? $clog2(G) : 1;            // row address width
  localparam integer P_I = P;
  localparam [BW-1:0] P_B = P_I[BW-1:0];

  generate
    if (P < 1 || L < 1 || KW < 1) begin : g_check_sizes
      hg_error_parameters_p_l_kw_must_be_at_least_1 u_error ();
    end
  endgenerate

  wire [BW-1:0] nk;  // the key count, zero-extended
  generate
    if (BW > NKW) begin : g_nk_ext
      assign nk = {{(BW-NKW){1'b0}}, nkeys_i};
    end else begin : g_nk
      assign nk = nkeys_i;
    end
  endgenerate

  reg          s_run_q;   // a query is being issued
  reg [BW-1:0] s_base_q;  // index of the first key of the row issued
  reg [KW-1:0] q_cur_q;   // query being issued
  reg          p1_v_q, p1_first_q, p1_last_q;
  reg [BW-1:0] p1_base_q;
  reg [BW-1:0] p2_base_q;
  assign p2_index_o = p2_base_q[IW-1:0];
  assign en_o = !(p2_v_o && ((p2_last_o && s_full_i && !s_take_i) || s_hold_i));
  assign issue_o = s_run_q && en_o;
  wire row_last     = (s_base_q + P_B >= nk);
  wire s_issue_last = issue_o && row_last;
  assign q_ready_o  = en_o && (!s_run_q || s_issue_last) && !cfg_valid_i && !kv_valid_i;
  wire q_fire       = q_valid_i && q_ready_o;
  assign idle_o     = !s_run_q && !p1_v_q && !p2_v_o && down_idle_i;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      s_run_q <= 1'b0;
      p1_v_q  <= 1'b0;
      p2_v_o  <= 1'b0;
    end else if (en_o) begin
      p1_v_q <= issue_o;
      p2_v_o <= p1_v_q;
      if (q_fire) s_run_q <= 1'b1;
      else if (s_issue_last) s_run_q <= 1'b0;
    end
  end

  always @(posedge clk_i)
    if (en_o) begin
      if (q_fire) begin
        q_cur_q  <= q_data_i;
        s_base_q <= {BW{1'b0}};
        row_o    <= {GW{1'b0}};
      end else if (issue_o) begin
        s_base_q <= s_base_q + P_B;
        row_o    <= row_o + 1'b1;
      end
      p1_first_q <= (row_o == {GW{1'b0}});
      p1_last_q  <= row_last;
      p1_base_q  <= s_base_q;
      if (issue_o && row_o == {GW{1'b0}}) p1_q_o <= q_cur_q;  // held for the query's rows
      p2_first_o <= p1_first_q;
      p2_last_o  <= p1_last_q;
      p2_base_q  <= p1_base_q;
    end

  genvar j;
  generate
    for (j = 0; j < P; j = j + 1) begin : g_ok
      localparam integer J_I = j;
      localparam [BW-1:0] J = J_I[BW-1:0];
      assign lane_ok_o[j] = (p2_base_q + J < nk);
    end
    if (BANKED != 0) begin : g_banked
      reg s_bank_q, p1_bank_q, p2_bank_q;  // score-memory bank of the query
      always @(posedge clk_i)
        if (!rst_ni) s_bank_q <= 1'b0;
        else if (en_o && q_fire) s_bank_q <= ~s_bank_q;
      always @(posedge clk_i)
        if (en_o) begin
          p1_bank_q <= s_bank_q;
          p2_bank_q <= p1_bank_q;
        end
      assign p2_bank_o = p2_bank_q;
      if (G > 1) begin : g_rows
        reg [GW-1:0] p1_row_q, p2_row_q;
        always @(posedge clk_i)
          if (en_o) begin
            p1_row_q <= row_o;
            p2_row_q <= p1_row_q;
          end
        assign p2_row_o = p2_row_q;
      end else begin : g_one_row
        assign p2_row_o = {GW{1'b0}};
      end
    end else begin : g_unbanked
      assign p2_bank_o = 1'b0;
      assign p2_row_o  = {GW{1'b0}};
    end
  endgenerate

endmodule

`default_nettype wire
