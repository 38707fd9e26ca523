// hg_xnor_lane — one HAD score lane.
//
// m = popcount(XNOR(q, k)): the number of positions where the query's and the key's sign
// bits agree, 0..D. The dot product of the {-1,+1} vectors is 2m - D (docs/spec.md). One key
// per cycle; the result is registered (valid one cycle after the inputs).
`default_nettype none

module hg_xnor_lane #(
  parameter D = 64  // head dimension = sign bits per key and per query
) (
  input  wire                   clk_i,  // clock
  input  wire                   en_i,   // pipeline enable (hold when low)
  input  wire [D-1:0]           q_i,    // query sign bits (1 = +1)
  input  wire [D-1:0]           k_i,    // key sign bits
  output reg  [$clog2(D+1)-1:0] m_o     // matching bits, one cycle later
);

  localparam MW = $clog2(D + 1);  // width of a count of 0..D

  generate
    if (D < 1) begin : g_check_d
      hg_error_parameter_d_must_be_at_least_1 u_error ();
    end
  endgenerate

  // Number of set bits of x.
  function [MW-1:0] popcount;
    input [D-1:0] x;
    integer i;
    begin
      popcount = {MW{1'b0}};
      for (i = 0; i < D; i = i + 1)
        popcount = popcount + {{(MW-1){1'b0}}, x[i]};
    end
  endfunction

  always @(posedge clk_i)
    if (en_i) m_o <= popcount(~(q_i ^ k_i));

endmodule

`default_nettype wire
