package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The validation loss by language: a hand-made split of Java and Rust documents, scored by the
 * evaluator (sums on the device) and, independently, by a log-softmax computed here in doubles from
 * the model's logits, each target given to the language of the document that holds it.
 */
class ValLossByLanguageTest {
  private static final int ROWS = 2;
  private static final int COLS = 16;
  private static final int SEQUENCES = 4;
  private static final List<String> NAMES = List.of("java", "rust");

  @Test
  void eachLanguagesLossIsTheMeanOverItsTargetsAndTheOverallLossTheirTokenWeightedMean() {
    AppEnvironment.configure();
    SplittableRandom rnd = new SplittableRandom(9);
    int[] tokens = new int[SEQUENCES * COLS + 1];
    for (int i = 0; i < tokens.length; i++) tokens[i] = 2 + rnd.nextInt(60);
    long[] starts = {0, 7, 20, 23, 40, 51};
    int[] docLanguage = {0, 1, 1, 0, 1, 0};
    TokenStream stream = withLanguages(TokenStream.of(tokens, starts), starts, docLanguage);
    BatchSampler val = new BatchSampler(stream, ROWS, COLS, 0, -1);
    Preset p = PresetLoader.parse(TinyDataset.preset("w", "llama", 10), "w");
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), null, root, 3)) {
      Evaluator.Measured measured = new Evaluator(val, SEQUENCES / ROWS).measure(model, root);

      double[] sum = new double[NAMES.size()];
      long[] count = new long[NAMES.size()];
      for (int i = 0; i < SEQUENCES / ROWS; i++) {
        Batch b = val.sequential((long) i * ROWS);
        try (NDManager m = root.newSubManager()) {
          float[] logits =
              model
                  .forward(m.create(b.ids(), new Shape(ROWS, COLS)), b.docIdsFor(m), false)
                  .logits()
                  .toFloatArray();
          int vocab = logits.length / (ROWS * COLS);
          for (int k = 0; k < ROWS * COLS; k++) {
            long target = (long) (i * ROWS + k / COLS) * COLS + k % COLS + 1;
            int lang = docLanguage[documentOf(starts, target)];
            sum[lang] += -logSoftmax(logits, k * vocab, vocab, (int) b.targets()[k]);
            count[lang]++;
          }
        }
      }
      assertThat(measured.byLanguage()).containsOnlyKeys(NAMES);
      for (int l = 0; l < NAMES.size(); l++) {
        assertThat(count[l]).as(NAMES.get(l)).isPositive();
        assertThat(measured.byLanguage().get(NAMES.get(l)))
            .as(NAMES.get(l))
            .isCloseTo(sum[l] / count[l], within(1e-5));
      }
      double weighted = 0;
      for (int l = 0; l < NAMES.size(); l++)
        weighted += measured.byLanguage().get(NAMES.get(l)) * count[l];
      assertThat(measured.loss()).isCloseTo(weighted / (count[0] + count[1]), within(1e-5));
      assertThat(measured.tokens()).isEqualTo(count[0] + count[1]);

      // A split that records no languages (a dataset prepared before they were) has no breakdown.
      Evaluator.Measured plain =
          new Evaluator(
                  new BatchSampler(TokenStream.of(tokens, starts), ROWS, COLS, 0, -1),
                  SEQUENCES / ROWS)
              .measure(model, root);
      assertThat(plain.byLanguage()).isEmpty();
      assertThat(plain.loss()).isCloseTo(measured.loss(), within(1e-6));
    }
  }

  private static int documentOf(long[] starts, long position) {
    int d = 0;
    while (d + 1 < starts.length && starts[d + 1] <= position) d++;
    return d;
  }

  /** log p(target) from one position's logits, in doubles. */
  private static double logSoftmax(float[] logits, int at, int vocab, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) max = Math.max(max, logits[at + v]);
    double z = 0;
    for (int v = 0; v < vocab; v++) z += Math.exp(logits[at + v] - max);
    return logits[at + target] - max - Math.log(z);
  }

  private static TokenStream withLanguages(TokenStream s, long[] starts, int[] docLanguage) {
    return new TokenStream() {
      @Override
      public long length() {
        return s.length();
      }

      @Override
      public void read(long start, int[] dst) {
        s.read(start, dst);
      }

      @Override
      public long documentAt(long position) {
        return s.documentAt(position);
      }

      @Override
      public List<String> languages() {
        return NAMES;
      }

      @Override
      public int languageAt(long position) {
        return docLanguage[documentOf(starts, position)];
      }
    };
  }
}
