package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.task.Cancellation;
import dev.anneal.workspace.SampleWorkspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetPipelineTest {
  @Test
  void theSampleWorkspaceBecomesTrainableShards(@TempDir Path dir) throws Exception {
    AppEnvironment.configure();
    var ws = SampleWorkspace.ensure(dir.resolve("home"));
    Path out = ws.datasetsDir().resolve("sample");
    var summary =
        new DatasetPipeline(o -> {}, Cancellation.none(), 2)
            .run(DatasetRequest.forModel(ws.sources(), out, 4096, 256))
            .prepared();
    assertThat(DatasetPipeline.isPrepared(out)).isTrue();
    assertThat(summary.vocabSize()).isEqualTo(4096);
    try (TokenShards shards = TokenShards.open(out)) {
      assertThat(shards.train().sequences()).isGreaterThan(50);
      assertThat(shards.val().sequences()).isGreaterThan(0);
      assertThat(shards.seqLen()).isEqualTo(256);
    }
  }
}
