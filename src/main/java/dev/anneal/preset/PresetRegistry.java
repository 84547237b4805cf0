package dev.anneal.preset;

import dev.anneal.io.ClasspathFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Built-in presets (the {@code presets/} folder, packed into the jar) and the user's own (a folder
 * of YAML files). A user preset with a built-in's name shadows it.
 */
public final class PresetRegistry {
  private static final String BUILT_IN_ROOT = "presets";
  private static final ClasspathFolder BUILT_INS = new ClasspathFolder(BUILT_IN_ROOT);

  private final List<Path> userDirs;

  /**
   * @param userDirs folders of user presets, searched in order; missing folders are skipped
   */
  public PresetRegistry(List<Path> userDirs) {
    this.userDirs = List.copyOf(userDirs);
  }

  /** Every preset, built-in first then user, sorted by name within each. */
  public List<PresetEntry> list() {
    Map<String, PresetEntry> byName = new LinkedHashMap<>();
    for (PresetEntry e : builtIns()) byName.put(e.name(), e);
    for (PresetEntry e : userEntries()) byName.put(e.name(), e);
    return byName.values().stream()
        .sorted(
            Comparator.comparing(PresetEntry::builtIn).reversed().thenComparing(PresetEntry::name))
        .toList();
  }

  /**
   * A preset by built-in or user name, or by the path of a preset file.
   *
   * @throws PresetException when nothing matches or the file is broken
   */
  public Preset resolve(String nameOrPath) {
    Path asPath = Path.of(nameOrPath);
    if (nameOrPath.endsWith(".yaml")
        || nameOrPath.endsWith(".yml")
        || Files.isRegularFile(asPath)) {
      if (!Files.isRegularFile(asPath)) {
        throw new PresetException(nameOrPath, 0, "", "no such preset file");
      }
      return PresetLoader.load(asPath);
    }
    Optional<PresetEntry> entry =
        list().stream().filter(e -> e.name().equals(nameOrPath)).findFirst();
    if (entry.isEmpty()) {
      throw new PresetException(
          nameOrPath,
          0,
          "",
          "no preset of that name; known: "
              + String.join(", ", list().stream().map(PresetEntry::name).toList()));
    }
    if (entry.get().error() != null) throw entry.get().error();
    return entry.get().preset();
  }

  /** The built-in preset of this name, if any (for showing how a user preset differs). */
  public Optional<Preset> builtIn(String name) {
    return builtIns().stream()
        .filter(e -> e.name().equals(name) && e.isValid())
        .map(PresetEntry::preset)
        .findFirst();
  }

  /** The YAML text of a preset, as written in its file. */
  public String sourceText(String nameOrPath) {
    Path asPath = Path.of(nameOrPath);
    if (Files.isRegularFile(asPath)) return read(asPath);
    for (PresetEntry e : list()) {
      if (!e.name().equals(nameOrPath)) continue;
      if (e.file() != null) return read(e.file());
      return readBuiltIn(e.name() + ".yaml");
    }
    throw new PresetException(nameOrPath, 0, "", "no preset of that name");
  }

  private List<PresetEntry> builtIns() {
    List<PresetEntry> out = new ArrayList<>();
    for (String file : builtInFileNames()) {
      String name = stripExtension(file);
      String label = BUILT_IN_ROOT + "/" + file;
      try {
        out.add(
            new PresetEntry(
                name, label, true, PresetLoader.parse(readBuiltIn(file), label), null, null));
      } catch (PresetException e) {
        out.add(new PresetEntry(name, label, true, null, e, null));
      }
    }
    return out;
  }

  private List<PresetEntry> userEntries() {
    List<PresetEntry> out = new ArrayList<>();
    for (Path dir : userDirs) {
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(PresetRegistry::isYaml).sorted().toList()) {
          String name = stripExtension(f.getFileName().toString());
          try {
            out.add(new PresetEntry(name, f.toString(), false, PresetLoader.load(f), null, f));
          } catch (PresetException e) {
            out.add(new PresetEntry(name, f.toString(), false, null, e, f));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list presets in " + dir, e);
      }
    }
    return out;
  }

  /** Names of the YAML files in the built-in presets folder. */
  private static List<String> builtInFileNames() {
    return BUILT_INS.files().stream()
        .filter(f -> !f.contains("/") && (f.endsWith(".yaml") || f.endsWith(".yml")))
        .toList();
  }

  private static String readBuiltIn(String file) {
    if (!builtInFileNames().contains(file)) {
      throw new PresetException(file, 0, "", "no such built-in preset");
    }
    return new String(BUILT_INS.read(file), StandardCharsets.UTF_8);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PresetException(p.toString(), 0, "", "cannot read: " + e.getMessage());
    }
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
  }

  private static String stripExtension(String n) {
    return n.substring(0, n.lastIndexOf('.'));
  }
}
