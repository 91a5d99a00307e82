// SPDX-License-Identifier: Apache-2.0
// Block-scaled products feeding a BitLinear (o_proj and down_proj inputs); mirrors
// hls/include/mmf_hls/scaled_products.hpp. A job of n values takes the vectors a and b twice,
// Lanes values per beat: the first pass finds max|a| and max|b|, the second emits
// out = saturate(round(a * b / 2^sh)) with one shift sh per vector.
module mmf_scaled_products #(
  parameter int unsigned Lanes = 4,
  parameter int unsigned MaxN = 16384,
  localparam int unsigned CountW = $clog2(MaxN + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  // Job: n values (1 .. MaxN); then ceil(n / Lanes) beats for the maxima, the same again for
  // the products. Lanes at or past n in the last beat are ignored.
  input  logic                job_valid_i,
  output logic                job_ready_o,
  input  logic [CountW-1:0]   job_n_i,

  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [32*Lanes-1:0] in_a_i,
  input  logic [32*Lanes-1:0] in_b_i,

  // Products of the second pass, one beat per input beat.
  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [32*Lanes-1:0] out_data_o
);

  typedef enum logic [1:0] {
    StIdle,
    StMax,    // first pass: maxima
    StShift,  // one cycle: the shift from the maxima
    StProd    // second pass: products
  } state_e;

  state_e              state_q, state_d;
  logic [CountW-1:0]   n_q, n_d;
  logic [CountW-1:0]   base_q, base_d;   // index of lane 0 of the current beat
  logic [32:0]         max_a_q, max_a_d, max_b_q, max_b_d;
  logic [6:0]          shift_q, shift_d;
  logic                out_valid_q, out_valid_d;
  logic [32*Lanes-1:0] out_q, out_d;
  logic                in_fire, last_beat;

  assign in_fire = in_valid_i && in_ready_o;
  assign last_beat = 32'(base_q) + Lanes >= 32'(n_q);

  assign job_ready_o = state_q == StIdle;
  assign in_ready_o = state_q == StMax || (state_q == StProd && (!out_valid_q || out_ready_i));

  always_comb begin
    state_d = state_q;
    n_d = n_q;
    base_d = base_q;
    max_a_d = max_a_q;
    max_b_d = max_b_q;
    shift_d = shift_q;
    out_valid_d = out_valid_q && !out_ready_i;
    out_d = out_q;
    unique case (state_q)
      StIdle: begin
        if (job_valid_i) begin
          n_d = job_n_i;
          base_d = '0;
          max_a_d = '0;
          max_b_d = '0;
          state_d = StMax;
        end
      end
      StMax: begin
        if (in_fire) begin
          for (int unsigned k = 0; k < Lanes; k++) begin
            if (32'(base_q) + k < 32'(n_q)) begin
              if (mmf_numerics_pkg::magnitude(in_a_i[32*k +: 32]) > max_a_d) begin
                max_a_d = mmf_numerics_pkg::magnitude(in_a_i[32*k +: 32]);
              end
              if (mmf_numerics_pkg::magnitude(in_b_i[32*k +: 32]) > max_b_d) begin
                max_b_d = mmf_numerics_pkg::magnitude(in_b_i[32*k +: 32]);
              end
            end
          end
          base_d = last_beat ? '0 : base_q + CountW'(Lanes);
          if (last_beat) state_d = StShift;
        end
      end
      StShift: begin
        shift_d = mmf_numerics_pkg::product_shift(max_a_q, max_b_q);
        state_d = StProd;
      end
      StProd: begin
        if (in_fire) begin
          for (int unsigned k = 0; k < Lanes; k++) begin
            out_d[32*k +: 32] = mmf_numerics_pkg::saturate32(mmf_numerics_pkg::shift_round(
                64'(signed'(in_a_i[32*k +: 32])) * 64'(signed'(in_b_i[32*k +: 32])),
                32'(shift_q)));
          end
          out_valid_d = 1'b1;
          base_d = last_beat ? '0 : base_q + CountW'(Lanes);
          if (last_beat) state_d = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      n_q <= '0;
      base_q <= '0;
      max_a_q <= '0;
      max_b_q <= '0;
      shift_q <= '0;
      out_valid_q <= 1'b0;
      out_q <= '0;
    end else begin
      state_q <= state_d;
      n_q <= n_d;
      base_q <= base_d;
      max_a_q <= max_a_d;
      max_b_q <= max_b_d;
      shift_q <= shift_d;
      out_valid_q <= out_valid_d;
      out_q <= out_d;
    end
  end

  assign out_valid_o = out_valid_q;
  assign out_data_o = out_q;

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_scaled_products: output changed while stalled");
  job_n_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      job_valid_i && job_ready_o |-> job_n_i != '0 && 32'(job_n_i) <= MaxN)
    else $error("mmf_scaled_products: n out of range");
`endif

endmodule
