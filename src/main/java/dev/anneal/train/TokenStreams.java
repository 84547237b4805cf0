package dev.anneal.train;

import dev.anneal.data.TokenShards;
import java.util.List;
import java.util.function.LongToIntFunction;

/** Adapts the dataset's memory-mapped shards to the trainer's {@link TokenStream}. */
public final class TokenStreams {
  private TokenStreams() {}

  /** The validation split, with its documents' languages when the dataset recorded them. */
  public static TokenStream val(TokenShards shards) {
    return new ShardStream(shards.val(), shards.valLanguageNames(), shards::valLanguageAt);
  }

  public static TokenStream of(TokenShards.Shard shard) {
    return new ShardStream(shard, List.of(), position -> -1);
  }

  /**
   * One shard as a stream; {@code languages} is empty (and {@code languageAt} -1) for a split that
   * records no languages.
   */
  private record ShardStream(
      TokenShards.Shard shard, List<String> languages, LongToIntFunction language)
      implements TokenStream {
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

    @Override
    public int languageAt(long position) {
      return language.applyAsInt(position);
    }
  }
}
