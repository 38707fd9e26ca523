// hg_topn_place — the second pass of the counting top-N selector (HAD): place the kept keys.
//
// A query's match counts wait in one bank of the double-buffered score memory (hg_topn_scan
// wrote them, G rows of P), with above[v], the number of its keys with a count above v
// (saturated at N). In the sorted list of docs/spec.md (higher count first, equal counts by
// lower key index) the keys of level v take the places above[v], above[v] + 1, ... in key
// order, so a counting sort over the keys in index order places them: one pointer per level,
// ptr[v], starts at above[v] (ptr[D] at 0); a key of count m goes to place ptr[m] plus the
// number of earlier lanes of its row with the same count, and is kept if that place is below
// N; each ptr[v] then advances by the row's keys of level v (saturating at N). The list comes
// out exactly as the merging selectors return it.
//
// A row a cycle is read (sm_*); one cycle later its counts arrive and are placed into the
// working list. The bank is released after the read of its last row, and the pointers of the
// next query start with its first read, while the last row of this one is being placed. After
// the last row the list is published (out_*) until the consumer takes it (take_i); a finished
// list that cannot be published yet holds this block (no reads) until it can.
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
  input  wire [D*$clog2(N+1)-1:0]         sc_above_i,   // above[v] at [v*CW +: CW], v = 0..D-1
  output wire                             sc_take_o,    // bank fully read (released)
  output wire                             sm_re_o,      // score memory read
  output wire [(G > 1 ? $clog2(G) : 0):0] sm_raddr_o,   // score memory row: bank * G + row
  input  wire [P*SW-1:0]                  sm_rdata_i,   // P counts, one cycle after the read
  input  wire                             take_i,       // consumer releases the published list
  output reg                              out_valid_o,  // published list valid
  output reg  [N-1:0]                     out_v_o,      // entry valid (a prefix)
  output reg  [N*SW-1:0]                  out_s_o,      // entry counts, best first
  output reg  [N*IW-1:0]                  out_idx_o,    // entry key indices
  output wire                             idle_o        // no row in flight
);

  localparam GW  = G > 1 ? $clog2(G) : 1;  // row address width
  localparam NKW = $clog2(L + 1);          // key count width
  localparam BW  = $clog2(L + P + 1);      // key base width (at least NKW)
  localparam CW  = $clog2(N + 1);          // a pointer, 0..N
  localparam PW  = $clog2(N + P + 1);      // a place: pointer plus earlier lanes
  localparam integer P_I = P;
  localparam integer N_I = N;
  localparam [BW-1:0] P_B = P_I[BW-1:0];
  localparam [PW-1:0] N_P = N_I[PW-1:0];
  localparam [PW-1:0] ONE = 1;

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
  reg           b0_v, b0_last;
  reg  [BW-1:0] b0_base;
  // hold while the finished list waits for the consumer
  wire en      = !(b0_v && b0_last && out_valid_o && !take_i);
  wire rd      = sc_valid_i && en;
  wire rd_last = rd && (base_q + P_B >= nk);
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

  // ---- place: the row's counts arrive ---------------------------------------------------
  reg [(D+1)*CW-1:0] ptr_q;  // ptr[v] at [v*CW +: CW], v = 0..D
  reg [(D+1)*CW-1:0] ptr_d;  // ... after this row
  reg [N-1:0]        w_v;    // working list: entry valid
  reg [N*SW-1:0]     w_s;
  reg [N*IW-1:0]     w_idx;
  reg [N-1:0]        m_v;    // the working list with this row placed
  reg [N*SW-1:0]     m_s;
  reg [N*IW-1:0]     m_idx;
  always @* begin : place
    integer j, k, v, e;
    reg [P-1:0]    ok;
    reg [P*PW-1:0] pos;
    reg [PW-1:0]   a;
    reg [BW-1:0]   key;
    for (j = 0; j < P; j = j + 1) begin
      key = b0_base + j[BW-1:0];
      ok[j] = b0_v && (key < nk);
    end
    // place of each lane: its level's pointer plus the earlier lanes of the same level
    for (j = 0; j < P; j = j + 1) begin
      a = {PW{1'b0}};
      for (v = 0; v <= D; v = v + 1)
        if (sm_rdata_i[j*SW +: SW] == v[SW-1:0]) a = {{(PW-CW){1'b0}}, ptr_q[v*CW +: CW]};
      for (k = 0; k < j; k = k + 1)
        if (ok[k] && sm_rdata_i[k*SW +: SW] == sm_rdata_i[j*SW +: SW]) a = a + ONE;
      pos[j*PW +: PW] = a;
    end
    // each pointer advances by the row's keys of its level
    for (v = 0; v <= D; v = v + 1) begin
      a = {{(PW-CW){1'b0}}, ptr_q[v*CW +: CW]};
      for (j = 0; j < P; j = j + 1)
        if (ok[j] && sm_rdata_i[j*SW +: SW] == v[SW-1:0]) a = a + ONE;
      ptr_d[v*CW +: CW] = a > N_P ? N_P[CW-1:0] : a[CW-1:0];
    end
    // each place below N takes its key
    m_v = w_v;
    m_s = w_s;
    m_idx = w_idx;
    for (e = 0; e < N; e = e + 1)
      for (j = 0; j < P; j = j + 1)
        if (ok[j] && pos[j*PW +: PW] == e[PW-1:0]) begin
          key = b0_base + j[BW-1:0];
          m_v[e] = 1'b1;
          m_s[e*SW +: SW] = sm_rdata_i[j*SW +: SW];
          m_idx[e*IW +: IW] = key[IW-1:0];
        end
  end

  // the pointers of a query's first row: above[v] for v < D, 0 for the top level
  wire [(D+1)*CW-1:0] ptr_init = {{CW{1'b0}}, sc_above_i};

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      row_q       <= {GW{1'b0}};
      base_q      <= {BW{1'b0}};
      b0_v        <= 1'b0;
      w_v         <= {N{1'b0}};
      out_valid_o <= 1'b0;
    end else begin
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
    if (en) begin
      b0_last <= rd_last;
      b0_base <= base_q;
      if (rd_first) ptr_q <= ptr_init;
      else if (b0_v) ptr_q <= ptr_d;
      if (b0_v) begin
        w_s   <= m_s;
        w_idx <= m_idx;
        if (b0_last) begin
          out_v_o   <= m_v;
          out_s_o   <= m_s;
          out_idx_o <= m_idx;
        end
      end
    end

endmodule

`default_nettype wire
