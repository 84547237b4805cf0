package dev.anneal.preset.estimate;

import dev.anneal.model.io.ModuleNames;
import dev.anneal.preset.Activation;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Norm;
import dev.anneal.preset.Position;

/**
 * Parameter counts of a model, exact to the tensor (the same tensors the model code creates).
 *
 * @param total every parameter
 * @param trainable what the optimizer updates: all, or the LoRA adapters (plus the router when it
 *     is not frozen)
 * @param active parameters one token passes through: all but the routed experts it skips
 * @param embedding token and position tables (lookups, not matrix multiplies)
 * @param lora adapter parameters (0 without LoRA)
 * @param matmul parameters used in matrix multiplies per token (active minus embedding tables; the
 *     output head counts): the N in "6N FLOPs per token"
 * @param trainableMatmul the part of {@code matmul} whose weight gradients are computed
 */
public record ParameterCount(
    long total,
    long trainable,
    long active,
    long embedding,
    long lora,
    long matmul,
    long trainableMatmul) {

  /** Counts for a model with optional LoRA. */
  public static ParameterCount of(ModelSpec m, LoraSpec lora) {
    long c = m.hidden();
    long v = m.vocab();
    long layers = m.layers();

    long norm = m.norm() == Norm.LAYERNORM && m.normBias() ? 2 * c : c;
    long attention =
        c * m.queryWidth()
            + 2 * c * m.kvWidth()
            + m.queryWidth() * c
            + (m.qkvBias() ? m.queryWidth() + 2L * m.kvWidth() : 0)
            + (m.outBias() ? c : 0);

    long ffnTotal;
    long ffnActive;
    long router = 0;
    if (m.hasExperts()) {
      MoeSpec moe = m.moe();
      long ie = moe.expertIntermediate() != null ? moe.expertIntermediate() : m.intermediate();
      long expert = mlp(m, c, ie);
      router = c * moe.experts();
      ffnTotal = router + (moe.experts() + moe.sharedExperts()) * expert;
      ffnActive = router + ((long) moe.expertsPerToken() + moe.sharedExperts()) * expert;
    } else {
      ffnTotal = ffnActive = mlp(m, c, m.intermediate());
    }

    long perLayerTotal = 2 * norm + attention + ffnTotal;
    long perLayerActive = 2 * norm + attention + ffnActive;
    long tokenTable = v * c;
    long positionTable = m.position() == Position.LEARNED ? (long) m.context() * c : 0;
    long head = m.tieEmbeddings() ? 0 : v * c;
    long embedding = tokenTable + positionTable;

    long total = embedding + layers * perLayerTotal + norm + head;
    long active = embedding + layers * perLayerActive + norm + head;
    // The head multiplies by a V×C matrix for every token, its own or the tied token table.
    long matmul = active - embedding + (m.tieEmbeddings() ? v * c : 0);

    long loraParams = 0;
    long loraActive = 0;
    if (lora != null) {
      for (ModuleNames.Projection p : ModuleNames.adapted(m, lora)) {
        long perLayer = p.loraParams(lora.rank());
        loraParams += layers * perLayer;
        boolean routedExpert =
            m.hasExperts() && p.container().equals("block_sparse_moe") && !p.name().equals("gate");
        long activeCopies = routedExpert ? m.moe().expertsPerToken() : p.copies();
        loraActive += layers * activeCopies * lora.rank() * (p.in() + p.out());
      }
    }
    long routerTrainable =
        lora != null && m.hasExperts() && !lora.freezeRouter() ? layers * router : 0;
    long trainable = lora == null ? total : loraParams + routerTrainable;
    long trainableMatmul = lora == null ? matmul : loraActive + routerTrainable;
    return new ParameterCount(
        total + loraParams,
        trainable,
        active + loraActive,
        embedding,
        loraParams,
        matmul + loraActive,
        trainableMatmul);
  }

  /** One feed-forward of width i: GELU has fc + proj, SwiGLU gate + up + down. */
  private static long mlp(ModelSpec m, long c, long i) {
    long weights = m.activation().matrices() * c * i;
    long bias = !m.mlpBias() ? 0 : m.activation() == Activation.SWIGLU ? 2 * i + c : i + c;
    return weights + bias;
  }
}
