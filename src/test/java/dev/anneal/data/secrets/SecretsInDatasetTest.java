package dev.anneal.data.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.DatasetStats;
import dev.anneal.data.SamplesFile;
import dev.anneal.data.TestRepo;
import dev.anneal.data.sample.Sample;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsInDatasetTest {
  @TempDir Path tmp;

  /** A small repository: one clean file, two holding secrets, and a committed .env. */
  private Path leakyRepo() throws Exception {
    Path repo = tmp.resolve("leaky");
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/clean.py"), "def add(a, b):\n    return a + b\n");
    Files.writeString(
        repo.resolve("src/config.py"),
        "import os\n\n"
            + "AWS_KEY = \""
            + FakeSecrets.awsAccessKey()
            + "\"\n"
            + "def connect():\n    return os.getenv('HOST')\n");
    Files.writeString(
        repo.resolve("src/Deploy.java"),
        "class Deploy {\n"
            + "  String token = \""
            + FakeSecrets.githubToken()
            + "\";\n"
            + "  String db_password = \""
            + FakeSecrets.password()
            + "\";\n}\n");
    Files.writeString(repo.resolve(".env"), "API_TOKEN=" + FakeSecrets.highEntropy() + "\n");
    return repo;
  }

  private DatasetStats build(Path repo, Path out, SecretPolicy policy) throws Exception {
    return new DatasetBuilder(
            BuildOptions.defaults().withSecrets(policy), ProgressListener.NONE, Cancellation.none())
        .build(List.of(repo), out);
  }

  @Test
  void maskReplacesSecretsAndCountsThemByFileAndLine() throws Exception {
    Path out = tmp.resolve("ds");
    DatasetStats stats = build(leakyRepo(), out, SecretPolicy.MASK);

    String samples = Files.readString(out.resolve(SamplesFile.NAME));
    assertThat(samples)
        .doesNotContain(FakeSecrets.awsAccessKey())
        .doesNotContain(FakeSecrets.githubToken())
        .doesNotContain(FakeSecrets.password())
        .doesNotContain(FakeSecrets.highEntropy())
        .contains("[REDACTED:aws_access_key]")
        .contains("[REDACTED:github_token]")
        .contains("def connect()"); // the rest of the file stays
    String statsJson = Files.readString(out.resolve(DatasetBuilder.STATS));
    assertThat(statsJson)
        .doesNotContain(FakeSecrets.awsAccessKey())
        .doesNotContain(FakeSecrets.password());
    JsonNode secrets = new ObjectMapper().readTree(statsJson).get("secrets");
    assertThat(secrets.get("policy").asText()).isEqualTo("mask");
    assertThat(secrets.get("found").asLong()).isEqualTo(4);
    assertThat(secrets.get("files").asLong()).isEqualTo(3);
    assertThat(secrets.get("by_kind").toString())
        .isEqualTo("{\"aws_access_key\":1,\"env_file\":1,\"github_token\":1,\"password\":1}");
    assertThat(secrets.get("findings").toString())
        .isEqualTo(
            "["
                + "{\"path\":\".env\",\"line\":0,\"kind\":\"env_file\"},"
                + "{\"path\":\"src/Deploy.java\",\"line\":2,\"kind\":\"github_token\"},"
                + "{\"path\":\"src/Deploy.java\",\"line\":3,\"kind\":\"password\"},"
                + "{\"path\":\"src/config.py\",\"line\":3,\"kind\":\"aws_access_key\"}]");
    assertThat(stats.filesSkipped()).containsEntry("env_file", 1L).doesNotContainKey("hidden");
    // Masked files keep their line numbers: the function after the key is still on line 4.
    Sample connect =
        SamplesFile.readAll(out.resolve(SamplesFile.NAME)).stream()
            .filter(s -> s.text().startsWith("def connect"))
            .findFirst()
            .orElseThrow();
    assertThat(connect.startLine()).isEqualTo(4);
  }

  @Test
  void dropLeavesFilesWithSecretsOut() throws Exception {
    Path out = tmp.resolve("ds");
    DatasetStats stats = build(leakyRepo(), out, SecretPolicy.DROP);
    List<Sample> samples = SamplesFile.readAll(out.resolve(SamplesFile.NAME));
    assertThat(samples).extracting(Sample::path).containsOnly("src/clean.py");
    assertThat(stats.filesSkipped()).containsEntry("secret", 2L);
    assertThat(stats.secrets()).hasSize(4);
  }

  @Test
  void keepReportsButLeavesTheText() throws Exception {
    Path out = tmp.resolve("ds");
    DatasetStats stats = build(leakyRepo(), out, SecretPolicy.KEEP);
    assertThat(Files.readString(out.resolve(SamplesFile.NAME)))
        .contains(FakeSecrets.awsAccessKey());
    assertThat(stats.secretsByKind()).containsEntry("aws_access_key", 1L);
  }

  @Test
  void aCleanTreeBuildsTheSameBytesAsWithoutTheScanner() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    Path masked = tmp.resolve("masked");
    Path kept = tmp.resolve("kept");
    assertThat(build(repo, masked, SecretPolicy.MASK).secrets()).isEmpty();
    build(repo, kept, SecretPolicy.KEEP);
    assertThat(Files.readAllBytes(masked.resolve(SamplesFile.NAME)))
        .isEqualTo(Files.readAllBytes(kept.resolve(SamplesFile.NAME)));
    assertThat(Files.readString(masked.resolve(DatasetBuilder.STATS)))
        .isEqualTo(Files.readString(kept.resolve(DatasetBuilder.STATS)))
        .doesNotContain("secret");
  }
}
