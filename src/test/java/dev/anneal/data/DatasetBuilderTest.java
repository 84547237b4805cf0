package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {
  @TempDir Path tmp;

  static DatasetBuilder builder() {
    return new DatasetBuilder(BuildOptions.defaults(), ProgressListener.NONE, Cancellation.none());
  }

  @Test
  void aKnownRepositoryGivesExactCountsByKind() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    Path out = tmp.resolve("ds");
    List<Progress> seen = Collections.synchronizedList(new ArrayList<>());
    DatasetStats stats =
        new DatasetBuilder(BuildOptions.defaults(), seen::add, Cancellation.none())
            .build(List.of(repo), out);

    Map<SampleKind, Integer> want = new EnumMap<>(SampleKind.class);
    for (var m :
        List.of(
            TestRepo.RUST_COUNTS,
            TestRepo.PYTHON_COUNTS,
            TestRepo.JAVA_COUNTS,
            TestRepo.GO_COUNTS,
            TestRepo.TYPESCRIPT_COUNTS,
            TestRepo.JAVASCRIPT_COUNTS,
            TestRepo.C_COUNTS,
            TestRepo.CPP_COUNTS,
            TestRepo.SHELL_COUNTS)) {
      m.forEach((k, v) -> want.merge(k, v, Integer::sum));
    }
    want.put(SampleKind.FILE, 9); // one per code file, each under the token limit
    want.put(SampleKind.TEXT, 3); // the Markdown file and two JSONL lines with "text"
    for (SampleKind k : SampleKind.values()) {
      assertThat(stats.samplesByKind().get(k.id()))
          .as(k.id())
          .isEqualTo((long) want.getOrDefault(k, 0));
    }
    assertThat(stats.exactDuplicates()).isZero();
    assertThat(stats.filesSkipped())
        .containsEntry("gitignored", 1L)
        .containsEntry("lock_file", 1L)
        .containsEntry("minified", 1L)
        .containsEntry("generated", 1L)
        .containsEntry("binary", 2L)
        .containsEntry("invalid_utf8", 1L)
        .containsEntry("hidden", 1L);
    assertThat(stats.foldersSkipped())
        .containsEntry("gitignored", 1L)
        .containsEntry("vendored", 1L);
    assertThat(stats.problems()).extracting(ScanReport.Problem::path).contains("src/latin1.rs");
    assertThat(stats.samplesByLanguage())
        .containsKeys(
            "rust",
            "python",
            "java",
            "go",
            "typescript",
            "javascript",
            "c",
            "cpp",
            "shell",
            "markdown",
            "jsonl");

    List<Sample> samples = SamplesFile.readAll(out.resolve("samples.jsonl"));
    assertThat(samples).hasSize((int) stats.samples());
    Sample lib =
        samples.stream()
            .filter(s -> s.kind() == SampleKind.FILE && s.path().equals("src/lib.rs"))
            .findFirst()
            .orElseThrow();
    assertThat(lib.text()).startsWith("// path: src/lib.rs\n//! Crate docs.");
    assertThat(lib.startLine()).isEqualTo(1);
    assertThat(lib.endLine()).isEqualTo((int) TestRepo.RUST.lines().count());
    Sample point =
        samples.stream().filter(s -> s.text().startsWith("/// A point.")).findFirst().orElseThrow();
    assertThat(point.kind()).isEqualTo(SampleKind.STRUCT);
    assertThat(point.startLine()).isEqualTo(4);
    assertThat(point.endLine()).isEqualTo(6);

    JsonNode json = new ObjectMapper().readTree(out.resolve("stats.json").toFile());
    assertThat(json.get("samples_by_kind").size()).isEqualTo(SampleKind.values().length);
    assertThat(json.get("token_length_histogram").isArray()).isTrue();
    assertThat(json.get("duplicates_removed").has("near")).isTrue();
    // In a fixed order, so that the same sources give the same bytes in every JVM.
    assertThat(json.get("duplicates_removed").fieldNames())
        .toIterable()
        .containsExactly("exact", "near");
    assertThat((List<?>) stats.toJson().get("problems")).isNotEmpty();
    OrderedJsonTest.assertOrdered("stats", stats.toJson());
    assertThat(seen).extracting(Progress::stage).contains("scan", "extract", "dedup", "write");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("samples.jsonl", "stats.json");
    }
  }

  @Test
  void aNearCopyIsCaughtAndADifferentFileIsNot() throws Exception {
    Path repo = tmp.resolve("repo");
    StringBuilder a = new StringBuilder();
    StringBuilder other = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      a.append("pub fn compute_")
          .append(i)
          .append("(x: u64) -> u64 { x * ")
          .append(i)
          .append(" + ")
          .append(i * 7)
          .append(" }\n");
      other
          .append("pub struct Record")
          .append(i)
          .append(" { field_")
          .append(i)
          .append(": String, count: usize }\n");
    }
    String near =
        a.toString()
            .replace("x * 30 + 210", "x * 31 + 211")
            .replace("compute_59", "compute_fifty_nine");
    TestRepo.put(repo, "a.rs", a.toString());
    TestRepo.put(repo, "b_copy.rs", near);
    TestRepo.put(repo, "c_other.rs", other.toString());
    DatasetStats stats = builder().build(List.of(repo), tmp.resolve("ds"));
    List<Sample> files =
        SamplesFile.readAll(tmp.resolve("ds/samples.jsonl")).stream()
            .filter(s -> s.kind() == SampleKind.FILE)
            .toList();
    assertThat(files).extracting(Sample::path).containsExactly("a.rs", "c_other.rs");
    assertThat(stats.nearDuplicates()).isGreaterThanOrEqualTo(1);
    assertThat(stats.exactDuplicates()).isEqualTo(58); // the unchanged functions of the copy

    DatasetStats off =
        new DatasetBuilder(
                BuildOptions.defaults().withNearDup(1.01),
                ProgressListener.NONE,
                Cancellation.none())
            .build(List.of(repo), tmp.resolve("ds2"));
    assertThat(off.nearDuplicates()).isZero();
    assertThat(off.samplesByKind().get("file")).isEqualTo(3);
  }

  @Test
  void badInputGivesOneClearMessage() throws Exception {
    Path file = tmp.resolve("not-a-folder.txt");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> builder().build(List.of(file), tmp.resolve("out")))
        .hasMessageContaining("not-a-folder.txt")
        .hasMessageContaining("not a folder");
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty.resolve(".git"));
    assertThatThrownBy(() -> builder().build(List.of(empty), tmp.resolve("out")))
        .hasMessageContaining("empty")
        .hasMessageContaining("no source files");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void cancellingStopsTheBuildWithoutWritingIt() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    Cancellation c = new Cancellation();
    ProgressListener cancelOnFirstFile =
        p -> {
          if (p.stage().equals("extract")) c.cancel();
        };
    assertThatThrownBy(
            () ->
                new DatasetBuilder(BuildOptions.defaults(), cancelOnFirstFile, c)
                    .build(List.of(repo), tmp.resolve("ds")))
        .isInstanceOf(CancelledException.class);
    assertThat(tmp.resolve("ds")).doesNotExist();
  }

  @Test
  void extractionIsReportedAndCancellableWhenThePoolFinishesBeforeTheWalk() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    Cancellation c = new Cancellation();
    List<Progress> extract = new CopyOnWriteArrayList<>();
    ProgressListener slowWalkThenCancel =
        p -> {
          if (p.stage().equals("scan")) {
            try {
              Thread.sleep(1000); // the walk's end comes after every file's extraction
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (p.stage().equals("extract")) {
            extract.add(p);
            c.cancel();
          }
        };
    assertThatThrownBy(
            () ->
                new DatasetBuilder(BuildOptions.defaults(), slowWalkThenCancel, c)
                    .build(List.of(repo), tmp.resolve("ds")))
        .isInstanceOf(CancelledException.class);
    // Reported (a task still running after the wait reports as well, against the known total).
    assertThat(extract).isNotEmpty().allSatisfy(p -> assertThat(p.done()).isBetween(1L, p.total()));
    assertThat(tmp.resolve("ds")).doesNotExist();
  }

  @Test
  void gitignoreNegationAndUserGlobsApply() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.put(repo, ".gitignore", "*.rs\n!keep.rs\n");
    TestRepo.put(repo, "keep.rs", "fn keep() {}\n");
    TestRepo.put(repo, "drop.rs", "fn drop_me() {}\n");
    TestRepo.put(repo, "sub/.gitignore", "!again.rs\n");
    TestRepo.put(repo, "sub/again.rs", "fn again() {}\n");
    TestRepo.put(repo, "sub/tool.py", "def tool():\n    pass\n");
    TestRepo.put(repo, "sub/test_tool.py", "def test_tool():\n    pass\n");
    var scan =
        new ScanOptions(java.util.Set.of(), List.of(), List.of("**/test_*.py"), 1_000_000, true);
    var b =
        new DatasetBuilder(
                BuildOptions.defaults().withScan(scan), ProgressListener.NONE, Cancellation.none())
            .collect(List.of(repo));
    assertThat(b.samples().stream().filter(s -> s.kind() == SampleKind.FILE).map(Sample::path))
        .containsExactly("keep.rs", "sub/again.rs", "sub/tool.py");
    assertThat(b.stats().filesSkipped())
        .containsEntry("gitignored", 1L)
        .containsEntry("excluded", 1L);
  }

  @Test
  void aDatasetFolderInsideTheSourceIsNotReadBack() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.put(repo, "lib.rs", "fn one() {}\n");
    DatasetStats first = builder().build(List.of(repo), repo.resolve("dataset"));
    DatasetStats again = builder().build(List.of(repo), repo.resolve("dataset"));
    assertThat(again.samplesByKind()).isEqualTo(first.samplesByKind());
    assertThat(again.samplesByLanguage()).containsOnlyKeys("rust");
  }

  @Test
  void aSymlinkLoopIsReportedNotFatal() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.put(repo, "src/lib.rs", "fn one() {}\n");
    Files.createSymbolicLink(repo.resolve("src/loop"), repo.resolve("src"));
    DatasetStats stats = builder().build(List.of(repo), tmp.resolve("ds"));
    assertThat(stats.filesSkipped()).containsEntry("symlink_loop", 1L);
    assertThat(stats.problems()).extracting(ScanReport.Problem::path).containsExactly("src/loop");
    assertThat(stats.samplesByKind().get("function")).isEqualTo(1L);
  }

  @Test
  void aFailedWriteNamesTheFileAndLeavesNoTemporaryFile() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.put(repo, "lib.rs", "fn one() {}\n");
    Path out = tmp.resolve("ds");
    Files.createDirectories(out.resolve("samples.jsonl/in-the-way"));
    assertThatThrownBy(() -> builder().build(List.of(repo), out))
        .hasMessageContaining(out.resolve("samples.jsonl").toString())
        .hasMessageContaining("cannot write");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("samples.jsonl");
    }
  }

  @Test
  void onlyTheChosenKindsAreKeptAndTheRestAreCountedAsFiltered() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    DatasetBuilder.Built all = builder().collect(List.of(repo));
    long functions = all.samples().stream().filter(s -> s.kind() == SampleKind.FUNCTION).count();
    BuildOptions onlyFunctions =
        BuildOptions.defaults().withKinds(java.util.Set.of(SampleKind.FUNCTION));
    DatasetBuilder.Built some =
        new DatasetBuilder(onlyFunctions, ProgressListener.NONE, Cancellation.none())
            .collect(List.of(repo));
    assertThat(some.samples()).isNotEmpty().allMatch(s -> s.kind() == SampleKind.FUNCTION);
    assertThat((long) some.samples().size()).isEqualTo(functions);
    assertThat(some.stats().filtered().get("kind_not_selected")).isPositive();
  }
}
