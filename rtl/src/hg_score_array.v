// hg_score_array — P score lanes side by side.
//
// The P keys of one K-memory row are scored against one query in one cycle: lane j takes the
// key at [j*KW +: KW] and writes its score at [j*SW +: SW], registered (one cycle later).
// HAD = 1: XNOR-popcount lanes (hg_xnor_lane), sign bits, scores are match counts 0..D.
// HAD = 0: int8 multiply-accumulate lanes (hg_mac_lane), D signed bytes, signed scores.
`default_nettype none

module hg_score_array #(
  parameter P   = 8,   // lanes (keys scored per cycle)
  parameter D   = 64,  // head dimension
  parameter HAD = 1,   // 1: XNOR-popcount lanes; 0: int8 multiply-accumulate lanes
  parameter SW  = 7    // score width: $clog2(D+1) for HAD, the MAC lanes' signed width else
) (
  input  wire                        clk_i,  // clock
  input  wire                        en_i,   // pipeline enable (hold when low)
  input  wire [(HAD != 0 ? D : 8*D)-1:0]   q_i,  // query: D sign bits (HAD) or D x int8
  input  wire [P*(HAD != 0 ? D : 8*D)-1:0] k_i,  // P keys, lane j at [j*KW +: KW]
  output wire [P*SW-1:0]             s_o   // P scores, lane j at [j*SW +: SW], one cycle later
);

  localparam KW = HAD != 0 ? D : 8 * D;  // bits per key and per query

  generate
    if (P < 1 || D < 1 || (HAD != 0 && HAD != 1)) begin : g_check
      hg_error_parameters_p_d_had_out_of_range u_error ();
    end
    if (HAD == 1 && SW != $clog2(D + 1)) begin : g_check_sw
      hg_error_parameter_sw_must_be_clog2_d_plus_1_for_had u_error ();
    end
  endgenerate

  genvar j;
  generate
    for (j = 0; j < P; j = j + 1) begin : g_lane
      if (HAD == 1) begin : g_xnor
        hg_xnor_lane #(.D(D)) u_lane (
          .clk_i (clk_i),
          .en_i  (en_i),
          .q_i   (q_i),
          .k_i   (k_i[j*KW +: KW]),
          .m_o   (s_o[j*SW +: SW])
        );
      end else begin : g_mac
        hg_mac_lane #(.D(D), .SW(SW)) u_lane (
          .clk_i (clk_i),
          .en_i  (en_i),
          .q_i   (q_i),
          .k_i   (k_i[j*KW +: KW]),
          .s_o   (s_o[j*SW +: SW])
        );
      end
    end
  endgenerate

endmodule

`default_nettype wire
