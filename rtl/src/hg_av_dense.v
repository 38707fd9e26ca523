// hg_av_dense — the AV unit of the baseline (dense softmax over every key).
//
// For each row of P keys (hg_av_rows): cycle 1 reads its scores from the score memory,
// cycle 2 computes P weights in P exp units (hg_exp_unit) and reads the P V rows, cycle 3
// accumulates w * v and sums the weights (hg_av_mac: D hg_av_dim instances and the hand-off
// hg_av_out). Releases the score bank after the last read; hands (acc, wsum) to the normalizer
// after the last beat.
`default_nettype none

module hg_av_dense #(
  parameter D    = 32,   // head dimension
  parameter P    = 8,    // keys per cycle (the weights of a row are P slots)
  parameter L    = 128,  // most keys
  parameter G    = 16,   // score rows per bank: ceil(L / P)
  parameter SW   = 21,   // score width (signed)
  parameter WB   = 8,    // weight fraction bits (the weights have WB + 1 bits)
  parameter FB   = 6,    // exp units' fraction-table index bits
  parameter VB   = 8,    // value width (signed)
  parameter ACCW = 23,   // accumulator width
  parameter WSW  = 16,   // weight-sum width
  parameter FAN  = 0     // dimensions per buffer stage of the shared AV signals (hg_av_mac; 0: none)
) (
  input  wire                               clk_i,        // clock
  input  wire                               rst_ni,       // synchronous reset, active low
  input  wire [$clog2(L+1)-1:0]             nkeys_i,      // keys per query
  input  wire                               sc_valid_i,   // a query's scores are complete in bank sc_bank_i
  input  wire                               sc_bank_i,    // score memory bank
  input  wire [SW-1:0]                      sc_smax_i,    // maximum score of the query
  output wire                               sc_take_o,    // bank fully read (released)
  input  wire [15:0]                        exp_mul_i,    // exp multiplier
  input  wire [5:0]                         exp_shift_i,  // exp shift
  output wire                               sm_re_o,      // score memory read
  output wire [(G > 1 ? $clog2(G) : 0):0]   sm_raddr_o,   // score memory row: bank * G + row
  input  wire [P*SW-1:0]                    sm_rdata_i,   // P scores, one cycle later
  output wire                               vm_re_o,      // V memory read
  output wire [(G > 1 ? $clog2(G) : 1)-1:0] vm_raddr_o,   // V memory row
  input  wire [P*VB*D-1:0]                  vm_rdata_i,   // P V rows, key j at [j*VB*D +: VB*D], one cycle later
  output wire                               out_valid_o,  // acc_o / wsum_o hold a finished query
  input  wire                               out_ready_i,  // normalizer takes them
  output wire [D*ACCW-1:0]                  acc_o,        // accumulators, dim i at [i*ACCW +: ACCW]
  output wire [WSW-1:0]                     wsum_o,       // sum of the weights
  output wire                               idle_o        // nothing in flight
);

  localparam WW = WB + 1;  // weight width
  localparam TW = SW + 1;  // width of t = s_max - s

  generate
    if (D < 1 || P < 1) begin : g_check
      hg_error_parameters_d_and_p_must_be_at_least_1 u_error ();
    end
  endgenerate

  wire            av_en, busy;
  wire [P-1:0]    lookup_v;
  wire [P*TW-1:0] t;
  wire            mac_v, mac_first, mac_last;
  wire [P*WW-1:0] mac_w;

  hg_av_rows #(
    .P(P),
    .G(G),
    .L(L),
    .SW(SW)
  ) u_rows (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .en_i         (av_en),
    .nkeys_i      (nkeys_i),
    .sc_valid_i   (sc_valid_i),
    .sc_bank_i    (sc_bank_i),
    .sc_smax_i    (sc_smax_i),
    .sc_take_o    (sc_take_o),
    .sm_re_o      (sm_re_o),
    .sm_raddr_o   (sm_raddr_o),
    .sm_rdata_i   (sm_rdata_i),
    .vm_re_o      (vm_re_o),
    .vm_raddr_o   (vm_raddr_o),
    .lookup_v_o   (lookup_v),
    .t_o          (t),
    .busy_o       (busy),
    .mac_v_o      (mac_v),
    .mac_first_o  (mac_first),
    .mac_last_o   (mac_last)
  );

  // The P weights of a row, one cycle later.
  genvar er;
  generate
    for (er = 0; er < P; er = er + 1) begin : g_exp
      hg_exp_unit #(.TW(TW), .FB(FB), .WB(WB)) u_exp (
        .clk_i   (clk_i),
        .en_i    (av_en),
        .valid_i (lookup_v[er]),
        .t_i     (t[er*TW +: TW]),
        .mul_i   (exp_mul_i),
        .shift_i (exp_shift_i),
        .w_o     (mac_w[er*WW +: WW])
      );
    end
  endgenerate

  // The weights and V rows one cycle after the read: accumulated, summed, handed off.
  hg_av_mac #(.D(D), .R(P), .WW(WW), .VB(VB), .ACCW(ACCW), .WSW(WSW), .FAN(FAN)) u_mac (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .mac_v_i      (mac_v),
    .mac_first_i  (mac_first),
    .mac_last_i   (mac_last),
    .w_i          (mac_w),
    .v_i          (vm_rdata_i),
    .busy_i       (busy),
    .en_o         (av_en),
    .out_valid_o  (out_valid_o),
    .out_ready_i  (out_ready_i),
    .acc_o        (acc_o),
    .wsum_o       (wsum_o),
    .idle_o       (idle_o)
  );

endmodule

`default_nettype wire
