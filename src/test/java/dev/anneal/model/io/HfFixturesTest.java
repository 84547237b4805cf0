package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.estimate.ParameterCount;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folders written by Hugging Face transformers 5.17 and PEFT 0.21 themselves
 * (src/test/python/make_hf_fixtures.py): tiny random models of each type with a LoRA adapter.
 * Anneal reads them, and writing them back gives the same names, shapes and bits.
 */
class HfFixturesTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(HfFixturesTest.class.getResource("/hf-fixtures/" + name + "/").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void configsReadAsWritten() throws IOException {
    try (LoadedModel gpt2 = HfFolder.load(fixture("gpt2"))) {
      ModelSpec m = gpt2.spec();
      assertThat(m.family()).isEqualTo(Family.GPT2);
      assertThat(
              List.of(m.layers(), m.hidden(), m.heads(), m.vocab(), m.context(), m.intermediate()))
          .containsExactly(2, 16, 2, 32, 16, 64);
      assertThat(m.tieEmbeddings()).isTrue();
      assertThat(gpt2.tokens()).isEqualTo(new TokenIds(0, 0, null));
    }
    try (LoadedModel llama = HfFolder.load(fixture("llama"))) {
      ModelSpec m = llama.spec();
      assertThat(List.of(m.kvHeads(), m.headDim(), m.intermediate(), m.context()))
          .containsExactly(2, 4, 24, 64);
      assertThat(m.ropeTheta()).isEqualTo(10_000.0);
      assertThat(m.ropeScaling().factor()).isEqualTo(2.0);
      assertThat(m.ropeScaling().originalContext()).isEqualTo(32);
      assertThat(m.tieEmbeddings()).isFalse();
    }
    try (LoadedModel qwen = HfFolder.load(fixture("qwen2"))) {
      assertThat(qwen.spec().qkvBias()).isTrue();
      assertThat(qwen.spec().tieEmbeddings()).isTrue();
      assertThat(qwen.spec().ropeScaling()).isNull();
    }
    try (LoadedModel mixtral = HfFolder.load(fixture("mixtral"))) {
      assertThat(mixtral.spec().moe().experts()).isEqualTo(4);
      assertThat(mixtral.spec().moe().expertsPerToken()).isEqualTo(2);
      assertThat(mixtral.spec().ropeTheta()).isEqualTo(1e6);
      assertThat(mixtral.dtype()).isEqualTo(DType.F32);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "qwen2", "mixtral"})
  void writingBackGivesTransformersOwnNamesShapesAndBits(String type) throws IOException {
    Path out = tmp.resolve(type);
    try (LoadedModel loaded = HfFolder.load(fixture(type));
        SafetensorsFile original =
            SafetensorsFile.open(fixture(type).resolve("model.safetensors"))) {
      long numel = 0;
      for (TensorInfo t : original.tensors()) numel += t.numel();
      assertThat(numel).isEqualTo(ParameterCount.of(loaded.spec(), null).total());
      HfFolder.save(out, loaded.spec(), loaded.tensors(), null, DType.F32);
      try (SafetensorsFile written = SafetensorsFile.open(out.resolve("model.safetensors"))) {
        assertThat(written.names()).containsExactlyInAnyOrderElementsOf(original.names());
        for (String name : original.names()) {
          assertThat(written.read(name)).as(name).isEqualTo(original.read(name));
        }
      }
    }
    try (LoadedModel again = HfFolder.load(out)) {
      assertThat(again.spec()).isEqualTo(HfFolder.load(fixture(type)).spec());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "qwen2", "mixtral"})
  void peftAdaptersReadAndWriteBackWithPeftsKeys(String type) throws IOException {
    ModelSpec base;
    try (LoadedModel m = HfFolder.load(fixture(type))) {
      base = m.spec();
    }
    Path out = tmp.resolve(type + "-lora");
    try (LoadedAdapter adapter = PeftAdapter.load(fixture(type + "-lora"), base);
        SafetensorsFile original =
            SafetensorsFile.open(fixture(type + "-lora").resolve("adapter_model.safetensors"))) {
      LoraSpec lora = adapter.lora();
      assertThat(lora.rank()).isEqualTo(2);
      assertThat(lora.alpha()).isEqualTo(4.0);
      assertThat(adapter.config().fanInFanOut()).isEqualTo(type.equals("gpt2"));
      PeftAdapter.save(out, base, lora, adapter.tensors(), "base", DType.F32);
      try (SafetensorsFile written =
          SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
        assertThat(written.names()).containsExactlyInAnyOrderElementsOf(original.names());
        for (String name : original.names())
          assertThat(written.read(name)).isEqualTo(original.read(name));
      }
    }
  }
}
