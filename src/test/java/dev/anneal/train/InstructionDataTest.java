package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.DatasetPreparer;
import dev.anneal.data.PrepareOptions;
import dev.anneal.data.SamplesFile;
import dev.anneal.data.TokenShards;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TextTokenizer;
import dev.anneal.tokenizer.TokenizerTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instruction JSONL from build to batch, counted by hand. The tokenizer has no merges (vocabulary
 * of 256 bytes and the special tokens), so every character is one token and every special token is
 * one: the counts below are character counts of the ChatML rendering.
 */
class InstructionDataTest {
  @TempDir Path tmp;

  @Test
  void onlyAssistantTokensCarryLossFromShardToBatch() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(
        src.resolve("chat.jsonl"),
        String.join(
            "\n",
            "{\"text\": \"abc def\"}",
            "{\"prompt\": \"hi\", \"response\": \"ok\"}",
            "{\"messages\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"q\"},"
                + " {\"role\": \"assistant\", \"content\": \"a\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"no answer\"}]}",
            ""));
    Path ds = tmp.resolve("ds");
    new DatasetBuilder(BuildOptions.defaults(), ProgressListener.NONE, Cancellation.none())
        .build(List.of(src), ds);
    var samples = SamplesFile.readAll(ds.resolve(SamplesFile.NAME));
    assertThat(samples)
        .extracting(s -> s.kind())
        .containsExactly(SampleKind.TEXT, SampleKind.CHAT, SampleKind.CHAT);
    assertThat(samples.get(1).messages()).hasSize(2);

    TokenizerTrainer.train(
        ds, 256 + 8, ds.resolve("tokenizer.json"), ProgressListener.NONE, Cancellation.none());
    assertThat(ds.resolve("tokenizer_config.json")).exists();
    DatasetPreparer.Summary s =
        new DatasetPreparer(ProgressListener.NONE, Cancellation.none(), 1)
            .prepare(
                ds, new PrepareOptions(ds.resolve("tokenizer.json").toString(), 8, 0, 0.5, 0, 1));

    // doc 0 "abc def": 7 + eos, all trained. doc 1:
    // "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    // = 1+5+2+1+1+1+10 = 21 masked, "ok<|im_end|>\n" = 4 trained, eos masked.
    // doc 2: system turn 1+7+1+1+1 = 11, user turn 1+5+1+1+1 = 9, "<|im_start|>assistant\n" 11:
    // 31 masked, "a<|im_end|>\n" 3 trained, eos masked. 8 + 26 + 35 = 69 tokens, 3 of padding.
    byte[] want = new byte[72];
    Arrays.fill(want, 0, 8, (byte) 1);
    Arrays.fill(want, 8 + 21, 8 + 25, (byte) 1);
    Arrays.fill(want, 34 + 31, 34 + 34, (byte) 1);
    assertThat(Files.readAllBytes(ds.resolve("train.mask.bin"))).containsExactly(want);
    assertThat(s.lossMask().trainTrained()).isEqualTo(15);
    assertThat(s.lossMask().trainMasked()).isEqualTo(57);
    assertThat(s.lossMask().chatDocuments()).isEqualTo(2);

    try (TokenShards shards = TokenShards.open(ds);
        TextTokenizer tok = TextTokenizer.load(ds.resolve("tokenizer.json").toString())) {
      JsonNode mask = shards.meta().path("loss_mask");
      assertThat(mask.path("train").asText()).isEqualTo("train.mask.bin");
      assertThat(mask.path("trained_tokens").path("train").asLong()).isEqualTo(15);
      assertThat(mask.path("masked_tokens").path("train").asLong()).isEqualTo(57);
      int[] answer = new int[4];
      shards.train().read(29, answer);
      assertThat(tok.decode(answer)).isEqualTo("ok<|im_end|>\n");

      // Targets are the tokens shifted by one: position t counts when token t + 1 trains.
      BatchSampler sampler =
          new BatchSampler(TokenStreams.of(shards.train()), 1, 8, 1, shards.padId());
      assertThat(sampler.sequential(0).mask()).containsExactly(1, 1, 1, 1, 1, 1, 1, 0);
      assertThat(sampler.sequential(3).mask()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
      assertThat(sampler.sequential(4).mask()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
      assertThat(sampler.sequential(7).countedTokens())
          .as("targets 57..64: doc 2's prompt")
          .isZero();
    }
  }
}
