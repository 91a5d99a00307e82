// SPDX-License-Identifier: Apache-2.0
// Unsigned integer divider, one quotient bit per cycle (restoring): quotient = dividend / divisor
// after Width cycles. For the quantizer's one reciprocal per vector, where a few dozen cycles
// are nothing next to the passes over the vector. A divisor of 0 gives an all-ones quotient.
module mmf_divider #(
  parameter int unsigned Width = 40  // bits of dividend, divisor and quotient
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             start_i,     // takes the operands when idle
  input  logic [Width-1:0] dividend_i,
  input  logic [Width-1:0] divisor_i,
  output logic             busy_o,

  output logic             done_o,      // one cycle, with the quotient
  output logic [Width-1:0] quotient_o
);

  localparam int unsigned CountW = $clog2(Width + 1);

  logic               busy_q;
  logic [CountW-1:0]  count_q;
  logic [Width-1:0]   divisor_q, quotient_q, remainder_q;
  logic               done_q;
  logic [Width:0]     trial;  // remainder shifted in one dividend bit, minus the divisor

  assign trial = {remainder_q, quotient_q[Width-1]} - {1'b0, divisor_q};

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      count_q <= '0;
      divisor_q <= '0;
      quotient_q <= '0;
      remainder_q <= '0;
      done_q <= 1'b0;
    end else begin
      done_q <= 1'b0;
      if (!busy_q) begin
        if (start_i) begin
          busy_q <= 1'b1;
          count_q <= CountW'(Width);
          divisor_q <= divisor_i;
          quotient_q <= dividend_i;  // dividend bits shift out as quotient bits shift in
          remainder_q <= '0;
        end
      end else begin
        if (trial[Width]) begin  // negative: the divisor does not fit
          remainder_q <= {remainder_q[Width-2:0], quotient_q[Width-1]};
          quotient_q <= {quotient_q[Width-2:0], 1'b0};
        end else begin
          remainder_q <= trial[Width-1:0];
          quotient_q <= {quotient_q[Width-2:0], 1'b1};
        end
        count_q <= count_q - 1'b1;
        if (count_q == 1) begin
          busy_q <= 1'b0;
          done_q <= 1'b1;
        end
      end
    end
  end

  assign busy_o = busy_q;
  assign done_o = done_q;
  assign quotient_o = quotient_q;

endmodule
