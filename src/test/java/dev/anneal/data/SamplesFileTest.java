package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.sample.ChatMessage;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesFileTest {
  @TempDir Path tmp;

  static List<Sample> samples(int n) {
    SplittableRandom rng = new SplittableRandom(n);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = "fn f" + i + "() { \"quote\\\\\" é数😀\t\n}".repeat(1 + rng.nextInt(3));
      if (i % 97 == 5) {
        List<ChatMessage> m =
            List.of(new ChatMessage("user", "hi " + i), new ChatMessage("assistant", "yo\n"));
        out.add(new Sample("hi " + i + "\nyo\n", SampleKind.CHAT, "c.jsonl", "jsonl", i, i, m));
      } else {
        out.add(new Sample(text, SampleKind.FUNCTION, "src/f" + i + ".rs", "rust", i, i + 2));
      }
    }
    return out;
  }

  @Test
  void blocksWrittenOnSeveralThreadsAreTheBytesOfOneGenerator() throws Exception {
    int b = SamplesFile.BLOCK;
    for (int n : new int[] {0, 1, b, b + 1, 2 * b, 3 * b + 17}) {
      List<Sample> samples = samples(n);
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      SamplesFile.writeTo(one, samples);
      for (int threads : new int[] {1, 2, 3}) {
        Path file = tmp.resolve(n + "-" + threads + ".jsonl");
        SamplesFile.write(file, samples, threads);
        assertThat(Files.readAllBytes(file))
            .as("%d samples, %d threads", n, threads)
            .isEqualTo(one.toByteArray());
        if (threads == 2) assertThat(SamplesFile.readAll(file)).isEqualTo(samples);
      }
      ByteArrayOutputStream blocks = new ByteArrayOutputStream();
      SamplesFile.writeInBlocks(blocks, samples, 2); // the block path even where write() skips it
      assertThat(blocks.toByteArray()).as("%d samples in blocks", n).isEqualTo(one.toByteArray());
    }
  }
}
