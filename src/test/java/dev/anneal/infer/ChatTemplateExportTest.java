package dev.anneal.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.sample.ChatMessage;
import dev.anneal.tokenizer.ChatTemplate;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exported Hugging Face folder keeps the chat template of the tokenizer it was trained with. */
class ChatTemplateExportTest {
  @TempDir Path tmp;

  @Test
  void theHfFolderCarriesTheTokenizersChatTemplate() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    ChatTemplate.writeDefaultConfig(tok);
    Path model = InferFixtures.hfModel(tmp.resolve("model"), tok, 3);
    var config = new ObjectMapper().readTree(model.resolve(ChatTemplate.CONFIG).toFile());
    assertThat(config.path("chat_template").asText()).isEqualTo(ChatTemplate.CHATML);
    assertThat(config.path("tokenizer_class").asText()).isEqualTo("PreTrainedTokenizerFast");
    ChatTemplate t = ChatTemplate.forTokenizer(model.resolve("tokenizer.json"));
    assertThat(t.source()).isEqualTo(model.resolve(ChatTemplate.CONFIG).toString());
    assertThat(t.render(List.of(new ChatMessage("user", "hi")), true))
        .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  }
}
