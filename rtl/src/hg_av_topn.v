// hg_av_topn — the AV unit of a top-N core.
//
// Walks the published top-N list R entries a cycle (hg_av_list): cycle 1 reads their V rows
// and computes their weights, cycle 2 accumulates w * v and sums the weights (hg_av_mac: D
// hg_av_dim instances and the hand-off hg_av_out). Releases the list after its last read;
// hands (acc, wsum) to the normalizer after the last beat.
// HAD = 1: the weights come from the run-time table (hg_wlut, written through etab_*), indexed
//          by the match-count delta; exp_mul_i and exp_shift_i are unused.
// HAD = 0: signed int8 scores; R exp units (hg_exp_unit) compute the weights from exp_mul_i
//          and exp_shift_i; etab_* are unused.
`default_nettype none

module hg_av_topn #(
  parameter D    = 32,  // head dimension
  parameter N    = 16,  // list entries
  parameter R    = 1,   // entries per cycle
  parameter SW   = 6,   // score width: $clog2(D+1) for HAD, the signed int8 score width else
  parameter IW   = 7,   // key index width
  parameter HAD  = 1,   // 1: table weights of match counts; 0: exp units of signed scores
  parameter WB   = 8,   // weight fraction bits (the weights have WB + 1 bits)
  parameter E    = 3,   // exp-table entries a configuration write (HAD: 32 / (WB + 1))
  parameter FB   = 6,   // exp units' fraction-table index bits (HAD = 0)
  parameter VB   = 8,   // value width (signed)
  parameter ACCW = 20,  // accumulator width
  parameter WSW  = 13,  // weight-sum width
  parameter SHADOW = 0, // HAD: the table's writes fill a shadow table (hg_wlut)
  parameter FAN  = 0    // dimensions per buffer stage of the shared AV signals (hg_av_mac; 0: none)
) (
  input  wire                          clk_i,         // clock
  input  wire                          rst_ni,        // synchronous reset, active low
  input  wire                          list_valid_i,  // a published top-N list is waiting
  input  wire [N-1:0]                  list_v_i,      // entry valid
  input  wire [N*SW-1:0]               list_s_i,      // entry scores
  input  wire [N*IW-1:0]               list_idx_i,    // entry key indices
  input  wire [SW-1:0]                 list_smax_i,   // the largest entry score
  output wire                          list_take_o,   // list fully read (released)
  /* verilator lint_off UNUSEDSIGNAL */  // one of the two weight sources is unused
  input  wire                          etab_we_i,     // exp table write of E entries (HAD)
  input  wire [((D+E)/E+SHADOW > 1 ? $clog2((D+E)/E+SHADOW) : 1)-1:0] etab_addr_i, // its word (HAD, hg_wlut)
  input  wire [E*(WB+1)-1:0]           etab_data_i,   // its entries (HAD)
  input  wire [15:0]                   exp_mul_i,     // exp multiplier (HAD = 0)
  input  wire [5:0]                    exp_shift_i,   // exp shift (HAD = 0)
  /* verilator lint_on UNUSEDSIGNAL */
  output wire [R-1:0]                  vm_re_o,       // V memory read enables
  output wire [R*IW-1:0]               vm_raddr_o,    // V memory read addresses
  input  wire [R*VB*D-1:0]             vm_rdata_i,    // V rows, slot r at [r*VB*D +: VB*D], one cycle later
  output wire                          out_valid_o,   // acc_o / wsum_o hold a finished query
  input  wire                          out_ready_i,   // normalizer takes them
  output wire [D*ACCW-1:0]             acc_o,         // accumulators, dim i at [i*ACCW +: ACCW]
  output wire [WSW-1:0]                wsum_o,        // sum of the weights
  output wire                          idle_o         // nothing in flight
);

  localparam WW     = WB + 1;              // weight width
  localparam SIGNED = HAD != 0 ? 0 : 1;    // int8 scores are signed
  localparam TW     = SW + SIGNED;         // width of t = s_max - s

  generate
    if (D < 1 || N < 1 || R < 1 || (HAD != 0 && HAD != 1) || FB < 2 || FB > 8) begin : g_check
      hg_error_parameters_d_n_r_had_fb_out_of_range u_error ();
    end
    if (HAD == 1 && SW != $clog2(D + 1)) begin : g_check_sw
      hg_error_parameter_sw_must_be_clog2_d_plus_1_for_had u_error ();
    end
  endgenerate

  wire            av_en;
  wire [R-1:0]    lookup_v;
  wire [R*TW-1:0] t;
  wire            mac_v, mac_first, mac_last;
  wire [R*WW-1:0] mac_w;

  hg_av_list #(
    .N(N),
    .R(R),
    .SW(SW),
    .SIGNED(SIGNED),
    .IW(IW)
  ) u_list (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .en_i         (av_en),
    .list_valid_i (list_valid_i),
    .list_v_i     (list_v_i),
    .list_s_i     (list_s_i),
    .list_idx_i   (list_idx_i),
    .list_smax_i  (list_smax_i),
    .list_take_o  (list_take_o),
    .vm_re_o      (vm_re_o),
    .vm_raddr_o   (vm_raddr_o),
    .lookup_v_o   (lookup_v),
    .t_o          (t),
    .mac_v_o      (mac_v),
    .mac_first_o  (mac_first),
    .mac_last_o   (mac_last)
  );

  // The weights of the entries read, one cycle later.
  genvar er;
  generate
    if (HAD != 0) begin : g_tab
      hg_wlut #(.D(D), .WW(WW), .E(E), .R(R), .SHADOW(SHADOW)) u_wlut (
        .clk_i   (clk_i),
        .we_i    (etab_we_i),
        .waddr_i (etab_addr_i),
        .wdata_i (etab_data_i),
        .en_i    (av_en),
        .valid_i (lookup_v),
        .delta_i (t),
        .w_o     (mac_w)
      );
    end else begin : g_exp
      for (er = 0; er < R; er = er + 1) begin : g_unit
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
    end
  endgenerate

  // The weights and V rows one cycle after the read: accumulated, summed, handed off.
  hg_av_mac #(.D(D), .R(R), .WW(WW), .VB(VB), .ACCW(ACCW), .WSW(WSW), .FAN(FAN)) u_mac (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .mac_v_i      (mac_v),
    .mac_first_i  (mac_first),
    .mac_last_i   (mac_last),
    .w_i          (mac_w),
    .v_i          (vm_rdata_i),
    .busy_i       (1'b0),
    .en_o         (av_en),
    .out_valid_o  (out_valid_o),
    .out_ready_i  (out_ready_i),
    .acc_o        (acc_o),
    .wsum_o       (wsum_o),
    .idle_o       (idle_o)
  );

endmodule

`default_nettype wire
