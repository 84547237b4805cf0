package dev.anneal.ui.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.SamplesFile;
import dev.anneal.data.TokenShards;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.tokenizer.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the Datasets view shows of a dataset folder: the figures of {@code stats.json}, the token
 * counts of {@code meta.json} when it was prepared, and the first samples of {@code samples.jsonl}.
 * Plain data read off the FX thread.
 *
 * @param dir the dataset folder
 * @param stats the build's figures
 * @param meta token counts of the prepared shards, or null when not prepared
 * @param preview the first samples (at most {@link #PREVIEW_LIMIT})
 * @param samples samples in the whole file
 * @param spans for each chat sample of the preview, its rendering cut into trained and untrained
 *     spans by the dataset's chat template (an empty list when the template refuses it)
 */
public record DatasetFolder(
    Path dir,
    Stats stats,
    Meta meta,
    List<Sample> preview,
    long samples,
    Map<Sample, List<ChatTemplate.Segment>> spans) {
  /** Samples kept for the preview table: enough to browse, bounded for a large dataset. */
  public static final int PREVIEW_LIMIT = 2000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One bar of the token-length histogram. */
  public record Bucket(String label, long samples) {}

  /** Files or folders left out for one reason, or one problem file with its path. */
  public record Skip(String what, String reason, long count, String path) {}

  /**
   * A secret the build found: where and what kind, never its text (stats.json holds none).
   *
   * @param line 1-based line; 0 for a whole file such as {@code .env}
   */
  public record Secret(String path, int line, String kind) {
    /** "src/config.py:3", or the path alone for a whole file. */
    public String place() {
      return line > 0 ? path + ":" + line : path;
    }
  }

  /**
   * The figures of stats.json.
   *
   * @param secrets the secrets found, by file and line
   * @param secretPolicy what the build did with them (mask, drop, keep), or "" when none was found
   */
  public record Stats(
      Map<String, Long> byKind,
      Map<String, Long> byLanguage,
      List<Bucket> histogram,
      long estimatedTokens,
      long filesScanned,
      long exactDuplicates,
      long nearDuplicates,
      List<Skip> skipped,
      List<Secret> secrets,
      String secretPolicy) {}

  /**
   * Token counts of meta.json; {@code trainedTokens} and {@code maskedTokens} (both splits) are -1
   * when there is no loss mask (every token trains).
   */
  public record Meta(
      long trainTokens,
      long valTokens,
      int vocabSize,
      int seqLen,
      long fimDocuments,
      long trainedTokens,
      long maskedTokens) {}

  /** A dataset of the workspace, for the list of existing ones. */
  public record Entry(String name, Path dir, boolean prepared) {
    @Override
    public String toString() {
      return name + (prepared ? "" : "  (not prepared)");
    }
  }

  /** Dataset folders (those with samples.jsonl) under {@code datasetsDir}, by name. */
  public static List<Entry> list(Path datasetsDir) throws IOException {
    if (!Files.isDirectory(datasetsDir)) return List.of();
    try (Stream<Path> s = Files.list(datasetsDir)) {
      return s.filter(d -> Files.isRegularFile(d.resolve(SamplesFile.NAME)))
          .sorted(Comparator.comparing(d -> d.getFileName().toString()))
          .map(
              d ->
                  new Entry(
                      d.getFileName().toString(),
                      d,
                      Files.isRegularFile(d.resolve(TokenShards.META))))
          .toList();
    }
  }

  /** Reads a dataset folder; a malformed file fails with one line naming it. */
  public static DatasetFolder read(Path dir) throws IOException {
    Stats stats = readStats(dir.resolve(DatasetBuilder.STATS));
    Path metaFile = dir.resolve(TokenShards.META);
    Meta meta = Files.isRegularFile(metaFile) ? readMeta(metaFile) : null;
    List<Sample> preview = new ArrayList<>();
    long[] count = {0};
    SamplesFile.forEach(
        dir.resolve(SamplesFile.NAME),
        s -> {
          if (count[0]++ < PREVIEW_LIMIT) preview.add(s);
        });
    return new DatasetFolder(dir, stats, meta, List.copyOf(preview), count[0], spans(dir, preview));
  }

  private static Map<Sample, List<ChatTemplate.Segment>> spans(Path dir, List<Sample> preview)
      throws IOException {
    Map<Sample, List<ChatTemplate.Segment>> out = new java.util.IdentityHashMap<>();
    ChatTemplate template = null;
    for (Sample s : preview) {
      if (s.kind() != SampleKind.CHAT) continue;
      if (template == null) template = ChatTemplate.forTokenizer(dir.resolve("tokenizer.json"));
      try {
        out.put(s, template.segments(s.messages()));
      } catch (IllegalArgumentException e) {
        out.put(s, List.of());
      }
    }
    return out;
  }

  private static JsonNode json(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) throw new IOException("not a JSON object");
      return n;
    } catch (IOException e) {
      throw new IOException(
          file + ": cannot read (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
  }

  static Stats readStats(Path file) throws IOException {
    JsonNode n = json(file);
    List<Bucket> hist = new ArrayList<>();
    for (JsonNode b : n.path("token_length_histogram")) {
      long min = b.path("min_tokens").asLong();
      String label = b.has("max_tokens") ? min + "–" + b.get("max_tokens").asLong() : "≥ " + min;
      hist.add(new Bucket(label, b.path("samples").asLong()));
    }
    List<Skip> skipped = new ArrayList<>();
    counts(n.path("files_skipped")).forEach((r, c) -> skipped.add(new Skip("files", r, c, "")));
    counts(n.path("folders_skipped")).forEach((r, c) -> skipped.add(new Skip("folders", r, c, "")));
    counts(n.path("samples_filtered"))
        .forEach((r, c) -> skipped.add(new Skip("samples", r, c, "")));
    for (JsonNode p : n.path("problems")) {
      skipped.add(new Skip("file", p.path("reason").asText(), 1, p.path("path").asText()));
    }
    JsonNode dups = n.path("duplicates_removed");
    return new Stats(
        counts(n.path("samples_by_kind")),
        counts(n.path("samples_by_language")),
        List.copyOf(hist),
        n.path("estimated_tokens").asLong(),
        n.path("files_scanned").asLong(),
        dups.path("exact").asLong(),
        dups.path("near").asLong(),
        List.copyOf(skipped),
        secrets(n.path("secrets")),
        n.path("secrets").path("policy").asText(""));
  }

  private static List<Secret> secrets(JsonNode s) {
    List<Secret> out = new ArrayList<>();
    for (JsonNode f : s.path("findings")) {
      out.add(new Secret(f.path("path").asText(), f.path("line").asInt(), f.path("kind").asText()));
    }
    return List.copyOf(out);
  }

  static Meta readMeta(Path file) throws IOException {
    JsonNode n = json(file);
    JsonNode mask = n.path("loss_mask");
    long trained = -1, masked = -1;
    if (mask.isObject()) {
      trained =
          mask.path("trained_tokens").path("train").asLong()
              + mask.path("trained_tokens").path("val").asLong();
      masked =
          mask.path("masked_tokens").path("train").asLong()
              + mask.path("masked_tokens").path("val").asLong();
    }
    return new Meta(
        n.path("train_tokens").asLong(),
        n.path("val_tokens").asLong(),
        n.path("vocab_size").asInt(),
        n.path("seq_len").asInt(),
        n.path("fim").path("documents").asLong(),
        trained,
        masked);
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> m = new LinkedHashMap<>();
    object.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }
}
