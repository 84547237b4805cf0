package dev.anneal.export.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.AppEnvironment;
import dev.anneal.infer.InferFixtures;
import dev.anneal.infer.LoadedLm;
import dev.anneal.infer.ModelLoader;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.RopeScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family exported, read back by the tests' own reader, mapped back to Hugging Face names and
 * run through Anneal's forward: the logits equal the model's exactly from F32, and within 1e-2
 * (relative, whole-tensor L2) from F16, BF16 and Q8_0.
 */
class GgufExportTest {
  static Path tokenizer;
  @TempDir static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void tokenizer() throws IOException {
    AppEnvironment.configure();
    tokenizer = InferFixtures.tokenizer(Files.createDirectories(shared.resolve("tok")));
  }

  static ModelSpec spec(
      Family f,
      Integer kvHeads,
      Integer intermediate,
      int vocab,
      Boolean qkvBias,
      MoeSpec moe,
      Boolean tie,
      RopeScaling rope) {
    return ModelSpec.builder(f)
        .size(2, 32, 4, vocab, 64)
        .kvHeads(kvHeads)
        .intermediate(intermediate)
        .qkvBias(qkvBias)
        .tieEmbeddings(tie)
        .ropeScaling(rope)
        .moe(moe)
        .initStd(0.3)
        .build();
  }

  /** The same architecture at the usual initial spread (0.02), as a trained model's weights are. */
  static ModelSpec usualSpread(ModelSpec s) {
    return s.toBuilder().initStd(0.02).build();
  }

  static ModelSpec gpt2() {
    return spec(
        Family.GPT2, null, null, 336, null, null, null, null); // 16 ids past the tokenizer: [PADn]
  }

  static ModelSpec llama() {
    return spec(Family.LLAMA, 2, 64, 320, false, null, false, null);
  }

  static ModelSpec qwen2() {
    return spec(Family.LLAMA, 2, 64, 320, true, null, false, null);
  }

  static ModelSpec mixtral() {
    return spec(
        Family.LLAMA,
        2,
        64,
        320,
        false,
        MoeSpec.routed(4, 2).withBalancing(Balancing.AUX_LOSS, 0.01),
        true,
        null);
  }

  static Stream<Arguments> families() {
    return Stream.of(
        Arguments.of("gpt2", gpt2()),
        Arguments.of("llama", llama()),
        Arguments.of("qwen2", qwen2()),
        Arguments.of("llama", mixtral()));
  }

  /** An HF folder with random weights (q/k/v biases too, so their row order is checked). */
  Path hfModel(ModelSpec spec, long seed) throws IOException {
    Path dir = tmp.resolve("hf-" + seed);
    try (NDManager m = NDManager.newBaseManager();
        CausalLm lm = CausalLm.create(spec, null, m, seed)) {
      Random r = new Random(seed);
      List<HostTensor> w =
          lm.exportWeights().stream()
              .map(t -> t.name().endsWith(".bias") ? noisy(t, r, spec.initStd()) : t)
              .toList();
      HfFolder.save(dir, spec, TensorSource.of(w), tokenizer, DType.F32);
    }
    return dir;
  }

  private static HostTensor noisy(HostTensor t, Random r, double std) {
    float[] d = t.data().clone();
    for (int i = 0; i < d.length; i++) d[i] += (float) (r.nextGaussian() * std);
    return new HostTensor(t.name(), t.shape(), d);
  }

  @ParameterizedTest
  @MethodSource("families")
  void f32FileGivesAnnealsLogitsExactly(String arch, ModelSpec spec) throws IOException {
    Path model = hfModel(spec, 7);
    Path out = tmp.resolve("m.gguf");
    GgufExport.Result r =
        GgufExport.export(new GgufExport.Request(model, null, out, GgufType.F32, false));
    assertThat(r.architecture()).isEqualTo(arch);
    GgufReader file = new GgufReader(out);
    assertThat(file.version).isEqualTo(3);
    assertThat(file.tensors).hasSize(r.tensors());
    assertThat(Files.size(out)).isEqualTo(r.bytes());
    checkMetadata(file, spec, arch);
    float[] expected = logits(model, null, spec);
    assertThat(fromFile(file, spec)).containsExactly(expected);
  }

