package dev.anneal.train;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which parameters take weight decay: matrices do; biases, norm weights and (unless asked)
 * embedding tables do not, as in GPT-2/nanoGPT and Llama training recipes. Decided from the Hugging
 * Face parameter names the models use.
 */
public final class DecayPolicy {
  private DecayPolicy() {}

  public static Set<String> decayed(Collection<String> names, boolean decayEmbeddings) {
    return names.stream().filter(n -> decays(n, decayEmbeddings)).collect(Collectors.toSet());
  }

  static boolean decays(String name, boolean decayEmbeddings) {
    if (name.endsWith(".bias") || name.endsWith("e_score_correction_bias")) return false;
    if (name.contains("norm") || name.contains(".ln_") || name.startsWith("transformer.ln_f")) {
      return false;
    }
    boolean embedding =
        name.contains("wte") || name.contains("wpe") || name.contains("embed_tokens");
    return !embedding || decayEmbeddings;
  }
}
