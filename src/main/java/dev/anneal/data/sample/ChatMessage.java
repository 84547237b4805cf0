package dev.anneal.data.sample;

import java.util.List;
import java.util.Set;

/**
 * One turn of an instruction sample, as in a Hugging Face chat: {@code {"role": ..., "content":
 * ...}}. Only {@code assistant} turns carry loss when the sample is trained.
 */
public record ChatMessage(String role, String content) {
  public static final String ASSISTANT = "assistant";

  /** The roles chat templates know; anything else is refused when the sample is read. */
  public static final Set<String> ROLES = Set.of("system", "user", ASSISTANT, "tool");

  public boolean isAssistant() {
    return ASSISTANT.equals(role);
  }

  /**
   * The plain text a chat sample carries in {@code samples.jsonl}'s {@code text} field (for
   * deduplication, filters, token estimates and the code viewer): each turn headed by its role.
   */
  public static String plainText(List<ChatMessage> messages) {
    StringBuilder sb = new StringBuilder();
    for (ChatMessage m : messages) {
      if (!sb.isEmpty()) sb.append("\n\n");
      sb.append("### ").append(m.role()).append('\n').append(m.content());
    }
    return sb.toString();
  }
}
