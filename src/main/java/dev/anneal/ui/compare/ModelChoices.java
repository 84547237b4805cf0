package dev.anneal.ui.compare;

import dev.anneal.infer.ModelLoader;
import dev.anneal.preset.Preset;
import dev.anneal.runs.RunFolder;
import dev.anneal.ui.fx.WorkspacePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models Compare offers from a workspace's runs (each run, its checkpoints and its untrained
 * preset), how each reads in the pickers, and the path a picker's text names. Plain data: no
 * JavaFX.
 */
final class ModelChoices {
  private static final Comparator<Path> NEWEST_FIRST =
      (a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString());

  private final Path workspace;
  private final Path runsDir;

  /** How choices that are not folders read in the pickers (untrained presets). */
  private final Map<String, String> labels = new HashMap<>();

  ModelChoices(Path workspace, Path runsDir) {
    this.workspace = workspace;
    this.runsDir = runsDir;
  }

  /** The run folders, newest first, each followed by its checkpoints and its untrained preset. */
  List<String> list() throws IOException {
    List<String> runs = new ArrayList<>();
    if (!Files.isDirectory(runsDir)) return runs;
    try (Stream<Path> s = Files.list(runsDir)) {
      s.filter(RunFolder::isRunFolder)
          .sorted(NEWEST_FIRST)
          .forEach(
              p -> {
                runs.add(p.toString());
                runs.addAll(checkpoints(p));
                untrained(p).ifPresent(runs::add);
              });
    }
    return runs;
  }

  /**
   * The run's preset before training ({@code untrained:RUN}, random init from its seed) as a base
   * to compare the run against; none for a LoRA run, whose untrained adapter changes nothing.
   */
  private Optional<String> untrained(Path run) {
    try {
      Preset p = RunFolder.open(run).preset();
      if (p.usesLora()) return Optional.empty();
      String choice = ModelLoader.untrainedOf(run);
      labels.put(choice, ModelLoader.untrainedLabel(p) + " · " + run.getFileName());
      return Optional.of(choice);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A run's checkpoint folders, newest first: any of them can be compared, not only the best. */
  private static List<String> checkpoints(Path run) {
    Path dir = run.resolve(RunFolder.CHECKPOINTS);
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted(NEWEST_FIRST).map(Path::toString).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * How a model choice reads in the pickers: a path inside the runs folder relative to it ({@code
   * nano-20261204-101500/checkpoints/step-000030}), so the run's name is what shows.
   */
  String label(String choice) {
    if (choice == null) return "";
    if (labels.containsKey(choice)) return labels.get(choice);
    try {
      Path p = Path.of(choice);
      return p.startsWith(runsDir) && !p.equals(runsDir)
          ? runsDir.relativize(p).toString()
          : WorkspacePaths.shown(workspace, p);
    } catch (RuntimeException e) {
      return choice;
    }
  }

  /**
   * A model as typed or chosen: {@code untrained:RUN} as it is, a relative path inside the runs
   * folder or the workspace.
   */
  Path path(String text) {
    if (ModelLoader.untrainedRun(text) != null) return Path.of(text);
    if (Path.of(text).isAbsolute()) return Path.of(text);
    Path inRuns = runsDir.resolve(text);
    return Files.exists(inRuns) ? inRuns : WorkspacePaths.resolve(workspace, text);
  }
}
