package dev.anneal.train;

import dev.anneal.data.TokenShards;

/** Adapts the dataset's memory-mapped shards to the trainer's {@link TokenStream}. */
public final class TokenStreams {
  private TokenStreams() {}

  /** The validation split, with its documents' languages when the dataset recorded them. */
  public static TokenStream val(TokenShards shards) {
    TokenStream plain = of(shards.val());
    return new TokenStream() {
      @Override
      public long length() {
        return plain.length();
      }

      @Override
      public void read(long start, int[] dst) {
        plain.read(start, dst);
      }

      @Override
      public long documentAt(long position) {
        return plain.documentAt(position);
      }

      @Override
      public boolean trained(long position) {
        return plain.trained(position);
      }

      @Override
      public java.util.List<String> languages() {
        return shards.valLanguageNames();
      }

      @Override
      public int languageAt(long position) {
        return shards.valLanguageAt(position);
      }
    };
  }

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
