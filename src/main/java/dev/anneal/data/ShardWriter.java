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
 * the end to a whole number of sequences. Tokens are little-endian uint16 or uint32; the document
 * index ({@code NAME.docs.bin}) holds each document's start offset as a little-endian int64. With a
 * loss mask, {@code NAME.mask.bin} holds one byte per token: 1 where the token is a target that
 * carries loss, 0 where it does not (prompts, template markers, padding). The files are written
 * under temporary names and renamed by {@link #commit()}.
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
  private final Path maskTarget; // null: no loss mask
  private final Path maskTmp;
  private final FileChannel maskChannel;
  private final OutputStream mask;
  private byte[] bytes = new byte[1 << 14]; // one document's tokens, little-endian
  private byte[] flags = new byte[1 << 12]; // one document's loss-mask bytes
  private long trained;
  private long tokens;
  private long documents;
  private long padding;
  private boolean committed;

  /** A shard without a loss mask. */
  ShardWriter(Path dir, String name, boolean wide, int eos) throws IOException {
    this(dir, name, wide, eos, false);
  }

  ShardWriter(Path dir, String name, boolean wide, int eos, boolean withMask) throws IOException {
    this.target = dir.resolve(name + ".bin");
    this.docsTarget = dir.resolve(name + ".docs.bin");
    this.tmp = Files.createTempFile(dir, "." + name + ".bin.tmp-", "");
    this.docsTmp = Files.createTempFile(dir, "." + name + ".docs.bin.tmp-", "");
    this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
    this.docsChannel = FileChannel.open(docsTmp, StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
    this.docs =
        new DataOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(docsChannel), 1 << 16));
    this.wide = wide;
    this.eos = eos;
    this.maskTarget = withMask ? dir.resolve(name + ".mask.bin") : null;
    this.maskTmp = withMask ? Files.createTempFile(dir, "." + name + ".mask.bin.tmp-", "") : null;
    this.maskChannel = withMask ? FileChannel.open(maskTmp, StandardOpenOption.WRITE) : null;
    this.mask =
        withMask ? new BufferedOutputStream(Channels.newOutputStream(maskChannel), 1 << 18) : null;
  }

  /** Appends one document and its EOS, every token trained. */
  void add(int[] ids) throws IOException {
    add(ids, null, true);
  }

  /**
   * Appends one document and its EOS.
   *
   * @param trainedIds per token of {@code ids}, 1 where it carries loss; null: all of them
   * @param eosTrained whether the EOS after the document carries loss
   */
  void add(int[] ids, byte[] trainedIds, boolean eosTrained) throws IOException {
    docs.writeLong(Long.reverseBytes(tokens));
    documents++;
    // The document's bytes made here and written at once: a stream call per byte, each taking the
    // stream's lock, was a quarter of a prepare.
    int n = ids.length + 1;
    int width = wide ? 4 : 2;
    if (bytes.length < n * width) bytes = new byte[Math.max(n * width, 2 * bytes.length)];
    for (int i = 0; i < n; i++) {
      int id = i < ids.length ? ids[i] : eos;
      int at = i * width;
      bytes[at] = (byte) id;
      bytes[at + 1] = (byte) (id >>> 8);
      if (wide) {
        bytes[at + 2] = (byte) (id >>> 16);
        bytes[at + 3] = (byte) (id >>> 24);
      }
    }
    out.write(bytes, 0, n * width);
    if (mask != null) {
      if (flags.length < n) flags = new byte[Math.max(n, 2 * flags.length)];
      for (int i = 0; i < ids.length; i++)
        flags[i] = (byte) (trainedIds == null ? 1 : trainedIds[i] != 0 ? 1 : 0);
      flags[ids.length] = (byte) (eosTrained ? 1 : 0);
      for (int i = 0; i < n; i++) trained += flags[i];
      mask.write(flags, 0, n);
    }
    tokens += n;
  }

  /** Pads with {@code pad} to a multiple of {@code seqLen} (the trainer reads whole sequences). */
  void finish(int seqLen, int pad) throws IOException {
    long rem = tokens % seqLen;
    if (rem != 0) {
      for (long k = rem; k < seqLen; k++) {
        put(pad, false);
        padding++;
      }
    }
  }

  private void put(int id, boolean trains) throws IOException {
    if (mask != null) mask.write(trains ? 1 : 0);
    if (trains) trained++;
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

  /** Tokens that carry loss (with no mask: all but the padding). */
  long trained() {
    return mask == null ? tokens - padding : trained;
  }

  /** Flushes, syncs and renames both files into place. */
  void commit() throws IOException {
    out.flush();
    docs.flush();
    channel.force(true);
    docsChannel.force(true);
    channel.close();
    docsChannel.close();
    if (mask != null) {
      mask.flush();
      maskChannel.force(true);
      maskChannel.close();
    }
    move(tmp, target);
    move(docsTmp, docsTarget);
    if (mask != null) move(maskTmp, maskTarget);
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
      if (maskChannel != null) maskChannel.close();
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(docsTmp);
      if (maskTmp != null) Files.deleteIfExists(maskTmp);
    }
  }
}
