// hg_topn_place — the second pass of the counting top-N selector (HAD): pick the kept keys.
//
// A query's match counts wait in one bank of the double-buffered score memory (hg_topn_scan
// wrote them, G rows of P), with its threshold level thr, quota and largest count smax. The
// kept keys are those above thr and the first `quota` keys of level thr in key order (the tie
// rule of docs/spec.md), so one pass over the keys in index order picks them: a key of count m
// is kept if m > thr, or if m = thr and fewer than the remaining quota of its level came
// before it in the query; a kept key takes the next free entry of the list. No key is compared
// with another: the list comes out in key order, and holds exactly the keys the merging
// selectors keep, so the AV unit's sums are the same; smax goes with the list (the AV unit's
// s_max, which a sorted list has in entry 0).
//
// A row a cycle is read (sm_*); one cycle later its counts arrive and are picked into the
// working list. Each lane is flagged above (gt) or at (eq) the threshold, and prefix sums over
// the lanes (a Sklansky network, log2 P levels) count the gt and eq lanes up to each one. With
// gtb, eqb those counts before lane j, lane j is kept if gt, or if eq and eqb < quota (the
// quota left for the row), and its rank among the row's kept keys is gtb + min(eqb, quota):
// gtb + eqb while the quota lasts, gtb + quota after. Entry e of the list takes the kept lane
// of rank e - fill (fill: the entries earlier rows took), an OR over the lanes, since at most
// one matches. (No count runs from lane to lane: the path grows with log2 P, not P.)
//
// The bank is released after the read of its last row. The figures are read when the query's
// first row arrives (the first pass registers them a cycle after it offers the counts, and
// keeps them until the edge that ends that cycle: it cannot offer the next query's before this
// one's first read) and kept for its other rows, and for the first row itself while it waits
// (a one-row query whose list cannot be published yet). After the last row the list is
// published (out_*) until the consumer takes it (take_i); a finished list that cannot be
// published yet holds this block (no reads) until it can.
`default_nettype none

module hg_topn_place #(
  parameter N  = 16,   // entries kept
  parameter P  = 8,    // keys a row
  parameter G  = 16,   // rows per score bank: ceil(L / P)
  parameter L  = 128,  // most keys
  parameter D  = 32,   // head dimension: counts are 0..D
  parameter SW = 6,    // count width: $clog2(D + 1)
  parameter IW = 7     // key index width
) (
  input  wire                             clk_i,        // clock
  input  wire                             rst_ni,       // synchronous reset, active low
  input  wire [$clog2(L+1)-1:0]           nkeys_i,      // keys per query, 1..L
  input  wire                             sc_valid_i,   // a query's counts are complete in bank sc_bank_i
  input  wire                             sc_bank_i,    // score memory bank
  input  wire [SW-1:0]                    sc_thr_i,     // threshold level
  input  wire [$clog2(N+1)-1:0]           sc_quota_i,   // keys of that level kept (the first ones)
  input  wire [SW-1:0]                    sc_smax_i,    // largest count
  output wire                             sc_take_o,    // bank fully read (released)
  output wire                             sm_re_o,      // score memory read
  output wire [(G > 1 ? $clog2(G) : 0):0] sm_raddr_o,   // score memory row: bank * G + row
  input  wire [P*SW-1:0]                  sm_rdata_i,   // P counts, one cycle after the read
  input  wire                             take_i,       // consumer releases the published list
  output reg                              out_valid_o,  // published list valid
  output reg  [N-1:0]                     out_v_o,      // entry valid (a prefix)
  output reg  [N*SW-1:0]                  out_s_o,      // entry counts, in key order
  output reg  [N*IW-1:0]                  out_idx_o,    // entry key indices, ascending
  output reg  [SW-1:0]                    out_smax_o,   // the largest count
  output wire                             idle_o        // no row in flight
);

  localparam GW  = G > 1 ? $clog2(G) : 1;  // row address width
  localparam NKW = $clog2(L + 1);          // key count width
  localparam BW  = $clog2(L + P + 1);      // key base width (at least NKW)
  localparam CW  = $clog2(N + 1);          // a count of kept keys, 0..N
  localparam PW  = $clog2(P + 1);          // a count of a row's lanes, 0..P
  localparam KW  = $clog2(N + P + 1);      // ... plus one row's
  localparam integer P_I = P;
  localparam [BW-1:0] P_B = P_I[BW-1:0];

  generate
    if (N < 1 || P < 1 || G < 1 || L < 1 || D < 1 || IW < 1) begin : g_check_sizes
      hg_error_parameters_n_p_g_l_d_iw_must_be_at_least_1 u_error ();
    end
    if (G * P < L) begin : g_check_rows
      hg_error_parameter_g_rows_of_p_must_hold_l_keys u_error ();
    end
    if (SW != $clog2(D + 1)) begin : g_check_sw
      hg_error_parameter_sw_must_be_clog2_d_plus_1 u_error ();
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

  // ---- read: a row a cycle ------------------------------------------------------------
  reg  [GW-1:0] row_q;
  reg  [BW-1:0] base_q;
  reg           b0_v, b0_first, b0_last;
  reg           b0_held;  // b0 waited a cycle already (its figures are kept)
  reg  [BW-1:0] b0_base;
  // hold while the finished list waits for the consumer
  wire en       = !(b0_v && b0_last && out_valid_o && !take_i);
  wire rd       = sc_valid_i && en;
  wire rd_last  = rd && (base_q + P_B >= nk);
  wire rd_first = rd && (row_q == {GW{1'b0}});
  assign sc_take_o = rd_last;
  assign sm_re_o   = rd;
  assign idle_o    = !b0_v;
  hg_bank_addr #(
    .G(G)
  ) u_raddr (
    .bank_i (sc_bank_i),
    .row_i  (row_q),
    .addr_o (sm_raddr_o)
  );

  // ---- pick: the row's counts arrive --------------------------------------------------
  reg [SW-1:0] thr_q, smax_q;  // the query's figures, from its second row on
  reg [CW-1:0] quota_q;        // keys of level thr still to keep
  reg [CW-1:0] fill_q;         // list entries filled
  wire          fresh = b0_first && !b0_held;  // the figures come from the first pass
  wire [SW-1:0] thr   = fresh ? sc_thr_i : thr_q;  // this row's
  wire [SW-1:0] smax  = fresh ? sc_smax_i : smax_q;
  wire [CW-1:0] quota = fresh ? sc_quota_i : quota_q;
  wire [CW-1:0] fill  = fresh ? {CW{1'b0}} : fill_q;
  reg [N-1:0]    w_v;          // working list
  reg [N*SW-1:0] w_s;
  reg [N*IW-1:0] w_idx;
  reg [N-1:0]    m_v;          // the working list with this row's keys
  reg [N*SW-1:0] m_s;
  reg [N*IW-1:0] m_idx;
  reg [N-1:0]    m_wr;         // entry e takes a key of this row
  reg [CW-1:0]   quota_d, fill_d;
  always @* begin : pick
    integer j, e, b, lv;
    reg [BW-1:0]   key;
    reg [P-1:0]    gt, eq, kept, sel, col;
    reg [P*PW-1:0] gti, eqi;      // inclusive prefix counts of gt and eq lanes
    reg [(P+1)*KW-1:0] rk;        // each lane's rank among the row's kept keys; [P]: their number
    reg [P*IW-1:0] idx;
    reg [KW-1:0]   qk, gtb, eqb, at;
    reg [CW-1:0]   used;          // the quota the row uses: min(eq lanes, quota)
    for (j = 0; j < P; j = j + 1) begin
      key = b0_base + j[BW-1:0];
      gt[j] = b0_v && key < nk && sm_rdata_i[j*SW +: SW] > thr;
      eq[j] = b0_v && key < nk && sm_rdata_i[j*SW +: SW] == thr;
      gti[j*PW +: PW] = {{(PW-1){1'b0}}, gt[j]};
      eqi[j*PW +: PW] = {{(PW-1){1'b0}}, eq[j]};
      idx[j*IW +: IW] = key[IW-1:0];
    end
    // Sklansky prefix sums: at level lv, every lane of the upper half of a block of 2^(lv+1)
    // lanes adds the last lane of the lower half
    for (lv = 0; (1 << lv) < P; lv = lv + 1)
      for (j = 0; j < P; j = j + 1)
        if ((j >> lv) % 2 == 1) begin
          gti[j*PW +: PW] = gti[j*PW +: PW] + gti[(((j >> lv) << lv) - 1)*PW +: PW];
          eqi[j*PW +: PW] = eqi[j*PW +: PW] + eqi[(((j >> lv) << lv) - 1)*PW +: PW];
        end
    // rank of lane j: the gt and eq lanes before it, gtb + min(eqb, quota) (the two sums
    // side by side, the comparison choosing); j = P: the row's kept keys and its eq lanes
    qk = {{(KW-CW){1'b0}}, quota};
    for (j = 0; j <= P; j = j + 1) begin
      gtb = j > 0 ? {{(KW-PW){1'b0}}, gti[(j-1)*PW +: PW]} : {KW{1'b0}};
      eqb = j > 0 ? {{(KW-PW){1'b0}}, eqi[(j-1)*PW +: PW]} : {KW{1'b0}};
      rk[j*KW +: KW] = eqb < qk ? gtb + eqb : gtb + qk;
      if (j < P) kept[j] = gt[j] || (eq[j] && eqb < qk);
    end
    used = eqb < qk ? eqb[CW-1:0] : quota;  // eqb: the row's eq lanes (j = P)
    // entry e takes the kept lane of rank e - fill (at most one: the kept lanes' ranks differ)
    for (e = 0; e < N; e = e + 1) begin
      at = e[KW-1:0] - {{(KW-CW){1'b0}}, fill};
      for (j = 0; j < P; j = j + 1) sel[j] = kept[j] && rk[j*KW +: KW] == at;
      m_v[e] = w_v[e] || |sel;
      m_wr[e] = |sel;
      for (b = 0; b < SW; b = b + 1) begin
        for (j = 0; j < P; j = j + 1) col[j] = sm_rdata_i[j*SW + b];
        m_s[e*SW + b] = |sel ? |(sel & col) : w_s[e*SW + b];
      end
      for (b = 0; b < IW; b = b + 1) begin
        for (j = 0; j < P; j = j + 1) col[j] = idx[j*IW + b];
        m_idx[e*IW + b] = |sel ? |(sel & col) : w_idx[e*IW + b];
      end
    end
    // (the kept keys of a query are n_sel <= N: no figure leaves its range)
    quota_d = quota - used;
    fill_d = fill + rk[P*KW +: CW];
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      row_q       <= {GW{1'b0}};
      base_q      <= {BW{1'b0}};
      b0_v        <= 1'b0;
      b0_held     <= 1'b0;
      w_v         <= {N{1'b0}};
      out_valid_o <= 1'b0;
    end else begin
      b0_held <= b0_v && !en;
      if (en) begin
        b0_v <= rd;
        if (rd) begin
          row_q  <= rd_last ? {GW{1'b0}} : row_q + 1'b1;
          base_q <= rd_last ? {BW{1'b0}} : base_q + P_B;
        end
        if (b0_v) w_v <= b0_last ? {N{1'b0}} : m_v;
      end
      if (en && b0_v && b0_last) out_valid_o <= 1'b1;
      else if (take_i) out_valid_o <= 1'b0;
    end
  end

  always @(posedge clk_i)
    if (!en) begin
      if (b0_v && fresh) begin  // a first row waits: keep its figures
        thr_q   <= thr;
        smax_q  <= smax;
        quota_q <= quota;
        fill_q  <= fill;
      end
    end else begin
      b0_first <= rd_first;
      b0_last  <= rd_last;
      b0_base  <= base_q;
      if (b0_v) begin
        thr_q   <= thr;
        smax_q  <= smax;
        quota_q <= quota_d;
        fill_q  <= fill_d;
        if (b0_last) begin
          out_v_o    <= m_v;
          out_s_o    <= m_s;
          out_idx_o  <= m_idx;
          out_smax_o <= smax;
        end
      end
    end

  // an entry of the working list loads only in the row a key lands in it, once a query: each
  // entry has its own load enable (a clock gate of its own)
  always @(posedge clk_i) begin : write
    integer e;
    for (e = 0; e < N; e = e + 1)
      if (en && b0_v && m_wr[e]) begin
        w_s[e*SW +: SW]   <= m_s[e*SW +: SW];
        w_idx[e*IW +: IW] <= m_idx[e*IW +: IW];
      end
  end

endmodule

`default_nettype wire
