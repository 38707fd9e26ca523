// hg_mac_lane — one int8 score lane.
//
// s = sum_i q[i] * k[i] over D signed bytes, accumulated in SW bits (signed; SW = 16 +
// clog2(D) cannot overflow). One key per cycle; the result is registered.
`default_nettype none

module hg_mac_lane #(
  parameter D  = 64,  // head dimension (bytes per key and per query)
  parameter SW = 22   // score width (signed), more than the 16 bits of one product
) (
  input  wire           clk_i,  // clock
  input  wire           en_i,   // pipeline enable (hold when low)
  input  wire [8*D-1:0] q_i,    // query, D x int8, element i at [8i+7:8i]
  input  wire [8*D-1:0] k_i,    // key, D x int8
  output reg  [SW-1:0]  s_o     // dot product (signed), one cycle later
);

  generate
    if (D < 1) begin : g_check_d
      hg_error_parameter_d_must_be_at_least_1 u_error ();
    end
    if (SW <= 16) begin : g_check_sw
      hg_error_parameter_sw_must_exceed_16 u_error ();
    end
  endgenerate

  // Signed 8 x 8 -> 16-bit product.
  function signed [15:0] mul8;
    input signed [7:0] a;
    input signed [7:0] b;
    mul8 = a * b;
  endfunction

  function [SW-1:0] dot;
    input [8*D-1:0] a;
    input [8*D-1:0] b;
    integer i;
    reg [15:0] p;
    begin
      dot = {SW{1'b0}};
      for (i = 0; i < D; i = i + 1) begin
        p = mul8(a[8*i +: 8], b[8*i +: 8]);
        dot = dot + {{(SW-16){p[15]}}, p};
      end
    end
  endfunction

  always @(posedge clk_i)
    if (en_i) s_o <= dot(q_i, k_i);

endmodule

`default_nettype wire
