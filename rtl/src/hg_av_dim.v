// hg_av_dim — one output dimension of the AV unit.
//
// acc += sum_r w[r] * v[r] over R key slots per beat: weights unsigned (WW bits), values
// VB-bit signed; restarted by the first beat of a query. One instance per head dimension.
`default_nettype none

module hg_av_dim #(
  parameter R    = 1,   // key slots per beat
  parameter WW   = 16,  // weight width (unsigned)
  parameter VB   = 8,   // value width (signed)
  parameter ACCW = 28   // accumulator width (signed), at least WW + VB - 1
) (
  input  wire            clk_i,    // clock
  input  wire            en_i,     // pipeline enable
  input  wire            valid_i,  // a beat of R slots is presented
  input  wire            first_i,  // first beat of a query (restart the sum)
  input  wire [R*WW-1:0] w_i,      // weights, slot r at [r*WW +: WW], each 0..2^(WW-1)
  input  wire [R*VB-1:0] v_i,      // values (VB-bit signed) of this dimension, slot r at [r*VB +: VB]
  output reg  [ACCW-1:0] acc_o     // accumulated sum
);

  localparam PW = WW + VB - 1;  // product width: |w * v| <= 2^(WW-1) * 2^(VB-1) fits signed

  generate
    if (R < 1) begin : g_check_r
      hg_error_parameter_r_must_be_at_least_1 u_error ();
    end
    if (VB < 2 || VB > 8) begin : g_check_vb
      hg_error_parameter_vb_must_be_in_2_to_8 u_error ();
    end
    if (ACCW < PW) begin : g_check_accw
      hg_error_parameter_accw_must_be_at_least_ww_plus_vb_minus_1 u_error ();
    end
  endgenerate

  function [PW-1:0] mulwv;
    input [WW-1:0] w;
    input signed [VB-1:0] v;
    mulwv = $signed({1'b0, w}) * v;
  endfunction

  function [ACCW-1:0] dotw;
    input [R*WW-1:0] w;
    input [R*VB-1:0] v;
    integer r;
    reg [PW-1:0] p;
    begin
      dotw = {ACCW{1'b0}};
      for (r = 0; r < R; r = r + 1) begin
        p = mulwv(w[r*WW +: WW], v[r*VB +: VB]);
        // p sign-extended to ACCW bits (the sign bit repeated ACCW - PW + 1 >= 1 times)
        dotw = dotw + {{(ACCW-PW+1){p[PW-1]}}, p[PW-2:0]};
      end
    end
  endfunction

  always @(posedge clk_i)
    if (en_i && valid_i) acc_o <= (first_i ? {ACCW{1'b0}} : acc_o) + dotw(w_i, v_i);

endmodule

`default_nettype wire
