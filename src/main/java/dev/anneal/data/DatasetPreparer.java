package dev.anneal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import dev.anneal.task.Workers;
import dev.anneal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Turns a dataset folder's {@code samples.jsonl} into token shards: split by path hash, FIM at
 * the chosen rate (PSM or SPM), tokenize in parallel batches, pack with EOS between documents,
 * pad to whole sequences, and write {@code train.bin}, {@code val.bin}, their document indexes
 * and {@code meta.json} (last, so a folder with a meta.json is complete). Same input, same bytes.
 */
public final class DatasetPreparer {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int BATCH = 256;

  /** What was written. */
  public record Summary(Path dir, int vocabSize, String dtype, int seqLen, long trainTokens,
      long valTokens, long trainDocuments, long valDocuments, long fimDocuments,
      long paddingTokens, String tokenizerSha256, double seconds) {}

  private final ProgressListener listener;
  private final Cancellation cancel;
  private final int threads;

  public DatasetPreparer(ProgressListener listener, Cancellation cancel, int threads) {
    this.listener = listener;
    this.cancel = cancel;
    this.threads = Math.max(1, threads);
  }

  /** Everything one run needs, settled before any writing. */
  private record Plan(Path dir, List<Sample> samples, PrepareOptions o, TextTokenizer tok,
      Fim.Markers markers, int[] fim, Set<String> valPaths, int eos, int pad, boolean wide) {}

