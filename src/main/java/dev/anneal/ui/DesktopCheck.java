package dev.anneal.ui;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the studio needs from a Linux desktop before JavaFX starts: GTK 3 and a display. Without
 * them JavaFX dies with a stack trace; this says in one line what is missing and that the command
 * line works regardless.
 */
public final class DesktopCheck {
  private DesktopCheck() {}

  /** Why the studio cannot open here, or null when it can (or the platform is not Linux). */
  public static String problem() {
    return problem(System.getProperty("os.name", ""), System.getenv(), DesktopCheck::loads);
  }

  static String problem(String os, Map<String, String> env, Predicate<String> libraryLoads) {
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) return null;
    if (!libraryLoads.test("libgtk-3.so.0")) {
      return "the studio needs GTK 3, which is not installed (sudo apt-get install libgtk-3-0);"
          + " the command line works without it: anneal --help";
    }
    if (blank(env.get("DISPLAY")) && blank(env.get("WAYLAND_DISPLAY"))) {
      return "the studio needs a display (neither DISPLAY nor WAYLAND_DISPLAY is set);"
          + " the command line works without one: anneal --help";
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Whether the dynamic linker finds and loads the library (it stays loaded: JavaFX uses it). */
  private static boolean loads(String name) {
    try {
      SymbolLookup.libraryLookup(name, Arena.global());
      return true;
    } catch (IllegalArgumentException | IllegalCallerException e) {
      return false;
    }
  }
}
