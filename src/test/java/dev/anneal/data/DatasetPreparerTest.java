package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.data.sample.Sample;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TextTokenizer;
import dev.anneal.tokenizer.TokenizerTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetPreparerTest {
  @TempDir static Path tmp;
  static Path ds;

  @BeforeAll
  static void buildAndTrain() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    ds = tmp.resolve("ds");
    new DatasetBuilder(BuildOptions.defaults(), ProgressListener.NONE, Cancellation.none())
        .build(List.of(repo), ds);
    TokenizerTrainer.train(
        ds, 400, ds.resolve("tokenizer.json"), ProgressListener.NONE, Cancellation.none());
  }

  static DatasetPreparer.Summary prepare(Path dir, double fim, int seqLen) throws Exception {
    return new DatasetPreparer(ProgressListener.NONE, Cancellation.none(), 2)
        .prepare(
            dir,
            new PrepareOptions(
                dir.resolve("tokenizer.json").toString(), seqLen, fim, 0.5, 0.2, 42));
  }

  @Test
  void packingLosesAndDuplicatesNothingAndBoundariesAreRight() throws Exception {
    var summary = prepare(ds, 0.5, 64);
    List<Sample> samples = SamplesFile.readAll(ds.resolve("samples.jsonl"));
    Set<String> valPaths = PathSplit.validationPaths(samples, 0.2);
    assertThat(valPaths).isNotEmpty();
    List<Sample> wantTrain = samples.stream().filter(s -> !valPaths.contains(s.path())).toList();
    List<Sample> wantVal = samples.stream().filter(s -> valPaths.contains(s.path())).toList();
    assertThat(summary.fimDocuments()).isBetween(1L, (long) samples.size() - 1);

    try (TokenShards shards = TokenShards.open(ds);
        TextTokenizer tok = TextTokenizer.load(ds.resolve("tokenizer.json").toString())) {
      assertThat(shards.meta().path("dtype").asText()).isEqualTo("uint16");
      assertThat(shards.meta().path("vocab_size").asInt()).isEqualTo(tok.vocabSize());
      Fim.Markers m = new Fim.Markers(1, 2, 3);
      long fim = 0;
      for (var pair : List.of(List.of(shards.train(), wantTrain), List.of(shards.val(), wantVal))) {
        TokenShards.Shard shard = (TokenShards.Shard) pair.get(0);
        @SuppressWarnings("unchecked")
        List<Sample> want = (List<Sample>) pair.get(1);
        long[] starts = shard.documentStarts();
        assertThat(starts).hasSize(want.size());
        assertThat(shard.length() % 64).isZero();
        long end = 0;
        for (int d = 0; d < starts.length; d++) {
          assertThat(starts[d]).as("documents are back to back").isEqualTo(end);
          long next = d + 1 < starts.length ? starts[d + 1] : lastDocumentEnd(shard, starts[d]);
          int[] ids = new int[(int) (next - starts[d])];
          shard.read(starts[d], ids);
          assertThat(ids[ids.length - 1]).as("each document ends with EOS").isEqualTo(tok.eosId());
          int[] body = Arrays.copyOf(ids, ids.length - 1);
          if (body.length > 0 && body[0] == m.prefix()) fim++;
          assertThat(tok.decode(Fim.restore(body, m))).isEqualTo(want.get(d).text());
          assertThat(shard.documentAt(starts[d])).isEqualTo(d);
          end = next;
        }
        for (long p = end; p < shard.length(); p++)
          assertThat(shard.token(p)).isEqualTo(shards.padId());
        assertThat(shard.length() - end).isLessThan(64);
      }
      assertThat(fim).isEqualTo(summary.fimDocuments());
      // Each validation document's language, for the validation loss by language.
      assertThat(shards.valLanguageNames())
          .isEqualTo(wantVal.stream().map(Sample::language).distinct().sorted().toList());
      long[] valStarts = shards.val().documentStarts();
      for (int d = 0; d < valStarts.length; d++) {
        assertThat(shards.valLanguageNames().get(shards.valLanguageAt(valStarts[d])))
            .isEqualTo(wantVal.get(d).language());
      }
    }
  }

  /** The last document runs to its EOS; everything after it is padding. */
  static long lastDocumentEnd(TokenShards.Shard s, long start) {
    long p = start;
    int eos = 0;
    while (s.token(p) != eos) p++;
    return p + 1;
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    for (String f : List.of("samples.jsonl", "tokenizer.json"))
      Files.copy(ds.resolve(f), copy.resolve(f));
    prepare(copy, 0.5, 32);
    byte[] first = Files.readAllBytes(copy.resolve("train.bin"));
    byte[] firstDocs = Files.readAllBytes(copy.resolve("train.docs.bin"));
    prepare(copy, 0.5, 32);
    assertThat(Files.readAllBytes(copy.resolve("train.bin"))).isEqualTo(first);
    assertThat(Files.readAllBytes(copy.resolve("train.docs.bin"))).isEqualTo(firstDocs);
    var none = prepare(copy, 0.0, 32);
    assertThat(none.fimDocuments()).isZero();
    List<String> leftovers = new ArrayList<>();
    try (var files = Files.list(copy)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".tmp-"))
          .forEach(leftovers::add);
    }
    assertThat(leftovers).isEmpty();
  }

  @Test
  void aCorruptTokenizerFailsNamingItAndLeavesNoMeta() throws Exception {
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    Files.copy(ds.resolve("samples.jsonl"), bad.resolve("samples.jsonl"));
    Files.writeString(bad.resolve("tokenizer.json"), "{ not json");
    assertThatThrownBy(() -> prepare(bad, 0.5, 64))
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining(bad.toString());
    assertThat(bad.resolve("meta.json")).doesNotExist();
    assertThatThrownBy(() -> TokenShards.open(bad)).hasMessageContaining("meta.json");
  }
}
