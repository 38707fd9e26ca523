// hg_av_mac — the multiply-accumulate stage of an AV unit.
//
// A beat of R weights and the R slots' V rows (mac_v_i, one cycle after the walk read them)
// is accumulated into D hg_av_dim instances, one per output dimension (slot r's value of
// dimension i at v_i[r*VB*D + i*VB +: VB]), and its weights are summed (hg_av_out). After the last
// beat of a query (acc_o, wsum_o) are held for the normalizer; en_o stalls the AV unit while
// they wait.
`default_nettype none

module hg_av_mac #(
  parameter D    = 32,  // head dimension
  parameter R    = 1,   // weights (key slots) per beat
  parameter WW   = 9,   // weight width (unsigned)
  parameter VB   = 8,   // value width (signed)
  parameter ACCW = 20,  // accumulator width (signed)
  parameter WSW  = 13   // weight-sum width
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

  genvar i, rr;
  generate
    for (i = 0; i < D; i = i + 1) begin : g_dim
      wire [R*VB-1:0] v_col;  // dimension i of the R slots
      for (rr = 0; rr < R; rr = rr + 1) begin : g_slot
        assign v_col[rr*VB +: VB] = v_rows[rr*VB*D + i*VB +: VB];
      end
      hg_av_dim #(.R(R), .WW(WW), .VB(VB), .ACCW(ACCW)) u_dim (
        .clk_i   (clk_i),
        .en_i    (en_o),
        .valid_i (mac_v_i),
        .first_i (mac_first_i),
        .w_i     (w_i),
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
