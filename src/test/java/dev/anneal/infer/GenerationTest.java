package dev.anneal.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.anneal.model.CausalLm;
import dev.anneal.task.Cancellation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation from tiny models on disk: determinism, greedy vs full forward, the adapter switch. */
class GenerationTest {
  @TempDir static Path tmp;
  static Path base;
  static Path adapter;
  static LoadedLm plain;
  static LoadedLm withAdapter;

  static final String PROMPT = "pub fn validate_payment_3(amount";

  @BeforeAll
  static void models() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    base = InferFixtures.hfModel(tmp.resolve("base"), tok, 11);
    adapter = InferFixtures.adapter(tmp.resolve("adapter"), 5);
    plain = ModelLoader.load(base, null, null);
    withAdapter = ModelLoader.load(base, adapter, null);
  }

  @AfterAll
  static void close() {
    plain.close();
    withAdapter.close();
  }

  static GenerationResult run(ModelView v, SamplingSettings s) {
    return Generator.generate(
        v, Prompt.of(PROMPT), s, GenerationListener.NONE, Cancellation.none());
  }

  static SamplingSettings sampled(long seed, int tokens) {
    return new SamplingSettings(1.0, 0, 1.0, 1.0, tokens, List.of(), seed);
  }

  @Test
  void theSameSeedGivesTheSameTextAndAnotherSeedAnother() {
    GenerationResult a = run(plain.view(), sampled(7, 24));
    GenerationResult b = run(plain.view(), sampled(7, 24));
    GenerationResult c = run(plain.view(), sampled(8, 24));
    assertThat(a.tokenIds()).isEqualTo(b.tokenIds());
    assertThat(a.text()).isEqualTo(b.text());
    assertThat(a.tokenIds()).isNotEqualTo(c.tokenIds());
    assertThat(a.tokensPerSecond()).isPositive();
  }

  @Test
  void greedyDecodingEqualsTheArgmaxOfAFullForward() {
    GenerationResult g = run(plain.view(), SamplingSettings.greedy(30));
    assertThat(g.tokenIds()).isNotEmpty();
    int[] all = concat(g.promptIds(), g.tokenIds());
    float[][] rows = fullForwardLogits(plain.model(), all);
    int p = g.promptIds().length;
    for (int i = 0; i < g.tokenIds().length; i++) {
      assertThat(argmax(rows[p - 1 + i])).as("token %d", i).isEqualTo(g.tokenIds()[i]);
    }
    if (g.finish() == FinishReason.EOS) {
      assertThat(argmax(rows[all.length - 1])).isEqualTo(plain.tokenizer().eosId());
    }
  }

  @Test
  void theAdapterOnEqualsTheMergedModelAndOffEqualsTheBase() throws Exception {
    int[] ids = plain.tokenizer().encode(PROMPT + ") -> Result<u64, Error> {");
    float[][] baseRows = fullForwardLogits(plain.model(), ids);
    withAdapter.model().adapters().setEnabled(true);
    float[][] on = fullForwardLogits(withAdapter.model(), ids);
    withAdapter.model().adapters().setEnabled(false);
    float[][] off = fullForwardLogits(withAdapter.model(), ids);
    try (LoadedLm merged = ModelLoader.load(base, adapter, null)) {
      merged.model().adapters().merge();
      float[][] m = fullForwardLogits(merged.model(), ids);
      assertThat(maxDiff(on, m)).isLessThan(1e-4);
    }
    assertThat(maxDiff(off, baseRows)).isZero();
    assertThat(maxDiff(on, baseRows)).as("the adapter changes the output").isGreaterThan(1e-2);
    // The same through the views generation uses, alternating on one loaded model.
    List<GenerationResult> both =
        Generator.sideBySide(
            List.of(withAdapter.base(), withAdapter.tuned()),
            Prompt.of(PROMPT),
            SamplingSettings.greedy(20),
            GenerationListener.NONE,
            Cancellation.none());
    assertThat(both.get(0).tokenIds())
        .isEqualTo(run(plain.view(), SamplingSettings.greedy(20)).tokenIds());
    assertThat(both.get(1).tokenIds())
        .isEqualTo(run(withAdapter.tuned(), SamplingSettings.greedy(20)).tokenIds());
    assertThat(both.get(0).tokenIds()).isNotEqualTo(both.get(1).tokenIds());
  }

  @Test
  void streamedPiecesMakeTheTextAndStopWorks() {
    StringBuilder streamed = new StringBuilder();
    List<TokenEvent> events = new ArrayList<>();
    Cancellation stop = new Cancellation();
    GenerationResult r =
        Generator.generate(
            plain.view(),
            Prompt.of(PROMPT),
            sampled(3, 40),
            (side, e) -> {
              events.add(e);
              streamed.append(e.text());
              if (events.size() == 5) stop.cancel();
            },
            stop);
    assertThat(r.finish()).isEqualTo(FinishReason.CANCELLED);
    assertThat(r.tokenIds()).hasSize(5);
    assertThat(streamed.toString()).isEqualTo(r.text());
    assertThat(r.text()).isEqualTo(plain.tokenizer().decode(r.tokenIds()));
  }

  @Test
  void aStopSequenceEndsTheOutputBeforeIt() {
    GenerationResult free = run(plain.view(), sampled(4, 40));
    String text = free.text();
    assertThat(text.length()).isGreaterThan(4);
    String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
    StringBuilder streamed = new StringBuilder();
    GenerationResult cut =
        Generator.generate(
            plain.view(),
            Prompt.of(PROMPT),
            new SamplingSettings(1.0, 0, 1.0, 1.0, 40, List.of(stop), 4),
            (side, e) -> streamed.append(e.text()),
            Cancellation.none());
    assertThat(cut.finish()).isEqualTo(FinishReason.STOP);
    assertThat(cut.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
    assertThat(streamed.toString()).isEqualTo(cut.text());
  }

  @Test
  void fillInTheMiddleFeedsTheMarkersInPsmOrder() {
    GenerationResult r =
        Generator.generate(
            plain.view(),
            Prompt.fim("fn a() {", "}\n"),
            SamplingSettings.greedy(5),
            GenerationListener.NONE,
            Cancellation.none());
    int[] fim = plain.tokenizer().fimIds();
    int[] p = r.promptIds();
    assertThat(p[0]).isEqualTo(fim[0]);
    assertThat(p[p.length - 1]).isEqualTo(fim[1]);
    assertThat(p).contains(fim[2]);
    assertThat(plain.tokenizer().decode(p))
        .isEqualTo("<fim_prefix>fn a() {<fim_suffix>}\n<fim_middle>");
  }

  @Test
  void aPromptThatFillsTheContextIsRefused() {
    String longPrompt = "let fee = amount * 7 / 100;\n".repeat(40);
    assertThatThrownBy(
            () ->
                Generator.generate(
                    plain.view(),
                    Prompt.of(longPrompt),
                    SamplingSettings.greedy(5),
                    GenerationListener.NONE,
                    Cancellation.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("context of 64");
  }

  static float[][] fullForwardLogits(CausalLm lm, int[] ids) {
    try (NDManager m = NDManager.newBaseManager()) {
      long[] l = new long[ids.length];
      for (int i = 0; i < ids.length; i++) l[i] = ids[i];
      NDArray logits = lm.forward(m.create(l, new Shape(1, ids.length)), null, false).logits();
      float[] flat = logits.toFloatArray();
      int v = (int) logits.getShape().get(2);
      float[][] rows = new float[ids.length][v];
      for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * v, rows[t], 0, v);
      return rows;
    }
  }

  static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    return best;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static double maxDiff(float[][] a, float[][] b) {
    double max = 0;
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) max = Math.max(max, Math.abs(a[t][i] - b[t][i]));
    }
    return max;
  }
}
