package dev.anneal.tokenizer;

import java.util.List;

/**
 * The special tokens Anneal's trained tokenizers carry, with fixed ids at the start of the
 * vocabulary (StarCoder's layout: end-of-text 0, then the FIM markers).
 */
public final class SpecialTokens {
  public static final String EOS = "<|endoftext|>";
  public static final String FIM_PREFIX = "<fim_prefix>";
  public static final String FIM_MIDDLE = "<fim_middle>";
  public static final String FIM_SUFFIX = "<fim_suffix>";
  public static final String PAD = "<|pad|>";
  public static final String BOS = "<|startoftext|>";

  /** The turn markers of the default chat template (ChatML), see {@link ChatTemplate}. */
  public static final String IM_START = ChatTemplate.IM_START;

  public static final String IM_END = ChatTemplate.IM_END;

  /**
   * In id order: EOS = 0, FIM prefix 1, middle 2, suffix 3, PAD 4, BOS 5, chat turn start 6, end 7.
   */
  public static final List<String> ALL =
      List.of(EOS, FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX, PAD, BOS, IM_START, IM_END);

  /** Names other tokenizers use for the same roles, tried in order when loading one. */
  static final List<String> EOS_NAMES =
      List.of(EOS, "</s>", "<|end_of_text|>", "<eos>", "<|im_end|>");

  static final List<String> PAD_NAMES = List.of(PAD, "<pad>", "<|finetune_right_pad_id|>", "[PAD]");
  static final List<String> BOS_NAMES = List.of(BOS, "<s>", "<|begin_of_text|>", "<bos>");
  static final List<List<String>> FIM_NAMES =
      List.of(
          List.of(FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX),
          List.of("<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"),
          List.of("<PRE>", "<MID>", "<SUF>"),
          List.of("<｜fim▁begin｜>", "<｜fim▁end｜>", "<｜fim▁hole｜>")); // prefix, middle, suffix roles

  private SpecialTokens() {}
}
