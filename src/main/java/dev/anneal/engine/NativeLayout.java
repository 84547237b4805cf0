package dev.anneal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Where DJL keeps libtorch: it unpacks the bundled build from {@code pytorch-native-cpu} into
 * {@code ENGINE_CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/} and downloads a CUDA build into
 * {@code .../<torch version>-<cuda flavor>-<classifier>/}. Knowing the folders lets the app tell a
 * first start (seconds of unpacking, a splash) from a warm one, and whether a CUDA build is cached.
 * The names follow DJL 0.36's {@code LibUtils}; a test checks them against a real load.
 *
 * @param cacheDir DJL's engine cache for PyTorch ({@code .../djl/pytorch})
 * @param version the bundled build's version, e.g. "2.7.1-20250812"
 * @param flavor the bundled build's flavor, "cpu"
 * @param classifier the platform, e.g. "linux-x86_64"
 * @param bytes uncompressed size of the bundled libraries, or -1 when unknown
 */
public record NativeLayout(
    Path cacheDir, String version, String flavor, String classifier, long bytes) {

  /** The CUDA flavor DJL ships a JNI for with PyTorch 2.7.1 (pytorch-jni's jnilib/.../cu128). */
  public static final String CUDA_FLAVOR = "cu128";

  private static final String PROPERTIES = "native/lib/pytorch.properties";

  /** The bundled build on the class path; its folder under the engine cache {@code cacheRoot}. */
  public static NativeLayout bundled(Path cacheRoot) {
    URL url = NativeLayout.class.getClassLoader().getResource(PROPERTIES);
    if (url == null) {
      throw new IllegalStateException(
          "no " + PROPERTIES + " on the class path: the pytorch-native jar is missing");
    }
    Properties p = new Properties();
    try (InputStream in = url.openStream()) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + url + ": " + e.getMessage(), e);
    }
    String version = p.getProperty("version");
    String flavor = p.getProperty("flavor", "cpu");
    String classifier = p.getProperty("classifier");
    return new NativeLayout(
        cacheRoot.resolve("pytorch"),
        version,
        flavor,
        classifier,
        librariesSize(url, flavor, classifier, p.getProperty("libraries", "")));
  }

  /** The bundled build's folder. */
  public Path bundledFolder() {
    return cacheDir.resolve(version + "-" + flavor + "-" + classifier);
  }

  /** Where DJL puts the CUDA build it downloads (for version "2.7.1-20250812": 2.7.1-cu128-...). */
  public Path cudaFolder() {
    return cacheDir.resolve(torchVersion() + "-" + CUDA_FLAVOR + "-" + classifier);
  }

  /** The PyTorch release, e.g. "2.7.1". */
  public String torchVersion() {
    int dash = version.indexOf('-');
    return dash < 0 ? version : version.substring(0, dash);
  }

  /** Whether libtorch is complete in {@code folder} (DJL moves a finished folder in at once). */
  public static boolean holdsLibtorch(Path folder) {
    return folder.resolve(System.mapLibraryName("torch")).toFile().isFile();
  }

  private static long librariesSize(URL url, String flavor, String classifier, String libraries) {
    try {
      if (!(url.openConnection() instanceof JarURLConnection c)) return -1;
      try (JarFile jar = new JarFile(c.getJarFileURL().getFile())) {
        long sum = 0;
        for (String lib : libraries.split(",")) {
          JarEntry e = jar.getJarEntry("pytorch/" + flavor + "/" + classifier + "/" + lib.trim());
          if (e == null) e = jar.getJarEntry("native/lib/" + lib.trim());
          if (e == null || e.getSize() < 0) return -1;
          sum += e.getSize();
        }
        return sum;
      }
    } catch (IOException e) {
      return -1;
    }
  }
}
