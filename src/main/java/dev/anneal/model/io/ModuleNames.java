package dev.anneal.model.io;

import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one answer to "which modules does this family have, and which does a LoRA target match": the
 * adaptable projections of each family under Hugging Face / PEFT names, with their shapes, and
 * their module paths in a checkpoint. The preset validator, the parameter count, the model's
 * weights, the HF names of adapter tensors and the PEFT target lists all ask here. GPT-2's fused
 * {@code c_attn} and its two {@code c_proj} matrices (attention output and MLP output share the
 * name) follow PEFT's matching by name.
 */
public final class ModuleNames {
  private ModuleNames() {}

  /**
   * One adaptable matrix kind in one layer.
   *
   * @param name the PEFT target name
   * @param in input width
   * @param out output width
   * @param copies how many such matrices one layer has (E for routed experts)
   * @param container the module that holds it, for exclusion ({@code self_attn}, {@code mlp},
   *     {@code block_sparse_moe}, {@code shared_experts})
   */
  public record Projection(String name, long in, long out, long copies, String container) {
    /** Adapter parameters per layer at rank r: r·(in + out) per copy. */
    public long loraParams(int rank) {
      return copies * rank * (in + out);
    }
  }

  /** Container names that may appear in an exclude list besides the projection names. */
  public static final Set<String> CONTAINERS =
      Set.of("self_attn", "attn", "mlp", "block_sparse_moe", "experts", "shared_experts");

  /** Every projection of one layer of this model, keyed by name (values list, for c_proj). */
  public static Map<String, List<Projection>> of(ModelSpec m) {
    Map<String, List<Projection>> map = new LinkedHashMap<>();
    long c = m.hidden(), q = m.queryWidth(), kv = m.kvWidth(), i = m.intermediate();
    if (m.family() == Family.GPT2) {
      add(map, new Projection("c_attn", c, q + 2 * kv, 1, "attn"));
      add(map, new Projection("c_proj", q, c, 1, "attn"));
      add(map, new Projection("c_fc", c, i, 1, "mlp"));
      add(map, new Projection("c_proj", i, c, 1, "mlp"));
      return map;
    }
    add(map, new Projection("q_proj", c, q, 1, "self_attn"));
    add(map, new Projection("k_proj", c, kv, 1, "self_attn"));
    add(map, new Projection("v_proj", c, kv, 1, "self_attn"));
    add(map, new Projection("o_proj", q, c, 1, "self_attn"));
    if (!m.hasExperts()) {
      add(map, new Projection("gate_proj", c, i, 1, "mlp"));
      add(map, new Projection("up_proj", c, i, 1, "mlp"));
      add(map, new Projection("down_proj", i, c, 1, "mlp"));
      return map;
    }
    MoeSpec moe = m.moe();
    long ie = moe.expertIntermediate() != null ? moe.expertIntermediate() : i;
    long e = moe.experts();
    add(map, new Projection("w1", c, ie, e, "block_sparse_moe"));
    add(map, new Projection("w3", c, ie, e, "block_sparse_moe"));
    add(map, new Projection("w2", ie, c, e, "block_sparse_moe"));
    add(map, new Projection("gate", c, e, 1, "block_sparse_moe"));
    if (moe.sharedExperts() > 0) {
      // Shared experts are one SwiGLU of width S·Ie, as DeepSeek's checkpoints store them.
      long width = moe.sharedExperts() * ie;
      add(map, new Projection("gate_proj", c, width, 1, "shared_experts"));
      add(map, new Projection("up_proj", c, width, 1, "shared_experts"));
      add(map, new Projection("down_proj", width, c, 1, "shared_experts"));
    }
    return map;
  }

  private static void add(Map<String, List<Projection>> map, Projection p) {
    map.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
  }

  /** The projections a LoRA spec really adapts: its targets less anything excluded. */
  public static List<Projection> adapted(ModelSpec m, LoraSpec lora) {
    Map<String, List<Projection>> all = of(m);
    List<Projection> out = new ArrayList<>();
    for (String t : lora.targets()) {
      if (lora.exclude().contains(t)) continue;
      for (Projection p : all.getOrDefault(t, List.of())) {
        boolean inExcludedContainer =
            lora.exclude().contains(p.container())
                || (p.container().equals("block_sparse_moe")
                    && lora.exclude().contains("experts")
                    && !p.name().equals("gate"));
        if (!inExcludedContainer) out.add(p);
      }
    }
    return out;
  }

  /** Module paths a LoRA spec adapts in one layer (every layer is the same). */
  public static Set<String> adaptedPaths(ModelSpec m, LoraSpec lora, int layer) {
    Set<String> paths = new LinkedHashSet<>();
    for (Projection p : adapted(m, lora)) paths.addAll(modulePaths(m, layer, p));
    return paths;
  }

  /** The module paths of one projection kind in one layer (E of them for routed experts). */
  public static List<String> modulePaths(ModelSpec m, int layer, Projection p) {
    if (m.family() == Family.GPT2) {
      return List.of("transformer.h." + layer + "." + p.container() + "." + p.name());
    }
    String prefix = "model.layers." + layer + ".";
    return switch (p.container()) {
      case "self_attn", "mlp" -> List.of(prefix + p.container() + "." + p.name());
      case "shared_experts" -> List.of(prefix + "block_sparse_moe.shared_experts." + p.name());
      case "block_sparse_moe" -> {
        if (p.name().equals("gate")) yield List.of(prefix + "block_sparse_moe.gate");
        List<String> paths = new ArrayList<>();
        for (int e = 0; e < p.copies(); e++) {
          paths.add(prefix + "block_sparse_moe.experts." + e + "." + p.name());
        }
        yield paths;
      }
      default -> throw new IllegalArgumentException("unknown container " + p.container());
    };
  }
}
