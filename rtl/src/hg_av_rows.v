// hg_av_rows — the baseline AV unit's walk over a query's scores, row by row.
//
// A query's scores wait in one bank of the double-buffered score memory, G rows of P scores
// (bank b at rows b*G .. b*G + G - 1). A row a cycle is read (sm_*); one cycle later its
// scores arrive, the weight inputs t = s_max - s (SW + 1 bits, two's complement) are
// computed for its real keys, and its P V rows are read (vm_*); one cycle later still the
// beat reaches the multiply-accumulate stage (mac_*) with the weights and V rows. The bank
// is released after the read of its last row.
`default_nettype none

module hg_av_rows #(
  parameter P  = 8,    // keys a row
  parameter G  = 16,   // rows per score bank (ceil(L / P))
  parameter L  = 128,  // most keys
  parameter SW = 21    // score width (signed)
) (
  input  wire                             clk_i,        // clock
  input  wire                             rst_ni,       // synchronous reset, active low
  input  wire                             en_i,         // AV enable (hold everything when low)
  input  wire [$clog2(L+1)-1:0]           nkeys_i,      // keys per query, 1..L
  input  wire                             sc_valid_i,   // a query's scores are complete in bank sc_bank_i
  input  wire                             sc_bank_i,    // score memory bank
  input  wire [SW-1:0]                    sc_smax_i,    // maximum score of the query (taken with its first row)
  output wire                             sc_take_o,    // bank fully read (released)
  output wire                             sm_re_o,      // score memory read
  output wire [(G > 1 ? $clog2(G) : 0):0] sm_raddr_o,   // score memory row: bank * G + row
  input  wire [P*SW-1:0]                  sm_rdata_i,   // P scores, one cycle after the read
  output wire                             vm_re_o,      // V memory read
  output wire [(G > 1 ? $clog2(G) : 1)-1:0] vm_raddr_o, // V memory row
  output wire [P-1:0]                     lookup_v_o,   // key j of the row is real (weight wanted)
  output wire [P*(SW+1)-1:0]              t_o,          // s_max - s of key j at [j*(SW+1) +: SW+1]
  output wire                             busy_o,       // a row's scores are in flight
  output reg                              mac_v_o,      // a beat reaches the MAC stage
  output reg                              mac_first_o,  // ... the first of its query
  output reg                              mac_last_o    // ... the last of its query
);

  localparam GW   = G > 1 ? $clog2(G) : 1;                 // row address width
  localparam NKW  = $clog2(L + 1);                         // key count width
  localparam BW   = $clog2(L + P + 1);                     // key base width (at least NKW)
  localparam integer P_I = P;
  localparam [BW-1:0] P_B = P_I[BW-1:0];

  generate
    if (P < 1 || G < 1 || L < 1 || SW < 2) begin : g_check_sizes
      hg_error_parameters_p_g_l_must_be_at_least_1_and_sw_2 u_error ();
    end
    if (G * P < L) begin : g_check_rows
      hg_error_parameter_g_rows_of_p_must_hold_l_keys u_error ();
    end
  endgenerate

  wire [BW-1:0] nk;  // the key count, zero-extended
  generate
    if (BW > NKW) begin : g_nk_ext
      assign nk = {{(BW-NKW){1'b0}}, nkeys_i};
    end else begin : g_nk
      assign nk = nkeys_i;
    end
  endgenerate
  reg  [GW-1:0] row_q;
  reg  [BW-1:0] base_q;
  reg  [SW-1:0] smax_q;
  wire rd      = sc_valid_i && en_i;
  wire rd_last = rd && (base_q + P_B >= nk);
  assign sc_take_o = rd_last;
  assign sm_re_o   = rd;
  hg_bank_addr #(
    .G(G)
  ) u_raddr (
    .bank_i (sc_bank_i),
    .row_i  (row_q),
    .addr_o (sm_raddr_o)
  );

  // stage b0: scores arrive
  reg b0_v, b0_first, b0_last;
  reg [GW-1:0] b0_row;
  reg [BW-1:0] b0_base;
  assign vm_re_o    = b0_v && en_i;
  assign vm_raddr_o = b0_row;
  assign busy_o     = b0_v;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      row_q   <= {GW{1'b0}};
      base_q  <= {BW{1'b0}};
      b0_v    <= 1'b0;
      mac_v_o <= 1'b0;
    end else if (en_i) begin
      b0_v    <= rd;
      mac_v_o <= b0_v;
      if (rd) begin
        row_q  <= rd_last ? {GW{1'b0}} : row_q + 1'b1;
        base_q <= rd_last ? {BW{1'b0}} : base_q + P_B;
      end
    end
  end

  always @(posedge clk_i)
    if (en_i) begin
      if (rd && row_q == {GW{1'b0}}) smax_q <= sc_smax_i;  // held with the query's rows
      b0_first    <= (row_q == {GW{1'b0}});
      b0_last     <= rd_last;
      b0_row      <= row_q;
      b0_base     <= base_q;
      mac_first_o <= b0_first;
      mac_last_o  <= b0_last;
    end

  genvar j;
  generate
    for (j = 0; j < P; j = j + 1) begin : g_key
      localparam [BW-1:0] J = j;
      assign t_o[j*(SW+1) +: SW+1] = {smax_q[SW-1], smax_q} - {sm_rdata_i[j*SW + SW-1], sm_rdata_i[j*SW +: SW]};
      assign lookup_v_o[j] = b0_v && (b0_base + J < nk);
    end
  endgenerate

endmodule

`default_nettype wire
