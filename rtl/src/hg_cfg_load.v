// hg_cfg_load — a core's run-time configuration registers and its K/V load.
//
// Configuration writes and K/V pairs are accepted only while the core is idle (idle_i). The
// key count n_k (written 0: 1; above L: L) also restarts the load, which puts key i in bank
// i mod P, row i / P of the K memory and at address i of a flat V memory; keys beyond L are
// dropped. A load beat carries LW keys (LW a power of two dividing P): beat j holds keys
// j LW .. j LW + LW - 1, banks ld_lane_o .. ld_lane_o + LW - 1 of one row, and is dropped
// when its first key is beyond L. Int8 cores (EXP = 1) hold the exp multiplier and shift; the HAD core (ETAB = 1)
// decodes writes of its exp table, E = 32 / WW entries a write: the write to A_ETAB + j
// carries entries E j .. E j + E - 1, entry E j + f in bits [f WW +: WW], each saturated at
// 2^WB (weight 1.0); j = 0 .. ceil((D + 1) / E) - 1. With ETAB_SHADOW = 1 those writes fill a
// shadow table and are accepted while the core is busy too (the next head's table is written
// during this head's queries); the write to A_ETAB + ceil((D + 1) / E), whatever its data, copies
// the shadow table into the one in use (hg_wlut) and, as every other register, is taken only while
// idle. The register addresses are parameters (sw/base/hg_config.h defines them and
// hg_etab_words packs the table).
`default_nettype none

module hg_cfg_load #(
  parameter P           = 8,       // lanes: K memory banks
  parameter LW          = 1,       // keys per load beat: a power of two dividing P
  parameter L           = 128,     // most keys
  parameter D           = 32,      // head dimension (ETAB: entries 0..D)
  parameter WW          = 9,       // exp-table value width (ETAB)
  parameter WB          = 8,       // exp-table fraction bits: values saturate at 2^WB (ETAB)
  parameter EXP         = 0,       // 1: exp multiplier and shift registers (int8 cores)
  parameter ETAB        = 1,       // 1: exp-table writes (HAD)
  parameter ETAB_SHADOW = 0,       // 1: the writes go to a shadow table, taken while busy too (ETAB)
  parameter A_NKEYS     = 16'h000, // address of n_k
  parameter A_EXP_MUL   = 16'h001, // address of the exp multiplier (EXP)
  parameter A_EXP_SHIFT = 16'h002, // address of the exp shift (EXP)
  parameter A_ETAB      = 16'h100  // address of exp-table entry 0 (ETAB)
) (
  input  wire                                 clk_i,        // clock
  input  wire                                 rst_ni,       // synchronous reset, active low
  input  wire                                 idle_i,       // nothing in flight in the core
  input  wire                                 cfg_valid_i,  // configuration write
  output wire                                 cfg_ready_o,  // accepted (while idle; shadow-table words always)
  output wire                                 cfg_wait_o,   // a write is offered that waits for idle (all but those words)
  input  wire [15:0]                          cfg_addr_i,   // register address
  input  wire [31:0]                          cfg_data_i,   // register value
  input  wire                                 kv_valid_i,   // key/value pair (next index)
  output wire                                 kv_ready_o,   // accepted (only while idle)
  output reg  [$clog2(L+1)-1:0]               nkeys_o,      // keys per query, 1..L
  output wire [15:0]                          exp_mul_o,    // exp multiplier (EXP; else 0)
  output wire [5:0]                           exp_shift_o,  // exp shift (EXP; else 0)
  output wire                                 etab_we_o,    // exp-table write (ETAB): a word of E entries
  output wire [((D+32/WW)/(32/WW)+ETAB_SHADOW > 1 ? $clog2((D+32/WW)/(32/WW)+ETAB_SHADOW) : 1)-1:0] etab_addr_o, // its word j (ETAB_SHADOW: or the copy, word NWR)
  output wire [(32/WW)*WW-1:0]                etab_data_o,  // entries E j + f at [f WW +: WW], saturated
  output wire                                 ld_we_o,      // write the beat's keys from ld_idx_o on
  output wire [(L > 1 ? $clog2(L) : 1)-1:0]   ld_idx_o,     // index of the beat's first key (0..L-1 when written)
  output reg  [(P > 1 ? $clog2(P) : 1)-1:0]   ld_lane_o,    // its K memory bank (a multiple of LW)
  output reg  [(L > P ? $clog2((L+P-1)/P) : 1)-1:0] ld_row_o // its K memory row
);

  localparam NKW = $clog2(L + 1);                   // key count width
  localparam IW  = L > 1 ? $clog2(L) : 1;           // key index width
  localparam LNW = P > 1 ? $clog2(P) : 1;           // lane select width
  localparam G   = (L + P - 1) / P;                 // K memory rows
  localparam GW  = G > 1 ? $clog2(G) : 1;           // row address width
  localparam E   = 32 / WW;                         // exp-table entries a write (ETAB)
  localparam NWR = (D + E) / E;                     // exp-table writes: ceil((D + 1) / E)
  localparam NWA = NWR + ETAB_SHADOW;               // exp-table addresses: the words (and the copy)
  localparam XW  = NWA > 1 ? $clog2(NWA) : 1;       // exp-table word address width
  localparam integer L_I = L;
  localparam [NKW-1:0] L_N    = L_I[NKW-1:0];
  localparam [31:0]    L_32   = L;
  localparam integer LW_I = LW;
  localparam integer P_LW = P - LW;
  localparam [LNW-1:0] P_LAST = P_LW[LNW-1:0];          // the last beat's first bank of a row
  localparam [LNW-1:0] LW_L   = LW_I[LNW-1:0];          // bank step (LW < P)
  localparam CW  = $clog2(L + LW);                  // load count width: 0..L + LW - 1
  localparam [CW-1:0] LW_C    = LW_I[CW-1:0];           // key step
  localparam [CW-1:0] L_C     = L_I[CW-1:0];

  generate
    if (P < 1 || L < 1 || D < 1) begin : g_check_sizes
      hg_error_parameters_p_l_d_must_be_at_least_1 u_error ();
    end
    if (LW < 1 || (LW & (LW - 1)) != 0 || P % LW != 0) begin : g_check_lw
      hg_error_parameter_lw_must_be_a_power_of_two_dividing_p u_error ();
    end
    if (ETAB != 0 && WB + 1 > WW) begin : g_check_ww
      hg_error_parameter_ww_must_hold_2_to_the_wb u_error ();
    end
    if (ETAB != 0 && WW > 32) begin : g_check_ww32
      hg_error_parameter_ww_must_fit_the_32_bit_configuration_word u_error ();
    end
    if (ETAB_SHADOW != 0 && (ETAB == 0 || ETAB_SHADOW != 1)) begin : g_check_shadow
      hg_error_parameter_etab_shadow_needs_etab u_error ();
    end
  endgenerate

  wire busy_ok;  // a write the core takes while busy: a shadow-table word (ETAB_SHADOW)
  assign cfg_ready_o = idle_i || busy_ok;
  assign cfg_wait_o  = cfg_valid_i && !busy_ok;  // the score stage holds queries back for it
  assign kv_ready_o  = idle_i;
  wire cfg_fire = cfg_valid_i && cfg_ready_o;
  wire kv_fire  = kv_valid_i && idle_i;
  wire nk_write = cfg_fire && cfg_addr_i == A_NKEYS;

  wire [NKW-1:0] nkeys_in = (cfg_data_i == 32'd0) ? {{(NKW-1){1'b0}}, 1'b1} :
                            (cfg_data_i > L_32) ? L_N : cfg_data_i[NKW-1:0];
  always @(posedge clk_i) begin
    if (!rst_ni) nkeys_o <= L_N;
    else if (nk_write) nkeys_o <= nkeys_in;
  end

  generate
    if (EXP != 0) begin : g_exp
      reg [15:0] mul_q;
      reg [5:0]  shift_q;
      always @(posedge clk_i) begin
        if (!rst_ni) begin
          mul_q   <= 16'd0;
          shift_q <= 6'd0;
        end else if (cfg_fire) begin
          if (cfg_addr_i == A_EXP_MUL) mul_q <= cfg_data_i[15:0];
          if (cfg_addr_i == A_EXP_SHIFT) shift_q <= cfg_data_i[5:0];
        end
      end
      assign exp_mul_o   = mul_q;
      assign exp_shift_o = shift_q;
    end else begin : g_no_exp
      assign exp_mul_o   = 16'd0;
      assign exp_shift_o = 6'd0;
    end
    if (ETAB != 0) begin : g_etab
      localparam [WW-1:0] WMAX = {{(WW-1){1'b0}}, 1'b1} << WB;
      localparam integer NWR_I = NWR;
      localparam [15:0] NWR_16 = NWR_I[15:0];
      localparam integer NWA_I = NWA;
      localparam [15:0] NWA_16 = NWA_I[15:0];
      wire [15:0] etab_off = cfg_addr_i - A_ETAB;
      assign etab_we_o   = cfg_fire && cfg_addr_i >= A_ETAB && etab_off < NWA_16;
      assign busy_ok     = ETAB_SHADOW != 0 && cfg_addr_i >= A_ETAB && etab_off < NWR_16;
      assign etab_addr_o = etab_off[XW-1:0];
      genvar f;
      for (f = 0; f < E; f = f + 1) begin : g_field
        wire [WW-1:0] v = cfg_data_i[f*WW +: WW];
        assign etab_data_o[f*WW +: WW] = (v > WMAX) ? WMAX : v;
      end
    end else begin : g_no_etab
      assign busy_ok     = 1'b0;
      assign etab_we_o   = 1'b0;
      assign etab_addr_o = {XW{1'b0}};
      assign etab_data_o = {(E*WW){1'b0}};
    end
  endgenerate

  // K/V load: key i goes to bank i mod P, row i / P; a beat of LW keys at a time
  reg [CW-1:0] ld_cnt_q;  // keys loaded (a multiple of LW), 0..L + LW - 1
  assign ld_we_o  = kv_fire && (ld_cnt_q < L_C);
  assign ld_idx_o = ld_cnt_q[IW-1:0];
  always @(posedge clk_i) begin
    if (!rst_ni || nk_write) begin
      ld_cnt_q  <= {CW{1'b0}};
      ld_lane_o <= {LNW{1'b0}};
      ld_row_o  <= {GW{1'b0}};
    end else if (ld_we_o) begin
      ld_cnt_q <= ld_cnt_q + LW_C;
      if (ld_lane_o == P_LAST) begin
        ld_lane_o <= {LNW{1'b0}};
        ld_row_o  <= ld_row_o + 1'b1;
      end else begin
        ld_lane_o <= ld_lane_o + LW_L;
      end
    end
  end

endmodule

`default_nettype wire
