package dev.anneal.ui.compare;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.Improvement;
import dev.anneal.ui.fx.WorkspacePaths;
import java.nio.file.Path;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The evaluation pane of the Compare view: the source to evaluate on (a dataset folder, for its val
 * split, or a text file), both models' loss and perplexity on it, the improvement tuning made, and
 * each token's two losses with what colours them. Filled on the FX thread from a {@link
 * PairEvaluation} that a worker computed.
 */
public final class CompareEvaluation {
  /** What the per-token text is coloured by. */
  public enum ColourBy {
    BASE,
    TUNED,
    DIFFERENCE
  }

  /**
   * One token of the text with both models' losses (nats); NaN losses for the first token, which
   * nothing predicts.
   */
  public record TokenDiff(String text, double baseLoss, double tunedLoss) {
    /** Negative where tuning helped. */
    public double delta() {
      return tunedLoss - baseLoss;
    }
  }

  private final Path workspace;
  private final StringProperty source = new SimpleStringProperty("");
  private final StringProperty baseLoss = new SimpleStringProperty("–");
  private final StringProperty tunedLoss = new SimpleStringProperty("–");
  private final StringProperty improvement = new SimpleStringProperty("");
  private final ObjectProperty<ColourBy> colourBy = new SimpleObjectProperty<>(ColourBy.DIFFERENCE);
  private final ObservableList<TokenDiff> perToken = FXCollections.observableArrayList();

  CompareEvaluation(Path workspace) {
    this.workspace = workspace;
  }

  /** A file or folder as the source field shows it: relative inside the workspace. */
  public String shown(Path p) {
    return WorkspacePaths.shown(workspace, p);
  }

  /** Empties the figures and the per-token text while a new evaluation runs. */
  void clear() {
    perToken.clear();
    baseLoss.set("–");
    tunedLoss.set("–");
    improvement.set("");
  }

  /** Both losses and perplexities, the improvement and the tokens of a finished evaluation. */
  void show(PairEvaluation e) {
    EvalResult b = e.base(), t = e.tuned();
    baseLoss.set(
        String.format(Locale.ROOT, "loss %.4f · perplexity %.3f", b.meanLoss(), b.perplexity()));
    tunedLoss.set(
        String.format(Locale.ROOT, "loss %.4f · perplexity %.3f", t.meanLoss(), t.perplexity()));
    improvement.set(
        "Loss improvement: "
            + Improvement.format(Improvement.percent(b.meanLoss(), t.meanLoss()))
            + " · Perplexity improvement: "
            + Improvement.format(Improvement.percent(b.perplexity(), t.perplexity())));
    perToken.setAll(e.diffs());
  }

  /**
   * The status line for a finished evaluation: the tokens counted, and when the tokenizers differ
   * that there is no per-token difference.
   */
  static String summary(PairEvaluation e) {
    return String.format(
        Locale.ROOT,
        "Evaluated %,d tokens%s.",
        e.base().counted(),
        e.comparable() || e.base().tokens().isEmpty()
            ? ""
            : " (different tokenizers: no per-token difference)");
  }

  public StringProperty sourceProperty() {
    return source;
  }

  public StringProperty baseLossProperty() {
    return baseLoss;
  }

  public StringProperty tunedLossProperty() {
    return tunedLoss;
  }

  public StringProperty improvementProperty() {
    return improvement;
  }

  public ObjectProperty<ColourBy> colourByProperty() {
    return colourBy;
  }

  public ObservableList<TokenDiff> perToken() {
    return perToken;
  }
}
