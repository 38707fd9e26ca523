// hg_exp_unit — int8 softmax weight.
//
// w = 2^-(z / 2^FB) in units of 2^-WB, where z = (t * exp_mul) >> exp_shift and
// t = s_max - s >= 0 (docs/spec.md). The integer part of z shifts; the FB-bit fraction f is
// looked up in a constant table outside the block (frac_addr_o -> frac_i, combinational),
// round(2^WB 2^(-f / 2^FB)), which the generator computes (hg_exp_frac) and writes beside
// it as a ROM. Registered; a key that is not real weighs 0.
`default_nettype none

module hg_exp_unit #(
  parameter TW = 23,  // width of t = s_max - s
  parameter FB = 6,   // fraction-table index bits
  parameter WB = 15   // weight fraction bits (the weights have WB + 1 bits)
) (
  input  wire          clk_i,        // clock
  input  wire          en_i,         // pipeline enable
  input  wire          valid_i,      // a real key (else the weight is 0)
  input  wire [TW-1:0] t_i,          // s_max - s (non-negative)
  input  wire [15:0]   mul_i,        // exp multiplier (run time)
  input  wire [5:0]    shift_i,      // exp shift (run time)
  output wire [FB-1:0] frac_addr_o,  // the fraction f, to the table
  input  wire [WB:0]   frac_i,       // table entry f: round(2^WB 2^(-f / 2^FB))
  output reg  [WB:0]   w_o           // weight, one cycle later
);

  localparam WW = WB + 1;   // weight width
  localparam ZW = TW + 16;  // width of the product t * mul
  localparam [ZW-FB-1:0] ZI_MAX = WB;

  generate
    if (TW < 1 || FB < 1 || FB >= ZW || WB < 1) begin : g_check
      hg_error_parameters_tw_fb_wb_out_of_range u_error ();
    end
  endgenerate

  wire [ZW-1:0]    prod = {16'd0, t_i} * {{TW{1'b0}}, mul_i};
  wire [ZW-1:0]    z    = prod >> shift_i;
  wire [ZW-FB-1:0] zi   = z[ZW-1:FB];
  wire [FB-1:0]    zf   = z[FB-1:0];
  wire [WW-1:0]    w    = (zi > ZI_MAX) ? {WW{1'b0}} : frac_i >> zi;

  assign frac_addr_o = zf;

  always @(posedge clk_i)
    if (en_i) w_o <= valid_i ? w : {WW{1'b0}};

endmodule

`default_nettype wire
