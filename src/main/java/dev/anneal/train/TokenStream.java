package dev.anneal.train;

/**
 * A read-only run of token ids with document boundaries: one split of a prepared dataset (see
 * {@code dev.anneal.data.TokenShards}) or, in tests, an array.
 */
public interface TokenStream {
  /** Tokens in the stream. */
  long length();

  /** Copies {@code dst.length} tokens starting at {@code start}. */
  void read(long start, int[] dst);

  /** Index of the document that holds token {@code position} (documents never share an index). */
  long documentAt(long position);

  /**
   * Whether token {@code position}, as a target, carries loss: false on the prompts of instruction
   * data (see the dataset's loss mask). Every token trains by default.
   */
  default boolean trained(long position) {
    return true;
  }

  /** Names of the documents' languages, indexed by {@link #languageAt}; empty when unknown. */
  default java.util.List<String> languages() {
    return java.util.List.of();
  }

  /**
   * The language (index into {@link #languages}) of the document holding token {@code position}, or
   * -1.
   */
  default int languageAt(long position) {
    return -1;
  }

  /** A stream over an array, with documents starting at the given ascending offsets. */
  static TokenStream of(int[] tokens, long[] documentStarts) {
    return new TokenStream() {
      @Override
      public long length() {
        return tokens.length;
      }

      @Override
      public void read(long start, int[] dst) {
        System.arraycopy(tokens, Math.toIntExact(start), dst, 0, dst.length);
      }

      @Override
      public long documentAt(long position) {
        int k = java.util.Arrays.binarySearch(documentStarts, position);
        return k >= 0 ? k : -k - 2;
      }
    };
  }
}
