// SPDX-License-Identifier: Apache-2.0
// The kernel's controller (mirrors run_program of hls/include/mmf_hls/controller.hpp): it takes
// a launch, has the program loaded and checked, then runs the ops in order, the ops before a bad
// one and nothing after it, num_tokens times (the program loaded once; each pass's Argmax gives
// the next pass its token). Each op is a few steps, each one stream through the vector datapath
// set up in a state's entry cycle: a vector-bank read into a slot (or into the program loader,
// or the token), a pass of up to four slots through a unit into a slot, or a slot written to the
// vector bank. A step is done once every job it handed out (reader and writer commands, the
// bank's pass, the unit's job, the weight array's BitLinear) was taken, the write side saw the
// beats it expects and the writer is idle. A BitLinear's norm weights are fetched ahead
// (mmf_norm_fetch): while one BitLinear runs, the controller looks up the next one in the
// program (this pass's, or the next pass's first) and has its w_rms and w_code read into the
// other half of their slots. It keeps the op counters of the HLS controller
// (status, ops, ternary ops, weight and vector bytes) by the same rules.
module mmf_controller #(
  parameter int unsigned Lanes = 16,         // trits per weight word (accelerator.lanes)
  // A weight word is a tile of TileRows rows x Lanes / TileRows columns.
  parameter int unsigned TileRows = 1,
  parameter int unsigned Channels = 2,       // weight channels (memory ports)
  parameter int unsigned VectorLanes = 4,    // 32-bit values per vector beat
  parameter int unsigned MaxVector = 16384,  // longest vector, in values
  parameter int unsigned MaxOps = 512,       // descriptors of a program, at most
  // 1: a BitLinear's weights may be 1.6-bit (mmf_build_pkg::FiveTrit): its weight bytes are
  // then the beats the channels read.
  parameter bit          FiveTrit = 1'b0,
  localparam int unsigned VL = VectorLanes,
  localparam int unsigned Rows = MaxVector / VL,
  localparam int unsigned RowW = $clog2(Rows + 1),
  localparam int unsigned OpW = $clog2(MaxOps + 1),
  localparam int unsigned DescWords = mmf_format_pkg::DescriptorWords,
  localparam int unsigned DescW = 32 * DescWords,
  localparam int unsigned RowCountW = $clog2(mmf_format_pkg::MaxRows + 1),
  // A checked descriptor as the descriptor RAM holds it: {rows % Channels, rows / Channels,
  // the descriptor}.
  localparam int unsigned ChkW = DescW + 2 * RowCountW,
  localparam int unsigned Cols = Lanes / TileRows,
  localparam int unsigned MaxRowWords = (MaxVector + Cols - 1) / Cols,
  localparam int unsigned WordIdxW = $clog2(MaxRowWords + 1),
  localparam int unsigned SlotW = mmf_kernel_pkg::SlotW
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // A launch: the control slave's start and the launch scalars, sampled then. launch_o when the
  // controller takes it (idle); done_o for one cycle at the end of the run.
  input  logic                  start_i,
  input  logic [31:0]           program_i,   // word index of the program in the vector bank
  input  logic [31:0]           num_ops_i,
  input  logic [31:0]           vec_words_i,
  input  logic [31:0]           num_tokens_i,  // passes of the program (1 .. MaxLaunchTokens)
  output logic                  launch_o,
  output logic                  done_o,
  output logic [mmf_control_pkg::StateBits-1:0] dbg_state_o,

  // The program: loaded (load_done_o, to the end of the run), its first bad op and that op's
  // status code (from the program load). desc_addr_o is the descriptor RAM's read address (the
  // op being run, or the one the look-ahead for the next BitLinear reads): desc_i holds that op
  // one cycle later.
  output logic                  load_done_o,
  input  logic [OpW-1:0]        first_bad_i,
  input  logic [7:0]            bad_code_i,
  output logic [OpW-1:0]        desc_addr_o,
  input  logic [ChkW-1:0]       desc_i,
  // Ops done in the launch, over all its passes (the ops_done counter).
  output logic [31:0]           ops_done_o,

  // The step's kind, one-hot (bit k set for mmf_kernel_pkg::kind_e value k): what the vector
  // datapath routes.
  output logic [mmf_kernel_pkg::NumKinds-1:0] kind_o,

  // Reader commands, and its beats as the step's sink takes them: rd_word_i is a beat's first
  // word (an Embed's token id); rd_last_o marks the step's last beat.
  output logic                  rd_cmd_valid_o,
  input  logic                  rd_cmd_ready_i,
  output logic [31:0]           rd_cmd_addr_o,
  output logic [31:0]           rd_cmd_n_o,
  input  logic                  rd_valid_i,
  input  logic                  rd_ready_i,
  input  logic [31:0]           rd_word_i,
  output logic                  rd_last_o,

  // Writer commands; the writer is idle once every write it took is acknowledged.
  output logic                  wr_cmd_valid_o,
  input  logic                  wr_cmd_ready_i,
  output logic [31:0]           wr_cmd_addr_o,
  output logic [31:0]           wr_cmd_n_o,
  input  logic                  wr_idle_i,

  // A norm-weight fetch (mmf_norm_fetch): w_rms (when has_rms) and w_code of `words` words
  // into the half `hi` of their slots; nf_busy_i while it runs.
  output logic                  nf_job_valid_o,
  input  logic                  nf_job_ready_i,
  output logic                  nf_job_has_rms_o,
  output logic [31:0]           nf_job_rms_addr_o,
  output logic [31:0]           nf_job_code_addr_o,
  output logic [31:0]           nf_job_words_o,
  output logic                  nf_job_hi_o,
  input  logic                  nf_busy_i,

  // The bank's pass job (mmf_buffer_bank): slots of ports a..d, half-mode ports, rows, passes,
  // first row, the norm weights' half.
  output logic                  bank_job_valid_o,
  input  logic                  bank_job_ready_i,
  output logic [4*SlotW-1:0]    bank_job_slots_o,
  output logic [3:0]            bank_job_half_o,
  output logic [RowW-1:0]       bank_job_rows_o,
  output logic [1:0]            bank_job_passes_o,
  output logic [RowW-1:0]       bank_job_start_o,
  output logic                  bank_job_hi_o,

  // The job of the step's unit (norm/quantize, products, realignment).
  output logic                  unit_job_valid_o,
  input  logic                  unit_job_ready_i,

  // A BitLinear's job for the weight array: started in the cycle wa_job_start_o, pending until
  // every channel, rescale and the gather took their part.
  output logic                  wa_job_start_o,
  input  logic                  wa_job_pending_i,

  // The write side: out_fire_i counts the step's beats; the first wexpect are kept
  // (out_keep_o), beat k lands in row k (out_beat_o) of slot out_slot_o with the lanes past
  // out_lanes_o values masked, or goes to the writer (a BitLinear's results, out_to_memory_o).
  input  logic                  out_fire_i,
  output logic                  out_keep_o,
  output logic [31:0]           out_beat_o,
  output logic [31:0]           out_lanes_o,
  output logic [SlotW-1:0]      out_slot_o,
  output logic                  out_to_memory_o,

  // An Argmax: the unit cleared in its read step's entry cycle; its last beat's values; the
  // pick is in (mmf_vector_datapath keeps it for the KindArgmaxPick writes).
  output logic                  am_start_o,
  output logic [$clog2(VectorLanes):0] am_last_lanes_o,
  input  logic                  pick_valid_i,

  // A Rope: mmf_rope restarts before its table rows come (one cycle); a half head's beats,
  // head_dim / (2 VL), stable through the op.
  output logic                  rope_clear_o,
  output logic [31:0]           rope_half_beats_o,

  // An Embed from the weight channels: its token, to the prefetcher, which reads the row
  // (held until taken).
  output logic                  emb_token_valid_o,
  input  logic                  emb_token_ready_i,
  output logic [31:0]           emb_token_o,
  output logic [31:0]           emb_words_o,     // the row's weight words (mmf_weight_array)

  // Fields of the op being run, stable from its decode to the end of its last step.
  output logic [31:0]           op_n_o,
  output logic                  op_has_rms_o,      // a BitLinear with norm weights
  output logic                  op_has_lb_o,       // an MLGRU with a lower bound
  output logic [RowCountW-1:0]  op_rows_o,
  output logic [RowCountW-1:0]  op_rows_q_o,       // rows / Channels
  output logic [RowCountW-1:0]  op_rows_m_o,       // rows % Channels
  output logic [WordIdxW-1:0]   op_row_words_o,    // weight words of a row block
  output logic                  op_packed_o,       // a BitLinear's weights are 1.6-bit
  output logic [31:0]           op_code_beats_o,   // beats of n values (the norm's codes)
  output logic [31:0]           op_mant_o,         // the BitLinear's tensor constant
  output logic [15:0]           op_exp_o,

  // The op counters, and this cycle's events for the cycle counters: not idle; waiting on the
  // vector bank; a BitLinear accumulating.
  output logic [31:0]           status_o,
  output logic [63:0]           ternary_ops_o,
  output logic [63:0]           weight_bytes_o,
  output logic [63:0]           vector_bytes_o,
  output logic                  busy_o,
  output logic                  vec_wait_o,
  output logic                  acc_o
);

  localparam int unsigned NCountW = $clog2(MaxVector + 1);
  localparam int unsigned TileRowsLog2 = $clog2(TileRows);
  localparam int unsigned WeightWordBytes = Lanes / 4;

  // The states in the order of hls/include/mmf_hls/controller_states.hpp, which names them
  // for the simulators (hang reports; ops timed from StFetchOp to StFetchOp in the calibration):
  // dbg_state_o. tests/rtl/format_pkg_test.cpp fails if the two lists differ.
  typedef enum logic [mmf_control_pkg::StateBits-1:0] {
    StIdle, StLoadProgram, StFetchOp, StCheckOp, StDone,
    StEmbedReadToken, StEmbedCheckToken, StEmbedReadRow,                          // Embed
    StLinearWaitNorm, StLinearRun,                                                // BitLinear
    StMlgruLoadState, StMlgruLoadLowerBound, StMlgruGate, StMlgruStoreState,      // MLGRU
    StMlgruProducts,
    StGluSilu, StGluAlignUp, StGluProducts,                                       // GLU
    StResidualAdd, StStoreVector,
    StArgmaxRead, StArgmaxWriteToken, StArgmaxWriteRing,                          // Argmax
    StPositionRead, StPositionCheck, StRopeTables, StRopeHighRow, StRopeRotate,   // Rope
    StRelu2GluRelu, StRelu2GluSquare, StRelu2GluProducts,                         // Relu2Glu
    StEmbedWeightsRow,                                                            // Embed
    StNextOp
  } state_e;

  state_e                state_q, state_d;
  logic                  entry_q, entry_d;  // first cycle of a state: set the step up
  mmf_kernel_pkg::kind_e kind_q, kind_d;
  logic [mmf_kernel_pkg::NumKinds-1:0] kind_oh_q;  // kind_q one-hot (kind_o)
  logic [OpW-1:0]        op_q, op_d;
  logic                  limit_valid_q, limit_valid_d;
  logic [31:0]           status_q, status_d, token_q, token_d;
  logic [31:0]           program_q, program_d, num_ops_q, num_ops_d;
  // The launch's passes: tok_q is the one being run; tokens_left_q passes follow it, and
  // last_token_q (tokens_left_q == 0, registered) ends the run at the program's end.
  logic [31:0]           tok_q, tok_d, tokens_left_q, tokens_left_d, ops_done_q, ops_done_d;
  logic                  last_token_q;
  logic                  pick_seen_q, pick_seen_d;  // the Argmax's pick came in
  logic                  program_ok_q;  // the launch arguments pass the program check
  logic [63:0]           ternary_ops_q, ternary_ops_d, weight_bytes_q, weight_bytes_d;
  logic [63:0]           vector_bytes_q, vector_bytes_d;
  // The vector bank's bytes are counted a cycle late: a state adds its bytes to vb_inc_d, and
  // the counter adds the registered increment, so the state decode and the select of the
  // increment are not ahead of a 64-bit add (7 LUT levels in the u280 top). StDone and StIdle
  // add nothing, so an increment made on the way to StDone lands in StDone's cycle, and none
  // is pending in StIdle: the count is whole from the cycle after done.
  logic [63:0]           vb_inc_q, vb_inc_d;

  // Step bookkeeping: jobs still to hand over, reader beats, beats the write side takes.
  logic               rd_pend_q, rd_pend_d, wr_pend_q, wr_pend_d;
  logic               bank_pend_q, bank_pend_d, unit_pend_q, unit_pend_d;
  logic [31:0]        rd_addr_q, rd_addr_d, rd_n_q, rd_n_d, wr_addr_q, wr_addr_d, wr_n_q, wr_n_d;
  logic [31:0]        rd_beats_q, rd_beats_d, rd_expect_q, rd_expect_d, rd_last_beat_q;
  logic [31:0]        wexpect_d, wsrc_d, wcount_q, wn_q, wn_d;
  logic [31:0]        kleft_q, wleft_q;  // beats still kept, still expected
  logic               keep_q, keep2_q, beats_done_q, beats_done1_q, after_entry_q;  // below
  logic [SlotW-1:0]   wslot0_q, wslot0_d;
  logic [4*SlotW-1:0] bank_slots_q, bank_slots_d;
  logic [3:0]         bank_half_q, bank_half_d;
  logic [RowW-1:0]    bank_rows_q, bank_rows_d, bank_start_q, bank_start_d;
  logic [1:0]         bank_passes_q, bank_passes_d;
  logic               bank_hi_q, bank_hi_d;
  logic               to_memory_q, to_memory_d;

  // Norm weights. cur_hi_q: the half of the norm slots the BitLinear being run reads. A fetch
  // is handed to mmf_norm_fetch from nf_pend_q with the nf_* fields; pf_valid_q: one was handed
  // for op pf_op_q (the next BitLinear to run) into half pf_hi_q. The look-ahead (sc_*) reads
  // descriptor sc_op_q (sc_check_q: its answer is in desc_i) while a BitLinear runs.
  logic               cur_hi_q, cur_hi_d, nf_pend_q, nf_pend_d;
  logic               nf_rms_q, nf_rms_d, nf_hi_q, nf_hi_d;
  logic [31:0]        nf_rms_addr_q, nf_rms_addr_d, nf_code_addr_q, nf_code_addr_d;
  logic [31:0]        nf_words_q, nf_words_d;
  logic               pf_valid_q, pf_valid_d, pf_hi_q, pf_hi_d;
  logic [OpW-1:0]     pf_op_q, pf_op_d;
  logic               sc_active_q, sc_active_d, sc_check_q, sc_check_d, sc_wrapped_q, sc_wrapped_d;
  logic [OpW-1:0]     sc_op_q, sc_op_d;
  logic               nf_idle;
  assign nf_idle = !nf_pend_q && !nf_busy_i;

  // ---------------------------------------------------------------- the op being run
  // Its descriptor and its rows / Channels and rows % Channels, from the descriptor RAM in
  // StCheckOp (the division done once by mmf_descriptor_check).
  logic [DescW-1:0]     desc_q;
  logic [RowCountW-1:0] rows_q_ch, rows_m_ch;
  always_ff @(posedge clk_i) begin : op_reg
    if (!rst_ni) begin
      desc_q <= '0;
    end else if (state_q == StCheckOp) begin
      desc_q <= desc_i[DescW-1:0];
      rows_q_ch <= desc_i[DescW +: RowCountW];
      rows_m_ch <= desc_i[DescW+RowCountW +: RowCountW];
    end
  end

  logic [31:0] f_n, f_rows, f_src0, f_src1, f_src2, f_dst, f_addr0, f_addr1, f_addr2;
  logic [31:0] f_mant, f_exp, f_opcode, f_head_dim, f_context;
  assign f_opcode = desc_q[32*mmf_format_pkg::FieldOpcode +: 32];
  assign f_n = desc_q[32*mmf_format_pkg::FieldN +: 32];
  assign f_rows = desc_q[32*mmf_format_pkg::FieldRows +: 32];
  assign f_src0 = desc_q[32*mmf_format_pkg::FieldSrc0 +: 32];
  assign f_src1 = desc_q[32*mmf_format_pkg::FieldSrc1 +: 32];
  assign f_src2 = desc_q[32*mmf_format_pkg::FieldSrc2 +: 32];
  assign f_dst = desc_q[32*mmf_format_pkg::FieldDst +: 32];
  assign f_addr0 = desc_q[32*mmf_format_pkg::FieldAddr0 +: 32];
  assign f_addr1 = desc_q[32*mmf_format_pkg::FieldAddr1 +: 32];
  assign f_addr2 = desc_q[32*mmf_format_pkg::FieldAddr2 +: 32];
  assign f_mant = desc_q[32*mmf_format_pkg::FieldMant +: 32];
  assign f_exp = desc_q[32*mmf_format_pkg::FieldExp +: 32];
  assign f_head_dim = desc_q[32*mmf_format_pkg::FieldHeadDim +: 32];
  assign f_context = desc_q[32*mmf_format_pkg::FieldContext +: 32];

  // ---- Rope's position and table rows. pos_sum_q: the position word (token_q, once read) plus
  // the pass, with its carry (a wrapped sum is past any cache). head_dim is a power of two
  // (checked), so a table row's words are a shift: row p % 64 of the low table, p / 64 of the
  // high one. Registered every cycle from stable fields; read a state or more after they settle.
  localparam int unsigned HdLog2W = $clog2(mmf_numerics_pkg::MaxHeadDimLog2 + 1);
  localparam int unsigned RopeLoBits = mmf_numerics_pkg::RopeLoBits;
  logic [32:0]         pos_sum_q;
  logic [HdLog2W-1:0]  hd_log2_q;
  logic [31:0]         rope_lo_addr_q, rope_hi_addr_q;
  always_ff @(posedge clk_i) begin : rope_regs
    pos_sum_q <= {1'b0, token_q} + {1'b0, tok_q};
    hd_log2_q <= '0;
    for (int unsigned b = 1; b <= mmf_numerics_pkg::MaxHeadDimLog2; b++) begin
      if (f_head_dim[b]) hd_log2_q <= HdLog2W'(b);
    end
    rope_lo_addr_q <= f_addr0 + (32'(pos_sum_q[RopeLoBits-1:0]) << hd_log2_q);
    rope_hi_addr_q <= f_addr2 + ((pos_sum_q[31:0] >> RopeLoBits) << hd_log2_q);
  end
  assign rope_clear_o = state_q == StRopeTables && entry_q;

  // ---- An Embed from the weight channels: its row's words, ceil(2n / word bytes), and the
  // beats the weight-word gearbox makes of them (bf16 values a word: Lanes / 8); the token
  // handed to the prefetcher once (emb_taken_q).
  localparam int unsigned WordValues = Lanes / 8;
  logic [31:0] emb_words_q, emb_beats_q;
  logic [63:0] emb_bytes_q;
  logic        emb_taken_q;
  always_ff @(posedge clk_i) begin : emb_regs
    emb_words_q <= ceil_div(2 * f_n, WeightWordBytes);
    emb_beats_q <= ceil_div(emb_words_q * WordValues, VL);
    emb_bytes_q <= 64'(emb_words_q) * WeightWordBytes;
  end
  always_ff @(posedge clk_i) begin : emb_token_reg
    if (!rst_ni) begin
      emb_taken_q <= 1'b0;
    end else if (state_q == StEmbedWeightsRow && entry_q) begin
      emb_taken_q <= 1'b0;
    end else if (emb_token_valid_o && emb_token_ready_i) begin
      emb_taken_q <= 1'b1;
    end
  end
  assign emb_token_valid_o = state_q == StEmbedWeightsRow && !entry_q && !emb_taken_q;
  assign emb_token_o = token_q;
  assign emb_words_o = emb_words_q;
  assign rope_half_beats_o = 32'(f_head_dim) >> ($clog2(VL) + 1);

  // The Argmax's last beat's values, ((rows - 1) % VL) + 1 (VL is a power of two).
  logic [$clog2(VL):0]   am_last_lanes_q;
  always_ff @(posedge clk_i) begin : am_lanes_reg
    am_last_lanes_q <= ($clog2(VL) + 1)'((f_rows - 32'd1) & 32'(VL - 1)) + 1'b1;
  end

  // Sizes derived from n.
  function automatic logic [31:0] ceil_div(input logic [31:0] a, input int unsigned b);
    ceil_div = (a + 32'(b) - 1) / 32'(b);
  endfunction
  logic [31:0] half_words, n_beats, row_words;
  assign half_words = ceil_div(f_n, 2);   // words of an int16 vector (two per word)
  assign n_beats = ceil_div(f_n, VL);
  assign row_words = ceil_div(f_n, Cols);  // words of a row block
  // In slot rows: the vector, and the up half of [gate | up] (rows it touches, first row).
  logic [RowW-1:0] n_rows, up_rows, up_start;
  assign n_rows = RowW'(n_beats);
  assign up_rows = RowW'(ceil_div(f_n % VL + f_n, VL));
  assign up_start = RowW'(f_n / VL);

  assign op_n_o = f_n;
  assign op_has_rms_o = f_addr0 != mmf_format_pkg::NoAddress;
  assign op_has_lb_o = f_addr1 != mmf_format_pkg::NoAddress;
  assign op_rows_o = RowCountW'(f_rows);
  assign op_rows_q_o = rows_q_ch;
  assign op_rows_m_o = rows_m_ch;
  assign op_row_words_o = WordIdxW'(row_words);
  // A checked BitLinear's packing is PackTwoBit or PackFiveTrit (0 or 1), and only with
  // FiveTrit: its low bit is the flag, one register, no compare.
  assign op_packed_o = FiveTrit && desc_q[32*mmf_format_pkg::FieldPacking];
  assign op_code_beats_o = n_beats;
  assign op_mant_o = f_mant;
  // |exp| < 2^15 for any BitLinear constant the host compiler writes.
  assign op_exp_o = f_exp[15:0];

  // ---------------------------------------------------------------- op counter increments
  // The current op's increments, from its descriptor fields (stable from StCheckOp to the end of
  // its last step, which is more than 4 cycles later), registered so that no counter's 64-bit
  // add follows a product or another add (the kernel top's deepest carry path, 18 levels,
  // before). The products take mmf_mul_pipe's 3 cycles; a checked descriptor has
  // rows <= MaxRows and n <= MaxVector.
  localparam int unsigned IncRowsW = RowCountW + 1;  // rows as a signed operand
  localparam int unsigned IncNW = NCountW;
  logic signed [IncRowsW+IncNW-1:0] ops_p, units_p;  // rows x n; blocks x units
  logic [63:0] inc_half_q, inc_n_q, inc_rows_q, inc_mlgru_q, inc_wbytes_q;
  // Row blocks all channels read (WeightTile::total_read_units / block_units): with q = rows /
  // Channels and m = rows % Channels, m channels hold q + 1 rows and the rest q, so the blocks
  // are Channels * ceil(q / TileRows), plus m when q is a whole number of blocks.
  // A BitLinear's result beats out of the Channels -> VL regrouping, ceil(rows / Channels) *
  // Channels lanes, registered too: in StLinearRun's entry cycle, at least 5 cycles after
  // StCheckOp, it was 7 LUT levels after the rows registers (ci-tiny's flattened top).
  logic [RowCountW-1:0] blocks_q;
  logic [31:0]          result_beats_q;
  always_ff @(posedge clk_i) begin : blocks_reg
    blocks_q <= RowCountW'(Channels) * ((rows_q_ch + RowCountW'(TileRows - 1)) >> TileRowsLog2) +
                ((rows_q_ch & RowCountW'(TileRows - 1)) == '0 ? rows_m_ch : '0);
    result_beats_q <= ceil_div((32'(rows_q_ch) + 32'(rows_m_ch != '0)) * Channels, VL);
  end
  logic        unused_row_words;  // row_words < 2^IncNW
  assign unused_row_words = ^row_words[31:IncNW];
  // A BitLinear's weight bytes (WeightTile::read_units, as the HLS controller counts them): its
  // blocks times a block's units, its words or, for 1.6-bit weights, ceil(4 words / 5) beats.
  // The beats by the reciprocal multiply of mmf_format_pkg::five_trit_mul, exact for
  // bw + 1 < 2^YW5. Two registers before the product: the counter adds it at the end of the
  // op's pass, long after.
  logic [IncNW-1:0] block_units;
  if (FiveTrit) begin : gen_five_trit
    localparam int unsigned ColsLog2 = $clog2(Cols);
    localparam int unsigned YW5 = $clog2(MaxRowWords + 2);
    localparam int unsigned Shift5 = mmf_format_pkg::five_trit_shift(YW5);
    localparam logic [63:0] M5 = mmf_format_pkg::five_trit_mul(YW5);
    localparam int unsigned M5Bits = $clog2(M5 + 1);
    logic [YW5-1:0]        words_inc_q;  // bw + 1 (n <= MaxVector: checked)
    logic [YW5+M5Bits-1:0] beats_p;
    logic [IncNW-1:0]      block_units_q;
    assign beats_p = (YW5 + M5Bits)'(words_inc_q) * (YW5 + M5Bits)'(M5);
    always_ff @(posedge clk_i) begin : units_reg
      words_inc_q <= YW5'(((NCountW + 1)'(f_n[NCountW-1:0]) + (NCountW + 1)'(2 * Cols - 1)) >>
                          ColsLog2);
      block_units_q <= op_packed_o ? IncNW'(beats_p >> Shift5) : IncNW'(row_words);
    end
    assign block_units = block_units_q;
    logic unused_beats;  // the product's fraction bits and its (zero) top
    assign unused_beats = ^beats_p;
  end else begin : gen_two_bit
    assign block_units = IncNW'(row_words);
  end
  mmf_mul_pipe #(
    .AWidth(IncRowsW),
    .BWidth(IncNW)
  ) u_ops_mul (
    .clk_i,
    .en_i (1'b1),
    .a_i  (IncRowsW'(f_rows)),
    .b_i  (IncNW'(f_n)),
    .p_o  (ops_p)
  );
  mmf_mul_pipe #(
    .AWidth(IncRowsW),
    .BWidth(IncNW)
  ) u_words_mul (
    .clk_i,
    .en_i (1'b1),
    .a_i  (IncRowsW'(blocks_q)),
    .b_i  (block_units),
    .p_o  (units_p)
  );
  always_ff @(posedge clk_i) begin : inc_reg
    inc_half_q <= 64'(half_words) << 2;
    inc_n_q <= 64'(f_n) << 2;
    inc_rows_q <= 64'(f_rows) << 2;
    // The MLGRU's vector bytes: the state read, the lower bound's when there is one, the store.
    inc_mlgru_q <= (64'(f_n) << 3) + ((f_addr1 != mmf_format_pkg::NoAddress) ? 64'(f_n) << 2 : '0);
    inc_wbytes_q <= 64'($unsigned(units_p)) * 64'(WeightWordBytes);
  end

  // ---------------------------------------------------------------- step completion
  logic jobs_handed, step_done;
  assign jobs_handed = !rd_pend_q && !wr_pend_q && !bank_pend_q && !unit_pend_q &&
                       !wa_job_pending_i;
  assign step_done = jobs_handed && beats_done_q && wr_idle_i && bank_job_ready_i;

  // Step set-ups (called in a state's entry cycle). A read step: `words` words from `addr`
  // into `slot`, `beats_src` beats on the write side of which the first `beats_kept` are kept,
  // `lanes_kept` values in all.
  task automatic read_step(input mmf_kernel_pkg::kind_e kind, input logic [31:0] addr,
                           input logic [31:0] words, input logic [SlotW-1:0] slot,
                           input logic [31:0] beats_kept, input logic [31:0] beats_src,
                           input logic [31:0] lanes_kept);
    kind_d = kind;
    rd_pend_d = 1'b1;
    rd_addr_d = addr;
    rd_n_d = words;
    rd_beats_d = '0;
    rd_expect_d = ceil_div(words, VL);
    wslot0_d = slot;
    wexpect_d = beats_kept;
    wsrc_d = beats_src;
    wn_d = lanes_kept;
  endtask

  // A pass step: `rows` rows from `start_row` of `slots` (ports a..d), `passes` times, through
  // the kind's unit (with a job when `unit_job`), `beats_out` beats of `lanes_out` values into
  // slot `dst`.
  task automatic pass_step(input mmf_kernel_pkg::kind_e kind, input logic [4*SlotW-1:0] slots,
                           input logic [3:0] half, input logic [RowW-1:0] rows,
                           input logic [1:0] passes, input logic [RowW-1:0] start_row,
                           input logic [SlotW-1:0] dst, input logic [31:0] beats_out,
                           input logic [31:0] lanes_out, input logic unit_job);
    kind_d = kind;
    bank_pend_d = 1'b1;
    bank_slots_d = slots;
    bank_half_d = half;
    bank_rows_d = rows;
    bank_passes_d = passes;
    bank_start_d = start_row;
    bank_hi_d = 1'b0;
    unit_pend_d = unit_job;
    wslot0_d = dst;
    wexpect_d = beats_out;
    wsrc_d = beats_out;
    wn_d = lanes_out;
  endtask

  // The Argmax's pick, one word, written to the vector bank at `addr`.
  task automatic pick_step(input logic [31:0] addr);
    kind_d = mmf_kernel_pkg::KindArgmaxPick;
    wr_pend_d = 1'b1;
    wr_addr_d = addr;
    wr_n_d = 32'd1;
    wexpect_d = 32'd1;
    wsrc_d = 32'd1;
    wn_d = 32'd1;
  endtask

  // A slot pass that writes `n` values from `slot` to the vector bank at `addr`.
  task automatic store_step(input logic [SlotW-1:0] slot, input logic [31:0] addr);
    pass_step(mmf_kernel_pkg::KindSlotStore, {{3{SlotW'(0)}}, slot}, 4'b0, n_rows, 2'd1, '0, '0,
              '0, '0, 1'b0);
    wr_pend_d = 1'b1;
    wr_addr_d = addr;
    wr_n_d = f_n;
  endtask

  // ---------------------------------------------------------------- next state
  always_comb begin : fsm
    state_d = state_q;
    entry_d = 1'b0;
    kind_d = kind_q;
    op_d = op_q;
    limit_valid_d = limit_valid_q;
    status_d = status_q;
    token_d = token_q;
    program_d = program_q;
    num_ops_d = num_ops_q;
    tok_d = tok_q;
    tokens_left_d = tokens_left_q;
    ops_done_d = ops_done_q;
    pick_seen_d = pick_seen_q || pick_valid_i;
    ternary_ops_d = ternary_ops_q;
    weight_bytes_d = weight_bytes_q;
    vector_bytes_d = vector_bytes_q + vb_inc_q;
    vb_inc_d = '0;
    rd_pend_d = rd_pend_q;
    wr_pend_d = wr_pend_q;
    bank_pend_d = bank_pend_q;
    unit_pend_d = unit_pend_q;
    rd_addr_d = rd_addr_q;
    rd_n_d = rd_n_q;
    wr_addr_d = wr_addr_q;
    wr_n_d = wr_n_q;
    rd_beats_d = rd_beats_q;
    rd_expect_d = rd_expect_q;
    wexpect_d = kleft_q;
    wsrc_d = wleft_q;
    wn_d = wn_q;
    wslot0_d = wslot0_q;
    bank_slots_d = bank_slots_q;
    bank_half_d = bank_half_q;
    bank_rows_d = bank_rows_q;
    bank_start_d = bank_start_q;
    bank_passes_d = bank_passes_q;
    bank_hi_d = bank_hi_q;
    to_memory_d = to_memory_q;
    cur_hi_d = cur_hi_q;
    nf_pend_d = nf_pend_q;
    nf_rms_d = nf_rms_q;
    nf_hi_d = nf_hi_q;
    nf_rms_addr_d = nf_rms_addr_q;
    nf_code_addr_d = nf_code_addr_q;
    nf_words_d = nf_words_q;
    pf_valid_d = pf_valid_q;
    pf_hi_d = pf_hi_q;
    pf_op_d = pf_op_q;
    sc_active_d = sc_active_q;
    sc_check_d = sc_check_q;
    sc_wrapped_d = sc_wrapped_q;
    sc_op_d = sc_op_q;

    // ---- the step's jobs as they are taken, its beats as they pass
    if (rd_pend_q && rd_cmd_ready_i) rd_pend_d = 1'b0;
    if (wr_pend_q && wr_cmd_ready_i) wr_pend_d = 1'b0;
    if (bank_pend_q && bank_job_ready_i) bank_pend_d = 1'b0;
    if (unit_pend_q && unit_job_ready_i) unit_pend_d = 1'b0;
    if (nf_pend_q && nf_job_ready_i) nf_pend_d = 1'b0;
    if (rd_valid_i && rd_ready_i) rd_beats_d = rd_beats_q + 1;
    if (kind_q == mmf_kernel_pkg::KindToken && rd_valid_i) token_d = rd_word_i;

    unique case (state_q)
      // Every state that runs a step sets it up on its entry cycle (entry_q: read_step, pass_step,
      // store_step or pick_step name the step's kind, slots, beats and addresses) and leaves on
      // step_done: every job handed over, every beat in, the writer idle and the bank ready for
      // the next job. The vector-bank bytes the op used go into vb_inc_d then, as the HLS
      // controller counts them.
      StIdle: begin  // a launch latches its arguments and clears the op counters
        kind_d = mmf_kernel_pkg::KindIdle;
        if (start_i) begin
          program_d = program_i;
          num_ops_d = num_ops_i;
          tok_d = '0;
          tokens_left_d = num_tokens_i - 32'd1;
          ops_done_d = '0;
          op_d = '0;
          limit_valid_d = 1'b0;
          status_d = '0;
          ternary_ops_d = '0;
          weight_bytes_d = '0;
          vector_bytes_d = '0;
          pf_valid_d = 1'b0;
          // The program must lie in the bank and hold 1 .. MaxOps ops (program_fits()).
          if (!program_ok_q) begin
            status_d = 32'(mmf_format_pkg::StatusBadProgram);
            state_d = StDone;
          end else begin
            state_d = StLoadProgram;
            entry_d = 1'b1;
          end
        end
      end

      // ---- The program into the loader's descriptor RAM; lanes past the program are dropped.
      StLoadProgram: begin
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindProgram, program_q, num_ops_q * DescWords, '0, num_ops_q,
                    ceil_div(ceil_div(num_ops_q * DescWords, VL) * VL, DescWords), '0);
        end else if (step_done) begin
          limit_valid_d = 1'b1;
          kind_d = mmf_kernel_pkg::KindIdle;
          state_d = StFetchOp;
        end
      end

      // ---- The next op, or the end: all ops done, or the first bad one reached.
      StFetchOp: begin  // the descriptor RAM answers in StCheckOp
        if (32'(op_q) == num_ops_q) begin
          if (last_token_q) begin
            state_d = StDone;
          end else begin  // the next pass: op 0 is read from the RAM in the next StFetchOp
            tok_d = tok_q + 32'd1;
            tokens_left_d = tokens_left_q - 32'd1;
            op_d = '0;
          end
        end else if (op_q == first_bad_i) begin
          vb_inc_d = DescWords * 4;
          status_d = 32'(bad_code_i) | (32'(op_q) << mmf_format_pkg::StatusOpShift);
          state_d = StDone;
        end else begin
          state_d = StCheckOp;
        end
      end

      StCheckOp: begin  // the descriptor (checked by mmf_descriptor_check) picks the op's states
        vb_inc_d = DescWords * 4;
        entry_d = 1'b1;
        unique case (desc_i[31:0])
          mmf_format_pkg::OpEmbed:     state_d = StEmbedReadToken;
          mmf_format_pkg::OpBitLinear: state_d = StLinearWaitNorm;
          mmf_format_pkg::OpMlgru:     state_d = StMlgruLoadState;
          mmf_format_pkg::OpGlu:       state_d = StGluSilu;
          mmf_format_pkg::OpAdd:       state_d = StResidualAdd;
          mmf_format_pkg::OpArgmax:    state_d = StArgmaxRead;
          mmf_format_pkg::OpRope:      state_d = StPositionRead;
          mmf_format_pkg::OpRelu2Glu:  state_d = StRelu2GluRelu;
          default:                     state_d = StStoreVector;
        endcase
      end

      // ---- Embed: token word, then the bf16 row converted to Q16
      StEmbedReadToken: begin  // one word at addr1: the token id, taken into token_q
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindToken, f_addr1, 32'd1, '0, 32'd0, 32'd0, '0);
        end else if (jobs_handed && rd_beats_q == 1) begin
          vb_inc_d = 4;
          state_d = StEmbedCheckToken;
        end
      end
      StEmbedCheckToken: begin  // a token past the table ends the run
        if (token_q >= f_rows) begin
          status_d = 32'(mmf_format_pkg::StatusBadToken) |
                     (32'(op_q) << mmf_format_pkg::StatusOpShift);
          state_d = StDone;
        end else begin
          state_d = f_addr0 == mmf_format_pkg::NoAddress ? StEmbedWeightsRow : StEmbedReadRow;
          entry_d = 1'b1;
        end
      end
      StEmbedWeightsRow: begin  // the row from the weight channel token % C, as Q16, into dst
        // The prefetcher takes the token (emb_token_valid_o until it does) and reads the row's
        // ceil(2n / word bytes) words into that channel's FIFO; they come out raw (not to the
        // accumulator) through the weight-word gearbox and the bf16 converter.
        if (entry_q) begin
          kind_d = mmf_kernel_pkg::KindEmbedWeights;
          wslot0_d = SlotW'(f_dst);
          wexpect_d = n_beats;
          wsrc_d = emb_beats_q;
          wn_d = f_n;
        end else if (step_done && emb_taken_q) begin
          weight_bytes_d = weight_bytes_q + emb_bytes_q;
          state_d = StNextOp;
        end
      end
      StEmbedReadRow: begin  // row token_q of the bf16 table at addr0, as Q16, into slot dst
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindEmbedRow, f_addr0 + token_q * half_words, half_words,
                    SlotW'(f_dst), n_beats, 2 * ceil_div(half_words, VL), f_n);
        end else if (step_done) begin
          vb_inc_d = inc_half_q;
          state_d = StNextOp;
        end
      end

      // ---- BitLinear: norm weights into their slots (fetched ahead, or now), then
      // norm/quantize -> channels -> results, with the look-ahead for the next one beside it
      StLinearWaitNorm: begin  // no step: waits until the op's w_rms / w_code are in their slots
        kind_d = mmf_kernel_pkg::KindIdle;
        if (entry_q) begin
          pf_valid_d = 1'b0;
          if (pf_valid_q && pf_op_q == op_q) begin  // fetched ahead (or still landing)
            cur_hi_d = pf_hi_q;
          end else begin  // nothing ahead (nf_alone_a): fetch them now
            cur_hi_d = 1'b0;
            nf_pend_d = 1'b1;
            nf_rms_d = f_addr0 != mmf_format_pkg::NoAddress;
            nf_rms_addr_d = f_addr0;
            nf_code_addr_d = f_addr1;
            nf_words_d = half_words;
            nf_hi_d = 1'b0;
          end
        end else if (nf_idle) begin
          vb_inc_d = (f_addr0 != mmf_format_pkg::NoAddress) ? inc_half_q << 1 : inc_half_q;
          state_d = StLinearRun;
          entry_d = 1'b1;
        end
      end
      StLinearRun: begin  // the weight array's job starts with the pass (wa_job_start_o)
        if (entry_q) begin
          to_memory_d = f_dst == mmf_format_pkg::DstMemory;
          pass_step(mmf_kernel_pkg::KindBitLinear, {SlotW'(0), mmf_kernel_pkg::SlotWCode,
                    mmf_kernel_pkg::SlotWRms, SlotW'(f_src0)}, mmf_kernel_pkg::HalfPorts,
                    n_rows, 2'd3, '0, SlotW'(f_dst), ceil_div(f_rows, VL), f_rows, 1'b1);
          bank_hi_d = cur_hi_q;
          wsrc_d = result_beats_q;
          // The look-ahead starts at the next op.
          sc_active_d = 1'b1;
          sc_check_d = 1'b0;
          sc_wrapped_d = 1'b0;
          sc_op_d = op_q + 1'b1;
          if (f_dst == mmf_format_pkg::DstMemory) begin
            wr_pend_d = 1'b1;
            wr_addr_d = f_addr2;
            wr_n_d = f_rows;
          end
        end else begin
          // The look-ahead, one op every two cycles: the address, then the RAM's answer. It
          // stops at the program's end (after the last pass), at the first bad op, or at a
          // BitLinear, whose norm weights it then has fetched into the other half.
          if (sc_active_q && !sc_check_q) begin
            if (32'(sc_op_q) == num_ops_q) begin
              if (last_token_q || sc_wrapped_q) begin
                sc_active_d = 1'b0;
              end else begin  // the next pass's ops
                sc_op_d = '0;
                sc_wrapped_d = 1'b1;
              end
            end else if (sc_op_q == first_bad_i) begin
              sc_active_d = 1'b0;
            end else begin
              sc_check_d = 1'b1;
            end
          end else if (sc_active_q) begin
            sc_check_d = 1'b0;
            if (desc_i[31:0] == mmf_format_pkg::OpBitLinear) begin
              sc_active_d = 1'b0;
              nf_pend_d = 1'b1;
              nf_rms_d = desc_i[32*mmf_format_pkg::FieldAddr0 +: 32] != mmf_format_pkg::NoAddress;
              nf_rms_addr_d = desc_i[32*mmf_format_pkg::FieldAddr0 +: 32];
              nf_code_addr_d = desc_i[32*mmf_format_pkg::FieldAddr1 +: 32];
              nf_words_d = ceil_div(desc_i[32*mmf_format_pkg::FieldN +: 32], 2);
              nf_hi_d = !cur_hi_q;
              pf_valid_d = 1'b1;
              pf_op_d = sc_op_q;
              pf_hi_d = !cur_hi_q;
            end else begin
              sc_op_d = sc_op_q + 1'b1;
            end
          end
          if (step_done) begin
            sc_active_d = 1'b0;
            ternary_ops_d = ternary_ops_q + 64'($unsigned(ops_p));
            weight_bytes_d = weight_bytes_q + inc_wbytes_q;
            if (to_memory_q) vb_inc_d = inc_rows_q;
            state_d = StNextOp;
          end
        end
      end

      // ---- MLGRU: state and lower bound in, gate pass, state out, products for o_proj
      StMlgruLoadState: begin  // the layer's state at addr0 into SlotState
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindSlotLoad, f_addr0, f_n, mmf_kernel_pkg::SlotState, n_beats,
                    n_beats, f_n);
        end else if (step_done) begin
          state_d = StMlgruLoadLowerBound;
          entry_d = 1'b1;
        end
      end
      StMlgruLoadLowerBound: begin  // the lower bound, when the op has it
        if (entry_q) begin
          if (f_addr1 != mmf_format_pkg::NoAddress) begin
            read_step(mmf_kernel_pkg::KindSlotLoad, f_addr1, f_n, mmf_kernel_pkg::SlotLowerBound,
                      n_beats, n_beats, f_n);
          end else begin  // no step: on to the gate
            kind_d = mmf_kernel_pkg::KindIdle;
            state_d = StMlgruGate;
            entry_d = 1'b1;
          end
        end else if (step_done) begin
          state_d = StMlgruGate;
          entry_d = 1'b1;
        end
      end
      StMlgruGate: begin  // the new state into its slot, silu(state) into scratch
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindMlgruGate, {mmf_kernel_pkg::SlotLowerBound,
                    mmf_kernel_pkg::SlotState, SlotW'(f_src1), SlotW'(f_src0)}, 4'b0, n_rows,
                    2'd1, '0, mmf_kernel_pkg::SlotState, n_beats, f_n, 1'b0);
        end else if (step_done) begin
          state_d = StMlgruStoreState;
          entry_d = 1'b1;
        end
      end
      StMlgruStoreState: begin  // the new state back to addr0
        if (entry_q) begin
          store_step(mmf_kernel_pkg::SlotState, f_addr0);
        end else if (step_done) begin
          state_d = StMlgruProducts;
          entry_d = 1'b1;
        end
      end
      StMlgruProducts: begin  // scratch (silu of the new state) x src2, block-scaled, into dst
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindProducts, {{2{SlotW'(0)}}, mmf_kernel_pkg::SlotScratch,
                    SlotW'(f_src2)}, 4'b0, n_rows, 2'd2, '0, SlotW'(f_dst), n_beats, f_n, 1'b1);
        end else if (step_done) begin
          vb_inc_d = inc_mlgru_q;
          state_d = StNextOp;
        end
      end

      // ---- GLU: silu(gate) to scratch, up half realigned, products
      StGluSilu: begin  // silu of src0's gate half (lanes 0 .. n-1) into SlotScratch
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindGluSilu, {{3{SlotW'(0)}}, SlotW'(f_src0)}, 4'b0, n_rows,
                    2'd1, '0, mmf_kernel_pkg::SlotScratch, n_beats, f_n, 1'b0);
        end else if (step_done) begin
          state_d = StGluAlignUp;
          entry_d = 1'b1;
        end
      end
      StGluAlignUp: begin  // src0's up half (from lane n) moved to lane 0 of SlotUp
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindGluAlign, {{3{SlotW'(0)}}, SlotW'(f_src0)}, 4'b0, up_rows,
                    2'd1, up_start, mmf_kernel_pkg::SlotUp, n_beats, f_n, 1'b1);
        end else if (step_done) begin
          state_d = StGluProducts;
          entry_d = 1'b1;
        end
      end
      StGluProducts: begin  // scratch x up, block-scaled, into dst
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindProducts, {{2{SlotW'(0)}}, mmf_kernel_pkg::SlotUp,
                    mmf_kernel_pkg::SlotScratch}, 4'b0, n_rows, 2'd2, '0, SlotW'(f_dst),
                    n_beats, f_n, 1'b1);
        end else if (step_done) begin
          state_d = StNextOp;
        end
      end

      // ---- Add: dst += src0
      StResidualAdd: begin  // dst + src0 per lane, saturated, back into dst
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindResidualAdd,
                    {{2{SlotW'(0)}}, SlotW'(f_src0), SlotW'(f_dst)}, 4'b0, n_rows, 2'd1, '0,
                    SlotW'(f_dst), n_beats, f_n, 1'b0);
        end else if (step_done) begin
          state_d = StNextOp;
        end
      end

      // ---- Store: src0 to the vector bank
      StStoreVector: begin  // slot src0 to addr0 through the writer
        if (entry_q) begin
          store_step(SlotW'(f_src0), f_addr0);
        end else if (step_done) begin
          vb_inc_d = inc_n_q;
          state_d = StNextOp;
        end
      end

      // ---- Argmax: the values through mmf_argmax, then the pick to the token and the ring
      StArgmaxRead: begin  // `rows` values at addr2 into mmf_argmax; leaves when its pick is in
        if (entry_q) begin
          if (tok_q >= f_n) begin  // the ring holds n picks
            status_d = 32'(mmf_format_pkg::StatusBadLength) |
                       (32'(op_q) << mmf_format_pkg::StatusOpShift);
            state_d = StDone;
          end else begin
            read_step(mmf_kernel_pkg::KindArgmaxRead, f_addr2, f_rows, '0, '0, '0, '0);
            pick_seen_d = 1'b0;
          end
        end else if (jobs_handed && pick_seen_q) begin
          state_d = StArgmaxWriteToken;
          entry_d = 1'b1;
        end
      end
      StArgmaxWriteToken: begin  // the pick to addr1, the next pass's Embed token
        if (entry_q) begin
          pick_step(f_addr1);
        end else if (step_done) begin
          state_d = StArgmaxWriteRing;
          entry_d = 1'b1;
        end
      end
      StArgmaxWriteRing: begin  // the pick to ring entry tok_q at addr0, for the host
        if (entry_q) begin
          pick_step(f_addr0 + tok_q);
        end else if (step_done) begin
          vb_inc_d = inc_rows_q + 64'd8;  // the values read, the pick written twice
          state_d = StNextOp;
        end
      end

      // ---- Rope: the pass's position, a row of each table into mmf_rope (its angles), then
      // every head of dst rotated in place
      StPositionRead: begin  // one word at addr1, taken into token_q: the position of pass 0
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindToken, f_addr1, 32'd1, '0, 32'd0, 32'd0, '0);
        end else if (jobs_handed && rd_beats_q == 1) begin
          vb_inc_d = 4;
          state_d = StPositionCheck;
        end
      end
      StPositionCheck: begin  // p = word + pass (pos_sum_q); p past the cache ends the run
        if (pos_sum_q[32] || pos_sum_q[31:0] >= f_context) begin
          status_d = 32'(mmf_format_pkg::StatusBadLength) |
                     (32'(op_q) << mmf_format_pkg::StatusOpShift);
          state_d = StDone;
        end else begin
          state_d = StRopeTables;
          entry_d = 1'b1;
        end
      end
      StRopeTables: begin  // row p % 64 of the low table at addr0 into mmf_rope (rope_clear_o)
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindRopeTable, rope_lo_addr_q, f_head_dim, '0, 32'd0,
                    32'd0, '0);
        end else if (jobs_handed && rd_beats_q == rd_expect_q) begin
          state_d = StRopeHighRow;
          entry_d = 1'b1;
        end
      end
      StRopeHighRow: begin  // row p / 64 of the high table at addr2: the angles
        if (entry_q) begin
          read_step(mmf_kernel_pkg::KindRopeTable, rope_hi_addr_q, f_head_dim, '0, 32'd0,
                    32'd0, '0);
        end else if (jobs_handed && rd_beats_q == rd_expect_q) begin
          vb_inc_d = 64'(f_head_dim) << 3;  // the two rows
          state_d = StRopeRotate;
          entry_d = 1'b1;
        end
      end
      StRopeRotate: begin  // dst through mmf_rope, back into dst
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindRopeRotate, {{3{SlotW'(0)}}, SlotW'(f_dst)}, 4'b0, n_rows,
                    2'd1, '0, SlotW'(f_dst), n_beats, f_n, 1'b0);
        end else if (step_done) begin
          state_d = StNextOp;
        end
      end

      // ---- Relu2Glu: z = products(products(r, r), up) with r = max(gate, 0) (fx::relu2_glu)
      StRelu2GluRelu: begin  // max(src0, 0) into SlotScratch
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindRelu, {{3{SlotW'(0)}}, SlotW'(f_src0)}, 4'b0, n_rows,
                    2'd1, '0, mmf_kernel_pkg::SlotScratch, n_beats, f_n, 1'b0);
        end else if (step_done) begin
          state_d = StRelu2GluSquare;
          entry_d = 1'b1;
        end
      end
      StRelu2GluSquare: begin  // scratch x scratch, block-scaled, back into scratch
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindProducts, {{2{SlotW'(0)}}, mmf_kernel_pkg::SlotScratch,
                    mmf_kernel_pkg::SlotScratch}, 4'b0, n_rows, 2'd2, '0,
                    mmf_kernel_pkg::SlotScratch, n_beats, f_n, 1'b1);
        end else if (step_done) begin
          state_d = StRelu2GluProducts;
          entry_d = 1'b1;
        end
      end
      StRelu2GluProducts: begin  // scratch x src1 (up), block-scaled, into dst
        if (entry_q) begin
          pass_step(mmf_kernel_pkg::KindProducts, {{2{SlotW'(0)}}, SlotW'(f_src1),
                    mmf_kernel_pkg::SlotScratch}, 4'b0, n_rows, 2'd2, '0, SlotW'(f_dst),
                    n_beats, f_n, 1'b1);
        end else if (step_done) begin
          state_d = StNextOp;
        end
      end

      StNextOp: begin  // the op is done: counted, and the next one fetched
        kind_d = mmf_kernel_pkg::KindIdle;
        op_d = op_q + 1'b1;
        ops_done_d = ops_done_q + 32'd1;
        state_d = StFetchOp;
      end

      default: begin  // StDone: one cycle of done, once a fetch ahead has landed
        kind_d = mmf_kernel_pkg::KindIdle;
        if (nf_idle) begin
          limit_valid_d = 1'b0;
          state_d = StIdle;
        end
      end
    endcase
  end

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i) begin : state_reg
    if (!rst_ni) begin
      state_q <= StIdle;
      entry_q <= 1'b0;
      kind_q <= mmf_kernel_pkg::KindIdle;
      kind_oh_q <= mmf_kernel_pkg::NumKinds'(1) << mmf_kernel_pkg::KindIdle;
    end else begin
      state_q <= state_d;
      entry_q <= entry_d;
      kind_q <= kind_d;
      kind_oh_q <= mmf_kernel_pkg::NumKinds'(1) << kind_d;
    end
  end

  always_ff @(posedge clk_i) begin : run_reg
    if (!rst_ni) begin
      program_q <= '0;
      num_ops_q <= '0;
      tok_q <= '0;
      tokens_left_q <= '0;
      last_token_q <= 1'b1;
      ops_done_q <= '0;
      pick_seen_q <= 1'b0;
      op_q <= '0;
      limit_valid_q <= 1'b0;
      status_q <= '0;
      token_q <= '0;
    end else begin
      program_q <= program_d;
      num_ops_q <= num_ops_d;
      tok_q <= tok_d;
      tokens_left_q <= tokens_left_d;
      // A cycle late: read at the program's end, never within a cycle of a change.
      last_token_q <= tokens_left_q == '0;
      ops_done_q <= ops_done_d;
      pick_seen_q <= pick_seen_d;
      op_q <= op_d;
      limit_valid_q <= limit_valid_d;
      status_q <= status_d;
      token_q <= token_d;
    end
  end

  always_ff @(posedge clk_i) begin : op_counter_reg
    if (!rst_ni) begin
      ternary_ops_q <= '0;
      weight_bytes_q <= '0;
      vector_bytes_q <= '0;
      vb_inc_q <= '0;
    end else begin
      ternary_ops_q <= ternary_ops_d;
      weight_bytes_q <= weight_bytes_d;
      vector_bytes_q <= vector_bytes_d;
      vb_inc_q <= vb_inc_d;
    end
  end

  always_ff @(posedge clk_i) begin : job_reg
    if (!rst_ni) begin
      rd_pend_q <= 1'b0;
      rd_addr_q <= '0;
      rd_n_q <= '0;
      wr_pend_q <= 1'b0;
      wr_addr_q <= '0;
      wr_n_q <= '0;
      bank_pend_q <= 1'b0;
      bank_slots_q <= '0;
      bank_half_q <= '0;
      bank_rows_q <= '0;
      bank_passes_q <= '0;
      bank_start_q <= '0;
      bank_hi_q <= 1'b0;
      unit_pend_q <= 1'b0;
    end else begin
      rd_pend_q <= rd_pend_d;
      rd_addr_q <= rd_addr_d;
      rd_n_q <= rd_n_d;
      wr_pend_q <= wr_pend_d;
      wr_addr_q <= wr_addr_d;
      wr_n_q <= wr_n_d;
      bank_pend_q <= bank_pend_d;
      bank_slots_q <= bank_slots_d;
      bank_half_q <= bank_half_d;
      bank_rows_q <= bank_rows_d;
      bank_passes_q <= bank_passes_d;
      bank_start_q <= bank_start_d;
      bank_hi_q <= bank_hi_d;
      unit_pend_q <= unit_pend_d;
    end
  end

  always_ff @(posedge clk_i) begin : norm_reg
    if (!rst_ni) begin
      cur_hi_q <= 1'b0;
      nf_pend_q <= 1'b0;
      nf_rms_q <= 1'b0;
      nf_hi_q <= 1'b0;
      nf_rms_addr_q <= '0;
      nf_code_addr_q <= '0;
      nf_words_q <= '0;
      pf_valid_q <= 1'b0;
      pf_hi_q <= 1'b0;
      pf_op_q <= '0;
      sc_active_q <= 1'b0;
      sc_check_q <= 1'b0;
      sc_wrapped_q <= 1'b0;
      sc_op_q <= '0;
    end else begin
      cur_hi_q <= cur_hi_d;
      nf_pend_q <= nf_pend_d;
      nf_rms_q <= nf_rms_d;
      nf_hi_q <= nf_hi_d;
      nf_rms_addr_q <= nf_rms_addr_d;
      nf_code_addr_q <= nf_code_addr_d;
      nf_words_q <= nf_words_d;
      pf_valid_q <= pf_valid_d;
      pf_hi_q <= pf_hi_d;
      pf_op_q <= pf_op_d;
      sc_active_q <= sc_active_d;
      sc_check_q <= sc_check_d;
      sc_wrapped_q <= sc_wrapped_d;
      sc_op_q <= sc_op_d;
    end
  end

  // The launch check of the arguments, a cycle ahead: they are written over AXI-Lite before
  // ap_start, so they are stable when start_i comes (program_args_a). With the 64-bit sum and
  // compare in StIdle's next-state logic it was 7 LUT levels in ci-tiny's flattened top.
  always_ff @(posedge clk_i) begin : program_check_reg
    if (!rst_ni) begin
      program_ok_q <= 1'b0;
    end else begin
      program_ok_q <= !(num_ops_i == 0 || num_ops_i > MaxOps ||
                        64'(program_i) + 64'(num_ops_i) * DescWords > 64'(vec_words_i) ||
                        num_tokens_i == 0 || num_tokens_i > mmf_format_pkg::MaxLaunchTokens);
    end
  end

  // The write side's flags, registers with one LUT between out_fire_i and each (the 32-bit
  // compares of the beat count sat in front of the BitLinear results' path to the writer and in
  // the step-done logic): whether the next beat is kept (kleft_q != 0) and whether the step saw
  // all its beats (wleft_q == 0), each with its value after one more beat beside it. kleft_q
  // and wleft_q count down from the set-up. In the cycle after a set-up the flags read 0;
  // no beat comes then (keep_a) and the step's jobs are still pending (set_up_pending_a: every
  // set-up hands out a reader command or a pass).
  always_ff @(posedge clk_i) begin : flags_reg
    if (!rst_ni) begin
      keep_q <= 1'b0;
      keep2_q <= 1'b0;
      beats_done_q <= 1'b1;
      beats_done1_q <= 1'b0;
      after_entry_q <= 1'b0;
    end else begin
      after_entry_q <= entry_q;
      if (entry_q) begin
        keep_q <= 1'b0;
        keep2_q <= 1'b0;
        beats_done_q <= 1'b0;
        beats_done1_q <= 1'b0;
      end else if (after_entry_q) begin
        keep_q <= kleft_q != '0;
        keep2_q <= kleft_q > 32'd1;
        beats_done_q <= wleft_q == '0;
        beats_done1_q <= wleft_q == 32'd1;
      end else if (out_fire_i) begin
        keep_q <= keep2_q;
        keep2_q <= kleft_q > 32'd2;
        beats_done_q <= beats_done1_q;
        beats_done1_q <= wleft_q == 32'd2;
      end
    end
  end

  always_ff @(posedge clk_i) begin : beat_reg
    if (!rst_ni) begin
      rd_beats_q <= '0;
      rd_expect_q <= '0;
      rd_last_beat_q <= '0;
      kleft_q <= '0;
      wleft_q <= '0;
      wcount_q <= '0;
      wn_q <= '0;
      wslot0_q <= '0;
      to_memory_q <= 1'b0;
    end else begin
      rd_beats_q <= rd_beats_d;
      rd_expect_q <= rd_expect_d;
      // The index of the step's last beat, a cycle after the count: rd_last_o is then one
      // compare of two registers (with the subtraction in it, 7 LUT levels into the descriptor
      // gearbox; with it in the step's next-state logic, 8). The first beat of a step comes
      // several cycles after its command (rd_last_beat_a).
      rd_last_beat_q <= rd_expect_q - 32'd1;
      // The write side's counts: set at every set-up (all are in entry cycles), then one a
      // beat; out of the next-state logic, so that out_fire_i only enables an add.
      if (entry_q) begin
        wcount_q <= '0;
        kleft_q <= wexpect_d;
        wleft_q <= wsrc_d;
      end else if (out_fire_i) begin
        wcount_q <= wcount_q + 32'd1;
        if (kleft_q != '0) kleft_q <= kleft_q - 32'd1;
        wleft_q <= wleft_q - 32'd1;
      end
      wn_q <= wn_d;
      wslot0_q <= wslot0_d;
      to_memory_q <= to_memory_d;
    end
  end

  // ---------------------------------------------------------------- outputs
  assign launch_o = state_q == StIdle && start_i;
  assign done_o = state_q == StDone && nf_idle;
  assign dbg_state_o = state_q;
  assign load_done_o = limit_valid_q;
  assign desc_addr_o = sc_active_q ? sc_op_q : op_q;
  assign ops_done_o = ops_done_q;
  assign kind_o = kind_oh_q;
  assign am_start_o = state_q == StArgmaxRead && entry_q;
  assign am_last_lanes_o = am_last_lanes_q;

  assign rd_cmd_valid_o = rd_pend_q;
  assign rd_cmd_addr_o = rd_addr_q;
  assign rd_cmd_n_o = rd_n_q;
  assign rd_last_o = rd_beats_q == rd_last_beat_q;
  assign wr_cmd_valid_o = wr_pend_q;
  assign wr_cmd_addr_o = wr_addr_q;
  assign wr_cmd_n_o = wr_n_q;
  assign bank_job_valid_o = bank_pend_q;
  assign bank_job_slots_o = bank_slots_q;
  assign bank_job_half_o = bank_half_q;
  assign bank_job_rows_o = bank_rows_q;
  assign bank_job_passes_o = bank_passes_q;
  assign bank_job_start_o = bank_start_q;
  assign bank_job_hi_o = bank_hi_q;
  assign nf_job_valid_o = nf_pend_q;
  assign nf_job_has_rms_o = nf_rms_q;
  assign nf_job_rms_addr_o = nf_rms_addr_q;
  assign nf_job_code_addr_o = nf_code_addr_q;
  assign nf_job_words_o = nf_words_q;
  assign nf_job_hi_o = nf_hi_q;
  assign unit_job_valid_o = unit_pend_q;
  assign wa_job_start_o = state_q == StLinearRun && entry_q;

  assign out_keep_o = keep_q;
  assign out_beat_o = wcount_q;
  assign out_lanes_o = wn_q;
  assign out_slot_o = wslot0_q;
  assign out_to_memory_o = to_memory_q;

  assign status_o = status_q;
  assign ternary_ops_o = ternary_ops_q;
  assign weight_bytes_o = weight_bytes_q;
  assign vector_bytes_o = vector_bytes_q;
  assign busy_o = state_q != StIdle;
  assign vec_wait_o = rd_pend_q || state_q == StLinearWaitNorm ||
                      ((kind_q == mmf_kernel_pkg::KindProgram ||
                        kind_q == mmf_kernel_pkg::KindToken ||
                        kind_q == mmf_kernel_pkg::KindSlotLoad ||
                        kind_q == mmf_kernel_pkg::KindEmbedRow) && !step_done) ||
                      (kind_q == mmf_kernel_pkg::KindArgmaxRead && !pick_seen_q) ||
                      (!wr_idle_i && kind_q != mmf_kernel_pkg::KindBitLinear);
  assign acc_o = kind_q == mmf_kernel_pkg::KindBitLinear && state_q == StLinearRun && !step_done;

  logic unused;
  // Not needed here: the opcode (StCheckOp reads it from the RAM's output), fields the check
  // already vetted, the weight field (the prefetcher's), the exponent's high bits (op_exp_o),
  // buffer ids past the slot index (checked).
`ifndef SYNTHESIS
  kind_oh_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                              kind_oh_q == mmf_kernel_pkg::NumKinds'(1) << kind_q);
  program_args_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == StIdle && start_i |-> $stable(num_ops_i) && $stable(program_i) &&
                                       $stable(vec_words_i) && $stable(num_tokens_i));
  // No beat arrives in the cycle after a read step was set up, while rd_last_beat_q still
  // holds the previous step's index.
  // The kept flag is the compare's value but in the cycle after a set-up, which has no beat.
  keep_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                           after_entry_q ? !out_fire_i :
                                           keep_q == (kleft_q != '0) &&
                                           keep2_q == (kleft_q > 32'd1));
  beats_done_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 !after_entry_q |-> beats_done_q == (wleft_q == '0) &&
                                                    beats_done1_q == (wleft_q == 32'd1));
  // No beat past the step's.
  beats_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                            out_fire_i |-> wleft_q != '0);
  // The cycle after a set-up, where beats_done_q reads 0, is never a step's end.
  // (StLinearWaitNorm sets up no step: it waits for the norm-weight fetch, not for step_done.)
  set_up_pending_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     after_entry_q && !entry_q && state_q != StLinearWaitNorm |->
                                     !jobs_handed);
  // A BitLinear finds no fetch under way but its own fetched ahead: a fetch is handed only
  // for the next BitLinear to run.
  nf_ahead_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               state_q == StLinearWaitNorm && entry_q &&
                               !(pf_valid_q && pf_op_q == op_q) |-> nf_idle);
  rd_last_beat_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                   rd_valid_i |-> rd_last_beat_q == rd_expect_q - 32'd1);
`endif

  assign unused = ^{f_opcode, desc_q[DescW-1:32*mmf_format_pkg::FieldReservedBegin],
                    desc_q[32*mmf_format_pkg::FieldPacking+1 +: 31],
                    desc_q[32*mmf_format_pkg::FieldWeight +: 32], f_exp[31:16],
                    f_src0[31:SlotW], f_src1[31:SlotW], f_src2[31:SlotW]};

endmodule
