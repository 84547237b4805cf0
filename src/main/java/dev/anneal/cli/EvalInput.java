package dev.anneal.cli;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.Evaluation;
import dev.anneal.infer.ModelView;
import dev.anneal.task.Cancellation;
import dev.anneal.train.ValSplitLoss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What {@code eval} and {@code compare} measure the loss on: one of a val split, a text, a file.
 */
final class EvalInput {
  @Option(names = "--data", paramLabel = "DIR", description = "A prepared dataset: its val split.")
  Path data;

  @Option(
      names = "--text",
      paramLabel = "TEXT",
      description = "A text given here (\\n for a new line).")
  String text;

  @Option(names = "--file", paramLabel = "F", description = "A text file.")
  Path file;

  boolean given() {
    return data != null || text != null || file != null;
  }

  /** At most one source; at least one when {@code required}. */
  void check(picocli.CommandLine cl, boolean required) {
    int n = (data != null ? 1 : 0) + (text != null ? 1 : 0) + (file != null ? 1 : 0);
    if (n > 1)
      throw new picocli.CommandLine.ParameterException(cl, "give one of --data, --text, --file");
    if (n == 0 && required)
      throw new picocli.CommandLine.ParameterException(
          cl, "give one of --data DIR, --text TEXT, --file F");
  }

  String describe() {
    return data != null
        ? data.resolve("val.bin").toString()
        : file != null ? file.toString() : "--text";
  }

  /** The text to measure, or null for a val split. */
  String loadText() throws IOException {
    if (text != null) return SamplingOptions.unescape(text);
    if (file == null) return null;
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  EvalResult evaluate(ModelView view, String loadedText) throws IOException {
    if (loadedText == null) return ValSplitLoss.of(view, data);
    try {
      return Evaluation.ofText(view, loadedText, Cancellation.none());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }
}
