package dev.anneal.train;

import dev.anneal.data.TokenShards;

/** Adapts the dataset's memory-mapped shards to the trainer's {@link TokenStream}. */
public final class TokenStreams {
  private TokenStreams() {}

  public static TokenStream of(TokenShards.Shard shard) {
    return new TokenStream() {
      @Override
      public long length() {
        return shard.length();
      }

      @Override
      public void read(long start, int[] dst) {
        shard.read(start, dst);
      }

      @Override
      public long documentAt(long position) {
        return shard.documentAt(position);
      }

      @Override
      public boolean trained(long position) {
        return shard.trained(position);
      }
    };
  }
}
