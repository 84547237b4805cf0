package dev.anneal.ui.compare;

import dev.anneal.infer.Generator;
import dev.anneal.infer.ModelPair;
import dev.anneal.infer.Prompt;
import dev.anneal.infer.PromptLibrary;
import dev.anneal.infer.PromptLibrary.SavedPrompt;
import dev.anneal.infer.SamplingSettings;
import dev.anneal.ui.fx.WorkspacePaths;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the Compare view: two models, one prompt and one set of settings (the
 * {@link CompareSampling} form, with the workspace's prompt library), side-by-side streaming
 * generation, and the loss of both on a val split or a file with the per-token view (the {@link
 * CompareEvaluation} pane). Models load and run as background tasks, one at a time; tokens come
 * back to the FX thread in batches, the status as its newest line.
 */
public final class CompareViewModel implements AutoCloseable {
  private record Piece(int side, String text, double tokensPerSecond) {}

  private final Path workspace;
  private final Path runsDir;
  private final TaskExecutor tasks;
  private final StringProperty baseModel = new SimpleStringProperty("");
  private final StringProperty tunedModel = new SimpleStringProperty("");
  private final StringProperty baseText = new SimpleStringProperty("");
  private final StringProperty tunedText = new SimpleStringProperty("");
  private final StringProperty baseSpeed = new SimpleStringProperty("");
  private final StringProperty tunedSpeed = new SimpleStringProperty("");
  private final StringProperty status =
      new SimpleStringProperty("Choose a base and a tuned model.");
  private final BooleanProperty busy = new SimpleBooleanProperty(false);
  private final ObservableList<SavedPrompt> prompts = FXCollections.observableArrayList();
  private final ObservableList<String> modelChoices = FXCollections.observableArrayList();

  private final ModelChoices choices;
  private final CompareSampling sampling = new CompareSampling();
  private final CompareEvaluation evaluation;

  /** The generation or evaluation running, or the last one. */
  private volatile BackgroundTask<?> current;

  /** Completes when {@link #current} has ended. */
  private volatile CompletableFuture<?> running = CompletableFuture.completedFuture(null);

  /** The loaded models: used only by one task at a time (Generate and Evaluate wait while busy). */
  private ModelPair pair;

  private String pairKey = "";

  /**
   * @param tasks runs loading, generation and evaluation off the FX thread
   */
  public CompareViewModel(Path workspace, Path runsDir, TaskExecutor tasks) {
    this.workspace = workspace;
    this.runsDir = runsDir;
    this.tasks = tasks;
    this.choices = new ModelChoices(workspace, runsDir);
    this.evaluation = new CompareEvaluation(workspace);
    try {
      prompts.setAll(PromptLibrary.load(workspace));
    } catch (IOException e) {
      prompts.setAll(PromptLibrary.defaults());
      status.set(e.getMessage());
    }
    refreshModelChoices();
    if (!prompts.isEmpty()) sampling.usePrompt(prompts.getFirst());
  }

  /** The workspace's run folders, newest first, for the model pickers. */
  public void refreshModelChoices() {
    try {
      modelChoices.setAll(choices.list());
    } catch (IOException e) {
      status.set("Cannot list " + runsDir + ": " + e.getMessage());
      modelChoices.clear();
    }
  }

  /** How a model choice reads in the pickers (see {@link ModelChoices#label}). */
  public String choiceLabel(String choice) {
    return choices.label(choice);
  }

  /** The choice a picker's text names: one whose label it is, else the text itself (a path). */
  public String choiceOf(String text) {
    if (text == null) return "";
    for (String c : modelChoices) if (choiceLabel(c).equals(text)) return c;
    return text;
  }

  private Path modelPath(String text) {
    return choices.path(text);
  }

  /** Saves the current prompt under a name in the workspace's prompt library. */
  public void savePrompt(String name) {
    if (name == null || name.isBlank()) {
      status.set("Give the prompt a name to save it.");
      return;
    }
    try {
      prompts.setAll(PromptLibrary.save(workspace, sampling.saved(name.strip())));
      status.set("Saved prompt “" + name.strip() + "”.");
    } catch (IOException e) {
      status.set(e.getMessage());
    }
  }

  /** Generates from both models side by side; texts and speeds stream into the panes. */
  public void generate() {
    if (busy.get()) return;
    SamplingSettings s;
    try {
      s = sampling.settings();
    } catch (IllegalArgumentException e) {
      status.set(e.getMessage());
      return;
    }
    Prompt p = sampling.toPrompt();
    String base = baseModel.get().strip(), tuned = tunedModel.get().strip();
    baseText.set("");
    tunedText.set("");
    baseSpeed.set("");
    tunedSpeed.set("");
    begin("Loading models…");
    start(
        BackgroundTask.of(
                "compare-generate",
                ctx -> {
                  Consumer<String> progress = ctx.latest(status::set);
                  Consumer<Piece> pieces = ctx.batched(this::showPieces);
                  ModelPair models = models(base, tuned);
                  progress.accept("Generating…");
                  return Generator.sideBySide(
                      List.of(models.base(), models.tuned()),
                      p,
                      s,
                      (side, e) -> pieces.accept(new Piece(side, e.text(), e.tokensPerSecond())),
                      ctx.cancellation());
                })
            .onSuccess(
                r ->
                    status.set(
                        String.format(
                            Locale.ROOT,
                            "Base: %d tokens (%s) · tuned: %d tokens (%s)",
                            r.get(0).tokenIds().length,
                            r.get(0).finish().id(),
                            r.get(1).tokenIds().length,
                            r.get(1).finish().id()))));
  }

  /** Stops a generation where it is; both panes keep what was written. */
  public void stop() {
    BackgroundTask<?> t = current;
    if (t != null) t.cancel();
  }

  /**
   * Loss of both models on {@link CompareEvaluation#sourceProperty()}: a prepared dataset folder
   * (its val split) or a text file (with the per-token view).
   */
  public void evaluate() {
    if (busy.get()) return;
    String source = evaluation.sourceProperty().get().strip();
    String base = baseModel.get().strip(), tuned = tunedModel.get().strip();
    if (source.isEmpty()) {
      status.set("Choose a dataset folder (its val split) or a text file to evaluate on.");
      return;
    }
    evaluation.clear();
    begin("Evaluating…");
    start(
        BackgroundTask.of(
                "compare-evaluate",
                ctx -> {
                  Consumer<String> progress = ctx.latest(status::set);
                  ModelPair models = models(base, tuned);
                  Path path = WorkspacePaths.resolve(workspace, source);
                  return PairEvaluation.of(models, path, progress, ctx.cancellation());
                })
            .onSuccess(
                e -> {
                  evaluation.show(e);
                  status.set(CompareEvaluation.summary(e));
                }));
  }

  /**
   * Runs a generation or an evaluation; a failure or a cancel ends it with one line in the status.
   */
  private void start(BackgroundTask<?> task) {
    current = task;
    running =
        tasks.execute(
            task.onFailure(status::set)
                .onCancelled(() -> status.set("Cancelled."))
                .onFinished(() -> busy.set(false)));
  }

  /** The loaded pair for these paths, loading (and closing the old one) when they changed. */
  private ModelPair models(String base, String tuned) throws IOException {
    if (base.isEmpty()) throw new IOException("Choose a base model.");
    if (tuned.isEmpty()) throw new IOException("Choose a tuned model or an adapter.");
    String key = base + "\n" + tuned;
    if (pair == null || !key.equals(pairKey)) {
      if (pair != null) pair.close();
      pair = null;
      pair = ModelPair.load(modelPath(base), modelPath(tuned), null, null);
      pairKey = key;
    }
    return pair;
  }

  private void begin(String what) {
    busy.set(true);
    status.set(what);
  }

  private void showPieces(List<Piece> batch) {
    StringBuilder b = new StringBuilder(baseText.get()), t = new StringBuilder(tunedText.get());
    for (Piece p : batch) {
      (p.side() == 0 ? b : t).append(p.text());
      (p.side() == 0 ? baseSpeed : tunedSpeed)
          .set(String.format(Locale.ROOT, "%.1f tokens/s", p.tokensPerSecond()));
    }
    baseText.set(b.toString());
    tunedText.set(t.toString());
  }

  /** Stops what is running and frees the models once it has ended. */
  @Override
  public void close() {
    BackgroundTask<?> t = current;
    if (t != null) t.cancel();
    CompletableFuture<?> before = running;
    tasks.execute(
        BackgroundTask.of(
            "compare-close",
            ctx -> {
              // The models belong to the running work until it ends.
              before.handle((v, e) -> null).join();
              if (pair != null) pair.close();
              pair = null;
              return null;
            }));
  }

  /** The prompt and the settings both models generate with. */
  public CompareSampling sampling() {
    return sampling;
  }

  /** The evaluation pane: its source, both losses and the per-token view. */
  public CompareEvaluation evaluation() {
    return evaluation;
  }

  public StringProperty baseModelProperty() {
    return baseModel;
  }

  public StringProperty tunedModelProperty() {
    return tunedModel;
  }

  public StringProperty baseTextProperty() {
    return baseText;
  }

  public StringProperty tunedTextProperty() {
    return tunedText;
  }

  public StringProperty baseSpeedProperty() {
    return baseSpeed;
  }

  public StringProperty tunedSpeedProperty() {
    return tunedSpeed;
  }

  public StringProperty statusProperty() {
    return status;
  }

  public BooleanProperty busyProperty() {
    return busy;
  }

  public ObservableList<SavedPrompt> prompts() {
    return prompts;
  }

  public ObservableList<String> modelChoices() {
    return modelChoices;
  }
}
