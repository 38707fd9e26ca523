// hg_wlut — HAD softmax weights from a run-time table.
//
// etab[delta], delta = m_max - m in 0..D, holds round(2^WB exp(S_j - S_max)) for the head's
// score step (docs/spec.md); the host writes it before the head's queries. R lookups per
// cycle, each registered; a lookup that is not a real key gives weight 0.
`default_nettype none

module hg_wlut #(
  parameter D  = 64,  // head dimension: the table has D + 1 entries
  parameter WW = 16,  // weight width
  parameter R  = 1    // lookups per cycle
) (
  input  wire                     clk_i,    // clock
  input  wire                     we_i,     // table write
  input  wire [$clog2(D+1)-1:0]   waddr_i,  // table entry written (0..D)
  input  wire [WW-1:0]            wdata_i,  // table value
  input  wire                     en_i,     // pipeline enable
  input  wire [R-1:0]             valid_i,  // lookup r is a real key
  input  wire [R*$clog2(D+1)-1:0] delta_i,  // deltas, lookup r at [r*MW +: MW]
  output wire [R*WW-1:0]          w_o       // weights (0 where not valid), one cycle later
);

  localparam MW = $clog2(D + 1);  // width of a delta

  generate
    if (D < 1 || R < 1) begin : g_check
      hg_error_parameters_d_and_r_must_be_at_least_1 u_error ();
    end
  endgenerate

  reg [WW-1:0] etab [0:D];

  always @(posedge clk_i)
    if (we_i) etab[waddr_i] <= wdata_i;

  genvar r;
  generate
    for (r = 0; r < R; r = r + 1) begin : g_lookup
      reg [WW-1:0] w_q;
      always @(posedge clk_i)
        if (en_i) w_q <= valid_i[r] ? etab[delta_i[r*MW +: MW]] : {WW{1'b0}};
      assign w_o[r*WW +: WW] = w_q;
    end
  endgenerate

endmodule

`default_nettype wire
