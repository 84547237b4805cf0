package dev.anneal.preset.estimate;

import dev.anneal.preset.Activation;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Position;

/**
 * Bytes of activations kept for the backward pass on one device, counted tensor by tensor for
 * one micro batch of B sequences of T tokens (after Korthikanti et al. 2022, "Reducing Activation
 * Recomputation in Large Transformer Models", without dropout masks since our models use none).
 *
 * <p>Per layer, with a = bytes per activation value: the two norm inputs (2·BTC), q, k and v
 * (BT·(H·D + 2·Hkv·D)), the rotated q and k under RoPE, the softmax probabilities (B·H·T², gone
 * with fused attention), the attention context (BT·H·D), and the feed-forward's inputs and
 * intermediates (GELU: BTC + 2·BTI; SwiGLU: BTC + 4·BTI, per routed expert chosen plus shared).
 * With checkpointing only each layer's input (BTC) is kept, plus one layer recomputed at a time.
 * The loss needs the logits in 16 or 32 bits plus fp32 copies for the softmax and its gradient.
 *
 * @param stored     checkpoints or full activations kept across layers
 * @param working    the largest transient set: one recomputed layer plus the logits
 * @param hostStored the part of {@code stored} moved to host RAM (CPU checkpointing)
 */
public record ActivationMemory(double stored, double working, double hostStored) {

  /** Activation bytes on the device. */
  public double onDevice() {
    return stored - hostStored + working;
  }

  public static ActivationMemory of(ModelSpec m, long batch, long seq, int bytesPerValue,
      boolean checkpointing, boolean cpuCheckpointing, boolean flashAttention) {
    double a = bytesPerValue;
    double bt = (double) batch * seq;
    double c = m.hidden();
    double q = m.queryWidth();
    double kv = m.kvWidth();

    double attention = bt * (2 * c + q + 2 * kv + q) * a;
    if (m.position() == Position.ROPE) attention += bt * (q + kv) * a;
    attention += flashAttention
        ? bt * m.heads() * 4.0 // log-sum-exp per row, fp32
        : (double) batch * m.heads() * seq * (double) seq * a;

    double perMlpIntermediate = m.activation() == Activation.SWIGLU ? 4 : 2;
    double ffn;
    if (m.hasExperts()) {
      MoeSpec moe = m.moe();
      double ie = moe.expertIntermediate() != null ? moe.expertIntermediate() : m.intermediate();
      double routed = moe.expertsPerToken();
      ffn = bt * c * a // norm output, the router's input
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
      return new ActivationMemory(m.layers() * layer + edges, logits, 0);
    }
    double checkpoints = m.layers() * bt * c * a;
    return new ActivationMemory(checkpoints + edges, layer + logits,
        cpuCheckpointing ? checkpoints : 0);
  }
}
