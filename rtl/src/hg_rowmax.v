// hg_rowmax — the baseline's running row maximum and its score-memory writes.
//
// Each row of P scores in the score stage's p2 is written to the query's bank of the
// double-buffered score memory (bank b at rows b*G .. b*G + G - 1) and folded into the
// query's running maximum (the valid lanes only; a compare/select tree, clog2(P + 1) deep).
// After the query's last row its bank and maximum are held for the AV unit (sc_*) until it
// releases them (sc_take_i); the score stage stalls meanwhile.
`default_nettype none

module hg_rowmax #(
  parameter P  = 8,   // lanes: scores a row
  parameter G  = 16,  // rows per score bank
  parameter SW = 21   // score width (signed)
) (
  input  wire                             clk_i,       // clock
  input  wire                             rst_ni,      // synchronous reset, active low
  input  wire                             en_i,        // score-stage enable
  input  wire                             p2_v_i,      // p2 holds a row's scores
  input  wire                             p2_first_i,  // ... the first row of its query
  input  wire                             p2_last_i,   // ... the last row of its query
  input  wire                             p2_bank_i,   // ... in this bank
  input  wire [(G > 1 ? $clog2(G) : 1)-1:0] p2_row_i,  // ... as this row
  input  wire [P*SW-1:0]                  scores_i,    // the row's scores, lane j at [j*SW +: SW]
  input  wire [P-1:0]                     lane_ok_i,   // lane j is a real key
  input  wire                             sc_take_i,   // the AV unit releases the held bank
  output reg                              sc_v_o,      // a query's scores are complete
  output reg                              sc_bank_o,   // ... in this bank
  output reg  [SW-1:0]                    sc_smax_o,   // ... with this maximum
  output wire                             sm_we_o,     // score memory write
  output wire [(G > 1 ? $clog2(G) : 0):0] sm_waddr_o   // its row: bank * G + row
);

  localparam [SW-1:0] SMIN = {1'b1, {(SW-1){1'b0}}};

  generate
    if (P < 1 || G < 1 || SW < 2) begin : g_check_sizes
      hg_error_parameters_p_g_must_be_at_least_1_and_sw_2 u_error ();
    end
  endgenerate

  // maximum of m and the valid scores of a row, as a tree of compare/select stages
  // (clog2(P+1) deep; invalid lanes enter as SMIN, which never wins)
  function [SW-1:0] rowmax;
    input [P*SW-1:0] s;
    input [P-1:0] ok;
    input [SW-1:0] m;
    reg [(P+1)*SW-1:0] v;
    integer k, step;
    begin
      for (k = 0; k < P; k = k + 1) v[k*SW +: SW] = ok[k] ? s[k*SW +: SW] : SMIN;
      v[P*SW +: SW] = m;
      for (step = 1; step < P + 1; step = step * 2)
        for (k = 0; k + step < P + 1; k = k + 2 * step)
          if ($signed(v[(k+step)*SW +: SW]) > $signed(v[k*SW +: SW]))
            v[k*SW +: SW] = v[(k+step)*SW +: SW];
      rowmax = v[SW-1:0];
    end
  endfunction

  reg [SW-1:0] smax_q;
  wire [SW-1:0] smax_d = rowmax(scores_i, lane_ok_i, p2_first_i ? SMIN : smax_q);

  always @(posedge clk_i) begin
    if (!rst_ni) sc_v_o <= 1'b0;
    else if (en_i && p2_v_i && p2_last_i) sc_v_o <= 1'b1;
    else if (sc_take_i) sc_v_o <= 1'b0;
  end
  always @(posedge clk_i)
    if (en_i && p2_v_i) begin
      smax_q <= smax_d;
      if (p2_last_i) begin
        sc_bank_o <= p2_bank_i;
        sc_smax_o <= smax_d;
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