  public Summary prepare(Path dir, PrepareOptions o) throws IOException {
    long t0 = System.nanoTime();
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a folder");
    List<Sample> samples = SamplesFile.readAll(dir.resolve(SamplesFile.NAME));
    if (samples.isEmpty()) throw new IOException(dir.resolve(SamplesFile.NAME) + ": no samples");
    try (TextTokenizer tok = TextTokenizer.load(o.tokenizer())) {
      int eos = tok.eosId();
      if (eos < 0) throw new IOException(tok.file() + ": no end-of-text token (<|endoftext|>, </s> ...)");
      int[] fim = tok.fimIds();
      if (o.fimRate() > 0 && fim == null) {
        throw new IOException(tok.file() + ": no FIM tokens (<fim_prefix>, <fim_middle>, <fim_suffix>); use --fim-rate 0");
      }
      Plan plan = new Plan(dir, samples, o, tok,
          fim == null ? null : new Fim.Markers(fim[0], fim[1], fim[2]), fim,
          PathSplit.validationPaths(samples, o.valFraction()), eos,
          tok.padId() >= 0 ? tok.padId() : eos, tok.vocabSize() > 65536);
      ExecutorService pool = Workers.pool(threads, "anneal-tokenize");
      try {
        copyTokenizer(tok.file(), dir.resolve("tokenizer.json"));
        Files.deleteIfExists(dir.resolve(TokenShards.META)); // the old meta no longer describes the shards
        return write(plan, pool, t0);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(dir.toString())) throw e;
        throw DatasetBuilder.cannotWrite(dir.resolve("train.bin"), e);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Writes both shards, then meta.json; temporary files go if anything fails. */
  private Summary write(Plan p, ExecutorService pool, long t0) throws IOException {
    try (ShardWriter train = new ShardWriter(p.dir(), "train", p.wide(), p.eos());
        ShardWriter val = new ShardWriter(p.dir(), "val", p.wide(), p.eos())) {
      long fimDocs = pack(p, train, val, pool, t0);
      train.finish(p.o().seqLen(), p.pad());
      val.finish(p.o().seqLen(), p.pad());
      Summary s = new Summary(p.dir(), p.tok().vocabSize(), p.wide() ? "uint32" : "uint16",
          p.o().seqLen(), train.tokens(), val.tokens(), train.documents(), val.documents(),
          fimDocs, train.padding() + val.padding(), p.tok().sha256(), (System.nanoTime() - t0) / 1e9);
      train.commit();
      val.commit();
      AtomicFiles.writeString(p.dir().resolve(TokenShards.META),
          JSON.writeValueAsString(meta(s, p, train, val)) + "\n");
      return s;
    }
  }

  private long pack(Plan p, ShardWriter train, ShardWriter val, ExecutorService pool, long t0)
      throws IOException {
    List<Sample> samples = p.samples();
    long fimDocs = 0;
    long tokens = 0;
    for (int from = 0; from < samples.size(); from += BATCH * threads) {
      cancel.check();
      int to = Math.min(samples.size(), from + BATCH * threads);
      List<Future<int[][]>> parts = new ArrayList<>();
      for (int k = from; k < to; k += BATCH) {
        int a = k, b = Math.min(to, k + BATCH);
        parts.add(pool.submit(() -> encode(samples, a, b, p.o(), p.tok(), p.markers())));
      }
      int index = from;
      for (Future<int[][]> f : parts) {
        for (int[] ids : get(f)) {
          Sample s = samples.get(index++);
          if (p.markers() != null && ids.length > 0 && ids[0] == p.markers().prefix()) fimDocs++;
          (p.valPaths().contains(s.path()) ? val : train).add(ids);
          tokens += ids.length + 1;
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      listener.onProgress(new Progress("tokenize", to, samples.size(),
          Map.of("samples", (long) to, "tokens", tokens), secs * (samples.size() - to) / to));
    }
    return fimDocs;
  }

  /** Token ids of samples {@code [a, b)}, FIM applied by each document's own random stream. */
  private static int[][] encode(List<Sample> samples, int a, int b, PrepareOptions o,
      TextTokenizer tok, Fim.Markers markers) {
    List<String> pieces = new ArrayList<>();
    byte[] mode = new byte[b - a]; // 0 plain, 1 PSM, 2 SPM
    for (int i = a; i < b; i++) {
      String text = samples.get(i).text();
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
    int[][] out = new int[b - a][];
    int k = 0;
    for (int d = 0; d < out.length; d++) {
      out[d] = mode[d] == 0 ? enc[k++]
          : Fim.layout(enc[k++], enc[k++], enc[k++], markers, mode[d] == 2);
    }
    return out;
  }

  private static int[][] get(Future<int[][]> f) throws IOException {
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

  private static Map<String, Object> meta(Summary s, Plan p, ShardWriter train, ShardWriter val) {
    PrepareOptions o = p.o();
    int[] fim = p.fim();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "anneal-token-shards/1");
    m.put("vocab_size", s.vocabSize());
    m.put("dtype", s.dtype());
    m.put("byte_order", "little");
    m.put("seq_len", s.seqLen());
    m.put("train_tokens", s.trainTokens());
    m.put("val_tokens", s.valTokens());
    m.put("train_documents", s.trainDocuments());
    m.put("val_documents", s.valDocuments());
    m.put("train_sequences", s.trainTokens() / s.seqLen());
    m.put("val_sequences", s.valTokens() / s.seqLen());
    m.put("padding_tokens", Map.of("train", train.padding(), "val", val.padding()));
    m.put("eos_id", p.eos());
    m.put("pad_id", p.pad());
    m.put("bos_id", p.tok().bosId());
    m.put("tokenizer", "tokenizer.json");
    m.put("tokenizer_sha256", s.tokenizerSha256());
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("rate", o.fimRate());
    f.put("spm_rate", o.fimSpmRate());
    f.put("documents", s.fimDocuments());
    f.put("seed", o.seed());
    if (fim != null) {
      f.put("prefix_id", fim[0]);
      f.put("middle_id", fim[1]);
      f.put("suffix_id", fim[2]);
    }
    f.put("psm", "<fim_prefix> prefix <fim_suffix> suffix <fim_middle> middle");
    f.put("spm", "<fim_prefix> <fim_suffix> suffix <fim_middle> prefix middle");
    m.put("fim", f);
    m.put("split", Map.of("by", "path_hash", "val_fraction", o.valFraction()));
    m.put("document_index", Map.of("train", "train.docs.bin", "val", "val.docs.bin",
        "format", "int64 little-endian start offset (in tokens) of each document; each document ends with eos_id; pad_id fills the last sequence"));
    return m;
  }
}
