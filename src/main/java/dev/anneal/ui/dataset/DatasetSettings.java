package dev.anneal.ui.dataset;

import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetRequest;
import dev.anneal.data.PrepareOptions;
import dev.anneal.data.ScanOptions;
import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The form of the Datasets view: sources, languages, sample kinds, token limit, dedup, FIM,
 * tokenizer and output name, with the problems that block a build (revalidated on every change) and
 * the request they make.
 */
public final class DatasetSettings {
  private final ObservableList<Path> sources = FXCollections.observableArrayList();
  private final Map<Language, BooleanProperty> languages = new EnumMap<>(Language.class);
  private final Map<SampleKind, BooleanProperty> kinds = new EnumMap<>(SampleKind.class);
  private final IntegerProperty maxTokens = new SimpleIntegerProperty(2048);
  private final BooleanProperty nearDedup = new SimpleBooleanProperty(true);
  private final DoubleProperty nearDupThreshold = new SimpleDoubleProperty(0.85);
  private final DoubleProperty fimRate = new SimpleDoubleProperty(PrepareOptions.DEFAULT_FIM_RATE);
  private final DoubleProperty fimSpmRate =
      new SimpleDoubleProperty(PrepareOptions.DEFAULT_FIM_SPM_RATE);
  private final IntegerProperty seqLen = new SimpleIntegerProperty(256);
  private final DoubleProperty valFraction =
      new SimpleDoubleProperty(PrepareOptions.DEFAULT_VAL_FRACTION);
  private final BooleanProperty trainTokenizer = new SimpleBooleanProperty(true);
  private final IntegerProperty vocabSize = new SimpleIntegerProperty(4096);
  private final StringProperty tokenizerFile = new SimpleStringProperty("");
  private final StringProperty outputName = new SimpleStringProperty("corpus");
  private final ObservableList<String> problems = FXCollections.observableArrayList();
  private final Path datasetsDir;

  public DatasetSettings(Path datasetsDir, List<Path> defaultSources) {
    this.datasetsDir = datasetsDir;
    sources.setAll(defaultSources);
    for (Language l : Language.values()) languages.put(l, new SimpleBooleanProperty(true));
    for (SampleKind k : SampleKind.values()) kinds.put(k, new SimpleBooleanProperty(true));
    List<Observable> all =
        new ArrayList<>(
            List.of(
                sources,
                maxTokens,
                nearDedup,
                nearDupThreshold,
                fimRate,
                fimSpmRate,
                seqLen,
                valFraction,
                trainTokenizer,
                vocabSize,
                tokenizerFile,
                outputName));
    all.addAll(languages.values());
    all.addAll(kinds.values());
    for (Observable o : all) o.addListener(x -> validate());
    validate();
  }

  /** Recomputes {@link #problems()}: each names the field and what is wrong. */
  public void validate() {
    List<String> p = new ArrayList<>();
    if (sources.isEmpty()) p.add("Sources: add at least one source folder");
    for (Path s : sources) if (!Files.isDirectory(s)) p.add("Sources: " + s + " is not a folder");
    if (chosen(languages).isEmpty()) p.add("Languages: choose at least one");
    if (chosen(kinds).isEmpty()) p.add("Sample kinds: choose at least one");
    if (maxTokens.get() < 16) p.add("Token limit: at least 16");
    if (nearDedup.get() && !(nearDupThreshold.get() > 0 && nearDupThreshold.get() <= 1)) {
      p.add("Near-duplicate threshold: between 0 and 1");
    }
    rate(p, "FIM rate", fimRate.get());
    rate(p, "FIM SPM share", fimSpmRate.get());
    if (seqLen.get() < 2) p.add("Sequence length: at least 2");
    if (!(valFraction.get() >= 0 && valFraction.get() < 1)) p.add("Validation share: in [0, 1)");
    if (trainTokenizer.get() && vocabSize.get() < 262)
      p.add("Vocabulary: at least 262 (256 bytes + 6 special tokens)");
    if (!trainTokenizer.get() && !Files.isRegularFile(Path.of(tokenizerFile.get().strip()))) {
      p.add("Tokenizer: choose a tokenizer.json file");
    }
    if (!outputName.get().matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
      p.add("Output name: letters, digits, '.', '_' or '-' (a folder under datasets/)");
    }
    problems.setAll(p);
  }

  private static void rate(List<String> p, String name, double v) {
    if (!(v >= 0 && v <= 1)) p.add(name + ": between 0 and 1");
  }

  private static <E extends Enum<E>> Set<E> chosen(Map<E, BooleanProperty> m) {
    return m.entrySet().stream()
        .filter(e -> e.getValue().get())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** Every value chosen means no restriction (new languages and kinds are kept too). */
  private static <E extends Enum<E>> Set<E> restriction(Map<E, BooleanProperty> m) {
    Set<E> c = chosen(m);
    return c.size() == m.size() ? Set.of() : c;
  }

  /** The build these settings describe; call only when {@link #problems()} is empty. */
  public DatasetRequest request(int threads) {
    if (!problems.isEmpty()) throw new IllegalStateException(problems.getFirst());
    ScanOptions scan =
        new ScanOptions(
            restriction(languages), List.of(), List.of(), ScanOptions.DEFAULT.maxFileBytes(), true);
    BuildOptions build =
        BuildOptions.defaults()
            .withScan(scan)
            .withMaxTokens(maxTokens.get())
            .withNearDup(nearDedup.get() ? nearDupThreshold.get() : 1.01)
            .withKinds(restriction(kinds));
    build =
        new BuildOptions(
            build.scan(),
            build.maxTokens(),
            build.nearDup(),
            build.quality(),
            threads,
            build.kinds(),
            build.secrets());
    PrepareOptions prepare =
        new PrepareOptions(
            "",
            seqLen.get(),
            fimRate.get(),
            fimSpmRate.get(),
            valFraction.get(),
            PrepareOptions.DEFAULT_SEED);
    Path tokenizer = trainTokenizer.get() ? null : Path.of(tokenizerFile.get().strip());
    return new DatasetRequest(
        List.copyOf(sources), output(), build, tokenizer, vocabSize.get(), prepare);
  }

  /** The dataset folder the build writes. */
  public Path output() {
    return datasetsDir.resolve(outputName.get().strip());
  }

  public ObservableList<Path> sources() {
    return sources;
  }

  public BooleanProperty language(Language l) {
    return languages.get(l);
  }

  public BooleanProperty kind(SampleKind k) {
    return kinds.get(k);
  }

  public IntegerProperty maxTokensProperty() {
    return maxTokens;
  }

  public BooleanProperty nearDedupProperty() {
    return nearDedup;
  }

  public DoubleProperty nearDupThresholdProperty() {
    return nearDupThreshold;
  }

  public DoubleProperty fimRateProperty() {
    return fimRate;
  }

  public DoubleProperty fimSpmRateProperty() {
    return fimSpmRate;
  }

  public IntegerProperty seqLenProperty() {
    return seqLen;
  }

  public DoubleProperty valFractionProperty() {
    return valFraction;
  }

  public BooleanProperty trainTokenizerProperty() {
    return trainTokenizer;
  }

  public IntegerProperty vocabSizeProperty() {
    return vocabSize;
  }

  public StringProperty tokenizerFileProperty() {
    return tokenizerFile;
  }

  public StringProperty outputNameProperty() {
    return outputName;
  }

  public ObservableList<String> problems() {
    return problems;
  }
}
