package dev.anneal.cli;

import dev.anneal.tokenizer.TokenizerTrainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal tokenizer train}. */
@Command(
    name = "tokenizer",
    description = "Train a byte-level BPE tokenizer.",
    subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand {

  @Command(
      name = "train",
      description =
          "Train a byte-level BPE tokenizer on a dataset folder's samples and write tokenizer.json.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A dataset folder made by `dataset build`.")
    Path dir;

    @Option(
        names = "--vocab-size",
        required = true,
        paramLabel = "N",
        description = "Vocabulary size, special tokens included.")
    int vocabSize;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Where to write (default DIR/tokenizer.json).")
    Path out;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      Path target = out != null ? out : dir.resolve("tokenizer.json");
      try (CliProgress progress = new CliProgress(spec.commandLine().getErr(), quiet)) {
        long t0 = System.nanoTime();
        var s = TokenizerTrainer.train(dir, vocabSize, target, progress, progress.cancellation());
        double secs = (System.nanoTime() - t0) / 1e9;
        var o = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("file", s.file().toString());
          m.put("vocab_size", s.vocabSize());
          m.put("merges", s.merges());
          m.put("training_chars", s.trainingChars());
          m.put("sha256", s.sha256());
          m.put("seconds", secs);
          o.println(Json.write(m));
        } else {
          o.printf(
              "Tokenizer %s: vocab %d (%d merges, 6 special tokens), trained on %s chars in %.1f s%n",
              s.file(), s.vocabSize(), s.merges(), Format.count(s.trainingChars()), secs);
          if (s.vocabSize() < vocabSize) {
            o.printf("(asked for %d: the text has no more pairs seen twice)%n", vocabSize);
          }
          o.printf("sha256 %s%n", s.sha256());
        }
      }
      return 0;
    }
  }
}
