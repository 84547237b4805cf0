package dev.anneal.ui.compare;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.Evaluation;
import dev.anneal.infer.ModelPair;
import dev.anneal.task.Cancellation;
import dev.anneal.train.ValSplitLoss;
import dev.anneal.ui.compare.CompareEvaluation.TokenDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Both models of a pair scored on one source: a prepared dataset folder (its val split) or a text
 * file, with each token's two losses where the tokenizers agree. Runs on a worker; plain data.
 *
 * @param diffs per token of the text, base and tuned loss (the first token uncoloured); empty for a
 *     val split or when the tokenizers differ
 * @param comparable whether the two tokenizations matched token for token
 */
record PairEvaluation(
    EvalResult base, EvalResult tuned, List<TokenDiff> diffs, boolean comparable) {

  static PairEvaluation of(
      ModelPair models, Path path, Consumer<String> progress, Cancellation cancellation)
      throws IOException {
    EvalResult b, t;
    if (Files.isDirectory(path)) {
      progress.accept(
          "Evaluating the base model on " + path.getFileName() + "'s val split (1 of 2)…");
      b = ValSplitLoss.of(models.base(), path);
      progress.accept(
          "Evaluating the tuned model on " + path.getFileName() + "'s val split (2 of 2)…");
      t = ValSplitLoss.of(models.tuned(), path);
    } else {
      if (!Files.isRegularFile(path))
        throw new IOException(path + ": no such file or dataset folder");
      String text = Files.readString(path);
      b = Evaluation.ofText(models.base(), text, cancellation);
      t = Evaluation.ofText(models.tuned(), text, cancellation);
    }
    List<TokenDiff> diffs = new ArrayList<>();
    boolean comparable = models.sameTokenizer() && b.tokens().size() == t.tokens().size();
    if (comparable) {
      // The first token has no loss but is part of the text: shown uncoloured.
      String first = Evaluation.firstPiece(models.base(), b);
      if (!first.isEmpty()) diffs.add(new TokenDiff(first, Double.NaN, Double.NaN));
      for (int i = 0; i < b.tokens().size(); i++) {
        diffs.add(
            new TokenDiff(
                b.tokens().get(i).token(), b.tokens().get(i).loss(), t.tokens().get(i).loss()));
      }
    }
    return new PairEvaluation(b, t, diffs, comparable);
  }
}
