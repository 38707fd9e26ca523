// hg_norm — the softmax normalizer of a core.
//
// out[i] = sat(round(acc[i] * recip / 2^(RQ - OF))) with recip = floor(2^RQ / wsum), all
// ones when wsum = 0 (docs/spec.md). The reciprocal is a restoring division, BPC quotient
// bits per cycle (CR cycles); then MN multipliers scale MN dimensions per cycle (CM cycles).
// Busy CR + CM cycles per query; a new query is taken in the last multiply cycle.
`default_nettype none

module hg_norm #(
  parameter D    = 32,  // head dimension
  parameter ACCW = 20,  // accumulator width (signed)
  parameter WSW  = 13,  // weight-sum width (unsigned)
  parameter RQ   = 29,  // reciprocal exponent: recip = floor(2^RQ / wsum)
  parameter OF   = 8,   // output fraction bits
  parameter OW   = 16,  // output width (signed)
  parameter BPC  = 6,   // quotient bits per reciprocal cycle
  parameter CR   = 5,   // reciprocal cycles, CR * BPC >= RQ + 1
  parameter MN   = 3,   // multipliers
  parameter CM   = 11   // multiply cycles, CM * MN >= D
) (
  input  wire            clk_i,       // clock
  input  wire            rst_ni,      // synchronous reset, active low
  input  wire            in_valid_i,  // a query's (acc, wsum) is offered
  output wire            in_ready_o,  // taken this cycle when valid
  input  wire [D*ACCW-1:0] acc_i,     // accumulators, dim i at [i*ACCW +: ACCW]
  input  wire [WSW-1:0]  wsum_i,      // weight sum
  output reg             o_valid_o,   // output vector valid
  input  wire            o_ready_i,   // output taken
  output wire [D*OW-1:0] o_data_o,    // outputs, dim i at [i*OW +: OW]
  output wire            idle_o       // nothing in flight
);

  localparam DP    = CM * MN;             // dimensions padded to the multiply schedule
  localparam STEPS = CR * BPC;            // division steps
  localparam CMAX  = CR > CM ? CR : CM;
  localparam CW    = CMAX > 2 ? $clog2(CMAX) : 1;  // cycle counter width
  localparam PWD   = ACCW + RQ + 2;       // product width (signed)

  generate
    if (D < 1 || MN < 1 || BPC < 1) begin : g_check_sizes
      hg_error_parameters_d_mn_bpc_must_be_at_least_1 u_error ();
    end
    if (CR * BPC < RQ + 1) begin : g_check_cr
      hg_error_parameter_cr_times_bpc_must_cover_rq_plus_1 u_error ();
    end
    if (CM * MN < D) begin : g_check_cm
      hg_error_parameter_cm_times_mn_must_cover_d u_error ();
    end
    if (RQ <= OF) begin : g_check_rq
      hg_error_parameter_rq_must_exceed_of u_error ();
    end
  endgenerate

  localparam [1:0] S_IDLE = 2'd0, S_RECIP = 2'd1, S_MUL = 2'd2;
  localparam integer CR_M1 = CR - 1;
  localparam integer CM_M1 = CM - 1;
  localparam [CW-1:0] CR_LAST = CR_M1[CW-1:0];
  localparam [CW-1:0] CM_LAST = CM_M1[CW-1:0];
  localparam [PWD-1:0] RND = {{(PWD-1){1'b0}}, 1'b1} << (RQ - OF - 1);
  localparam signed [PWD-1:0] OMAX = (1 << (OW - 1)) - 1;
  localparam signed [PWD-1:0] OMIN = -(1 << (OW - 1));

  reg [1:0]         state_q;
  reg [CW-1:0]      cnt_q;
  reg [WSW-1:0]     wsum_q;
  reg [WSW:0]       rem_q;
  reg [RQ:0]        quo_q;
  reg [DP*ACCW-1:0] acc_q;
  reg [DP*OW-1:0]   out_q;

  // BPC steps of restoring division of 2^RQ by den, starting at step cyc * BPC. The
  // dividend is 2^RQ zero-extended to STEPS bits: its only 1 enters at step STEPS - 1 - RQ.
  function [WSW+RQ+1:0] div_steps;
    input [WSW:0] rem_in;
    input [RQ:0] quo_in;
    input integer cyc;
    input [WSW-1:0] den;
    integer b;
    reg [WSW+1:0] t;
    reg [WSW:0] rem;
    reg [RQ:0] quo;
    begin
      rem = rem_in;
      quo = quo_in;
      for (b = 0; b < BPC; b = b + 1) begin
        t = {rem, (cyc * BPC + b == STEPS - 1 - RQ) ? 1'b1 : 1'b0};
        if (t >= {2'b00, den}) begin
          t = t - {2'b00, den};
          quo = {quo[RQ-1:0], 1'b1};
        end else begin
          quo = {quo[RQ-1:0], 1'b0};
        end
        rem = t[WSW:0];
      end
      div_steps = {rem, quo};
    end
  endfunction

  // sat(round(a * rc / 2^(RQ - OF)))
  function [OW-1:0] scale;
    input [ACCW-1:0] a;
    input [RQ:0] rc;
    reg signed [PWD-1:0] p;
    begin
      p = $signed(a) * $signed({1'b0, rc});
      p = (p + $signed(RND)) >>> (RQ - OF);
      if (p > OMAX) scale = OMAX[OW-1:0];
      else if (p < OMIN) scale = OMIN[OW-1:0];
      else scale = p[OW-1:0];
    end
  endfunction

  // MN outputs of this multiply cycle (dimensions at the bottom of acc_q).
  wire [MN*OW-1:0] grp;
  genvar m;
  generate
    for (m = 0; m < MN; m = m + 1) begin : g_mul
      assign grp[m*OW +: OW] = scale(acc_q[m*ACCW +: ACCW], quo_q);
    end
  endgenerate

  // The accumulators, padded to DP dimensions with zeros; the outputs shifted in from the
  // top, MN a cycle (one multiply cycle: taken whole).
  wire [DP*ACCW-1:0] acc_pad;
  wire [DP*OW-1:0]   out_next;
  generate
    if (DP == D) begin : g_no_pad
      assign acc_pad = acc_i;
    end else begin : g_pad
      assign acc_pad = {{((DP-D)*ACCW){1'b0}}, acc_i};
    end
    if (CM == 1) begin : g_one_cycle
      assign out_next = grp;
    end else begin : g_shift
      assign out_next = {grp, out_q[DP*OW-1:MN*OW]};
    end
  endgenerate

  wire [WSW+RQ+1:0] div_next = div_steps(rem_q, quo_q, {{(32-CW){1'b0}}, cnt_q}, wsum_q);
  wire mul_go   = (state_q == S_MUL) && (cnt_q != {CW{1'b0}} || !o_valid_o || o_ready_i);
  wire mul_last = mul_go && cnt_q == CM_LAST;
  assign in_ready_o = (state_q == S_IDLE) || mul_last;
  wire take = in_valid_i && in_ready_o;
  assign idle_o = (state_q == S_IDLE) && !o_valid_o;
  assign o_data_o = out_q[D*OW-1:0];

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= S_IDLE;
      cnt_q     <= {CW{1'b0}};
      o_valid_o <= 1'b0;
    end else begin
      if (o_valid_o && o_ready_i) o_valid_o <= 1'b0;
      if (mul_last) o_valid_o <= 1'b1;
      if (take) begin
        state_q <= S_RECIP;
        cnt_q   <= {CW{1'b0}};
      end else if (state_q == S_RECIP) begin
        cnt_q   <= (cnt_q == CR_LAST) ? {CW{1'b0}} : cnt_q + 1'b1;
        if (cnt_q == CR_LAST) state_q <= S_MUL;
      end else if (mul_go) begin
        cnt_q   <= cnt_q + 1'b1;
        if (mul_last) state_q <= S_IDLE;
      end
    end
  end

  always @(posedge clk_i) begin
    if (take) begin
      acc_q  <= acc_pad;
      wsum_q <= wsum_i;
      rem_q  <= {(WSW+1){1'b0}};
      quo_q  <= {(RQ+1){1'b0}};
    end else if (state_q == S_RECIP) begin
      {rem_q, quo_q} <= div_next;
    end else if (mul_go) begin
      acc_q <= acc_q >> (MN*ACCW);
    end
    if (mul_go) out_q <= out_next;
  end

endmodule

`default_nettype wire
