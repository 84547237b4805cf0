package dev.anneal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.data.sample.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat templates rendered by Jinjava against outputs of Python's Jinja2 3.1, and cut into spans.
 */
class ChatTemplateTest {
  @TempDir Path tmp;

  static final List<ChatMessage> CONVERSATION =
      List.of(
          new ChatMessage("system", "You help."),
          new ChatMessage("user", " Fix it "),
          new ChatMessage("assistant", "Done. "),
          new ChatMessage("user", "Thanks"),
          new ChatMessage("assistant", "OK"));

  // Meta Llama 3's template, as its tokenizer_config.json has it.
  static final String LLAMA3 =
      "{% set loop_messages = messages %}{% for message in loop_messages %}"
          + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
          + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

  @Test
  void chatMlSpansAreTheAssistantTurnsWithTheirEndMarker() {
    var segments = ChatTemplate.chatMl().segments(CONVERSATION);
    assertThat(segments)
        .containsExactly(
            new ChatTemplate.Segment(
                "<|im_start|>system\nYou help.<|im_end|>\n<|im_start|>user\n Fix it <|im_end|>\n<|im_start|>assistant\n",
                false),
            new ChatTemplate.Segment("Done. <|im_end|>\n", true),
            new ChatTemplate.Segment(
                "<|im_start|>user\nThanks<|im_end|>\n<|im_start|>assistant\n", false),
            new ChatTemplate.Segment("OK<|im_end|>\n", true));
    assertThat(ChatTemplate.chatMl().render(CONVERSATION.subList(0, 2), true))
        .endsWith("<|im_start|>user\n Fix it <|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void llama3FromTokenizerConfigRendersAsJinja2Does() throws Exception {
    Path tok = tmp.resolve("tokenizer.json");
    Files.writeString(
        tmp.resolve("tokenizer_config.json"),
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(
                java.util.Map.of(
                    "chat_template",
                    LLAMA3,
                    "bos_token",
                    java.util.Map.of("content", "<|begin_of_text|>"),
                    "eos_token",
                    "<|eot_id|>")));
    ChatTemplate t = ChatTemplate.forTokenizer(tok);
    assertThat(t.render(CONVERSATION, false))
        .isEqualTo(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou help.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nFix it<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nDone.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nThanks<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nOK<|eot_id|>");
    assertThat(
            t.segments(CONVERSATION).stream()
                .filter(ChatTemplate.Segment::trained)
                .map(ChatTemplate.Segment::text))
        .containsExactly("Done.<|eot_id|>", "OK<|eot_id|>");
  }

  @Test
  void pythonStringMethodsAndRaiseException() {
    ChatTemplate t =
        ChatTemplate.of(
            "{{ bos_token }}{% for m in messages %}"
                + "{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate') }}{% endif %}"
                + "{% if m.content.startswith('!') %}{{ m.content.lstrip().upper() }}{% else %}{{ '[' + m.role + '] ' + m.content.strip() }}{% endif %}"
                + "{% endfor %}",
            "<s>", "</s>");
    assertThat(
            t.render(
                List.of(new ChatMessage("user", " a "), new ChatMessage("assistant", "!b")), false))
        .isEqualTo("<s>[user] a!B");
    assertThatThrownBy(() -> t.render(List.of(new ChatMessage("assistant", "x")), false))
        .hasMessageContaining("Conversation roles must alternate");
  }

  @Test
  void aTemplateThatRewritesEarlierTurnsIsRefused() {
    // Drops every assistant turn but the last: a prefix does not render as a prefix of the whole.
    ChatTemplate t =
        ChatTemplate.of(
            "{% for m in messages %}{% if m.role != 'assistant' or loop.last %}"
                + "{{ m.role }}: {{ m.content }}\n{% endif %}{% endfor %}",
            "", "");
    assertThatThrownBy(() -> t.segments(CONVERSATION)).hasMessageContaining("messages[2]");
  }

  @Test
  void annealTokenizersGetTheDefaultTemplateBesideThem() throws Exception {
    Path tok = tmp.resolve("tokenizer.json");
    ChatTemplate.writeDefaultConfig(tok);
    ChatTemplate t = ChatTemplate.forTokenizer(tok);
    assertThat(t.source()).endsWith("tokenizer_config.json");
    assertThat(t.render(CONVERSATION, false))
        .isEqualTo(ChatTemplate.chatMl().render(CONVERSATION, false));
    assertThat(ChatTemplate.forTokenizer(tmp.resolve("none/tokenizer.json")).source())
        .isEqualTo(ChatTemplate.chatMl().source());
  }

  @Test
  void aChatPromptIsTheUsersTurnAndTheGenerationPrompt() throws Exception {
    Path ds = Files.createDirectories(tmp.resolve("ds"));
    Files.writeString(ds.resolve("samples.jsonl"), "{\"text\": \"hello world, hello chat\"}\n");
    Path tok = ds.resolve("tokenizer.json");
    TokenizerTrainer.train(
        ds, 300, tok, dev.anneal.task.ProgressListener.NONE, dev.anneal.task.Cancellation.none());
    try (TextTokenizer t = TextTokenizer.load(tok.toString())) {
      var p = dev.anneal.infer.Prompt.chat("hello");
      assertThat(p.rendered(t))
          .isEqualTo("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n");
      int[] ids = p.encode(t);
      assertThat(ids[0]).isEqualTo(t.idOf(List.of(ChatTemplate.IM_START)));
      assertThat(t.decode(ids)).isEqualTo(p.rendered(t));
    }
  }
}
