package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.secrets.FakeSecrets;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Speed work on the build (secret scanning, MinHash, LSH) must not change what comes out: a
 * generated multi-language corpus with near-duplicates at every distance from the threshold,
 * secrets and non-ASCII text builds to the same {@code samples.jsonl} bytes as the build did before
 * that work (the SHA-256 below was taken then), on one thread and on two.
 */
class BuildGoldenTest {
  /** SHA-256 of samples.jsonl built from {@link #corpus} by the build before its speed work. */
  static final String GOLDEN = "12325c12fed7596573bdacb8686e188394e53780b9ac0c4d4cb55558b22de772";

  @TempDir Path tmp;

  @Test
  void samplesAreByteIdenticalToTheGoldenBuildOnOneAndTwoThreads() throws Exception {
    Path repo = tmp.resolve("repo");
    corpus(repo);
    for (int threads : new int[] {1, 2}) {
      Path out = tmp.resolve("ds" + threads);
      BuildOptions d = BuildOptions.defaults();
      BuildOptions options =
          new BuildOptions(d.scan(), d.maxTokens(), d.nearDup(), d.quality(), threads);
      DatasetStats stats =
          new DatasetBuilder(options, ProgressListener.NONE, Cancellation.none())
              .build(List.of(repo), out);
      // The corpus is only a check when it exercises both kinds of dedup and the secret scanner.
      assertThat(stats.nearDuplicates()).as("near duplicates").isGreaterThan(100);
      assertThat(stats.exactDuplicates()).as("exact duplicates").isGreaterThan(100);
      assertThat(stats.secretsByKind())
          .as("secrets")
          .containsKeys(
              "aws_access_key",
              "password",
              "high_entropy",
              "url_password",
              "private_key",
              "github_token");
      assertThat(List.of(stats.exactDuplicates(), stats.nearDuplicates(), stats.samples()))
          .as("exact, near, kept")
          .containsExactly(707L, 245L, 9605L);
      assertThat(sha256(out.resolve(SamplesFile.NAME))).as("threads " + threads).isEqualTo(GOLDEN);
    }
  }

  /**
   * About 2 MB: the benchmark's generated Rust, Python, Go, TypeScript and Markdown; copies of
   * every seventh file with 0 to 24 words replaced (near-duplicates from certain to unlikely); Java
   * and C files holding secrets; and prose and identifiers outside ASCII.
   */
  static void corpus(Path repo) throws Exception {
    Path gen = repo.resolve("gen");
    new SyntheticCorpus(7).write(gen, 2_000_000);
    List<Path> files;
    try (var s = Files.walk(gen)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < files.size(); i += 7) {
      Path f = files.get(i);
      String[] words = Files.readString(f).split(" ", -1);
      int edits = (i / 7) % 25;
      for (int e = 0; e < edits && words.length > 1; e++)
        words[rng.nextInt(words.length)] = "edited" + e;
      Path copy = repo.resolve("copies").resolve(gen.relativize(f));
      Files.createDirectories(copy.getParent());
      Files.writeString(copy, String.join(" ", words));
    }
    Files.createDirectories(repo.resolve("secrets"));
    for (int i = 0; i < 12; i++) {
      Files.writeString(
          repo.resolve("secrets/Config" + i + ".java"),
          "package conf;\n\n"
              + "/** Settings "
              + i
              + ". */\nclass Config"
              + i
              + " {\n"
              + "  String key = \""
              + FakeSecrets.awsAccessKey()
              + "\";\n"
              + "  String db_password = \""
              + FakeSecrets.password()
              + i
              + "\";\n"
              + "  String blob = \""
              + FakeSecrets.highEntropy()
              + "\";\n"
              + "  String url = \"https://admin:"
              + "hunter"
              + i
              + "pw@db.example/x\";\n"
              + "  int size() { return "
              + i
              + "; }\n}\n");
      Files.writeString(
          repo.resolve("secrets/key" + i + ".c"),
          "/* key "
              + i
              + " */\n"
              + "static const char *KEY = \""
              + FakeSecrets.privateKey().replace("\n", "\\n")
              + "\";\n"
              + "static const char *GH = \""
              + FakeSecrets.githubToken()
              + "\";\n"
              + "int get_"
              + i
              + "(void) { return "
              + i
              + "; }\n");
    }
    Files.createDirectories(repo.resolve("intl"));
    for (int i = 0; i < 20; i++) {
      Files.writeString(
          repo.resolve("intl/größe_" + i + ".py"),
          "# Größe und Maß "
              + i
              + "\n"
              + "def größe_"
              + i
              + "(maß, 长度="
              + i
              + "):\n    \"\"\"Δ λ π — café naïve "
              + i
              + ".\"\"\"\n"
              + "    return maß * 长度 + "
              + (i % 3)
              + "\n\n"
              + "class Überschrift"
              + i
              + ":\n    def zeichen(self):\n        return 'ñ' * "
              + i
              + "\n");
      Files.writeString(
          repo.resolve("intl/notes_" + i + ".md"),
          "# Notizen "
              + (i % 4)
              + "\n\n"
              + "Ein Absatz über Größe, Maß und Übung, mit Ünïcödé und 中文 Text, Nummer "
              + (i % 4)
              + ". Dieselben Wörter kommen wieder, damit sich Absätze ähneln.\n");
    }
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
