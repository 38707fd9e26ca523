// hg_mem_flat — a memory of WORDS entries with one write port and RP read ports.
//
// Each read port registers the entry at its address when enabled (data one cycle later). A
// write stores WL entries (WL a power of two) from an address that is a multiple of WL: the
// array is ceil(WORDS / WL) rows of WL entries, a read takes its row and keeps its entry. The
// synthesis flow costs it with its memory model (not synthesized).
`default_nettype none

module hg_mem_flat #(
  parameter WORDS = 128,  // entries
  parameter W     = 256,  // bits per entry
  parameter RP    = 1,    // read ports
  parameter WL    = 1     // entries written per write
) (
  input  wire                                          clk_i,    // clock
  input  wire                                          we_i,     // write
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0]    waddr_i,  // write address (a multiple of WL)
  input  wire [WL*W-1:0]                               wdata_i,  // write data, entry waddr + j at [j*W +: W]
  input  wire [RP-1:0]                                 re_i,     // read enables
  input  wire [RP*(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] raddr_i,  // read addresses, port r at [r*AW +: AW]
  output wire [RP*W-1:0]                               rdata_o   // read data, port r at [r*W +: W], one cycle later
);

  localparam AW = WORDS > 1 ? $clog2(WORDS) : 1;  // address width

  generate
    if (WORDS < 1 || W < 1 || RP < 1) begin : g_check
      hg_error_parameters_words_w_rp_must_be_at_least_1 u_error ();
    end
    if (WL < 1 || (WL & (WL - 1)) != 0 || WL > WORDS) begin : g_check_wl
      hg_error_parameter_wl_must_be_a_power_of_two_up_to_words u_error ();
    end
  endgenerate

  genvar r;
  generate
    if (WL == 1) begin : g_narrow
      reg [W-1:0] mem [0:WORDS-1];

      always @(posedge clk_i)
        if (we_i) mem[waddr_i] <= wdata_i;

      for (r = 0; r < RP; r = r + 1) begin : g_port
        reg [W-1:0] rd_q;
        always @(posedge clk_i)
          if (re_i[r]) rd_q <= mem[raddr_i[r*AW +: AW]];
        assign rdata_o[r*W +: W] = rd_q;
      end
    end else begin : g_wide
      localparam EB   = $clog2(WL);                 // entry-select bits
      localparam ROWS = (WORDS + WL - 1) / WL;      // rows of WL entries
      localparam RW   = ROWS > 1 ? $clog2(ROWS) : 1; // row address width
      reg [WL*W-1:0] mem [0:ROWS-1];
      wire [RW-1:0] wrow;  // the row written
      wire unused_waddr = ^waddr_i;  // its low EB bits are 0 (a multiple of WL)
      if (ROWS > 1) begin : g_wrow
        assign wrow = waddr_i[EB +: RW];
      end else begin : g_wrow0
        assign wrow = 1'b0;
      end

      always @(posedge clk_i)
        if (we_i) mem[wrow] <= wdata_i;

      for (r = 0; r < RP; r = r + 1) begin : g_port
        wire [AW-1:0]   ra = raddr_i[r*AW +: AW];
        wire [RW-1:0]   rrow;
        reg  [WL*W-1:0] rd_q;
        reg  [EB-1:0]   sel_q;  // the entry of the row read
        if (ROWS > 1) begin : g_rrow
          assign rrow = ra[EB +: RW];
        end else begin : g_rrow0
          assign rrow = 1'b0;
        end
        always @(posedge clk_i)
          if (re_i[r]) begin
            rd_q  <= mem[rrow];
            sel_q <= ra[EB-1:0];
          end
        assign rdata_o[r*W +: W] = rd_q[sel_q*W +: W];
      end
    end
  endgenerate

endmodule

`default_nettype wire
