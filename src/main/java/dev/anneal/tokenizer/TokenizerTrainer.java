package dev.anneal.tokenizer;

import dev.anneal.data.SamplesFile;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a tokenizer on a dataset folder's {@code samples.jsonl} and writes {@code tokenizer.json},
 * with {@code tokenizer_config.json} beside it holding Anneal's default chat template. Only file,
 * text and chat samples (their turns' content) are read: granular samples repeat the files' text
 * and would count it twice.
 */
public final class TokenizerTrainer {
  /** What was trained. */
  public record Summary(Path file, int vocabSize, int merges, long trainingChars, String sha256) {}

  private TokenizerTrainer() {}

  public static Summary train(
      Path datasetDir, int vocabSize, Path out, ProgressListener listener, Cancellation cancel)
      throws IOException {
    BpeTrainer trainer = new BpeTrainer(vocabSize, 2); // checks the size before any reading
    Path samples = datasetDir.resolve(SamplesFile.NAME);
    List<String> texts = new ArrayList<>();
    long[] chars = {0};
    SamplesFile.forEach(
        samples,
        (Sample s) -> {
          if (s.kind() == SampleKind.FILE || s.kind() == SampleKind.TEXT) {
            texts.add(s.text());
            chars[0] += s.text().length();
          } else if (s.kind() == SampleKind.CHAT) {
            for (var m : s.messages()) {
              texts.add(m.content());
              chars[0] += m.content().length();
            }
          }
        });
    if (texts.isEmpty()) throw new IOException(samples + ": no file or text samples to train on");
    BpeTrainer.Result r = trainer.train(texts, listener, cancel);
    cancel.check();
    try {
      TokenizerJson.write(out, r);
      ChatTemplate.writeDefaultConfig(out);
    } catch (IOException e) {
      throw new IOException(out + ": cannot write (" + e.getMessage() + ")", e);
    }
    try (TextTokenizer t = TextTokenizer.loadFile(out)) { // proves DJL loads what we wrote
      return new Summary(out, t.vocabSize(), r.merges().size(), chars[0], t.sha256());
    }
  }
}
