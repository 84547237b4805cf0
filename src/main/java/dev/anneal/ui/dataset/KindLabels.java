package dev.anneal.ui.dataset;

import dev.anneal.data.sample.SampleKind;

/**
 * How sample kinds read in the studio. The data files use one word per kind across languages
 * ({@code struct} for a Java class, {@code trait} for an interface); the studio names both sides so
 * a Java user does not wonder where the classes went.
 */
final class KindLabels {
  private KindLabels() {}

  static String of(SampleKind k) {
    return switch (k) {
      case FILE -> "file";
      case FUNCTION -> "function / method";
      case STRUCT -> "class / struct";
      case ENUM -> "enum";
      case TRAIT -> "interface / trait";
      case IMPL -> "impl block";
      case MODULE -> "module / namespace";
      case TEXT -> "text";
      case CHAT -> "chat (instruction)";
    };
  }

  /** The label of a kind's id from a data file; an id this build does not know reads as itself. */
  static String of(String id) {
    try {
      return of(SampleKind.parse(id));
    } catch (IllegalArgumentException e) {
      return id;
    }
  }
}
