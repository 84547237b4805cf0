package dev.anneal.train;

import ai.djl.ndarray.NDManager;
import dev.anneal.data.TokenShards;
import dev.anneal.infer.EvalResult;
import dev.anneal.infer.ModelView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/** A loaded model's loss on a prepared dataset's val split, measured as the trainer measures it. */
public final class ValSplitLoss {
  private ValSplitLoss() {}

  /**
   * Mean loss over every sequence of a prepared dataset's val split, as the trainer computes its
   * validation loss (documents masked from each other, padding not counted), in sequences of the
   * dataset's length (cut to the model's context).
   */
  public static EvalResult of(ModelView view, Path dataset) throws IOException {
    try (TokenShards shards = TokenShards.open(dataset)) {
      Path meta = dataset.resolve(TokenShards.META);
      if (shards.vocabSize() > view.vocab()) {
        throw new IOException(
            meta
                + ": vocabulary of "
                + shards.vocabSize()
                + " tokens, more than the model's "
                + view.vocab());
      }
      String sha = shards.meta().path("tokenizer_sha256").asText("");
      if (!sha.isEmpty() && !sha.equals(view.tokenizer().sha256())) {
        throw new IOException(
            meta
                + ": tokenized with another tokenizer than "
                + view.tokenizer().file()
                + " (SHA-256 differs): the losses would mean nothing");
      }
      int seq = Math.min(shards.seqLen(), view.context());
      int padId = shards.meta().has("pad_id") ? shards.padId() : -1;
      int sequences;
      try {
        sequences = new BatchSampler(TokenStreams.of(shards.val()), 1, seq, 0, padId).sequences();
      } catch (IllegalArgumentException e) {
        throw new IOException(dataset.resolve("val.bin") + ": " + e.getMessage(), e);
      }
      // Rows that divide the sequence count: no sequence is read twice.
      int rows = IntStream.rangeClosed(1, 8).filter(r -> sequences % r == 0).max().orElse(1);
      BatchSampler val = new BatchSampler(TokenStreams.val(shards), rows, seq, 0, padId);
      try (NDManager root = NDManager.newBaseManager()) {
        Evaluator.Measured m = new Evaluator(val, sequences / rows).measure(view.model(), root);
        return new EvalResult(
            view.label(),
            new int[0],
            List.of(),
            m.loss(),
            Math.exp(m.loss()),
            m.tokens(),
            m.byLanguage());
      }
    }
  }
}
