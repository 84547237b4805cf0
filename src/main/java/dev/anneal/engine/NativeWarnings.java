package dev.anneal.engine;

import java.lang.foreign.ValueLayout;

/**
 * libtorch's own warnings on stderr. DJL's JNI uses a guard libtorch calls deprecated ({@code
 * AutoNonVariableTypeMode}), and libtorch says so on every inference process: a line a user can do
 * nothing about. c10 logs a message only at or above {@code FLAGS_caffe2_log_level} (a plain global
 * of libc10.so; the {@code TORCH_CPP_LOG_LEVEL} variable is read too late for a JVM to set), so
 * raising it to ERROR silences warnings and keeps errors.
 */
public final class NativeWarnings {
  /** c10's severities: INFO 0, WARNING 1, ERROR 2, FATAL 3. */
  static final int ERROR = 2;

  private NativeWarnings() {}

  /**
   * Hides libtorch's warnings from here on (not its errors); returns whether it could (Linux x86-64
   * with the symbol present), so callers may say nothing when it cannot.
   */
  public static boolean hide() {
    return LibtorchSymbols.findIn("libc10.so", "FLAGS_caffe2_log_level")
        .map(
            flag -> {
              flag.reinterpret(ValueLayout.JAVA_INT.byteSize()).set(ValueLayout.JAVA_INT, 0, ERROR);
              return true;
            })
        .orElse(false);
  }

  /** The current c10 log level, or -1 when it cannot be read (for tests). */
  static int level() {
    return LibtorchSymbols.findIn("libc10.so", "FLAGS_caffe2_log_level")
        .map(f -> f.reinterpret(ValueLayout.JAVA_INT.byteSize()).get(ValueLayout.JAVA_INT, 0))
        .orElse(-1);
  }
}
