package dev.anneal.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Saves a picture of a view into {@code assets/screenshots/} for the README. Headless Monocle
 * renders with the software pipeline, so a snapshot works without a display.
 */
public final class Screenshots {
  private Screenshots() {}

  /** Snapshots {@code node} on the FX thread and writes {@code assets/screenshots/NAME.png}. */
  public static Path save(Node node, String name) {
    WaitForAsyncUtils.waitForFxEvents();
    WritableImage image;
    try {
      image = WaitForAsyncUtils.asyncFx(() -> node.snapshot(null, null)).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("snapshot of " + name + " failed", e);
    }
    Path out = Path.of("assets", "screenshots", name + ".png");
    try {
      Files.createDirectories(out.getParent());
      ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", out.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
