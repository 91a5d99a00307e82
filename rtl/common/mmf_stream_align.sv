// SPDX-License-Identifier: Apache-2.0
// Realigns a beat stream: a job names `n` lanes starting `off` lanes into the first input beat;
// the output carries those lanes from lane 0, ceil(n / VectorLanes) beats, tail lanes of the
// last beat unspecified. It takes ceil((off + n) / VectorLanes) input beats. Used wherever a
// vector starts inside a beat (unaligned vector-bank reads, the up half of [gate | up]). The
// output is registered (mmf_pipe_reg: one cycle of latency, full throughput): the lane shift
// is a VectorLanes-to-1 mux per bit, and its consumers (the slot write ports, the program
// loader) were the u280 top's 7-LUT-level paths behind it.
module mmf_stream_align #(
  parameter int unsigned Width = 32,       // bits per lane
  parameter int unsigned VectorLanes = 4,  // lanes (Width-bit values) per beat
  localparam int unsigned OffW = (VectorLanes > 1) ? $clog2(VectorLanes) : 1,
  localparam int unsigned BeatW = Width * VectorLanes
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  input  logic                         job_valid_i,
  output logic                         job_ready_o,
  input  logic [OffW-1:0]              job_off_i,
  input  logic [31:0]                  job_n_i,      // >= 1

  input  logic                         in_valid_i,
  output logic                         in_ready_o,
  input  logic [Width*VectorLanes-1:0] in_data_i,

  output logic                         out_valid_o,
  input  logic                         out_ready_i,
  output logic [Width*VectorLanes-1:0] out_data_o
);

  logic [Width*VectorLanes-1:0]   prev_q;
  logic [2*Width*VectorLanes-1:0] pair;
  logic [OffW-1:0]                off_q;
  logic [31:0]                    in_left_q, out_left_q;
  logic                           have_prev_q;
  // in_left_q != 0 and out_left_q != 0 as registers: the handshakes are then a LUT or two
  // after flops (the 32-bit compares put the reader's beats 7 LUT levels into the u280 top's
  // controller).
  logic                           in_more_q, out_more_q;
  logic                           out_fire, take_next;
  // The realigned beat, into the output register.
  logic                           al_valid, al_ready;
  logic [Width*VectorLanes-1:0]   al_data;

  // Each output beat joins the held beat with the next one (none after the last input beat).
  assign pair = {in_more_q ? in_data_i : '0, prev_q};
  assign al_data = BeatW'(pair >> (Width * 32'(off_q)));
  assign al_valid = have_prev_q && out_more_q && (in_valid_i || !in_more_q);
  assign out_fire = al_valid && al_ready;
  // An input beat is taken to fill the holding register, or as the next beat of an output.
  // Ready without in_valid_i in it (out_fire has it): equal to the old in_more && (!have_prev
  // || out_fire) whenever in_valid_i is set, so the same beats move, but the input handshake is
  // no longer a loop through the output's valid (7 LUT levels from the bank into its own output
  // stage in the u280 top).
  assign take_next = in_more_q && (!have_prev_q || (out_more_q && al_ready));
  assign in_ready_o = take_next;
  assign job_ready_o = !out_more_q && !in_more_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      off_q <= '0;
      in_left_q <= '0;
      out_left_q <= '0;
      have_prev_q <= 1'b0;
      in_more_q <= 1'b0;
      out_more_q <= 1'b0;
    end else begin
      if (job_valid_i && job_ready_o) begin
        off_q <= job_off_i;
        in_left_q <= (32'(job_off_i) + job_n_i + VectorLanes - 1) / VectorLanes;
        out_left_q <= (job_n_i + VectorLanes - 1) / VectorLanes;
        in_more_q <= 32'(job_off_i) + job_n_i != 0;
        out_more_q <= job_n_i != 0;
        have_prev_q <= 1'b0;
      end else begin
        if (in_valid_i && take_next) begin
          in_left_q <= in_left_q - 1;
          in_more_q <= in_left_q != 1;
          have_prev_q <= 1'b1;
        end
        if (out_fire) begin
          out_left_q <= out_left_q - 1;
          out_more_q <= out_left_q != 1;
          if (out_left_q == 1) have_prev_q <= 1'b0;
        end
      end
    end
  end

  // Data only: no reset (read under have_prev_q). A job starts only with no input beats left
  // (job_ready_o), when take_next is low.
  always_ff @(posedge clk_i) begin
    if (in_valid_i && take_next) prev_q <= in_data_i;
  end

  mmf_pipe_reg #(
    .Width(BeatW)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i (al_valid),
    .in_ready_o (al_ready),
    .in_data_i  (al_data),
    .out_valid_o,
    .out_ready_i,
    .out_data_o
  );

`ifndef SYNTHESIS
  flags_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_more_q == (in_left_q != 0) && out_more_q == (out_left_q != 0))
    else $error("mmf_stream_align: a flag disagrees with its counter");
  // The handshake (AXI-Stream): a beat offered stays, unchanged, until it is taken, on the
  // output (this cell) and on the input (its producer); no beat out of reset.
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_stream_align: output changed while stalled");
  in_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i && !in_ready_o |=> in_valid_i && $stable(in_data_i))
    else $error("mmf_stream_align: input withdrawn or changed while stalled");
  reset_a: assert property (@(posedge clk_i) !rst_ni |=> !out_valid_o)
    else $error("mmf_stream_align: output valid out of reset");
  // A job takes at most one input beat more than its output beats (the first, held); each
  // later one completes an output beat.
  counts_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      33'(in_left_q) + 33'(have_prev_q) <= 33'(out_left_q) + 33'd1)
    else $error("mmf_stream_align: more input beats left than the output beats need");
`endif

endmodule
