package dev.anneal.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The installer check as part of {@code ./mvnw verify} (failsafe, after {@code package} has made
 * target/anneal.jar and target/lib): builds the .deb, and the .rpm where rpmbuild is, with
 * installers/build-installer.sh, then runs installers/check-installer.sh on them. Skipped, saying
 * why, on a machine without the tools (Xvfb, fakeroot...: installers/lib/tools.sh; .ci/run installs
 * them); {@code -DskipITs} leaves it out.
 */
class InstallerIT {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final long LIMIT_MINUTES = 30;

  @Test
  void packagesInstallStartTheStudioAndTrain() throws Exception {
    assumeTrue(
        System.getProperty("os.name").equals("Linux"),
        () ->
            say(
                "installer check skipped: it builds Linux packages, this is "
                    + System.getProperty("os.name")));
    List<String> types = new ArrayList<>();
    for (String type : List.of("deb", "rpm")) {
      String missing =
          String.join(", ", run(List.of("installers/check-installer.sh", "--missing-tools", type)));
      if (missing.isBlank()) types.add(type);
      else say("installer check: no ." + type + " here, missing " + missing);
    }
    assumeFalse(types.isEmpty(), () -> say("installer check skipped: missing tools (see above)"));

    List<String> build = new ArrayList<>(List.of("installers/build-installer.sh"));
    build.addAll(types);
    run(build);
    List<String> check = new ArrayList<>(List.of("installers/check-installer.sh", "--no-build"));
    check.addAll(types);
    assertThat(run(check)).last().isEqualTo("check-installer: OK");
  }

  /** Runs a script from the repository root, echoing its output; fails on a non-zero exit. */
  private static List<String> run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("APP_VERSION", System.getProperty("installer.appVersion", "0.1.0"));
    env.put("JAVAFX_PLATFORM", System.getProperty("installer.javafxPlatform", "linux"));
    env.put(
        "JVM_FLAGS",
        System.getProperty("installer.jvmFlags", "--enable-native-access=ALL-UNNAMED"));
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    // Echoed line by line through System.out: the forked JVM's own stdout is failsafe's channel.
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
        if (!command.contains("--missing-tools")) System.out.println(line);
      }
    }
    if (!p.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(command.get(0) + " ran past " + LIMIT_MINUTES + " minutes");
    }
    assertThat(p.exitValue()).as("%s exit code (output above)", String.join(" ", command)).isZero();
    return lines;
  }

  private static String say(String message) {
    System.out.println(message);
    return message;
  }
}
