// hg_topn — streaming top-N selector.
//
// Holds the N best (score, index) pairs seen so far, sorted best first, and merges P
// candidates per cycle. Order: higher score first; equal scores: lower key index first
// (held entries always have lower indices than new candidates, and lane j < lane j' within a
// group), the tie rule of docs/spec.md. On the last group of a query the merged list is
// published until the consumer takes it.
`default_nettype none

module hg_topn #(
  parameter N      = 32,  // entries kept
  parameter P      = 16,  // candidates per cycle
  parameter SW     = 7,   // score width
  parameter SIGNED = 0,   // 1: scores are signed (int8 cores), 0: unsigned (HAD match counts)
  parameter IW     = 10   // key index width
) (
  input  wire            clk_i,         // clock
  input  wire            rst_ni,        // synchronous reset, active low
  input  wire            en_i,          // pipeline enable
  input  wire            in_valid_i,    // a group of candidates is presented
  input  wire            first_i,       // first group of a query (list starts empty)
  input  wire            last_i,        // last group of a query (publish the result)
  input  wire [P-1:0]    lane_valid_i,  // candidate j is a real key
  input  wire [P*SW-1:0] s_i,           // candidate scores, lane j at [j*SW +: SW]
  input  wire [IW-1:0]   base_i,        // key index of lane 0
  input  wire            take_i,        // consumer releases the published list
  output reg             out_valid_o,   // published list valid
  output reg  [N-1:0]    out_v_o,       // entry valid (a prefix)
  output reg  [N*SW-1:0] out_s_o,       // entry scores, best first
  output reg  [N*IW-1:0] out_idx_o      // entry key indices
);

  localparam RW = $clog2(N + P + 1);  // width of a rank in the merged list (0..N+P)

  generate
    if (N < 1 || P < 1 || SW < 1 || IW < 1) begin : g_check
      hg_error_parameters_n_p_sw_iw_must_be_at_least_1 u_error ();
    end
  endgenerate

  reg [N-1:0]    h_v;    // held list: entry valid (a prefix)
  reg [N*SW-1:0] h_s;    // held scores, best first
  reg [N*IW-1:0] h_idx;  // held key indices

  // a beats b (strictly higher score)
  function gt;
    input [SW-1:0] a;
    input [SW-1:0] b;
    gt = (SIGNED != 0) ? $signed(a) > $signed(b) : a > b;
  endfunction

  // Merge: every held entry and candidate gets its rank in the merged order; slot e
  // takes the item of rank e. A held entry i can only move down, to i..i+P. A rank is a sum
  // of comparison bits (an adder tree, not a chain of conditional increments), and the ranks
  // of the valid items are distinct, so slot e is the OR of the items whose rank is e, each
  // masked by that match: a balanced OR over at most 2P + 1 items, not a priority chain of
  // that many multiplexers.
  reg [N-1:0]    hv;
  reg [P*RW-1:0] c_rank;
  reg [N*RW-1:0] h_rank;
  reg [P*IW-1:0] c_idx;
  reg [N-1:0]    m_v;
  reg [N*SW-1:0] m_s;
  reg [N*IW-1:0] m_idx;
  always @* begin : merge
    integer i, j, k, e;
    reg [RW-1:0] r;
    reg hit;
    hv = h_v & {N{~first_i}};
    for (j = 0; j < P; j = j + 1) begin
      r = {RW{1'b0}};
      for (i = 0; i < N; i = i + 1)
        r = r + {{(RW-1){1'b0}}, hv[i] & !gt(s_i[j*SW +: SW], h_s[i*SW +: SW])};
      for (k = 0; k < j; k = k + 1)
        r = r + {{(RW-1){1'b0}}, lane_valid_i[k] & !gt(s_i[j*SW +: SW], s_i[k*SW +: SW])};
      for (k = j + 1; k < P; k = k + 1)
        r = r + {{(RW-1){1'b0}}, lane_valid_i[k] & gt(s_i[k*SW +: SW], s_i[j*SW +: SW])};
      c_rank[j*RW +: RW] = r;
      c_idx[j*IW +: IW] = base_i + j[IW-1:0];
    end
    for (i = 0; i < N; i = i + 1) begin
      r = i[RW-1:0];
      for (j = 0; j < P; j = j + 1)
        r = r + {{(RW-1){1'b0}}, lane_valid_i[j] & gt(s_i[j*SW +: SW], h_s[i*SW +: SW])};
      h_rank[i*RW +: RW] = r;
    end
    m_v = {N{1'b0}};
    m_s = {N*SW{1'b0}};
    m_idx = {N*IW{1'b0}};
    for (e = 0; e < N; e = e + 1) begin
      for (i = (e > P ? e - P : 0); i <= e; i = i + 1) begin
        hit = hv[i] && h_rank[i*RW +: RW] == e[RW-1:0];
        m_v[e] = m_v[e] | hit;
        m_s[e*SW +: SW] = m_s[e*SW +: SW] | ({SW{hit}} & h_s[i*SW +: SW]);
        m_idx[e*IW +: IW] = m_idx[e*IW +: IW] | ({IW{hit}} & h_idx[i*IW +: IW]);
      end
      for (j = 0; j < P; j = j + 1) begin
        hit = lane_valid_i[j] && c_rank[j*RW +: RW] == e[RW-1:0];
        m_v[e] = m_v[e] | hit;
        m_s[e*SW +: SW] = m_s[e*SW +: SW] | ({SW{hit}} & s_i[j*SW +: SW]);
        m_idx[e*IW +: IW] = m_idx[e*IW +: IW] | ({IW{hit}} & c_idx[j*IW +: IW]);
      end
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      h_v         <= {N{1'b0}};
      out_valid_o <= 1'b0;
    end else begin
      if (en_i && in_valid_i) h_v <= m_v;
      if (en_i && in_valid_i && last_i) out_valid_o <= 1'b1;
      else if (take_i) out_valid_o <= 1'b0;
    end
  end

  always @(posedge clk_i)
    if (en_i && in_valid_i) begin
      h_s   <= m_s;
      h_idx <= m_idx;
      if (last_i) begin
        out_v_o   <= m_v;
        out_s_o   <= m_s;
        out_idx_o <= m_idx;
      end
    end

endmodule

`default_nettype wire
