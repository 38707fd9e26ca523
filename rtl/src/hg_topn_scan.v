// hg_topn_scan — the first pass of the counting top-N selector (HAD): count, store.
//
// HAD's match counts take only D + 1 values, so which keys of a query are kept follows from how
// many keys lie above each level. While the score stage streams a query's rows, this block
// writes each row of P counts to the query's bank of the double-buffered score memory (bank b
// at rows b*G .. b*G + G - 1, hg_bank_addr) and counts, for every level v = 0 .. D-1, the
// query's keys with a count above v: above[v], saturated at N (past N no key of level v is
// kept, so the exact figure is not needed), and all its keys, saturated at N (n_sel): a
// thermometer code of each lane's count summed over the lanes, D + 1 adders of P one-bit
// inputs, no comparison between keys. After the last row it hands the second pass
// (hg_topn_place) three figures, for the list of docs/spec.md (the n_sel = min(N, n_k) keys of
// the largest counts, equal counts by lower key index):
//   thr   the threshold level: every key above it is kept, and no key below it. above[] falls
//         with v, so thr = the number of levels with above[v] = N;
//   quota how many keys of level thr are kept, the first in key order: n_sel - above[thr]
//         (above[D] = 0);
//   smax  the largest count of the query: the number of levels with above[v] > 0.
// The three figures are computed from the running counts in the cycle after the query's last
// row (a comparison per level; where each prefix ends, as a one-hot flag, OR-encoded; the count
// at the threshold, an OR of the flagged level's) and registered at its end, the edge at which
// the next query's first row may replace the counts: no copy of the counts is kept. The
// figures, and the query's bank, are then held until the second pass releases them (sc_take_i;
// the score stage does not finish another query meanwhile). They are valid from the second
// cycle of sc_v_o, when the second pass, which reads its first row in the first, needs them.
// Neither the rows' additions nor the second pass's choices share a path with them.
`default_nettype none

module hg_topn_scan #(
  parameter N  = 16,  // entries kept
  parameter P  = 8,   // lanes: counts a row
  parameter G  = 16,  // rows per score bank
  parameter D  = 32,  // head dimension: counts are 0..D
  parameter SW = 6    // count width: $clog2(D + 1)
) (
  input  wire                               clk_i,       // clock
  input  wire                               rst_ni,      // synchronous reset, active low
  input  wire                               en_i,        // score-stage enable
  input  wire                               p2_v_i,      // p2 holds a row's counts
  input  wire                               p2_first_i,  // ... the first row of its query
  input  wire                               p2_last_i,   // ... the last row of its query
  input  wire                               p2_bank_i,   // ... in this bank
  input  wire [(G > 1 ? $clog2(G) : 1)-1:0] p2_row_i,    // ... as this row
  input  wire [P*SW-1:0]                    scores_i,    // the row's counts, lane j at [j*SW +: SW]
  input  wire [P-1:0]                       lane_ok_i,   // lane j is a real key
  input  wire                               sc_take_i,   // the second pass releases the held bank
  output reg                                sc_v_o,      // a query's counts are complete
  output reg                                sc_bank_o,   // ... in this bank
  output reg  [SW-1:0]                      sc_thr_o,    // ... its threshold level
  output reg  [$clog2(N+1)-1:0]             sc_quota_o,  // ... keys of that level kept (first ones)
  output reg  [SW-1:0]                      sc_smax_o,   // ... its largest count (all three from
                                                         //     the second cycle of sc_v_o)
  output wire                               sm_we_o,     // score memory write
  output wire [(G > 1 ? $clog2(G) : 0):0]   sm_waddr_o   // its row: bank * G + row
);

  localparam CW = $clog2(N + 1);      // a saturated count, 0..N
  localparam AW = $clog2(N + P + 1);  // a count plus one row's keys

  generate
    if (N < 1 || P < 1 || G < 1 || D < 1) begin : g_check_sizes
      hg_error_parameters_n_p_g_d_must_be_at_least_1 u_error ();
    end
    if (SW != $clog2(D + 1)) begin : g_check_sw
      hg_error_parameter_sw_must_be_clog2_d_plus_1 u_error ();
    end
  endgenerate

  localparam integer N_I = N;
  localparam [AW-1:0] N_A = N_I[AW-1:0];
  localparam [AW-1:0] ONE = 1;

  reg  [D*CW-1:0] above_q;  // the running counts of the query
  reg  [CW-1:0]   all_q;    // ... of all its keys
  reg  [D*CW-1:0] above_d;  // ... with this row added
  reg  [CW-1:0]   all_d;
  // A count loads only when it can change: with a query's first row, or while it is below N
  // and the row has a key above its level. Saturated levels and levels above the row's counts
  // keep their value with their clock gate shut.
  reg  [D-1:0]    above_ld;
  reg             all_ld;
  always @* begin : count
    integer v, j;
    reg [AW-1:0] a;
    reg          hit;
    a = p2_first_i ? {AW{1'b0}} : {{(AW-CW){1'b0}}, all_q};
    for (j = 0; j < P; j = j + 1)
      if (lane_ok_i[j]) a = a + ONE;
    all_d  = a > N_A ? N_A[CW-1:0] : a[CW-1:0];
    all_ld = p2_first_i || all_q != N_A[CW-1:0];
    for (v = 0; v < D; v = v + 1) begin
      a = p2_first_i ? {AW{1'b0}} : {{(AW-CW){1'b0}}, above_q[v*CW +: CW]};
      hit = 1'b0;
      for (j = 0; j < P; j = j + 1)
        if (lane_ok_i[j] && scores_i[j*SW +: SW] > v[SW-1:0]) begin
          a   = a + ONE;
          hit = 1'b1;
        end
      above_d[v*CW +: CW] = a > N_A ? N_A[CW-1:0] : a[CW-1:0];
      above_ld[v] = p2_first_i || (hit && above_q[v*CW +: CW] != N_A[CW-1:0]);
    end
  end

  // the figures of the second pass, from the counts of a finished query (the cycle after its
  // last row: fig_ld)
  reg            fig_ld;
  reg [SW-1:0]   thr, smax;
  reg [CW-1:0]   quota;
  // above[] falls with v, so the levels with above[v] = N, and those with above[v] > 0, are
  // prefixes: each figure is where its prefix ends, found as a one-hot flag (the level whose
  // predecessor is in the prefix and which is not) and encoded by OR trees, not counted.
  always @* begin : figures
    integer v;
    reg [D:0] sat, pos;  // level v: above[v] = N, above[v] > 0 (level D: neither)
    reg [CW-1:0] at;
    reg in_sat, in_pos;  // the level before is in the prefix (level -1 is in both)
    for (v = 0; v < D; v = v + 1) begin
      sat[v] = above_q[v*CW +: CW] == N_A[CW-1:0];
      pos[v] = above_q[v*CW +: CW] != {CW{1'b0}};
    end
    sat[D] = 1'b0;
    pos[D] = 1'b0;
    thr = {SW{1'b0}};
    smax = {SW{1'b0}};
    at = {CW{1'b0}};
    in_sat = 1'b1;
    in_pos = 1'b1;
    for (v = 0; v <= D; v = v + 1) begin
      if (in_sat && !sat[v]) begin
        thr = thr | v[SW-1:0];
        if (v < D) at = at | above_q[v*CW +: CW];
      end
      if (in_pos && !pos[v]) smax = smax | v[SW-1:0];
      in_sat = sat[v];
      in_pos = pos[v];
    end
    quota = all_q - at;
  end
  always @(posedge clk_i)
    if (fig_ld) begin
      sc_thr_o   <= thr;
      sc_quota_o <= quota;
      sc_smax_o  <= smax;
    end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      sc_v_o <= 1'b0;
      fig_ld <= 1'b0;
    end else begin
      if (en_i && p2_v_i && p2_last_i) sc_v_o <= 1'b1;
      else if (sc_take_i) sc_v_o <= 1'b0;
      fig_ld <= en_i && p2_v_i && p2_last_i;
    end
  end
  always @(posedge clk_i) begin : load
    integer v;
    if (en_i && p2_v_i) begin
      for (v = 0; v < D; v = v + 1)
        if (above_ld[v]) above_q[v*CW +: CW] <= above_d[v*CW +: CW];
      if (all_ld) all_q <= all_d;
      if (p2_last_i) sc_bank_o <= p2_bank_i;
    end
  end

  assign sm_we_o = en_i && p2_v_i;
  hg_bank_addr #(
    .G(G)
  ) u_waddr (
    .bank_i (p2_bank_i),
    .row_i  (p2_row_i),
    .addr_o (sm_waddr_o)
  );

endmodule

`default_nettype wire
