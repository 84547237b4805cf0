package dev.anneal.infer;

import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.PeftAdapter;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.BpeTrainer;
import dev.anneal.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny models on disk made by the tests themselves: a byte-level BPE tokenizer trained on a few KB
 * of Rust-like code, a two-layer Llama saved as a Hugging Face folder (weights drawn with a large
 * spread, so the logits have clear winners), and a PEFT adapter with random A and B.
 */
public final class InferFixtures {
  public static final int VOCAB = 320;
  public static final int CONTEXT = 64;

  private InferFixtures() {}

  public static List<String> corpus() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      texts.add(
          "pub fn validate_payment_"
              + i
              + "(amount: u64) -> Result<u64, Error> {\n"
              + "    let fee = amount * "
              + i
              + " / 100;\n    Ok(amount - fee)\n}\n");
    }
    return texts;
  }

  public static ModelSpec spec() {
    return ModelSpec.builder(Family.LLAMA)
        .size(2, 32, 4, VOCAB, CONTEXT)
        .kvHeads(2)
        .intermediate(64)
        .tieEmbeddings(false)
        .initStd(0.3)
        .build();
  }

  public static LoraSpec lora() {
    return new LoraSpec(4, 8.0, 0.0, List.of("q_proj", "v_proj", "down_proj"), List.of(), true);
  }

  /** tokenizer.json (with FIM tokens) in {@code dir}. */
  public static Path tokenizer(Path dir) throws IOException {
    BpeTrainer.Result r =
        new BpeTrainer(VOCAB, 2).train(corpus(), ProgressListener.NONE, Cancellation.none());
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(file, r);
    return file;
  }

  /** An HF folder holding a model drawn from {@code seed}, with the tokenizer copied in. */
  public static Path hfModel(Path dir, Path tokenizer, long seed) throws IOException {
    AppEnvironment.configure();
    try (NDManager m = NDManager.newBaseManager();
        CausalLm lm = CausalLm.create(spec(), null, m, seed)) {
      HfFolder.save(dir, spec(), TensorSource.of(lm.exportWeights()), tokenizer, DType.F32);
    }
    return dir;
  }

  /** A PEFT adapter for {@link #spec()} with random A and B (so it changes the output). */
  public static Path adapter(Path dir, long seed) throws IOException {
    Random r = new Random(seed);
    List<HostTensor> tensors = new ArrayList<>();
    for (Map.Entry<String, long[]> e : PeftAdapter.expected(spec(), lora()).entrySet()) {
      long[] shape = e.getValue();
      float[] data = new float[Math.toIntExact(shape[0] * shape[1])];
      for (int i = 0; i < data.length; i++) data[i] = (float) (r.nextGaussian() * 0.3);
      tensors.add(new HostTensor(e.getKey(), shape, data));
    }
    PeftAdapter.save(dir, spec(), lora(), TensorSource.of(tensors), "base", DType.F32);
    return dir;
  }
}
