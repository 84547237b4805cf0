package dev.anneal.data.sample;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads instruction samples from JSON: {@code {"messages": [{"role", "content"}, ...]}} or {@code
 * {"prompt", "response"}} (with an optional {@code "system"}). A sample needs at least one
 * assistant turn, since only those are trained.
 */
public final class ChatMessages {
  private ChatMessages() {}

  /** Whether a JSONL line's object is an instruction sample rather than {@code text}. */
  public static boolean isInstruction(JsonNode n) {
    return n != null && (n.has("messages") || n.has("prompt") || n.has("response"));
  }

  /** What is wrong with an instruction object, naming the field; null when it is fine. */
  public static String problem(JsonNode n) {
    if (n == null) return "field 'messages' is missing";
    if (n.isArray()) return messagesProblem(n);
    if (n.has("messages")) return messagesProblem(n.get("messages"));
    for (String f : List.of("prompt", "response")) {
      if (!n.path(f).isTextual()) return "field '" + f + "' is missing or not a string";
    }
    if (n.has("system") && !n.get("system").isTextual()) return "field 'system' is not a string";
    return null;
  }

  private static String messagesProblem(JsonNode a) {
    if (!a.isArray() || a.isEmpty()) return "field 'messages' is not a non-empty array";
    boolean assistant = false;
    for (int i = 0; i < a.size(); i++) {
      JsonNode m = a.get(i);
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ChatMessage.ROLES.contains(role.asText())) {
        return "messages[" + i + "].role must be one of system, user, assistant, tool";
      }
      if (!m.path("content").isTextual())
        return "messages[" + i + "].content is missing or not a string";
      assistant |= role.asText().equals(ChatMessage.ASSISTANT);
    }
    return assistant ? null : "messages: no assistant turn (only assistant turns are trained)";
  }

  /** The turns of a valid instruction object (check {@link #problem} first), or of an array. */
  public static List<ChatMessage> of(JsonNode n) {
    List<ChatMessage> out = new ArrayList<>();
    JsonNode a = n.isArray() ? n : n.get("messages");
    if (a != null) {
      for (JsonNode m : a)
        out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
      return out;
    }
    if (n.path("system").isTextual()) out.add(new ChatMessage("system", n.get("system").asText()));
    out.add(new ChatMessage("user", n.get("prompt").asText()));
    out.add(new ChatMessage(ChatMessage.ASSISTANT, n.get("response").asText()));
    return out;
  }
}
