package dev.anneal.cli;

import dev.anneal.infer.Prompt;
import dev.anneal.infer.SamplingSettings;
import dev.anneal.tokenizer.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The prompt and sampling options {@code generate} and {@code compare} share. */
final class SamplingOptions {
  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "CPU threads (default: 1 for models under 100M parameters, whose token-by-token decoding is latency-bound; else all cores).")
  int threads;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description = "The text to continue (the prefix, with --suffix).")
  String prompt;

  @Option(
      names = "--suffix",
      paramLabel = "TEXT",
      description =
          "Fill in the middle: the text after the hole (needs a tokenizer with FIM tokens).")
  String suffix;

  @Option(
      names = "--chat",
      description =
          "Send the prompt as a user's message through the model's chat template (tokenizer_config.json, else ChatML); stops at <|im_end|>.")
  boolean chat;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "128",
      description = "New tokens at most (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0.7",
      description = "0 for greedy (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "50",
      description = "Keep the K likeliest tokens, 0 for all (default ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "0.95",
      description = "Nucleus sampling, 1 for off (default ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--repetition-penalty",
      paramLabel = "R",
      defaultValue = "1.0",
      description = "1 for off (default ${DEFAULT-VALUE}).")
  double repetitionPenalty;

  @Option(
      names = "--stop",
      paramLabel = "TEXT",
      description = "End the output at this text (repeatable).")
  List<String> stop = new ArrayList<>();

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description = "The same seed gives the same text (default ${DEFAULT-VALUE}).")
  long seed;

  SamplingSettings settings() {
    List<String> stops = new ArrayList<>(stop.stream().map(SamplingOptions::unescape).toList());
    if (chat && !stops.contains(ChatTemplate.IM_END)) stops.add(ChatTemplate.IM_END);
    return new SamplingSettings(temperature, topK, topP, repetitionPenalty, maxTokens, stops, seed);
  }

  Prompt toPrompt() {
    String text = unescape(prompt);
    if (chat && suffix != null)
      throw new IllegalArgumentException("--chat and --suffix do not go together");
    if (chat) return Prompt.chat(text);
    return suffix == null ? Prompt.of(text) : Prompt.fim(text, unescape(suffix));
  }

  /** Shells make "\n" hard to type: accept \n and \t escapes in prompts and stop texts. */
  static String unescape(String s) {
    return s == null ? null : s.replace("\\n", "\n").replace("\\t", "\t");
  }
}