  @ParameterizedTest
  @MethodSource("families")
  void halfAndQ8FilesAreWithinOnePercent(String arch, ModelSpec wide) throws IOException {
    ModelSpec spec = usualSpread(wide);
    Path model = hfModel(spec, 11);
    float[] expected = logits(model, null, spec);
    for (GgufType type : List.of(GgufType.F16, GgufType.BF16, GgufType.Q8_0)) {
      Path out = tmp.resolve(type + ".gguf");
      GgufExport.export(new GgufExport.Request(model, null, out, type, false));
      GgufReader file = new GgufReader(out);
      assertThat(((Number) file.meta.get("general.file_type")).intValue()).isEqualTo(type.fileType);
      assertThat(file.tensors.get("token_embd.weight").type()).isEqualTo(type.ggmlId);
      double rel = relative(fromFile(file, spec), expected);
      assertThat(rel).as("%s %s relative L2 error", arch, type).isLessThan(1e-2).isGreaterThan(0);
    }
  }

  @Test
  void q8BlocksDequantizeWithinHalfAStep() throws IOException {
    Path model = hfModel(llama(), 3);
    Path out = tmp.resolve("q8.gguf");
    GgufExport.export(new GgufExport.Request(model, null, out, GgufType.Q8_0, false));
    GgufReader file = new GgufReader(out);
    float[] original;
    try (var hf = HfFolder.load(model)) {
      original = hf.tensors().read("model.layers.0.mlp.down_proj.weight").data();
    }
    float[] back = file.floats("blk.0.ffn_down.weight");
    float[] scales = file.q8Scales("blk.0.ffn_down.weight");
    for (int b = 0; b < scales.length; b++) {
      float amax = 0;
      for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(original[b * 32 + j]));
      assertThat((double) scales[b])
          .isCloseTo(amax / 127.0, org.assertj.core.data.Offset.offset(amax / 127.0 * 1e-3));
      for (int j = 0; j < 32; j++) {
        int i = b * 32 + j;
        assertThat((double) Math.abs(back[i] - original[i]))
            .as("value %d", i)
            .isLessThanOrEqualTo(scales[b] * 0.5 + amax * 2e-3);
      }
    }
    assertThat(file.tensors.get("blk.0.attn_norm.weight").type()).isZero(); // norms stay F32
  }

  @Test
  void adapterIsMergedBeforeWriting() throws IOException {
    Path model = InferFixtures.hfModel(tmp.resolve("base"), tokenizer, 5);
    Path adapter = InferFixtures.adapter(tmp.resolve("adapter"), 9);
    Path out = tmp.resolve("tuned.gguf");
    GgufExport.export(new GgufExport.Request(model, adapter, out, GgufType.F32, false));
    float[] tuned = logits(model, adapter, InferFixtures.spec());
    float[] base = logits(model, null, InferFixtures.spec());
    float[] file = fromFile(new GgufReader(out), InferFixtures.spec());
    assertThat(relative(file, tuned)).isLessThan(1e-5);
    assertThat(relative(base, tuned)).isGreaterThan(1e-2); // the adapter really changes the output
  }

  @Test
  void ollamaModelfileNamesTheFileStopAndContext() throws IOException {
    Path model = hfModel(llama(), 2);
    Files.writeString(
        model.resolve("tokenizer_config.json"),
        "{\"chat_template\": \"{% for m in messages %}<|im_start|>{{ m.content }}<|im_end|>{% endfor %}\"}");
    Path out = tmp.resolve("out/code.gguf");
    GgufExport.Result r =
        GgufExport.export(new GgufExport.Request(model, null, out, GgufType.Q8_0, true));
    String text = Files.readString(r.modelfile());
    assertThat(text)
        .contains(
            "FROM ./code.gguf",
            "PARAMETER stop \"<|endoftext|>\"",
            "PARAMETER stop \"<|im_end|>\"",
            "PARAMETER num_ctx 64",
            "<|im_start|>assistant");
    assertThat(new GgufReader(out).meta.get("tokenizer.chat_template"))
        .asString()
        .contains("<|im_start|>");
  }

  @Test
  void unsupportedArchitectureIsOneLineAndLeavesNoFile() throws IOException {
    ModelSpec shared =
        spec(Family.LLAMA, 2, 48, 320, false, MoeSpec.routed(4, 2).withShared(1, 16), false, null);
    Path model = hfModel(shared, 4);
    Path out = tmp.resolve("x/no.gguf");
    assertThatThrownBy(
            () -> GgufExport.export(new GgufExport.Request(model, null, out, GgufType.F16, false)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(model.toString())
        .hasMessageContaining(
            "llama architecture does not support shared experts (1 here; Mixtral has none)")
        .hasMessageNotContaining("\n");
    assertThat(out.getParent())
        .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void unsupportedTokenizerIsOneLineAndLeavesNoFile() throws IOException {
    Path model = hfModel(llama(), 6);
    Path tok = model.resolve("tokenizer.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(tok.toFile());
    root.putObject("pre_tokenizer").put("type", "Whitespace");
    json.writeValue(tok.toFile(), root);
    Path out = tmp.resolve("y/no.gguf");
    Files.createDirectories(out.getParent());
    assertThatThrownBy(
            () -> GgufExport.export(new GgufExport.Request(model, null, out, GgufType.F16, false)))
        .hasMessage(
            tok
                + ": not exportable to GGUF: pre-tokenizer Whitespace"
                + " (exported: ByteLevel, or Llama 3's or Qwen2's split + ByteLevel)");
    assertThat(out.getParent()).isEmptyDirectory();
  }

  @Test
  void unknownTypeNamesTheChoices() {
    assertThatThrownBy(() -> GgufType.parse("q4_k"))
        .hasMessage("GGUF type 'q4_k' is not supported: choose f32, f16, bf16 or q8_0");
  }

  private static void checkMetadata(GgufReader file, ModelSpec spec, String arch) {
    Map<String, Object> meta = file.meta;
    assertThat(meta.get("general.architecture")).isEqualTo(arch);
    assertThat(meta.get("general.alignment")).isEqualTo(32L);
    assertThat(meta.get(arch + ".block_count")).isEqualTo(2L);
    assertThat(meta.get(arch + ".embedding_length")).isEqualTo(32L);
    assertThat(meta.get(arch + ".context_length")).isEqualTo(64L);
    assertThat(meta.get(arch + ".attention.head_count")).isEqualTo(4L);
    assertThat(meta.get("tokenizer.ggml.model")).isEqualTo("gpt2");
    assertThat(meta.get("tokenizer.ggml.pre")).isEqualTo("gpt-2");
    List<?> tokens = (List<?>) meta.get("tokenizer.ggml.tokens");
    List<?> types = (List<?>) meta.get("tokenizer.ggml.token_type");
    assertThat(tokens).hasSize(spec.vocab());
    assertThat(types).hasSize(spec.vocab());
    long eos = (Long) meta.get("tokenizer.ggml.eos_token_id");
    assertThat(tokens.get((int) eos)).isEqualTo("<|endoftext|>");
    assertThat(types.get((int) eos)).isEqualTo(3); // control
    assertThat(types.get(100)).isEqualTo(1); // normal
    if (spec.vocab() > 320) {
      assertThat(tokens.get(330)).isEqualTo("[PAD330]");
      assertThat(types.get(330)).isEqualTo(5);
    }
    assertThat((List<?>) meta.get("tokenizer.ggml.merges"))
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m).asString().contains(" "));
    if (spec.hasExperts()) {
      assertThat(meta.get("llama.expert_count")).isEqualTo(4L);
      assertThat(meta.get("llama.expert_used_count")).isEqualTo(2L);
      assertThat(file.tensors.get("blk.1.ffn_gate_exps.weight").dims()).containsExactly(32, 64, 4);
    }
    if (spec.family() == Family.GPT2)
      assertThat(file.floats("output.weight")).containsExactly(file.floats("token_embd.weight"));
    if (spec.family() == Family.LLAMA)
      assertThat(meta.get(arch + ".attention.head_count_kv")).isEqualTo(2L);
  }

  private static final long[] IDS = {5, 17, 99, 200, 3, 64, 310, 12, 7, 250, 1, 42};

  /** Anneal's logits for the model (with its adapter on, when given). */
  private static float[] logits(Path model, Path adapter, ModelSpec spec) throws IOException {
    try (LoadedLm lm = ModelLoader.load(model, adapter, null);
        NDManager m = NDManager.newBaseManager()) {
      return lm.model()
          .forward(m.create(IDS, new Shape(1, IDS.length)), null, false)
          .logits()
          .toFloatArray();
    }
  }

  /** Logits of a fresh model of {@code spec} holding the file's tensors. */
  private static float[] fromFile(GgufReader file, ModelSpec spec) {
    Map<String, HostTensor> hf = GgufToHf.of(file, spec);
    try (NDManager m = NDManager.newBaseManager();
        CausalLm lm = CausalLm.create(spec, null, m, 99)) {
      lm.loadWeights(
          name -> {
            HostTensor t = hf.get(name);
            if (t == null && name.equals("lm_head.weight")) return null;
            return t;
          });
      NDArray ids = m.create(IDS, new Shape(1, IDS.length));
      return lm.forward(ids, null, false).logits().toFloatArray();
    }
  }

  private static double relative(float[] a, float[] b) {
    double num = 0, den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (double) (a[i] - b[i]);
      den += b[i] * (double) b[i];
    }
    return Math.sqrt(num / den);
  }
}
