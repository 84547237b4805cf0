package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenShardsTest {
  @TempDir Path tmp;

  static void meta(Path dir, String dtype, long trainTokens, long trainDocs) throws Exception {
    Files.writeString(
        dir.resolve("meta.json"),
        """
        {"dtype": "%s", "seq_len": 4, "vocab_size": 100000, "eos_id": 0, "pad_id": 4,
         "train_tokens": %d, "train_documents": %d, "val_tokens": 0, "val_documents": 0}
        """
            .formatted(dtype, trainTokens, trainDocs));
  }

  @Test
  void uint32ShardsRoundTripWithTheirDocumentIndex() throws Exception {
    try (ShardWriter train = new ShardWriter(tmp, "train", true, 0);
        ShardWriter val = new ShardWriter(tmp, "val", true, 0)) {
      train.add(new int[] {70_000, 99_999});
      train.add(new int[] {});
      train.add(new int[] {65_536});
      train.finish(4, 4);
      val.finish(4, 4);
      train.commit();
      val.commit();
    }
    byte[] raw = Files.readAllBytes(tmp.resolve("train.bin"));
    assertThat(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(0)).isEqualTo(70_000);
    meta(tmp, "uint32", 8, 3);
    try (TokenShards s = TokenShards.open(tmp)) {
      int[] all = new int[8];
      s.train().read(0, all);
      assertThat(all).containsExactly(70_000, 99_999, 0, 0, 65_536, 0, 4, 4);
      assertThat(s.train().documentStarts()).containsExactly(0, 3, 4);
      assertThat(s.train().documentAt(2)).isZero();
      assertThat(s.train().documentAt(3)).isEqualTo(1);
      assertThat(s.train().documentAt(5)).isEqualTo(2);
      assertThat(s.train().sequences()).isEqualTo(2);
      assertThat(s.val().length()).isZero();
    }
  }

  @Test
  void aShardWhoseSizeDisagreesWithMetaIsRejected() throws Exception {
    try (ShardWriter train = new ShardWriter(tmp, "train", false, 0);
        ShardWriter val = new ShardWriter(tmp, "val", false, 0)) {
      train.add(new int[] {1, 2, 3});
      train.commit();
      val.commit();
    }
    meta(tmp, "uint16", 8, 1);
    assertThatThrownBy(() -> TokenShards.open(tmp))
        .hasMessageContaining("train.bin")
        .hasMessageContaining("expected 16 bytes");
  }
}
