package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One micro batch of B rows of T tokens, row-major.
 *
 * @param ids (B, T) input token ids
 * @param targets (B, T) the next token of each position
 * @param docIds (B, T) document index of each input token, for document masking
 * @param mask (B, T) 1 where the target counts for the loss, 0 on padding
 */
public record Batch(int rows, int cols, long[] ids, long[] targets, long[] docIds, float[] mask) {

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
  public Batch rows(int from, int to) {
    if (from < 0 || to > rows || from >= to)
      throw new IllegalArgumentException("rows " + from + ".." + to + " of " + rows);
    int a = from * cols, b = to * cols;
    return new Batch(
        to - from,
        cols,
        java.util.Arrays.copyOfRange(ids, a, b),
        java.util.Arrays.copyOfRange(targets, a, b),
        java.util.Arrays.copyOfRange(docIds, a, b),
        java.util.Arrays.copyOfRange(mask, a, b));
  }

  /** Positions whose target counts. */
  public long countedTokens() {
    long n = 0;
    for (float m : mask) if (m != 0) n++;
    return n;
  }

  /**
   * True when every row holds one document, so the causal mask alone is the document mask and the
   * model can take its faster causal path (no (B, T, T) mask to build or read).
   */
  private boolean oneDocumentPerRow() {
    for (int r = 0; r < rows; r++) {
      long first = docIds[r * cols];
      for (int c = 1; c < cols; c++) {
        if (docIds[r * cols + c] != first) return false;
      }
    }
    return true;
  }

  /** (B, T) document ids for the model's mask, or null when {@link #oneDocumentPerRow()}. */
  public NDArray docIdsFor(NDManager m) {
    return oneDocumentPerRow() ? null : m.create(docIds, new Shape(rows, cols));
  }
}
