package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** LoRA training moves the adapters and leaves every base weight bit-identical. */
class LoraTrainingTest {
  @Test
  void baseWeightsStayBitIdentical() {
    AppEnvironment.configure();
    Preset p = PresetLoader.parse(TinyDataset.preset("lora", "llama", 10), "lora");
    LoraSpec lora = new LoraSpec(4, 8.0, 0.0, List.of("q_proj", "v_proj"), List.of(), true);
    int[] tokens = new int[400];
    for (int i = 0; i < tokens.length; i++) tokens[i] = 2 + (i % 30);
    BatchSampler sampler = new BatchSampler(TokenStream.of(tokens, new long[] {0}), 4, 16, 1, -1);
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), lora, root, 3)) {
      Map<String, float[]> before = snapshot(model.baseParameters());
      Map<String, float[]> adaptersBefore = snapshot(model.loraParameters());
      Map<String, NDArray> trainable = model.trainableParameters();
      assertThat(trainable.keySet()).allMatch(n -> n.contains("lora_"));
      StepRunner runner = new StepRunner(model, trainable, null, false);
      try (AdamW opt =
          new AdamW(0.9, 0.95, 1e-8, 0.1, Set.copyOf(trainable.keySet()), root.newSubManager())) {
        for (int step = 0; step < 5; step++) {
          try (NDManager m = root.newSubManager()) {
            runner.run(List.of(sampler.batch(step, 0, 1)), 1.0, m);
            opt.step(trainable, runner.gradients(m), 1e-2);
            runner.zeroGradients(m);
          }
        }
      }
      Map<String, float[]> after = snapshot(model.baseParameters());
      for (String name : before.keySet()) {
        assertThat(after.get(name)).as(name).containsExactly(before.get(name));
      }
      Map<String, float[]> adaptersAfter = snapshot(model.loraParameters());
      assertThat(adaptersAfter.keySet())
          .anySatisfy(n -> assertThat(adaptersAfter.get(n)).isNotEqualTo(adaptersBefore.get(n)));
    }
  }

  private static Map<String, float[]> snapshot(Map<String, NDArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }
}
