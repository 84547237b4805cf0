package dev.anneal.train;

/**
 * One micro batch of B rows of T tokens, row-major.
 *
 * @param ids     (B, T) input token ids
 * @param targets (B, T) the next token of each position
 * @param docIds  (B, T) document index of each input token, for document masking
 * @param mask    (B, T) 1 where the target counts for the loss, 0 on padding
 */
public record Batch(int rows, int cols, long[] ids, long[] targets, long[] docIds, float[] mask) {

  /** Positions whose target counts. */
  public long countedTokens() {
    long n = 0;
    for (float m : mask) if (m != 0) n++;
    return n;
  }
}
