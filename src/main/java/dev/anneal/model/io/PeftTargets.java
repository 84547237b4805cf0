package dev.anneal.model.io;

import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code target_modules} for PEFT. PEFT matches a list entry against the end of a module's path and
 * excludes only modules whose own name is listed, while a LoRA spec may exclude a whole container
 * ({@code block_sparse_moe}, {@code mlp} ...). When the lists mean the same to PEFT they are
 * written as they are; otherwise as a regular expression PEFT full-matches against module paths,
 * naming exactly the adapted modules.
 */
final class PeftTargets {
  private PeftTargets() {}

  /** Module paths PEFT would adapt in layer 0 given these lists. */
  static Set<String> matchedByPeft(ModelSpec base, List<String> targets, List<String> exclude) {
    Set<String> paths = new LinkedHashSet<>();
    for (List<ModuleNames.Projection> ps : ModuleNames.of(base).values()) {
      for (ModuleNames.Projection p : ps) {
        for (String path : ModuleNames.modulePaths(base, 0, p)) {
          if (endsWithAny(path, targets) && !endsWithAny(path, exclude)) paths.add(path);
        }
      }
    }
    return paths;
  }

  private static boolean endsWithAny(String path, List<String> names) {
    for (String n : names) if (path.equals(n) || path.endsWith("." + n)) return true;
    return false;
  }

  /** The lists when PEFT reads them the same way, else null. */
  static boolean listsAreExact(ModelSpec base, LoraSpec lora) {
    return matchedByPeft(base, lora.targets(), lora.exclude())
        .equals(ModuleNames.adaptedPaths(base, lora, 0));
  }

  /** A regular expression that full-matches exactly the adapted modules of every layer. */
  static String regex(ModelSpec base, LoraSpec lora) {
    Set<String> alternatives = new LinkedHashSet<>();
    for (ModuleNames.Projection p : ModuleNames.adapted(base, lora)) {
      String name = p.name(); // [a-z0-9_]: nothing to escape
      alternatives.add(
          switch (p.container()) {
            case "block_sparse_moe" ->
                p.name().equals("gate")
                    ? "block_sparse_moe\\.gate"
                    : "block_sparse_moe\\.experts\\.\\d+\\." + name;
            case "shared_experts" -> "block_sparse_moe\\.shared_experts\\." + name;
            default -> p.container() + "\\." + name;
          });
    }
    String layers = base.family() == Family.GPT2 ? "transformer\\.h" : "model\\.layers";
    return layers + "\\.\\d+\\.(" + String.join("|", alternatives) + ")";
  }

  /**
   * A LoRA spec whose targets and exclusions adapt exactly the modules present, for an adapter
   * whose target_modules is a regular expression: targets are the projection names seen, and each
   * container holding a target name but no adapted module is excluded.
   */
  static LoraSpec fromModules(
      ModelSpec base,
      Set<String> layer0Modules,
      int rank,
      double alpha,
      double dropout,
      boolean freezeRouter) {
    Set<String> targets = new LinkedHashSet<>();
    for (String m : layer0Modules) targets.add(m.substring(m.lastIndexOf('.') + 1));
    Set<String> exclude = new LinkedHashSet<>();
    for (List<ModuleNames.Projection> ps : ModuleNames.of(base).values()) {
      for (ModuleNames.Projection p : ps) {
        if (!targets.contains(p.name())) continue;
        boolean present = layer0Modules.containsAll(ModuleNames.modulePaths(base, 0, p));
        if (!present)
          exclude.add(p.container().equals("block_sparse_moe") ? "experts" : p.container());
      }
    }
    return new LoraSpec(
        rank, alpha, dropout, new ArrayList<>(targets), new ArrayList<>(exclude), freezeRouter);
  }
}
