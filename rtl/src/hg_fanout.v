// hg_fanout — a buffer stage for nets that fan out to many instances of another unit.
//
// y = a, bit for bit. The flow maps each unit on its own, so a net that runs from one unit's
// output to many other units' inputs (an AV weight into every av_dim) is seen by no mapping
// and stays a single cell driving the whole load. One instance of this block per group of
// loads splits such a net: the unit holds no logic, and the synthesis flow gives each of its
// bits a buffer cell (docs/synth.md, "Fan-out stages"). In simulation it is a wire.
`default_nettype none

module hg_fanout #(
  parameter W = 1  // bits buffered
) (
  input  wire [W-1:0] a_i,  // the nets to split
  output wire [W-1:0] y_o   // their buffered copies for one group of loads
);

  generate
    if (W < 1) begin : g_check
      hg_error_parameter_w_must_be_at_least_1 u_error ();
    end
  endgenerate

  assign y_o = a_i;

endmodule

`default_nettype wire
