// hg_av_out — the hand-off stage of an AV unit.
//
// Sums the weights of every beat of a query (restarted by its first beat) and, after its
// last beat, holds the query's weight sum (and, beside it, the accumulators of the AV
// dimensions) until the normalizer takes them. While a finished query waits, the AV unit is
// stalled: en_o is low.
`default_nettype none

module hg_av_out #(
  parameter R   = 1,   // weights per beat
  parameter WW  = 9,   // weight width (unsigned)
  parameter WSW = 13   // weight-sum width, at least WW
) (
  input  wire            clk_i,        // clock
  input  wire            rst_ni,       // synchronous reset, active low
  input  wire            mac_v_i,      // a beat of weights is presented
  input  wire            mac_first_i,  // first beat of a query
  input  wire            mac_last_i,   // last beat of a query
  input  wire [R*WW-1:0] w_i,          // the beat's weights, slot r at [r*WW +: WW]
  input  wire            busy_i,       // earlier stages of the AV unit hold a beat
  output wire            en_o,         // AV enable: low while a finished query waits
  output reg             out_valid_o,  // wsum_o (and the accumulators) hold a finished query
  input  wire            out_ready_i,  // the normalizer takes them
  output reg  [WSW-1:0]  wsum_o,       // sum of the query's weights
  output wire            idle_o        // nothing in flight
);

  generate
    if (R < 1 || WW < 1) begin : g_check_sizes
      hg_error_parameters_r_and_ww_must_be_at_least_1 u_error ();
    end
    if (WSW < WW) begin : g_check_wsw
      hg_error_parameter_wsw_must_be_at_least_ww u_error ();
    end
  endgenerate

  assign en_o   = !(out_valid_o && !out_ready_i);
  assign idle_o = !mac_v_i && !out_valid_o && !busy_i;

  // Sum of a beat's weights.
  function [WSW-1:0] wbeat;
    input [R*WW-1:0] w;
    integer r;
    reg [WSW-1:0] wx;  // one weight, zero-extended
    begin
      wbeat = {WSW{1'b0}};
      for (r = 0; r < R; r = r + 1) begin
        wx = {WSW{1'b0}};
        wx[WW-1:0] = w[r*WW +: WW];
        wbeat = wbeat + wx;
      end
    end
  endfunction

  always @(posedge clk_i) begin
    if (!rst_ni) out_valid_o <= 1'b0;
    else if (en_o && mac_v_i && mac_last_i) out_valid_o <= 1'b1;
    else if (out_ready_i) out_valid_o <= 1'b0;
  end

  always @(posedge clk_i)
    if (en_o && mac_v_i) wsum_o <= (mac_first_i ? {WSW{1'b0}} : wsum_o) + wbeat(w_i);

endmodule

`default_nettype wire
