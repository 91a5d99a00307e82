// SPDX-License-Identifier: Apache-2.0
// Rescale unit, the back of a BitLinear (mirrors combine_scales + rescale_rows of
// hls/include/mmf_hls/rescale.hpp; golden: mmf::fx::combine_scales, apply_scale): one
// multiplier per BitLinear from the token scale and the tensor constant, then each row sum times
// it, rounded and saturated to Q16, one row a cycle.
//
// The job (once per BitLinear, overlapping the weight stream) is a short sequence with one
// arithmetic step a cycle:
//   StInput  normalize the two 32-bit mantissas to 31 bits (at most one bit each)
//   StMul    their product, through the 3-stage multiplier (shared with the rows)
//   StNorm   normalize the product: 5 steps that shift by 16, 8, 4, 2, 1 when the mantissa is at
//            least 2^(30+k), which removes exactly bit_length - 31 bits
//   StPrep   the per-row constants: shift t = 32 - min(exp, 32), the rounding bit, exp <= -63
//   StRun    the rows
// apply_scale is round(acc * mant * 2^exp) saturated to int32 (0 when exp <= -63): with the
// product written as p * 2^32, that is (p * 2^32 + 2^(t-1)) >> t for t = 32 - exp, whose
// rounding bit is 0 for exp >= 0. Every row goes through RowLatency stages, each at most one add,
// shift or compare:
//   0. the row sum registered
//   1-3. mmf_mul_pipe: acc * mant, 63 bits
//   4. + 2^(-exp-1) when exp < 0
//   5. the 96-bit arithmetic shift right by t of (sum * 2^32)
//   6. saturate to int32 (or 0 when exp <= -63)
// All row stages advance together (`advance`); a stall holds them all. A new job waits until the
// last row has left, so the per-row constants never change under a row in flight.
module mmf_rescale (
  input  logic               clk_i,
  input  logic               rst_ni,

  // Job: the token scale (from mmf_norm_quantize) and the tensor constant (descriptor), each
  // mant * 2^exp, and the number of rows that follow.
  input  logic               job_valid_i,
  output logic               job_ready_o,
  input  logic [31:0]        job_token_mant_i,
  input  logic signed [15:0] job_token_exp_i,
  input  logic [31:0]        job_const_mant_i,
  input  logic signed [15:0] job_const_exp_i,
  input  logic [24:0]        job_rows_i,

  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic [31:0]        in_data_i,   // row sum (int32)

  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [31:0]        out_data_o   // Q16
);

  localparam int unsigned MantBits = mmf_numerics_pkg::MantBits;  // 31
  localparam int unsigned MulLatency = 3;                           // mmf_mul_pipe
  // Row stages: input register, multiplier, rounding add, shift, saturation.
  localparam int unsigned RowLatency = 1 + MulLatency + 3;
  localparam int unsigned NormSteps = mmf_numerics_pkg::NormalizeSteps;  // 16, 8, 4, 2, 1

  typedef enum logic [2:0] {
    StIdle,
    StInput,
    StMul,
    StNorm,
    StPrep,
    StRun
  } state_e;

  // ---- Job sequence ----------------------------------------------------------------------
  state_e             state_q;
  logic [31:0]        t_mant_q, c_mant_q;
  logic signed [15:0] t_exp_q, c_exp_q;
  logic [63:0]        n_mant_q;          // the product being normalized
  logic signed [15:0] n_exp_q;
  logic [2:0]         step_q;            // cycles in StMul, shifts done in StNorm
  logic [24:0]        rows_q;            // rows still to take
  logic [MantBits-1:0] mant_q;           // the scale, normalized
  logic [6:0]         shift_q;           // t = 32 - min(exp, 32), in [0, 94] unless zero_q
  logic [63:0]        round_q;           // 2^(-exp-1) when exp < 0, else 0
  logic               zero_q;            // exp <= -63: every output is 0

  logic [RowLatency-1:0] valid_q;
  logic                  advance, in_fire, pipe_empty;

  assign advance = !valid_q[RowLatency-1] || out_ready_i;
  assign in_ready_o = state_q == StRun && advance;
  assign in_fire = in_valid_i && in_ready_o;
  assign pipe_empty = valid_q == '0;
  assign job_ready_o = state_q == StIdle && pipe_empty;

  // A normalize step (mmf_numerics_pkg::normalize_step) shifts by k = 16 >> step when the
  // mantissa is at least 2^(30+k).
  logic [79:0] norm_next;
  assign norm_next = mmf_numerics_pkg::normalize_step({n_mant_q, n_exp_q}, step_q);

  logic signed [MantBits+1:0] mul_a;  // 33-bit signed operand of the shared multiplier
  logic [31:0]                mul_b;
  logic signed [MantBits+33:0] mul_p;  // |product| < 2^62: bits 64 and 63 are sign bits
  logic                        unused_mul_msb;
  assign unused_mul_msb = mul_p[MantBits+33];
  logic signed [31:0]         acc0_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      step_q <= '0;
      rows_q <= '0;
    end else begin
      unique case (state_q)
        StIdle: begin
          if (job_valid_i && job_ready_o) begin
            rows_q <= job_rows_i;
            state_q <= StInput;
          end
        end
        StInput: begin
          step_q <= '0;
          state_q <= StMul;
        end
        StMul: begin
          step_q <= step_q + 3'd1;
          if (step_q == 3'(MulLatency)) begin
            step_q <= '0;
            state_q <= StNorm;
          end
        end
        StNorm: begin
          step_q <= step_q + 3'd1;
          if (step_q == 3'(NormSteps - 1)) state_q <= StPrep;
        end
        StPrep: state_q <= rows_q == '0 ? StIdle : StRun;
        StRun: begin
          if (in_fire) begin
            rows_q <= rows_q - 25'd1;
            if (rows_q == 25'd1) state_q <= StIdle;
          end
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // Job datapath (no reset: every register is written before it is read in a job).
  always_ff @(posedge clk_i) begin
    unique case (state_q)
      StIdle: begin
        t_mant_q <= job_token_mant_i;
        t_exp_q <= job_token_exp_i;
        c_mant_q <= job_const_mant_i;
        c_exp_q <= job_const_exp_i;
      end
      StInput: begin
        // A 32-bit mantissa has at most one bit beyond MantBits.
        if (t_mant_q[31]) begin
          t_mant_q <= t_mant_q >> 1;
          t_exp_q <= t_exp_q + 16'sd1;
        end
        if (c_mant_q[31]) begin
          c_mant_q <= c_mant_q >> 1;
          c_exp_q <= c_exp_q + 16'sd1;
        end
      end
      StMul: begin
        n_mant_q <= mul_p[63:0];
        n_exp_q <= t_exp_q + c_exp_q;
      end
      StNorm: begin
        n_mant_q <= norm_next[79:16];
        n_exp_q <= norm_next[15:0];
      end
      StPrep: begin
        mant_q <= n_mant_q[MantBits-1:0];
        zero_q <= (n_exp_q <= -16'sd63);
        shift_q <= n_exp_q >= 16'sd32 ? 7'd0 : 7'(7'sd32 - 7'(n_exp_q));
        round_q <= n_exp_q < 0 ? 64'd1 << 6'(-n_exp_q - 16'sd1) : '0;
      end
      default: ;
    endcase
  end

  // ---- Rows ------------------------------------------------------------------------------
  // The multiplier serves the job (t * c, while no row is in flight) and the rows (acc * mant).
  assign mul_a = state_q == StRun || !pipe_empty ? (MantBits + 2)'(acc0_q)
                                                 : (MantBits + 2)'($unsigned(t_mant_q));
  assign mul_b = state_q == StRun || !pipe_empty ? 32'(mant_q) : c_mant_q;

  mmf_mul_pipe #(
    .AWidth(MantBits + 2),
    .BWidth(32)
  ) u_mul (
    .clk_i,
    .en_i (advance),
    .a_i  (mul_a),
    .b_i  (mul_b),
    .p_o  (mul_p)
  );

  logic signed [63:0] rounded_q;
  logic signed [95:0] shifted_q;
  logic signed [31:0] out_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (advance) valid_q <= {valid_q[RowLatency-2:0], in_fire};
  end

  always_ff @(posedge clk_i) begin
    if (advance) begin
      if (in_fire) acc0_q <= signed'(in_data_i);
      rounded_q <= signed'(mul_p[63:0]) + signed'(round_q);
      shifted_q <= $signed({rounded_q, 32'd0}) >>> shift_q;
      if (zero_q) out_q <= '0;
      else if (shifted_q[95:31] == '0 || shifted_q[95:31] == '1) out_q <= shifted_q[31:0];
      else out_q <= shifted_q[95] ? 32'sh8000_0000 : 32'sh7fff_ffff;
    end
  end

  assign out_valid_o = valid_q[RowLatency-1];
  assign out_data_o = out_q;

endmodule
