package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.AppEnvironment;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.LoadedAdapter;
import dev.anneal.model.io.LoadedModel;
import dev.anneal.model.io.PeftAdapter;
import dev.anneal.model.io.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny checkpoints and adapters written by Hugging Face transformers 5.17 and PEFT 0.21 (in
 * src/test/resources/hf-fixtures, with the logits transformers computed for fixed ids) load into
 * Anneal's blocks and give the same logits: the HF round trip, checked against the reference
 * implementation rather than against ourselves.
 */
class TransformersLogitsTest {
  private static final Path FIXTURES = Path.of("src", "test", "resources", "hf-fixtures");

  @BeforeAll
  static void offline() {
    AppEnvironment.configure();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "qwen2", "mixtral"})
  void baseAndAdaptedLogitsMatchTransformers(String family) throws Exception {
    JsonNode expected =
        new ObjectMapper().readTree(FIXTURES.resolve(family).resolve("logits.json").toFile());
    long[] ids = new long[expected.get("ids").size()];
    for (int i = 0; i < ids.length; i++) ids[i] = expected.get("ids").get(i).asLong();
    try (LoadedModel base = HfFolder.load(FIXTURES.resolve(family));
        LoadedAdapter adapter = PeftAdapter.load(FIXTURES.resolve(family + "-lora"), base.spec());
        NDManager manager = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(base.spec(), adapter.lora(), manager, 1)) {
      model.loadWeights(reader(base.tensors()));
      model.adapters().load(reader(adapter.tensors()));
      model.adapters().setEnabled(false);
      compare(logits(model, manager, ids), expected.get("base"), family + " base");
      model.adapters().setEnabled(true);
      compare(logits(model, manager, ids), expected.get("adapted"), family + " adapted");
    }
  }

  private static float[][] logits(CausalLm model, NDManager manager, long[] ids) {
    try (NDManager m = manager.newSubManager()) {
      float[] flat =
          model
              .forward(m.create(ids, new Shape(1, ids.length)), null, false)
              .logits()
              .toFloatArray();
      int v = flat.length / ids.length;
      float[][] out = new float[ids.length][v];
      for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * v, out[t], 0, v);
      return out;
    }
  }

  private static void compare(float[][] actual, JsonNode expected, String what) {
    assertThat(actual.length).as(what).isEqualTo(expected.size());
    for (int t = 0; t < actual.length; t++) {
      for (int k = 0; k < actual[t].length; k++) {
        assertThat((double) actual[t][k])
            .as(what + " position " + t + " token " + k)
            .isCloseTo(expected.get(t).get(k).asDouble(), within(1e-4));
      }
    }
  }

  private static Function<String, HostTensor> reader(TensorSource source) {
    return name -> {
      try {
        return source.contains(name) ? source.read(name) : null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
