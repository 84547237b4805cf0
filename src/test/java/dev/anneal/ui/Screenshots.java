package dev.anneal.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Saves pictures of a view into {@code assets/screenshots/} for the README, in the light theme
 * ({@code NAME.png}) and in the dark one ({@code NAME-dark.png}). Headless Monocle renders with the
 * software pipeline, so a snapshot works without a display.
 */
public final class Screenshots {
  private Screenshots() {}

  /**
   * Snapshots {@code node} on the FX thread in both themes and writes {@code
   * assets/screenshots/NAME.png} and {@code NAME-dark.png}; returns the light one. The scene's own
   * stylesheets are put back afterwards.
   */
  public static Path save(Node node, String name) {
    Scene scene = node.getScene();
    List<String> before = List.copyOf(scene.getStylesheets());
    try {
      Path light = write(snapshot(node, "light"), name);
      write(snapshot(node, "dark"), name + "-dark");
      return light;
    } finally {
      run(() -> scene.getStylesheets().setAll(before));
    }
  }

  /**
   * A picture of {@code node} with the studio's stylesheets for {@code theme} ("light" or "dark").
   */
  public static BufferedImage snapshot(Node node, String theme) {
    run(() -> Themes.apply(node.getScene(), theme));
    WaitForAsyncUtils.waitForFxEvents();
    try {
      WritableImage image =
          WaitForAsyncUtils.asyncFx(
                  () -> {
                    node.applyCss();
                    if (node instanceof javafx.scene.Parent p) p.layout();
                    return node.snapshot(null, null);
                  })
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
      return SwingFXUtils.fromFXImage(image, null);
    } catch (Exception e) {
      throw new IllegalStateException("snapshot in the " + theme + " theme failed", e);
    }
  }

  /**
   * The share of pixels brighter than {@code luminance} (0…1): a dark theme leaves only text and
   * accents that bright, a white panel left behind is a large share.
   */
  public static double brightShare(BufferedImage image, double luminance) {
    long bright = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        double l =
            (0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff))
                / 255;
        if (l > luminance) bright++;
      }
    }
    return (double) bright / ((long) image.getWidth() * image.getHeight());
  }

  private static Path write(BufferedImage image, String name) {
    Path out = Path.of("assets", "screenshots", name + ".png");
    try {
      Files.createDirectories(out.getParent());
      ImageIO.write(image, "png", out.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void run(Runnable r) {
    try {
      WaitForAsyncUtils.asyncFx(r).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
