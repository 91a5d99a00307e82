// SPDX-License-Identifier: Apache-2.0
// Vector-bank writer: a command names `n` 32-bit words at word index `addr` (any alignment); the
// words arrive VectorLanes per beat from lane 0, ceil(n / VectorLanes) beats (tail lanes of the
// last beat ignored). They are shifted to their place in aligned AXI beats, with byte strobes only
// on the words named, and written in bursts (mmf_axi_write_master). `idle` once every response is
// back. One command runs at a time; one more can wait, taken into a register with its beat counts,
// so that no command arithmetic lies between the controller's registers and this writer's (7 LUT
// levels in the u280 top when the counts were computed as the command started).
module mmf_vec_writer #(
  parameter int unsigned VectorLanes = 4,     // 32-bit words per beat
  parameter int unsigned AddrWidth = 64,      // AXI address bits
  parameter int unsigned MaxBurst = 16,       // beats per burst, at most
  parameter int unsigned MaxOutstanding = 8,  // bursts awaiting a response, at most
  localparam int unsigned DataWidth = 32 * VectorLanes,
  localparam int unsigned OffW = (VectorLanes > 1) ? $clog2(VectorLanes) : 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic [AddrWidth-1:0]   base_i,

  input  logic                   cmd_valid_i,
  output logic                   cmd_ready_o,
  input  logic [31:0]            cmd_addr_i,
  input  logic [31:0]            cmd_n_i,     // >= 1

  input  logic                   in_valid_i,
  output logic                   in_ready_o,
  input  logic [DataWidth-1:0]   in_data_i,

  output logic                   aw_valid_o,
  input  logic                   aw_ready_i,
  output logic [AddrWidth-1:0]   aw_addr_o,
  output logic [7:0]             aw_len_o,
  output logic [2:0]             aw_size_o,
  output logic [1:0]             aw_burst_o,
  output logic                   w_valid_o,
  input  logic                   w_ready_i,
  output logic [DataWidth-1:0]   w_data_o,
  output logic [DataWidth/8-1:0] w_strb_o,
  output logic                   w_last_o,
  input  logic                   b_valid_i,
  output logic                   b_ready_o,
  input  logic [1:0]             b_resp_i,

  output logic                   idle_o,
  output logic [63:0]            bytes_o,
  output logic                   error_o
);

  localparam int unsigned BeatBytesU = DataWidth / 8;
  localparam logic [AddrWidth-1:0] BeatBytes = AddrWidth'(BeatBytesU);

  // The waiting command: its first beat, the offset of its word 0 in the first beat and of its
  // end in the last (0: the last beat is full), its output and input beat counts.
  logic                   pend_q;
  logic [31:0]            first_beat_q, beats_q, in_beats_q;
  logic [OffW-1:0]        cmd_off_q, cmd_end_q;
  // The running command: per command, which words of the first and of the last beat are
  // written; per beat, flags, not counter compares, so that the handshakes and strobes are a
  // LUT or two after registers (the strobes were 32-bit compares of a position against the
  // command's range, 7-8 LUT levels in the u280 top).
  logic [OffW-1:0]        off_q;
  logic [VectorLanes-1:0] first_words, last_words, first_words_q, last_words_q;
  logic [31:0]            in_left_q, out_left_q;
  logic                   active_q;     // beats left to write (out_left_q != 0)
  logic                   in_more_q;    // input beats left to take (in_left_q != 0)
  logic                   first_q;      // the next beat is the command's first
  logic                   last_q;       // the next beat is the command's last (out_left_q == 1)
  logic [DataWidth-1:0]   prev_q, beat_data;
  logic [2*DataWidth-1:0] pair;
  logic [VectorLanes-1:0] words;
  logic [DataWidth/8-1:0] strb;
  logic                   write_cmd_ready, write_idle, beat_valid, beat_ready, beat_fire;
  logic                   cmd_fire, start;
  // The input through a skid buffer: in_ready_o is a flop, so the W channel's ready and the
  // burst bookkeeping do not reach back into the datapath's sources (10 LUT levels from the
  // write master's length FIFO into the weight array's result gearbox, in the u280 top).
  logic                   in_valid, in_ready, skid_full;
  logic [DataWidth-1:0]   in_data;

  mmf_skid_buf #(
    .Width(DataWidth)
  ) u_skid (
    .clk_i,
    .rst_ni,
    .in_valid_i,
    .in_ready_o,
    .in_data_i,
    .out_valid_o(in_valid),
    .out_ready_i(in_ready),
    .out_data_o (in_data),
    .full_o     (skid_full)
  );

  assign cmd_ready_o = !pend_q;
  assign cmd_fire = cmd_valid_i && cmd_ready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      pend_q <= 1'b0;
      first_beat_q <= '0;
      cmd_off_q <= '0;
      cmd_end_q <= '0;
      beats_q <= '0;
      in_beats_q <= '0;
    end else if (cmd_fire) begin
      pend_q <= 1'b1;
      first_beat_q <= cmd_addr_i / VectorLanes;
      cmd_off_q <= OffW'(cmd_addr_i % VectorLanes);
      cmd_end_q <= OffW'((cmd_addr_i % VectorLanes + cmd_n_i) % VectorLanes);
      beats_q <= (cmd_addr_i % VectorLanes + cmd_n_i + VectorLanes - 1) / VectorLanes;
      in_beats_q <= (cmd_n_i + VectorLanes - 1) / VectorLanes;
    end else if (start) begin
      pend_q <= 1'b0;
    end
  end

  // The waiting command starts when the last one's beats are all written and the write master
  // takes it.
  assign start = pend_q && !active_q && write_cmd_ready;

  always_comb begin
    for (int unsigned k = 0; k < VectorLanes; k++) begin
      first_words[k] = k >= 32'(cmd_off_q);
      last_words[k] = cmd_end_q == '0 || k < 32'(cmd_end_q);
    end
  end

  // Beat j joins input beat j (none past the last) above input beat j - 1.
  assign pair = {in_more_q ? in_data : '0, prev_q};
  assign beat_data = DataWidth'(pair >> (32 * (VectorLanes - 32'(off_q))));
  assign beat_valid = active_q && (in_valid || !in_more_q);
  assign beat_fire = beat_valid && beat_ready;
  assign in_ready = active_q && in_more_q && beat_ready;

  // Words [off, off + n) of the command: the first beat starts at off, the last ends at
  // off + n (mod VectorLanes), the beats between are whole.
  assign words = (first_q ? first_words_q : '1) & (last_q ? last_words_q : '1);
  always_comb begin
    for (int unsigned k = 0; k < VectorLanes; k++) strb[4*k +: 4] = {4{words[k]}};
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      off_q <= '0;
      first_words_q <= '0;
      last_words_q <= '0;
      in_left_q <= '0;
      out_left_q <= '0;
      active_q <= 1'b0;
      in_more_q <= 1'b0;
      first_q <= 1'b0;
      last_q <= 1'b0;
      prev_q <= '0;
    end else if (start) begin
      off_q <= cmd_off_q;
      first_words_q <= first_words;
      last_words_q <= last_words;
      in_left_q <= in_beats_q;
      out_left_q <= beats_q;
      active_q <= beats_q != 0;
      in_more_q <= in_beats_q != 0;
      first_q <= 1'b1;
      last_q <= beats_q == 1;
      prev_q <= '0;
    end else if (beat_fire) begin
      if (in_more_q) begin
        prev_q <= in_data;
        in_left_q <= in_left_q - 1;
        in_more_q <= in_left_q != 1;
      end
      out_left_q <= out_left_q - 1;
      active_q <= !last_q;
      first_q <= 1'b0;
      last_q <= out_left_q == 2;
    end
  end

  mmf_axi_write_master #(
    .DataWidth     (DataWidth),
    .AddrWidth     (AddrWidth),
    .MaxBurst      (MaxBurst),
    .MaxOutstanding(MaxOutstanding)
  ) u_write (
    .clk_i,
    .rst_ni,
    .cmd_valid_i(pend_q && !active_q),
    .cmd_ready_o(write_cmd_ready),
    .cmd_addr_i (base_i + AddrWidth'(first_beat_q) * BeatBytes),
    .cmd_beats_i(beats_q),
    .in_valid_i (beat_valid),
    .in_ready_o (beat_ready),
    .in_data_i  (beat_data),
    .in_strb_i  (strb),
    .aw_valid_o,
    .aw_ready_i,
    .aw_addr_o,
    .aw_len_o,
    .aw_size_o,
    .aw_burst_o,
    .w_valid_o,
    .w_ready_i,
    .w_data_o,
    .w_strb_o,
    .w_last_o,
    .b_valid_i,
    .b_ready_o,
    .b_resp_i,
    .idle_o     (write_idle),
    .bytes_o,
    .error_o
  );

  assign idle_o = !pend_q && !active_q && write_idle && !skid_full;

`ifndef SYNTHESIS
  flags_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      active_q == (out_left_q != 0) && in_more_q == (in_left_q != 0) &&
      (!active_q || last_q == (out_left_q == 1)))
    else $error("mmf_vec_writer: a beat flag disagrees with its counter");
`endif

endmodule
