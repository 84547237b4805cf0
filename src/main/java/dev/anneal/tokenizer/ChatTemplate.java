package dev.anneal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.anneal.data.sample.ChatMessage;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer's chat template: the Jinja template of a Hugging Face {@code tokenizer_config.json}
 * ({@code chat_template}), rendered by Jinjava, or Anneal's default (ChatML) for a tokenizer
 * without one. Besides rendering a conversation it cuts it into the spans that are trained (each
 * assistant turn, with what the template closes it with) and the spans that are not.
 *
 * <p>The spans come from rendering prefixes of the conversation, as Hugging Face's {@code
 * generation} markers would but without needing them: turn {@code i} of the assistant starts where
 * {@code messages[:i]} rendered with the generation prompt ends, and ends where {@code
 * messages[:i+1]} rendered ends. A template whose output for a prefix is not a prefix of the whole
 * is refused.
 */
public final class ChatTemplate {
  /** Where a tokenizer's template lives, beside its {@code tokenizer.json}. */
  public static final String CONFIG = "tokenizer_config.json";

  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";

  /**
   * Anneal's default: ChatML (as Qwen and many others use), each turn {@code <|im_start|>ROLE\n
   * CONTENT<|im_end|>\n}; the generation prompt is {@code <|im_start|>assistant\n}.
   */
  public static final String CHATML =
      "{% for message in messages %}"
          + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
          + "{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  /** A piece of a rendered conversation: its text, and whether its tokens carry loss. */
  public record Segment(String text, boolean trained) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  // Python string methods templates call, and the Java methods Jinjava can call instead.
  private static final Map<String, String> PYTHON_METHODS =
      Map.of(
          ".startswith(",
          ".startsWith(",
          ".endswith(",
          ".endsWith(",
          ".lstrip()",
          ".stripLeading()",
          ".rstrip()",
          ".stripTrailing()",
          ".lower()",
          ".toLowerCase()",
          ".upper()",
          ".toUpperCase()");

  private final String template;
  private final String source;
  private final Map<String, Object> tokens;
  private final Jinjava jinja;

  private ChatTemplate(String template, String source, Map<String, Object> tokens) {
    String t = template;
    for (var e : PYTHON_METHODS.entrySet()) t = t.replace(e.getKey(), e.getValue());
    this.template = t;
    this.source = source;
    this.tokens = tokens;
    this.jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(false).build());
    jinja.getGlobalContext().registerFunction(new ElRaise());
  }

  /** Anneal's default ChatML template. */
  public static ChatTemplate chatMl() {
    return new ChatTemplate(
        CHATML, "Anneal's default (ChatML)", Map.of("bos_token", "", "eos_token", IM_END));
  }

  /** A template given as text (tests, a user's own). */
  public static ChatTemplate of(String template, String bosToken, String eosToken) {
    return new ChatTemplate(
        template, "given", Map.of("bos_token", bosToken, "eos_token", eosToken));
  }

  /**
   * The template of the tokenizer at {@code tokenizerJson}: its {@code tokenizer_config.json}'s
   * {@code chat_template} (a string, or a list of named templates: "default" or the first), else
   * Anneal's default.
   */
  public static ChatTemplate forTokenizer(Path tokenizerJson) throws IOException {
    Path config = tokenizerJson.resolveSibling(CONFIG);
    if (!Files.isRegularFile(config)) return chatMl();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(config.toFile());
    } catch (IOException e) {
      throw new IOException(
          config + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    JsonNode t = root.get("chat_template");
    if (t == null || t.isNull()) return chatMl();
    String text = null;
    if (t.isTextual()) {
      text = t.asText();
    } else if (t.isArray()) {
      for (JsonNode named : t) {
        if (text == null || named.path("name").asText().equals("default")) {
          text = named.path("template").asText(null);
        }
      }
    }
    if (text == null)
      throw new IOException(
          config + ": chat_template is neither a string nor a list of {name, template}");
    Map<String, Object> tokens = new HashMap<>();
    for (String name : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
      JsonNode v = root.get(name);
      String s = v == null ? "" : v.isTextual() ? v.asText() : v.path("content").asText("");
      tokens.put(name, s);
    }
    return new ChatTemplate(text, config.toString(), tokens);
  }

  /**
   * Writes a {@code tokenizer_config.json} beside an Anneal tokenizer: the default template and the
   * names of its special tokens, as Hugging Face tools read them.
   */
  public static void writeDefaultConfig(Path tokenizerJson) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokenizer_class", "PreTrainedTokenizerFast");
    m.put("bos_token", SpecialTokens.BOS);
    m.put("eos_token", SpecialTokens.EOS);
    m.put("pad_token", SpecialTokens.PAD);
    m.put("model_max_length", 1_000_000_000);
    m.put("chat_template", CHATML);
    AtomicFiles.writeString(
        tokenizerJson.resolveSibling(CONFIG), JSON.writeValueAsString(m) + "\n");
  }

  /** Where the template came from: the config file, or Anneal's default. */
  public String source() {
    return source;
  }

  /**
   * The conversation as text.
   *
   * @param addGenerationPrompt end with what opens an assistant turn (to prompt a model)
   * @throws IllegalArgumentException the template raised an error or cannot be rendered
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ChatMessage m : messages) list.add(Map.of("role", m.role(), "content", m.content()));
    Map<String, Object> ctx = new HashMap<>(tokens);
    ctx.put("messages", list);
    ctx.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r = jinja.renderForResult(template, ctx);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == com.hubspot.jinjava.interpret.TemplateError.ErrorType.FATAL) {
        throw new IllegalArgumentException("chat template (" + source + "): " + message(e));
      }
    }
    return r.getOutput();
  }

  /** The rendered conversation cut into trained (assistant) and untrained spans, in order. */
  public List<Segment> segments(List<ChatMessage> messages) {
    String whole = render(messages, false);
    List<Segment> out = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (!messages.get(i).isAssistant()) continue;
      int start = prefixLength(whole, messages.subList(0, i), true, i);
      int end = prefixLength(whole, messages.subList(0, i + 1), false, i);
      if (start < at || end < start) throw notIncremental(i);
      if (start > at) out.add(new Segment(whole.substring(at, start), false));
      if (end > start) out.add(new Segment(whole.substring(start, end), true));
      at = end;
    }
    if (at < whole.length()) out.add(new Segment(whole.substring(at), false));
    return out;
  }

  private int prefixLength(String whole, List<ChatMessage> prefix, boolean generation, int turn) {
    String p = prefix.isEmpty() && !generation ? "" : render(prefix, generation);
    if (!whole.startsWith(p)) throw notIncremental(turn);
    return p.length();
  }

  private IllegalArgumentException notIncremental(int turn) {
    return new IllegalArgumentException(
        "chat template ("
            + source
            + "): rendering the conversation up to "
            + "messages["
            + turn
            + "] does not give a prefix of the whole, so the assistant's tokens cannot be found");
  }

  private static String message(TemplateError e) {
    Throwable t = e.getException();
    while (t != null) {
      if (t instanceof TemplateRaised raised) return raised.getMessage();
      t = t.getCause();
    }
    return e.getMessage();
  }

  /** What a template's {@code raise_exception(message)} throws. */
  static final class TemplateRaised extends RuntimeException {
    TemplateRaised(String message) {
      super(message);
    }
  }

  /** Templates call {@code raise_exception(message)} to refuse a conversation. */
  public static String raiseException(String message) {
    throw new TemplateRaised(message);
  }

  private static final class ElRaise extends ELFunctionDefinition {
    ElRaise() {
      super("", "raise_exception", ChatTemplate.class, "raiseException", String.class);
    }
  }
}
