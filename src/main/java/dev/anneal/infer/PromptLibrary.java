package dev.anneal.infer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saved prompts of a workspace, in {@code prompts.json} at its root. Until a person saves one, the
 * defaults: seed 000's comparisons (function completion, explaining code, module declarations) and
 * prompts that suit the sample workspace's Java corpus, one of them FIM, and one instruction sent
 * as a chat (for a model tuned on instruction data).
 */
public final class PromptLibrary {
  public static final String FILE = "prompts.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param suffix the text after the hole for fill-in-the-middle, or null
   * @param chat true when the text is a user's message sent through the chat template (null in
   *     files written before chats: false)
   */
  public record SavedPrompt(String name, String text, String suffix, Boolean chat) {
    public SavedPrompt(String name, String text, String suffix) {
      this(name, text, suffix, null);
    }

    public boolean sendsAsChat() {
      return Boolean.TRUE.equals(chat);
    }

    public Prompt prompt() {
      if (sendsAsChat()) return Prompt.chat(text);
      return suffix == null ? Prompt.of(text) : Prompt.fim(text, suffix);
    }
  }

  private PromptLibrary() {}

  public static List<SavedPrompt> defaults() {
    return List.of(
        // Java first: the sample workspace's corpus, which a new user's first model learns, is
        // Java.
        new SavedPrompt(
            "Java class (sample workspace)",
            "package dev.anneal.train;\n\n/** Checkpoints of a run. */\npublic final class",
            null),
        new SavedPrompt(
            "Java method (sample workspace)",
            "  /** Whether a folder holds a PEFT adapter. */\n  public static boolean",
            null),
        new SavedPrompt(
            "Function completion (Rust)",
            "// Hyperswitch payment processing\npub fn validate_payment_method",
            null),
        new SavedPrompt(
            "Explain code",
            "fn fee(amount: u64) -> u64 {\n    amount * 3 / 100\n}\n\n// Explanation: this function",
            null),
        new SavedPrompt("Module declarations", "//! Payment connectors\n\npub mod", null),
        new SavedPrompt(
            "Fill in a method body (FIM)", "  public int length() {\n    return ", ";\n  }\n"),
        new SavedPrompt(
            "Instruction (chat)",
            "Write a Rust function that returns the larger of two i32 values.",
            null,
            true));
  }

  /** The workspace's prompts, or the defaults when it has saved none. */
  public static List<SavedPrompt> load(Path workspace) throws IOException {
    Path file = workspace.resolve(FILE);
    if (!Files.isRegularFile(file)) return defaults();
    try {
      return List.copyOf(JSON.readValue(file.toFile(), new TypeReference<List<SavedPrompt>>() {}));
    } catch (IOException e) {
      throw new IOException(
          file + ": not a prompt list (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
  }

  /** Adds (or replaces by name) a prompt and writes the list atomically; returns the new list. */
  public static List<SavedPrompt> save(Path workspace, SavedPrompt prompt) throws IOException {
    List<SavedPrompt> all = new ArrayList<>(load(workspace));
    all.removeIf(p -> p.name().equals(prompt.name()));
    all.add(prompt);
    AtomicFiles.writeString(workspace.resolve(FILE), JSON.writeValueAsString(all) + "\n");
    return List.copyOf(all);
  }
}
