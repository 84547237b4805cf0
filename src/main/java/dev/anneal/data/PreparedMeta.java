package dev.anneal.data;

import dev.anneal.io.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code meta.json} that {@link DatasetPreparer} writes beside the token shards. */
final class PreparedMeta {
  private PreparedMeta() {}

  /**
   * @param fim the prefix, middle and suffix ids, or null when the tokenizer has none
   * @param trainPadding pad tokens that fill the train shard's last sequence (val likewise)
   */
  static Map<String, Object> of(
      DatasetPreparer.Summary s,
      PrepareOptions o,
      int[] fim,
      int eos,
      int pad,
      int bos,
      long trainPadding,
      long valPadding,
      List<String> valLanguages) {
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
    m.put("padding_tokens", JsonObject.of("train", trainPadding, "val", valPadding));
    m.put("eos_id", eos);
    m.put("pad_id", pad);
    m.put("bos_id", bos);
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
    m.put(
        "split",
        JsonObject.of(
            "by", "path_hash (chat samples: path and line)", "val_fraction", o.valFraction()));
    m.put(
        "document_index",
        JsonObject.of(
            "train",
            "train.docs.bin",
            "val",
            "val.docs.bin",
            "format",
            "int64 little-endian start offset (in tokens) of each document; each document ends with eos_id; pad_id fills the last sequence"));
    m.put("loss_mask", lossMask(s.lossMask()));
    m.put(
        "val_languages",
        JsonObject.of(
            "file",
            DatasetPreparer.VAL_LANGUAGES,
            "names",
            valLanguages,
            "format",
            "uint8 per document of val.docs.bin, in its order: the index of the document's language in names"));
    return m;
  }

  /** meta.json's {@code loss_mask}: null when every token but the padding trains. */
  private static Map<String, Object> lossMask(DatasetPreparer.LossMask l) {
    if (l == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("train", "train.mask.bin");
    m.put("val", "val.mask.bin");
    m.put(
        "format",
        "uint8 per token of the shard: 1 where the token is a target that carries loss "
            + "(assistant turns of chat documents, every token of other documents and their eos), 0 "
            + "where it is not (prompts, template markers, the eos of chat documents, padding)");
    m.put("chat_template", l.chatTemplate());
    m.put("chat_documents", l.chatDocuments());
    m.put("trained_tokens", JsonObject.of("train", l.trainTrained(), "val", l.valTrained()));
    m.put("masked_tokens", JsonObject.of("train", l.trainMasked(), "val", l.valMasked()));
    return m;
  }
}
