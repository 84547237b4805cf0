package dev.anneal.preset.estimate;

import dev.anneal.preset.Activation;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Position;

/**
 * Bytes of activations kept for the backward pass on one device, counted tensor by tensor for one
 * micro batch of B sequences of T tokens (after Korthikanti et al. 2022, "Reducing Activation
 * Recomputation in Large Transformer Models", without dropout masks since our models use none).
 *
 * <p>Per layer, with a = bytes per activation value: the two norm inputs (2·BTC), the first norm's
 * output (BTC, the q/k/v projections' input), q, k and v (BT·(H·D + 2·Hkv·D)), the rotated q and k
 * under RoPE, the softmax probabilities (B·H·T²; fused attention keeps its output, BT·H·D, and a
 * log-sum-exp per row instead), the attention context (BT·H·D), and the feed-forward's inputs and
 * intermediates (GELU: BTC + 2·BTI; SwiGLU: BTC + 4·BTI, per routed expert chosen plus shared). The
 * loss needs the logits in 16 or 32 bits plus fp32 copies for the softmax and its gradient. During
 * the backward pass one layer's gradients exist beside what is kept.
 *
 * <p>With checkpointing only each layer's input (BTC) is kept, and one layer is recomputed at a
 * time; while it runs it holds every intermediate it makes, not only those the backward needs
 * (Anneal frees a block's arrays when the block ends), and then their gradients: measured on the
 * {@code nano-long} bench (CPU, fp32), about {@value #RECOMPUTE_LAYERS} layers' worth of kept
 * activations.
 *
 * @param stored checkpoints or full activations kept across layers
 * @param working the largest transient set: one recomputed layer plus the logits
 * @param hostStored the part of {@code stored} moved to host RAM (CPU checkpointing)
 */
public record ActivationMemory(double stored, double working, double hostStored) {
  /** A recomputed layer's peak, in layers of kept activations (measured, see above). */
  static final double RECOMPUTE_LAYERS = 4.5;

  /** Activation bytes on the device. */
  public double onDevice() {
    return stored - hostStored + working;
  }

  public static ActivationMemory of(
      ModelSpec m,
      long batch,
      long seq,
      int bytesPerValue,
      boolean checkpointing,
      boolean cpuCheckpointing,
      boolean flashAttention) {
    double a = bytesPerValue;
    double bt = (double) batch * seq;
    double c = m.hidden();
    double q = m.queryWidth();
    double kv = m.kvWidth();

    double attention = bt * (3 * c + q + 2 * kv + q) * a;
    if (m.position() == Position.ROPE) attention += bt * (q + kv) * a;
    attention +=
        flashAttention
            ? bt * m.heads() * 4.0 + bt * q * a // log-sum-exp per row (fp32) and the output
            : (double) batch * m.heads() * seq * (double) seq * a;

    double perMlpIntermediate = m.activation() == Activation.SWIGLU ? 4 : 2;
    double ffn;
    if (m.hasExperts()) {
      MoeSpec moe = m.moe();
      double ie = moe.expertIntermediate() != null ? moe.expertIntermediate() : m.intermediate();
      double routed = moe.expertsPerToken();
      ffn =
          bt * c * a // norm output, the router's input
              + bt * moe.experts() * 4.0 * 2 // router logits and probabilities, fp32
              + routed * bt * (2 * c + perMlpIntermediate * ie) * a // gathered tokens in and out
              + moe.sharedExperts() * bt * perMlpIntermediate * ie * a;
    } else {
      ffn = bt * (c + perMlpIntermediate * m.intermediate()) * a;
    }
    double layer = attention + ffn;

    double logits = bt * m.vocab() * (a + 4 + 4);
    double edges = 3 * bt * c * a; // embedding output, final norm in and out
    if (!checkpointing) {
      return new ActivationMemory(m.layers() * layer + edges, logits + layer, 0);
    }
    double checkpoints = m.layers() * bt * c * a;
    return new ActivationMemory(
        checkpoints + edges, RECOMPUTE_LAYERS * layer + logits, cpuCheckpointing ? checkpoints : 0);
  }
}
