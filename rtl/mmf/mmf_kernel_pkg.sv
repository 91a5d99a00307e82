// SPDX-License-Identifier: Apache-2.0
// What the modules of the kernel (mmf_kernel.sv) share: the kind of step the controller runs,
// which selects the vector datapath's streams, and the on-chip slots the steps name.
package mmf_kernel_pkg;

  // What a step moves. mmf_controller sets it for each step; it picks the reader's
  // destination, the bank's consumer and the source of the bank's write ports in
  // mmf_vector_datapath.
  typedef enum logic [4:0] {
    KindIdle,         // between steps: every stream is stopped
    KindProgram,      // program words from the reader into mmf_program_loader
    KindToken,        // a word from the reader into the controller (token id, position)
    KindSlotLoad,     // words from the reader into a slot
    KindEmbedRow,     // an embedding row from the reader, bf16 converted to Q16, into a slot
    KindBitLinear,    // a BitLinear: slots through norm/quantize, the weight array's results out
    KindMlgruGate,    // the MLGRU gate: state into its slot, silu(state) into scratch
    KindGluSilu,      // SiLU of the GLU's gate half
    KindGluAlign,     // the GLU's up half realigned to lane 0
    KindProducts,     // block-scaled products
    KindResidualAdd,  // residual add
    KindArgmaxRead,   // an Argmax's values from the reader into mmf_argmax
    KindArgmaxPick,   // an Argmax's pick, one word, to the vector bank through the writer
    KindSlotStore,    // a slot to the vector bank through the writer
    KindRelu,         // max(x, 0) (Relu2Glu's gate)
    KindRopeTable,    // a RoPE table row from the reader into mmf_rope
    KindRopeRotate,   // the heads of a slot through mmf_rope's rotation
    KindEmbedWeights  // an embedding row from a weight channel, bf16 converted to Q16, into a slot
  } kind_e;
  // The controller hands the kind to the datapath one-hot (bit k: kind k), so that each routing
  // decision there is one flop rather than a decode of the code.
  localparam int unsigned NumKinds = 18;

  // On-chip slots: the buffers of the program format (0 .. NumBuffers - 1), then the kernel's
  // own vectors. Yosys 0.23 reads no constant of one package in another, so the buffer count is
  // written here again; mmf_kernel fails elaboration if it differs from mmf_format_pkg's.
  localparam int unsigned NumBuffers = 7;
  localparam int unsigned SlotW = 4;
  localparam logic [SlotW-1:0] SlotState = SlotW'(NumBuffers);
  localparam logic [SlotW-1:0] SlotLowerBound = SlotW'(NumBuffers + 1);
  localparam logic [SlotW-1:0] SlotScratch = SlotW'(NumBuffers + 2);
  localparam logic [SlotW-1:0] SlotUp = SlotW'(NumBuffers + 3);
  localparam logic [SlotW-1:0] SlotWRms = SlotW'(NumBuffers + 4);
  localparam logic [SlotW-1:0] SlotWCode = SlotW'(NumBuffers + 5);
  localparam int unsigned NumSlots = NumBuffers + 6;
  // The norm weights' slots, written only by mmf_norm_fetch (the bank's write port 2).
  localparam logic [NumSlots-1:0] NormSlots = NumSlots'(1 << SlotWRms) | NumSlots'(1 << SlotWCode);

  // The slots each bank port reads (the controller's pass steps): a, the buffers, the state (its
  // store) and scratch; b, the buffers, scratch, up and w_rms (half mode); c, the state and
  // w_code (half mode); d, the lower bound. Each port's multiplexer is only that wide.
  localparam logic [NumSlots-1:0] BufferSlots = NumSlots'((1 << NumBuffers) - 1);
  localparam logic [NumSlots-1:0] PortASlots =
      BufferSlots | NumSlots'(1 << SlotState) | NumSlots'(1 << SlotScratch);
  localparam logic [NumSlots-1:0] PortBSlots = BufferSlots | NumSlots'(1 << SlotScratch) |
                                               NumSlots'(1 << SlotUp) | NumSlots'(1 << SlotWRms);
  localparam logic [NumSlots-1:0] PortCSlots = NumSlots'(1 << SlotState) |
                                               NumSlots'(1 << SlotWCode);
  localparam logic [NumSlots-1:0] PortDSlots = NumSlots'(1 << SlotLowerBound);
  // Ports b and c read the norm weights, int16 vectors packed two per word.
  localparam logic [3:0] HalfPorts = 4'b0110;

endpackage
