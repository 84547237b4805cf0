package dev.anneal.model.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model, adapter or tensor file that is malformed or does not fit; the message names the file.
 */
public final class ModelFormatException extends IOException {
  public ModelFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ModelFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
