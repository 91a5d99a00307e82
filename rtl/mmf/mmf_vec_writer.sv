// SPDX-License-Identifier: Apache-2.0
// Vector-bank writer: a command names `n` 32-bit words at word index `addr` (any alignment);
// the words arrive Lanes per beat from lane 0, ceil(n / Lanes) beats (tail lanes of the last
// beat ignored). They are shifted to their place in aligned AXI beats, with byte strobes only
// on the words named, and written in bursts (mmf_axi_write_master). `idle` once every
// response is back. One command at a time.
module mmf_vec_writer #(
  parameter int unsigned Lanes = 4,
  parameter int unsigned AddrWidth = 64,
  parameter int unsigned MaxBurst = 16,
  parameter int unsigned MaxOutstanding = 8,
  localparam int unsigned DataWidth = 32 * Lanes,
  localparam int unsigned OffW = (Lanes > 1) ? $clog2(Lanes) : 1
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

  logic [OffW-1:0]        off, off_q;
  logic [31:0]            first_beat;
  logic [31:0]            beats;
  logic [31:0]            first_q, last_q;   // word positions [first, last) of the beats written
  logic [31:0]            in_left_q, out_left_q, pos_q;  // pos: word position of this beat
  logic [DataWidth-1:0]   prev_q, beat_data;
  logic [2*DataWidth-1:0] pair;
  logic [DataWidth/8-1:0] strb;
  logic                   write_cmd_ready, write_idle, beat_valid, beat_ready, beat_fire;
  logic                   active;

  assign off = OffW'(cmd_addr_i % Lanes);
  assign first_beat = cmd_addr_i / Lanes;
  assign beats = (32'(off) + cmd_n_i + Lanes - 1) / Lanes;
  assign active = out_left_q != 0;
  assign cmd_ready_o = !active && write_cmd_ready;

  // Beat j joins input beat j (none past the last) above input beat j - 1.
  assign pair = {(in_left_q != 0) ? in_data_i : '0, prev_q};
  assign beat_data = DataWidth'(pair >> (32 * (Lanes - 32'(off_q))));
  assign beat_valid = active && (in_valid_i || in_left_q == 0);
  assign beat_fire = beat_valid && beat_ready;
  assign in_ready_o = active && in_left_q != 0 && beat_ready;

  always_comb begin
    for (int unsigned k = 0; k < Lanes; k++) begin
      strb[4*k +: 4] = (pos_q + k >= first_q && pos_q + k < last_q) ? 4'hf : 4'h0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      off_q <= '0;
      first_q <= '0;
      last_q <= '0;
      in_left_q <= '0;
      out_left_q <= '0;
      pos_q <= '0;
      prev_q <= '0;
    end else if (cmd_valid_i && cmd_ready_o) begin
      off_q <= off;
      first_q <= 32'(off);
      last_q <= 32'(off) + cmd_n_i;
      in_left_q <= (cmd_n_i + Lanes - 1) / Lanes;
      out_left_q <= beats;
      pos_q <= '0;
      prev_q <= '0;
    end else if (beat_fire) begin
      if (in_left_q != 0) begin
        prev_q <= in_data_i;
        in_left_q <= in_left_q - 1;
      end
      out_left_q <= out_left_q - 1;
      pos_q <= pos_q + Lanes;
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
    .cmd_valid_i(cmd_valid_i && !active),
    .cmd_ready_o(write_cmd_ready),
    .cmd_addr_i (base_i + AddrWidth'(first_beat) * BeatBytes),
    .cmd_beats_i(beats),
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

  assign idle_o = !active && write_idle;

endmodule
