package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DesktopCheckTest {
  @Test
  void missingGtkIsOneLineNamingThePackageAndTheCli() {
    String why = DesktopCheck.problem("Linux", Map.of("DISPLAY", ":0"), lib -> false);
    assertThat(why).contains("libgtk-3-0").contains("anneal --help").doesNotContain("\n");
  }

  @Test
  void noDisplayIsSaid() {
    assertThat(DesktopCheck.problem("Linux", Map.of(), lib -> true)).contains("DISPLAY");
    assertThat(DesktopCheck.problem("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0"), lib -> true))
        .isNull();
  }

  @Test
  void otherPlatformsAreNotChecked() {
    assertThat(DesktopCheck.problem("Mac OS X", Map.of(), lib -> false)).isNull();
  }
}
