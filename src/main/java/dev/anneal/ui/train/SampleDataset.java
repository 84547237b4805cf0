package dev.anneal.ui.train;

import dev.anneal.data.DatasetPipeline;
import dev.anneal.data.DatasetRequest;
import dev.anneal.preset.Preset;
import dev.anneal.task.Cancellation;
import dev.anneal.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The workspace's sample dataset that Start trains on when no dataset is chosen. */
final class SampleDataset {
  private SampleDataset() {}

  /**
   * The workspace's {@code datasets/sample}, built from its source folders and prepared for the
   * preset's vocabulary and sequence length the first time (on the calling worker thread).
   */
  static Path ensure(
      Workspace workspace,
      Preset p,
      int threads,
      Consumer<String> statusLine,
      Consumer<Double> progressValue,
      Cancellation cancellation)
      throws IOException {
    Path out = workspace.datasetsDir().resolve("sample");
    if (DatasetPipeline.isPrepared(out)) return out;
    int seq = p.training().seqLenOr(p.model().context());
    statusLine.accept(
        "Building the sample dataset from " + workspace.sources().size() + " source folder(s)…");
    new DatasetPipeline(
            o -> {
              statusLine.accept(
                  "Building the sample dataset · " + o.stepName() + " · " + o.detail().stage());
              progressValue.accept(o.fraction());
            },
            cancellation,
            threads)
        .run(DatasetRequest.forModel(workspace.sources(), out, p.model().vocab(), seq));
    return out;
  }
}
