package dev.anneal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import dev.anneal.task.Workers;
import dev.anneal.tokenizer.ChatTemplate;
import dev.anneal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Turns a dataset folder's {@code samples.jsonl} into token shards: split by path hash, FIM at the
 * chosen rate (PSM or SPM), tokenize in parallel batches, pack with EOS between documents, pad to
 * whole sequences, and write {@code train.bin}, {@code val.bin}, their document indexes and {@code
 * meta.json} (last, so a folder with a meta.json is complete). Chat samples are rendered with the
 * tokenizer's chat template and get a loss mask ({@code train.mask.bin}, {@code val.mask.bin}):
 * only their assistant turns train. Same input, same bytes.
 */
public final class DatasetPreparer {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int BATCH = 256;

  /** Per validation document, its language (for the validation loss by language). */
  public static final String VAL_LANGUAGES = "val.lang.bin";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DatasetPreparer.class);

  /** What was written. */
  public record Summary(
      Path dir,
      int vocabSize,
      String dtype,
      int seqLen,
      long trainTokens,
      long valTokens,
      long trainDocuments,
      long valDocuments,
      long fimDocuments,
      long paddingTokens,
      String tokenizerSha256,
      double seconds,
      LossMask lossMask) {}

  /**
   * The loss mask of a dataset with chat samples: tokens that carry loss and tokens that do not
   * (prompts, template markers, end-of-text of chat documents, padding), per split.
   */
  public record LossMask(
      String chatTemplate,
      long chatDocuments,
      long trainTrained,
      long trainMasked,
      long valTrained,
      long valMasked) {}

  /** A tokenized document: ids, and per id 1 where it carries loss (null: all do). */
  private record Doc(int[] ids, byte[] trained) {}

  private final ProgressListener listener;
  private final Cancellation cancel;
  private final int threads;

  public DatasetPreparer(ProgressListener listener, Cancellation cancel, int threads) {
    this.listener = listener;
    this.cancel = cancel;
    this.threads = Math.max(1, threads);
  }

  /** Everything one run needs, settled before any writing. */
  private record Plan(
      Path dir,
      List<Sample> samples,
      PrepareOptions o,
      TextTokenizer tok,
      Fim.Markers markers,
      int[] fim,
      Set<String> valPaths,
      int eos,
      int pad,
      boolean wide,
      ChatTemplate chat) {}

  public Summary prepare(Path dir, PrepareOptions o) throws IOException {
    long t0 = System.nanoTime();
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a folder");
    List<Sample> samples = SamplesFile.readAll(dir.resolve(SamplesFile.NAME));
    if (samples.isEmpty()) throw new IOException(dir.resolve(SamplesFile.NAME) + ": no samples");
    try (TextTokenizer tok = TextTokenizer.load(o.tokenizer())) {
      int eos = tok.eosId();
      if (eos < 0)
        throw new IOException(tok.file() + ": no end-of-text token (<|endoftext|>, </s> ...)");
      int[] fim = tok.fimIds();
      if (o.fimRate() > 0 && fim == null) {
        throw new IOException(
            tok.file()
                + ": no FIM tokens (<fim_prefix>, <fim_middle>, <fim_suffix>); use --fim-rate 0");
      }
      Plan plan =
          new Plan(
              dir,
              samples,
              o,
              tok,
              fim == null ? null : new Fim.Markers(fim[0], fim[1], fim[2]),
              fim,
              PathSplit.validationPaths(samples, o.valFraction()),
              eos,
              tok.padId() >= 0 ? tok.padId() : eos,
              tok.vocabSize() > 65536,
              chatTemplate(samples, tok));
      ExecutorService pool = Workers.pool(threads, "anneal-tokenize");
      try {
        copyTokenizer(tok.file(), dir.resolve("tokenizer.json"));
        Path config = tok.file().resolveSibling(ChatTemplate.CONFIG);
        if (Files.isRegularFile(config)) copyTokenizer(config, dir.resolve(ChatTemplate.CONFIG));
        Files.deleteIfExists(
            dir.resolve(TokenShards.META)); // the old meta no longer describes the shards
        return write(plan, pool, t0);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(dir.toString())) throw e;
        throw DatasetBuilder.cannotWrite(dir.resolve("train.bin"), e);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The template for the chat samples, or null when there are none. */
  private static ChatTemplate chatTemplate(List<Sample> samples, TextTokenizer tok)
      throws IOException {
    if (samples.stream().noneMatch(s -> s.kind() == SampleKind.CHAT)) return null;
    ChatTemplate t = ChatTemplate.forTokenizer(tok.file());
    if (t.source().equals(ChatTemplate.chatMl().source())
        && tok.idOf(List.of(ChatTemplate.IM_START)) < 0) {
      LOG.warn(
          "{}: no chat template and no {} token; the default ChatML markers are encoded as text",
          tok.file(),
          ChatTemplate.IM_START);
    }
    return t;
  }

  /** Writes both shards, then meta.json; temporary files go if anything fails. */
  private Summary write(Plan p, ExecutorService pool, long t0) throws IOException {
    boolean masked = p.chat() != null;
    for (String split : List.of("train", "val"))
      Files.deleteIfExists(p.dir().resolve(split + ".mask.bin"));
    Files.deleteIfExists(p.dir().resolve(VAL_LANGUAGES));
    List<String> valLanguages = new ArrayList<>();
    try (ShardWriter train = new ShardWriter(p.dir(), "train", p.wide(), p.eos(), masked);
        ShardWriter val = new ShardWriter(p.dir(), "val", p.wide(), p.eos(), masked)) {
      long[] counts = pack(p, train, val, valLanguages, pool, t0);
      train.finish(p.o().seqLen(), p.pad());
      val.finish(p.o().seqLen(), p.pad());
      LossMask mask =
          !masked
              ? null
              : new LossMask(
                  p.chat().source(),
                  counts[1],
                  train.trained(),
                  train.tokens() - train.trained(),
                  val.trained(),
                  val.tokens() - val.trained());
      Summary s =
          new Summary(
              p.dir(),
              p.tok().vocabSize(),
              p.wide() ? "uint32" : "uint16",
              p.o().seqLen(),
              train.tokens(),
              val.tokens(),
              train.documents(),
              val.documents(),
              counts[0],
              train.padding() + val.padding(),
              p.tok().sha256(),
              (System.nanoTime() - t0) / 1e9,
              mask);
      train.commit();
      val.commit();
      List<String> names = valLanguages.stream().distinct().sorted().toList();
      if (names.size() > 255)
        throw new IOException(p.dir().resolve(VAL_LANGUAGES) + ": more than 255 languages");
      byte[] ids = new byte[valLanguages.size()];
      for (int d = 0; d < ids.length; d++) ids[d] = (byte) names.indexOf(valLanguages.get(d));
      AtomicFiles.writeBytes(p.dir().resolve(VAL_LANGUAGES), ids);
      AtomicFiles.writeString(
          p.dir().resolve(TokenShards.META),
          JSON.writeValueAsString(
                  PreparedMeta.of(
                      s,
                      p.o(),
                      p.fim(),
                      p.eos(),
                      p.pad(),
                      p.tok().bosId(),
                      train.padding(),
                      val.padding(),
                      names))
              + "\n");
      return s;
    }
  }

  /**
   * Packs every sample, adding each validation document's language to {@code valLanguages}; returns
   * {FIM documents, chat documents}.
   */
  private long[] pack(
      Plan p,
      ShardWriter train,
      ShardWriter val,
      List<String> valLanguages,
      ExecutorService pool,
      long t0)
      throws IOException {
    List<Sample> samples = p.samples();
    long fimDocs = 0;
    long chatDocs = 0;
    long tokens = 0;
    int step = BATCH * threads;
    List<Future<Doc[]>> parts = encodeAhead(samples, 0, step, p, pool);
    for (int from = 0; from < samples.size(); from += step) {
      cancel.check();
      int to = Math.min(samples.size(), from + step);
      // The pool encodes the next samples while this thread writes these.
      List<Future<Doc[]>> next = encodeAhead(samples, to, step, p, pool);
      int index = from;
      for (Future<Doc[]> f : parts) {
        for (Doc d : get(f)) {
          Sample s = samples.get(index++);
          int[] ids = d.ids();
          boolean chat = s.kind() == SampleKind.CHAT;
          if (chat) chatDocs++;
          else if (p.markers() != null && ids.length > 0 && ids[0] == p.markers().prefix())
            fimDocs++;
          // A chat document's own end-of-turn marker teaches the model to stop; its EOS does not
          // train.
          boolean isVal = p.valPaths().contains(PathSplit.key(s));
          (isVal ? val : train).add(ids, d.trained(), !chat);
          if (isVal) valLanguages.add(s.language());
          tokens += ids.length + 1;
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      listener.onProgress(
          new Progress(
              "tokenize",
              to,
              samples.size(),
              Map.of("samples", (long) to, "tokens", tokens),
              secs * (samples.size() - to) / to));
      parts = next;
    }
    return new long[] {fimDocs, chatDocs};
  }

  /** Samples {@code [from, from + count)} (those there are) submitted to the pool in batches. */
  private List<Future<Doc[]>> encodeAhead(
      List<Sample> samples, int from, int count, Plan p, ExecutorService pool) {
    int to = Math.min(samples.size(), from + count);
    List<Future<Doc[]>> parts = new ArrayList<>();
    for (int k = from; k < to; k += BATCH) {
      int a = k, b = Math.min(to, k + BATCH);
      parts.add(pool.submit(() -> encode(samples, a, b, p)));
    }
    return parts;
  }

  /**
   * Token ids of samples {@code [a, b)}, FIM applied by each document's own random stream; chat
   * samples are rendered with the template, each span tokenized alone so that the trained ones
   * start and end on token boundaries (as a prompt and its generated answer do).
   */
  private static Doc[] encode(List<Sample> samples, int a, int b, Plan p) {
    PrepareOptions o = p.o();
    TextTokenizer tok = p.tok();
    Fim.Markers markers = p.markers();
    List<String> pieces = new ArrayList<>();
    byte[] mode = new byte[b - a]; // 0 plain, 1 PSM, 2 SPM, 3 chat
    List<List<ChatTemplate.Segment>> chats = new ArrayList<>();
    for (int i = a; i < b; i++) {
      Sample sample = samples.get(i);
      if (sample.kind() == SampleKind.CHAT) {
        mode[i - a] = 3;
        List<ChatTemplate.Segment> segments;
        try {
          segments = p.chat().segments(sample.messages());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              p.dir().resolve(SamplesFile.NAME)
                  + ": sample from "
                  + sample.path()
                  + ":"
                  + sample.startLine()
                  + ": "
                  + e.getMessage(),
              e);
        }
        chats.add(segments);
        for (ChatTemplate.Segment seg : segments) pieces.add(seg.text());
        continue;
      }
      String text = sample.text();
      SplittableRandom rng = new SplittableRandom(MinHash.mix(o.seed() * 0x9E3779B97F4A7C15L + i));
      if (markers != null && rng.nextDouble() < o.fimRate()) {
        mode[i - a] = (byte) (rng.nextDouble() < o.fimSpmRate() ? 2 : 1);
        Fim f = Fim.split(text, rng);
        pieces.add(f.prefix());
        pieces.add(f.middle());
        pieces.add(f.suffix());
      } else {
        pieces.add(text);
      }
    }
    int[][] enc = tok.encodeAll(pieces);
    Doc[] out = new Doc[b - a];
    int k = 0;
    int c = 0;
    for (int d = 0; d < out.length; d++) {
      if (mode[d] == 3) {
        List<ChatTemplate.Segment> segments = chats.get(c++);
        int[][] parts = new int[segments.size()][];
        for (int s = 0; s < parts.length; s++) parts[s] = enc[k++];
        out[d] = chatDoc(segments, parts);
      } else {
        out[d] =
            new Doc(
                mode[d] == 0
                    ? enc[k++]
                    : Fim.layout(enc[k++], enc[k++], enc[k++], markers, mode[d] == 2),
                null);
      }
    }
    return out;
  }

  /** The spans' ids back to back, each id marked trained as its span is. */
  private static Doc chatDoc(List<ChatTemplate.Segment> segments, int[][] parts) {
    int n = 0;
    for (int[] part : parts) n += part.length;
    int[] ids = new int[n];
    byte[] trained = new byte[n];
    int at = 0;
    for (int s = 0; s < parts.length; s++) {
      System.arraycopy(parts[s], 0, ids, at, parts[s].length);
      if (segments.get(s).trained())
        java.util.Arrays.fill(trained, at, at + parts[s].length, (byte) 1);
      at += parts[s].length;
    }
    return new Doc(ids, trained);
  }

  private static Doc[] get(Future<Doc[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IOException(e.getCause());
    }
  }

  private static void copyTokenizer(Path from, Path to) throws IOException {
    if (Files.exists(to) && Files.isSameFile(from, to)) return;
    AtomicFiles.writeBytes(to, Files.readAllBytes(from));
  }
}
