package dev.anneal.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prepared dataset folder written directly (train.bin, val.bin, document indexes, meta.json),
 * holding documents that repeat a short pattern: a model learns it within tens of steps.
 */
public final class TinyDataset {
  public static final int VOCAB = 64;
  public static final int EOS = 1;
  public static final int PAD = 0;

  private TinyDataset() {}

  public static Path write(Path dir, int seqLen, int trainDocs, int valDocs) throws IOException {
    Files.createDirectories(dir);
    long train = shard(dir, "train", seqLen, trainDocs, 11);
    long val = shard(dir, "val", seqLen, valDocs, 97);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("vocab_size", VOCAB);
    meta.put("dtype", "uint16");
    meta.put("seq_len", seqLen);
    meta.put("train_tokens", train);
    meta.put("val_tokens", val);
    meta.put("train_documents", trainDocs);
    meta.put("val_documents", valDocs);
    meta.put("eos_id", EOS);
    meta.put("pad_id", PAD);
    new ObjectMapper().writeValue(dir.resolve("meta.json").toFile(), meta);
    return dir;
  }

  /** Documents of 20–40 tokens counting up from a start (mod the vocabulary), then EOS. */
  private static long shard(Path dir, String name, int seqLen, int docs, int seed)
      throws IOException {
    java.util.Random rnd = new java.util.Random(seed);
    java.util.List<Integer> tokens = new java.util.ArrayList<>();
    long[] starts = new long[docs];
    for (int d = 0; d < docs; d++) {
      starts[d] = tokens.size();
      int len = 20 + rnd.nextInt(21);
      int first = 2 + rnd.nextInt(VOCAB - 2);
      for (int i = 0; i < len; i++) tokens.add(2 + (first + i) % (VOCAB - 2));
      tokens.add(EOS);
    }
    while (tokens.size() % seqLen != 0) tokens.add(PAD);
    ByteBuffer b = ByteBuffer.allocate(tokens.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int t : tokens) b.putShort((short) t);
    Files.write(dir.resolve(name + ".bin"), b.array());
    ByteBuffer s = ByteBuffer.allocate(docs * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long st : starts) s.putLong(st);
    Files.write(dir.resolve(name + ".docs.bin"), s.array());
    return tokens.size();
  }

  /** A preset small enough to train tens of steps in seconds on a CPU. */
  public static String preset(String name, String family, int steps) {
    String model =
        family.equals("gpt2")
            ? "{family: gpt2, layers: 2, hidden: 32, heads: 4, vocab: 64, context: 32}"
            : "{family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 64, context: 32}";
    return "name: "
        + name
        + "\n"
        + "model: "
        + model
        + "\n"
        + "training: {steps: "
        + steps
        + ", micro_batch: 4, accumulation: 2, seq_len: 16, lr: 1.0e-2,"
        + " min_lr: 1.0e-3, warmup_steps: 5, log_every: 1, eval_every: 10, checkpoint_every: 5,"
        + " keep_last: 2, seed: 7}\n"
        + "hardware: {device: cpu, memory_gb: 4}\n";
  }
}
