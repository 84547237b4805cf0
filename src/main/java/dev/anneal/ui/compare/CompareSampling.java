package dev.anneal.ui.compare;

import dev.anneal.infer.Prompt;
import dev.anneal.infer.PromptLibrary.SavedPrompt;
import dev.anneal.infer.SamplingSettings;
import dev.anneal.tokenizer.ChatTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The sampling form of the Compare view, shared by both models: the prompt (plain, a chat message,
 * or fill in the middle with its suffix; chat and FIM exclude each other) and the settings:
 * temperature, top-k, top-p, repetition penalty, max tokens, stop texts and seed. {@link
 * #settings()} checks them and {@link #toPrompt()} says what is sent. Read on the FX thread.
 */
public final class CompareSampling {
  private final StringProperty prompt = new SimpleStringProperty("");
  private final StringProperty suffix = new SimpleStringProperty("");
  private final BooleanProperty fim = new SimpleBooleanProperty(false);
  private final BooleanProperty chat = new SimpleBooleanProperty(false);
  private final DoubleProperty temperature = new SimpleDoubleProperty(0.7);
  private final IntegerProperty topK = new SimpleIntegerProperty(50);
  private final DoubleProperty topP = new SimpleDoubleProperty(0.95);
  private final DoubleProperty repetitionPenalty = new SimpleDoubleProperty(1.0);
  private final IntegerProperty maxTokens = new SimpleIntegerProperty(128);
  private final StringProperty stop = new SimpleStringProperty("");
  private final LongProperty seed = new SimpleLongProperty(42);

  CompareSampling() {
    chat.addListener(
        (o, was, on) -> {
          if (on) fim.set(false);
        });
    fim.addListener(
        (o, was, on) -> {
          if (on) chat.set(false);
        });
  }

  /** Fills the prompt, its suffix and whether it is a chat from a library entry. */
  public void usePrompt(SavedPrompt p) {
    prompt.set(p.text());
    chat.set(p.sendsAsChat());
    fim.set(p.suffix() != null);
    suffix.set(p.suffix() == null ? "" : p.suffix());
  }

  /** The form's prompt as a library entry under {@code name}. */
  SavedPrompt saved(String name) {
    return new SavedPrompt(
        name, prompt.get(), fim.get() ? suffix.get() : null, chat.get() ? Boolean.TRUE : null);
  }

  /**
   * The settings as the generator takes them; a chat also stops at the end of the assistant's turn.
   *
   * @throws IllegalArgumentException naming a setting out of range
   */
  public SamplingSettings settings() {
    List<String> stops =
        stop.get().isEmpty()
            ? List.of()
            : Arrays.stream(stop.get().split("\\|")).map(s -> s.replace("\\n", "\n")).toList();
    if (chat.get() && !stops.contains(ChatTemplate.IM_END)) {
      stops = new ArrayList<>(stops);
      stops.add(ChatTemplate.IM_END); // the end of the assistant's turn in the default template
    }
    return new SamplingSettings(
        temperature.get(),
        topK.get(),
        topP.get(),
        repetitionPenalty.get(),
        maxTokens.get(),
        stops,
        seed.get());
  }

  /** What is sent: a chat message, a fill in the middle, or the plain text. */
  Prompt toPrompt() {
    return chat.get()
        ? Prompt.chat(prompt.get())
        : fim.get() ? Prompt.fim(prompt.get(), suffix.get()) : Prompt.of(prompt.get());
  }

  public StringProperty promptProperty() {
    return prompt;
  }

  public StringProperty suffixProperty() {
    return suffix;
  }

  public BooleanProperty fimProperty() {
    return fim;
  }

  /** The prompt is a user's message sent through the model's chat template (not with FIM). */
  public BooleanProperty chatProperty() {
    return chat;
  }

  public DoubleProperty temperatureProperty() {
    return temperature;
  }

  public IntegerProperty topKProperty() {
    return topK;
  }

  public DoubleProperty topPProperty() {
    return topP;
  }

  public DoubleProperty repetitionPenaltyProperty() {
    return repetitionPenalty;
  }

  public IntegerProperty maxTokensProperty() {
    return maxTokens;
  }

  public StringProperty stopProperty() {
    return stop;
  }

  public LongProperty seedProperty() {
    return seed;
  }
}
