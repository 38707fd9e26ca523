// hg_av_mac — the multiply-accumulate stage of an AV unit.
//
// A beat of R weights and the R slots' V rows (mac_v_i, one cycle after the walk read them)
// is accumulated into D hg_av_dim instances, one per output dimension (slot r's value of
// dimension i at v_i[r*VB*D + i*VB +: VB]), and its weights are summed (hg_av_out). After the last
// beat of a query (acc_o, wsum_o) are held for the normalizer; en_o stalls the AV unit while
// they wait. FAN > 0 and below D: the dimensions come in groups of FAN, and each group takes
// the signals every dimension shares (en, valid, first, the weights) through a buffer stage of
// its own (hg_fanout), so that no net drives more than FAN av_dim instances; FAN = 0 or >= D:
// every dimension takes them directly.
`default_nettype none

module hg_av_mac #(
  parameter D    = 32,  // head dimension
  parameter R    = 1,   // weights (key slots) per beat
  parameter WW   = 9,   // weight width (unsigned)
  parameter VB   = 8,   // value width (signed)
  parameter ACCW = 20,  // accumulator width (signed)
  parameter WSW  = 13,  // weight-sum width
  parameter FAN  = 0    // dimensions per buffer stage (0: none)
) (
  input  wire              clk_i,        // clock
  input  wire              rst_ni,       // synchronous reset, active low
  input  wire              mac_v_i,      // a beat is presented
  input  wire              mac_first_i,  // ... the first of its query
  input  wire              mac_last_i,   // ... the last of its query
  input  wire [R*WW-1:0]   w_i,          // the beat's weights, slot r at [r*WW +: WW]
  input  wire [R*VB*D-1:0] v_i,          // the beat's V rows, slot r at [r*VB*D +: VB*D]
  input  wire              busy_i,       // earlier stages of the AV unit hold a beat
  output wire              en_o,         // AV enable: low while a finished query waits
  output wire              out_valid_o,  // acc_o / wsum_o hold a finished query
  input  wire              out_ready_i,  // the normalizer takes them
  output wire [D*ACCW-1:0] acc_o,        // accumulators, dim i at [i*ACCW +: ACCW]
  output wire [WSW-1:0]    wsum_o,       // sum of the query's weights
  output wire              idle_o        // nothing in flight
);

  generate
    if (D < 1 || R < 1) begin : g_check
      hg_error_parameters_d_and_r_must_be_at_least_1 u_error ();
    end
  endgenerate

  // The V rows on a net of this module's own, sliced below: the same wire in hardware, but
  // Icarus simulates the D x R part selects of a local net far faster than those of the port
  // (the baseline at d = 64, P = 16, L = 512: one query 2.8 s against 37 s; docs/reliability.md).
  wire [R*VB*D-1:0] v_rows = v_i;

  // The signals every dimension takes, {en, valid, first, w}, through the buffer stage of its
  // group (NG > 1); with one group the dimensions take them directly (the same logic as a
  // block without FAN), and `shared` is left unconnected.
  localparam NG = FAN > 0 && FAN < D ? (D + FAN - 1) / FAN : 1;  // groups
  localparam GD = NG > 1 ? FAN : D;                               // dimensions per group
  localparam SH = R * WW + 3;                                     // shared bits
  /* verilator lint_off UNUSEDSIGNAL */
  /* verilator lint_off UNDRIVEN */
  wire [NG*SH-1:0] shared;
  /* verilator lint_on UNDRIVEN */
  /* verilator lint_on UNUSEDSIGNAL */

  genvar i, rr, gg;
  generate
    if (NG > 1) begin : g_fan
      for (gg = 0; gg < NG; gg = gg + 1) begin : g_grp
        hg_fanout #(.W(SH)) u_fan (
          .a_i ({en_o, mac_v_i, mac_first_i, w_i}),
          .y_o (shared[gg*SH +: SH])
        );
      end
    end
    for (i = 0; i < D; i = i + 1) begin : g_dim
      wire [R*VB-1:0] v_col;  // dimension i of the R slots
      for (rr = 0; rr < R; rr = rr + 1) begin : g_slot
        assign v_col[rr*VB +: VB] = v_rows[rr*VB*D + i*VB +: VB];
      end
      hg_av_dim #(.R(R), .WW(WW), .VB(VB), .ACCW(ACCW)) u_dim (
        .clk_i   (clk_i),
        .en_i    (NG > 1 ? shared[(i/GD)*SH + SH-1] : en_o),
        .valid_i (NG > 1 ? shared[(i/GD)*SH + SH-2] : mac_v_i),
        .first_i (NG > 1 ? shared[(i/GD)*SH + SH-3] : mac_first_i),
        .w_i     (NG > 1 ? shared[(i/GD)*SH +: R*WW] : w_i),
        .v_i     (v_col),
        .acc_o   (acc_o[i*ACCW +: ACCW])
      );
    end
  endgenerate

  hg_av_out #(
    .R(R),
    .WW(WW),
    .WSW(WSW)
  ) u_out (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .mac_v_i      (mac_v_i),
    .mac_first_i  (mac_first_i),
    .mac_last_i   (mac_last_i),
    .w_i          (w_i),
    .busy_i       (busy_i),
    .en_o         (en_o),
    .out_valid_o  (out_valid_o),
    .out_ready_i  (out_ready_i),
    .wsum_o       (wsum_o),
    .idle_o       (idle_o)
  );

endmodule

`default_nettype wire
