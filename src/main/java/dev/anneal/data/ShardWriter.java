package dev.anneal.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Packs documents into one token shard: each document's tokens then EOS, back to back, padded at
 * the end to a whole number of sequences. Tokens are little-endian uint16 or uint32; the
 * document index ({@code NAME.docs.bin}) holds each document's start offset as a little-endian
 * int64. Both files are written under temporary names and renamed by {@link #commit()}.
 */
final class ShardWriter implements AutoCloseable {
  private final Path target;
  private final Path docsTarget;
  private final Path tmp;
  private final Path docsTmp;
  private final FileChannel channel;
  private final FileChannel docsChannel;
  private final OutputStream out;
  private final DataOutputStream docs;
  private final boolean wide;
  private final int eos;
  private long tokens;
  private long documents;
  private long padding;
  private boolean committed;

  ShardWriter(Path dir, String name, boolean wide, int eos) throws IOException {
    this.target = dir.resolve(name + ".bin");
    this.docsTarget = dir.resolve(name + ".docs.bin");
    this.tmp = Files.createTempFile(dir, "." + name + ".bin.tmp-", "");
    this.docsTmp = Files.createTempFile(dir, "." + name + ".docs.bin.tmp-", "");
    this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
    this.docsChannel = FileChannel.open(docsTmp, StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
    this.docs = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(docsChannel), 1 << 16));
    this.wide = wide;
    this.eos = eos;
  }

  /** Appends one document and its EOS. */
  void add(int[] ids) throws IOException {
    docs.writeLong(Long.reverseBytes(tokens));
    documents++;
    for (int id : ids) put(id);
    put(eos);
  }

  /** Pads with {@code pad} to a multiple of {@code seqLen} (the trainer reads whole sequences). */
  void finish(int seqLen, int pad) throws IOException {
    long rem = tokens % seqLen;
    if (rem != 0) {
      for (long k = rem; k < seqLen; k++) {
        put(pad);
        padding++;
      }
    }
  }

  private void put(int id) throws IOException {
    out.write(id);
    out.write(id >>> 8);
    if (wide) {
      out.write(id >>> 16);
      out.write(id >>> 24);
    }
    tokens++;
  }

  long tokens() {
    return tokens;
  }

  long documents() {
    return documents;
  }

  long padding() {
    return padding;
  }

  /** Flushes, syncs and renames both files into place. */
  void commit() throws IOException {
    out.flush();
    docs.flush();
    channel.force(true);
    docsChannel.force(true);
    channel.close();
    docsChannel.close();
    move(tmp, target);
    move(docsTmp, docsTarget);
    committed = true;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Removes the temporary files unless committed. */
  @Override
  public void close() throws IOException {
    if (committed) return;
    try {
      channel.close();
      docsChannel.close();
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(docsTmp);
    }
  }
}
