// hg_topn_scan — the first pass of the counting top-N selector (HAD): count, store.
//
// HAD's match counts take only D + 1 values, so the N best keys of a query are fixed by how
// many keys reach each level. While the score stage streams a query's rows, this block
// writes each row of P counts to the query's bank of the double-buffered score memory (bank b
// at rows b*G .. b*G + G - 1, hg_bank_addr) and counts, for every level v = 0 .. D-1, the
// query's keys with a count above v: above[v] = #{keys: m > v}, saturated at N (past N no key
// of level v can be kept, so the exact figure is not needed). Each row adds, per level, the
// number of its real keys above it (a thermometer code of each lane's count, summed over the
// lanes): D adders of P one-bit inputs, no comparator between keys. After the query's last
// row, its bank and counts are held for the second pass (hg_topn_place) until it releases
// them (sc_take_i); the score stage stalls meanwhile.
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
  output reg  [D*$clog2(N+1)-1:0]           sc_above_o,  // ... above[v] at [v*CW +: CW], v = 0..D-1
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
  reg  [D*CW-1:0] above_d;  // ... with this row added
  always @* begin : count
    integer v, j;
    reg [AW-1:0] a;
    for (v = 0; v < D; v = v + 1) begin
      a = p2_first_i ? {AW{1'b0}} : {{(AW-CW){1'b0}}, above_q[v*CW +: CW]};
      for (j = 0; j < P; j = j + 1)
        if (lane_ok_i[j] && scores_i[j*SW +: SW] > v[SW-1:0]) a = a + ONE;
      above_d[v*CW +: CW] = a > N_A ? N_A[CW-1:0] : a[CW-1:0];
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) sc_v_o <= 1'b0;
    else if (en_i && p2_v_i && p2_last_i) sc_v_o <= 1'b1;
    else if (sc_take_i) sc_v_o <= 1'b0;
  end
  always @(posedge clk_i)
    if (en_i && p2_v_i) begin
      above_q <= above_d;
      if (p2_last_i) begin
        sc_bank_o  <= p2_bank_i;
        sc_above_o <= above_d;
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
