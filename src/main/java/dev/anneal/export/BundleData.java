package dev.anneal.export;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dataset a bundle carries: a dataset folder's token shards ({@code train.bin}, {@code
 * val.bin}, {@code meta.json}) and/or samples ({@code samples.jsonl}), with the tokenizer and stats
 * when present. Checked before anything is written, so a broken dataset fails the export with the
 * file named, not the cluster job hours later.
 *
 * @param dir the dataset folder
 * @param format {@code tokens} when {@code train.bin} is there (ready to train), else {@code
 *     samples}
 * @param files the files to carry, in copy order
 * @param seqLen the shards' sequence length from meta.json, or null
 * @param vocabSize the shards' vocabulary size from meta.json, or null
 */
record BundleData(Path dir, String format, List<String> files, Integer seqLen, Long vocabSize) {
  static final List<String> KNOWN =
      List.of("meta.json", "tokenizer.json", "stats.json", "samples.jsonl", "val.bin", "train.bin");

  /** Inspects {@code dir}; throws with the file and what is wrong when it cannot train. */
  static BundleData inspect(Path dir) throws IOException {
    if (!Files.isDirectory(dir))
      throw new IllegalArgumentException(dir + ": no such dataset folder");
    List<String> files = new ArrayList<>();
    for (String name : KNOWN) if (Files.isRegularFile(dir.resolve(name))) files.add(name);
    boolean tokens = files.contains("train.bin");
    if (!tokens && !files.contains("samples.jsonl")) {
      throw new IllegalArgumentException(
          dir
              + ": no samples.jsonl and no train.bin: not a dataset"
              + " folder (build one with the dataset builder)");
    }
    if (files.contains("samples.jsonl")) checkFirstSample(dir.resolve("samples.jsonl"));
    if (!tokens) return new BundleData(dir, "samples", files, null, null);
    Path metaFile = dir.resolve("meta.json");
    if (!files.contains("meta.json")) {
      throw new IllegalArgumentException(
          metaFile + ": missing; train.bin needs its dtype and seq_len");
    }
    JsonNode meta = readJson(metaFile);
    String dtype = meta.path("dtype").asText("");
    int width =
        switch (dtype) {
          case "uint16" -> 2;
          case "uint32" -> 4;
          default ->
              throw new IllegalArgumentException(
                  metaFile + ": dtype must be uint16 or uint32," + " found '" + dtype + "'");
        };
    if (!meta.path("seq_len").canConvertToInt() || meta.path("seq_len").asInt() <= 0) {
      throw new IllegalArgumentException(metaFile + ": seq_len must be a positive integer");
    }
    for (String shard : List.of("train.bin", "val.bin")) {
      if (files.contains(shard) && Files.size(dir.resolve(shard)) % width != 0) {
        throw new IllegalArgumentException(
            dir.resolve(shard)
                + ": size is not a multiple of "
                + width
                + " bytes ("
                + dtype
                + " ids)");
      }
    }
    Long vocab = meta.has("vocab_size") ? meta.get("vocab_size").asLong() : null;
    return new BundleData(dir, "tokens", files, meta.get("seq_len").asInt(), vocab);
  }

  /**
   * Copies the files into {@code target}: a hard link where the file system allows it (dataset
   * files are replaced by rename, never rewritten, so the link is a stable snapshot), else a byte
   * copy that reports progress and stops when cancelled.
   */
  void copyTo(Path target, ProgressListener listener, Cancellation cancel) throws IOException {
    Files.createDirectories(target);
    long total = 0;
    for (String f : files) total += Files.size(dir.resolve(f));
    long done = 0;
    int copied = 0;
    byte[] buf = new byte[1 << 20];
    for (String f : files) {
      cancel.check();
      Path from = dir.resolve(f);
      Path to = target.resolve(f);
      try {
        Files.createLink(to, from);
        done += Files.size(from);
      } catch (IOException | UnsupportedOperationException noLink) {
        // No hard link here (another device, a file system without links): copy the bytes. If the
        // copy fails too, its error carries why the link was refused.
        try {
          done = copyBytes(from, to, buf, done, total, copied, listener, cancel);
        } catch (IOException copyFailed) {
          copyFailed.addSuppressed(noLink);
          throw copyFailed;
        }
      }
      listener.onProgress(progress(done, total, ++copied));
    }
  }

  /**
   * Copies {@code from} to {@code to} through {@code buf}, reporting progress every 64 MB.
   *
   * @return {@code done} plus the bytes copied
   */
  private static long copyBytes(
      Path from,
      Path to,
      byte[] buf,
      long done,
      long total,
      int copied,
      ProgressListener listener,
      Cancellation cancel)
      throws IOException {
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = Files.newOutputStream(to)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        done += n;
        cancel.check();
        if (done % (64 << 20) < n) listener.onProgress(progress(done, total, copied));
      }
    }
    return done;
  }

  private static Progress progress(long done, long total, int files) {
    return new Progress("copy data", done, total, Map.of("files", (long) files), -1);
  }

  private static void checkFirstSample(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        JsonNode sample;
        try {
          sample = new ObjectMapper().readTree(line);
        } catch (JacksonException e) {
          throw new IllegalArgumentException(
              file + ":" + n + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!sample.path("text").isTextual()) {
          throw new IllegalArgumentException(file + ":" + n + ": no \"text\" field");
        }
        return;
      }
    }
    throw new IllegalArgumentException(file + ": empty");
  }

  private static JsonNode readJson(Path file) throws IOException {
    try {
      return new ObjectMapper().readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
  }
}
