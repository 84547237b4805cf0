package dev.anneal.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.AppEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL, with what data preparation needs to
 * know about it: vocabulary size, the ids of EOS, PAD, BOS and the FIM markers (by the names common
 * tokenizers use), and the file's SHA-256. Truncation, padding and automatic special tokens are
 * off: DJL would otherwise cut every text at 512 tokens.
 */
public final class TextTokenizer implements AutoCloseable {
  private static final Map<String, String> OPTIONS =
      Map.of(
          "truncation",
          "false",
          "padding",
          "false",
          "addSpecialTokens",
          "false",
          "modelMaxLength",
          "1000000000");

  private final HuggingFaceTokenizer hf;
  private final ByteLevelBpe fast; // null: encode through the native library
  private final Path file;
  private final int vocabSize;
  private final Map<String, Integer> specials;
  private final String sha256;

  private TextTokenizer(
      HuggingFaceTokenizer hf,
      ByteLevelBpe fast,
      Path file,
      int vocabSize,
      Map<String, Integer> specials,
      String sha256) {
    this.hf = hf;
    this.fast = fast;
    this.file = file;
    this.vocabSize = vocabSize;
    this.specials = specials;
    this.sha256 = sha256;
  }

  /**
   * Loads a local {@code tokenizer.json} (or a folder holding one), or a hub id when online ({@code
   * ANNEAL_ONLINE=1}). A corrupt file fails with one line naming it.
   */
  public static TextTokenizer load(String pathOrId) throws IOException {
    Path p = Path.of(pathOrId);
    if (Files.isDirectory(p)) p = p.resolve("tokenizer.json");
    if (Files.isRegularFile(p)) return loadFile(p);
    boolean looksLikeHubId = pathOrId.matches("[\\w.-]+/[\\w.-]+") && !pathOrId.endsWith(".json");
    if (!looksLikeHubId) throw new IOException(pathOrId + ": no such tokenizer file");
    if (!AppEnvironment.isOnline()) {
      throw new IOException(
          pathOrId
              + ": not a local file, and hub downloads are off "
              + "(set ANNEAL_ONLINE=1 to allow them)");
    }
    AppEnvironment.configure();
    HuggingFaceTokenizer.newInstance(pathOrId, OPTIONS).close(); // downloads into the HF cache
    return loadFile(hubCacheFile(pathOrId));
  }

  private static Path hubCacheFile(String id) throws IOException {
    String home = System.getenv("HF_HOME");
    Path hub =
        (home != null
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface"))
            .resolve("hub")
            .resolve("models--" + id.replace("/", "--"))
            .resolve("snapshots");
    try (Stream<Path> s = Files.exists(hub) ? Files.walk(hub, 2) : Stream.empty()) {
      return s.filter(f -> f.getFileName().toString().equals("tokenizer.json"))
          .findFirst()
          .orElseThrow(
              () -> new IOException(id + ": downloaded, but no tokenizer.json under " + hub));
    }
  }

  public static TextTokenizer loadFile(Path file) throws IOException {
    AppEnvironment.configure();
    byte[] bytes = Files.readAllBytes(file);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      throw new IOException(file + ": not valid JSON (" + oneLine(e) + ")", e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    if (vocab == null || !vocab.isObject()) {
      throw new IOException(file + ": not a tokenizer.json (no model.vocab object)");
    }
    Map<String, Integer> ids = new HashMap<>();
    int max = -1;
    for (var it = vocab.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      ids.put(e.getKey(), e.getValue().asInt());
      max = Math.max(max, e.getValue().asInt());
    }
    for (JsonNode t : root.path("added_tokens")) {
      ids.put(t.path("content").asText(), t.path("id").asInt());
      max = Math.max(max, t.path("id").asInt());
    }
    HuggingFaceTokenizer hf;
    try (InputStream in = Files.newInputStream(file)) {
      hf = HuggingFaceTokenizer.newInstance(in, OPTIONS);
    } catch (RuntimeException e) {
      throw new IOException(file + ": the tokenizer library rejects it (" + oneLine(e) + ")", e);
    }
    return new TextTokenizer(hf, ByteLevelBpe.from(root), file, max + 1, ids, sha256(bytes));
  }

  /**
   * Token ids of {@code text}, with no special tokens added. Plain byte-level BPE files are encoded
   * in Java (same ids, several times faster); others through the native library.
   */
  public int[] encode(String text) {
    if (fast != null) return fast.encode(text);
    return nativeEncode(text);
  }

  /** Token ids from the native library, whatever the file holds. */
  public int[] nativeEncode(String text) {
    return toInts(hf.encode(text, false, false).getIds());
  }

  /** Whether {@link #encode} runs in Java rather than through the native library. */
  public boolean encodesInJava() {
    return fast != null;
  }

  /** Token ids of many texts at once. */
  public int[][] encodeAll(List<String> texts) {
    if (fast != null) {
      int[][] out = new int[texts.size()][];
      for (int i = 0; i < out.length; i++) out[i] = fast.encode(texts.get(i));
      return out;
    }
    Encoding[] enc = hf.batchEncode(texts, false, false);
    int[][] out = new int[enc.length][];
    for (int i = 0; i < enc.length; i++) out[i] = toInts(enc[i].getIds());
    return out;
  }

  /** Text of token ids, special tokens included as written. */
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) l[i] = ids[i];
    return hf.decode(l, false);
  }

  public int vocabSize() {
    return vocabSize;
  }

  public Path file() {
    return file;
  }

  public String sha256() {
    return sha256;
  }

  /** The id of the first of {@code names} the vocabulary holds, or -1. */
  public int idOf(List<String> names) {
    for (String n : names) {
      Integer id = specials.get(n);
      if (id != null) return id;
    }
    return -1;
  }

  public int eosId() {
    return idOf(SpecialTokens.EOS_NAMES);
  }

  public int padId() {
    return idOf(SpecialTokens.PAD_NAMES);
  }

  public int bosId() {
    return idOf(SpecialTokens.BOS_NAMES);
  }

  /** Prefix, middle and suffix marker ids, or null when the tokenizer has no FIM tokens. */
  public int[] fimIds() {
    for (List<String> names : SpecialTokens.FIM_NAMES) {
      int p = idOf(List.of(names.get(0))),
          m = idOf(List.of(names.get(1))),
          s = idOf(List.of(names.get(2)));
      if (p >= 0 && m >= 0 && s >= 0) return new int[] {p, m, s};
    }
    return null;
  }

  @Override
  public void close() {
    hf.close();
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String oneLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }
}
