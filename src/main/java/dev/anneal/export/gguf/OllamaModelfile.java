package dev.anneal.export.gguf;

import java.nio.file.Path;

/**
 * An Ollama {@code Modelfile} beside a GGUF file: {@code FROM} the file, a Go-template {@code
 * TEMPLATE} (ChatML when the model's chat template is ChatML, else the raw prompt, as a code model
 * completes text), a {@code PARAMETER stop} per stop token and the context length. Ollama cannot
 * run a Jinja chat template, so other chat templates fall back to the raw prompt.
 */
public final class OllamaModelfile {
  public static final String NAME = "Modelfile";

  private static final String CHATML =
      """
      {{- if .System }}<|im_start|>system
      {{ .System }}<|im_end|>
      {{ end }}<|im_start|>user
      {{ .Prompt }}<|im_end|>
      <|im_start|>assistant
      """;

  private OllamaModelfile() {}

  public static String text(Path gguf, GgufVocab vocab, int context) {
    StringBuilder s = new StringBuilder();
    s.append("# Written by Anneal. Create the model with: ollama create NAME -f ")
        .append(NAME)
        .append('\n');
    s.append("FROM ./").append(gguf.getFileName()).append('\n');
    boolean chatMl = vocab.chatTemplate() != null && vocab.chatTemplate().contains("<|im_start|>");
    s.append("TEMPLATE \"\"\"").append(chatMl ? CHATML : "{{ .Prompt }}").append("\"\"\"\n");
    for (String stop : vocab.stopTokens())
      s.append("PARAMETER stop \"").append(quote(stop)).append("\"\n");
    s.append("PARAMETER num_ctx ").append(context).append('\n');
    return s.toString();
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
