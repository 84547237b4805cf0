package dev.anneal.train;

import java.util.SplittableRandom;

/**
 * Picks training sequences so that a run's data order is a pure function of (seed, step): each
 * epoch visits every whole sequence of the stream once, in an order shuffled by a generator seeded
 * with (seed, epoch). A resumed run needs nothing but the step it stopped at to see the same data
 * as a run never interrupted.
 *
 * <p>Sequence {@code s} is tokens {@code [s·T, s·T + T)}; its targets are the window shifted by
 * one. Targets equal to {@code pad} (the padding after the last document) do not count, nor targets
 * the stream's loss mask leaves out (the prompts of instruction data).
 */
public final class BatchSampler {
  private final TokenStream stream;
  private final int rows;
  private final int cols;
  private final long seed;
  private final int pad;
  private final int sequences;
  private int[] order;
  private long orderEpoch = -1;

  /**
   * @param rows B, sequences per micro batch
   * @param cols T, tokens per sequence
   * @param pad the padding token id, or -1 when the stream has none
   */
  public BatchSampler(TokenStream stream, int rows, int cols, long seed, int pad) {
    this.stream = stream;
    this.rows = rows;
    this.cols = cols;
    this.seed = seed;
    this.pad = pad;
    long whole = (stream.length() - 1) / cols;
    if (whole < 1) {
      throw new IllegalArgumentException(
          "the data holds "
              + stream.length()
              + " tokens, not one sequence of "
              + cols
              + " plus a target");
    }
    this.sequences = Math.toIntExact(Math.min(whole, Integer.MAX_VALUE));
  }

  /** B, sequences per batch. */
  public int rows() {
    return rows;
  }

  /** Whole sequences available (one epoch). */
  public int sequences() {
    return sequences;
  }

  /**
   * Micro batch {@code micro} of optimizer step {@code step}, with {@code accumulation} per step.
   */
  public Batch batch(long step, int micro, int accumulation) {
    long first = (step * accumulation + micro) * rows;
    long[] picks = new long[rows];
    for (int r = 0; r < rows; r++) picks[r] = sequenceAt(first + r);
    return read(picks);
  }

  /** Epochs completed at a global sequence count (fractional), for the metrics. */
  public double epochAt(long sequencesSeen) {
    return (double) sequencesSeen / sequences;
  }

  /** The sequences {@code [from, from + rows)} in file order (evaluation reads them in turn). */
  public Batch sequential(long from) {
    long[] picks = new long[rows];
    for (int r = 0; r < rows; r++) picks[r] = (from + r) % sequences;
    return read(picks);
  }

  /**
   * Names of the stream's languages ({@link #sequentialLanguages}' indices); empty when unknown.
   */
  public java.util.List<String> languages() {
    return stream.languages();
  }

  /** (B, T) for {@link #sequential}: the language of each position's target, or -1. */
  public int[] sequentialLanguages(long from) {
    int[] out = new int[rows * cols];
    for (int r = 0; r < rows; r++) {
      long start = ((from + r) % sequences) * cols;
      for (int t = 0; t < cols; t++) out[r * cols + t] = stream.languageAt(start + t + 1);
    }
    return out;
  }

  private long sequenceAt(long global) {
    long epoch = global / sequences;
    if (epoch != orderEpoch) {
      order = shuffled(sequences, new SplittableRandom(seed * 1_000_003L + epoch));
      orderEpoch = epoch;
    }
    return order[(int) (global % sequences)];
  }

  private static int[] shuffled(int n, SplittableRandom rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  private Batch read(long[] picks) {
    long[] ids = new long[rows * cols];
    long[] targets = new long[rows * cols];
    long[] docs = new long[rows * cols];
    float[] mask = new float[rows * cols];
    int[] window = new int[cols + 1];
    for (int r = 0; r < rows; r++) {
      long start = picks[r] * cols;
      stream.read(start, window);
      long firstDoc = stream.documentAt(start);
      for (int t = 0; t < cols; t++) {
        int i = r * cols + t;
        ids[i] = window[t];
        targets[i] = window[t + 1];
        docs[i] = stream.documentAt(start + t) - firstDoc;
        boolean counts = window[t + 1] != pad && window[t] != pad && stream.trained(start + t + 1);
        mask[i] = counts ? 1f : 0f;
      }
    }
    return new Batch(rows, cols, ids, targets, docs, mask);
  }
}
