package dev.anneal.data.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SecretScannerTest {
  @Test
  void findsEachKnownShapeOnItsLine() {
    String text =
        String.join(
            "\n",
            "fn main() {",
            "  let aws = \"" + FakeSecrets.awsAccessKey() + "\";",
            "  let gh = \"" + FakeSecrets.githubToken() + "\";",
            "  let db_password = \"" + FakeSecrets.password() + "\";",
            "  let url = \"postgres://admin:" + "hunter22x" + "@db.local/app\";",
            "  let blob = \"" + FakeSecrets.highEntropy() + "\";",
            "}",
            "const KEY: &str = \"" + FakeSecrets.privateKey().replace("\n", "\n") + "\";",
            "");
    List<SecretScanner.Match> found = SecretScanner.find(text);
    assertThat(found)
        .extracting(SecretScanner.Match::kind)
        .containsExactly(
            "aws_access_key",
            "github_token",
            "password",
            "url_password",
            "high_entropy",
            "private_key");
    assertThat(found)
        .extracting(m -> SecretScanner.lineOf(text, m.start()))
        .containsExactly(2, 3, 4, 5, 6, 8);
    // Spans cover exactly the secret: the password's quotes and the URL's user stay outside.
    assertThat(text.substring(found.get(2).start(), found.get(2).end()))
        .isEqualTo(FakeSecrets.password());
    assertThat(text.substring(found.get(3).start(), found.get(3).end())).isEqualTo("hunter22x");
  }

  @Test
  void maskingHidesTheSecretAndKeepsLineNumbers() {
    String text =
        "a = 1\nkey = '''"
            + FakeSecrets.privateKey()
            + "'''\nb = \""
            + FakeSecrets.awsAccessKey()
            + "\"\nc = 3\n";
    String masked = SecretScanner.mask(text, SecretScanner.find(text));
    assertThat(masked)
        .doesNotContain(FakeSecrets.awsAccessKey())
        .doesNotContain("MIIBOgIBAAJBA")
        .contains("[REDACTED:private_key]")
        .contains("b = \"[REDACTED:aws_access_key]\"");
    assertThat(masked.lines().count()).isEqualTo(text.lines().count());
    assertThat(masked.lines().toList().get(6)).isEqualTo("c = 3");
    assertThat(SecretScanner.find(masked)).isEmpty(); // masking twice changes nothing
  }

  @Test
  void ordinaryCodeIsNotASecret() {
    String code =
        String.join(
            "\n",
            "String password = readPassword();",
            "if (password.equals(\"\")) return;",
            "let api_key = env::var(\"API_KEY\")?;",
            "password: \"changeme\"",
            "secret = \"${SECRET_FROM_ENV}\"",
            "String sha = \"3f786850e387550fdab836ed7e6dc881de23001b\";",
            "String name = \"AbstractSingletonProxyFactoryBean\";",
            "String symbol = \"_ZN2at4_ops13_fused_adamw_4callEN3c108ArrayRefINS_6TensorEEES5_\";",
            "");
    assertThat(SecretScanner.find(code)).isEmpty();
  }

  @Test
  void namedSecretsAreFoundInAnyAsciiCaseThroughTheLiteralPreCheck() {
    for (String name :
        new String[] {
          "PassWord", "DB_PWD", "Client_SECRET", "ApiKey", "AUTH-TOKEN", "Private_Key"
        }) {
      String text = "x = 1\n" + name + " = \"" + FakeSecrets.password() + "\"\n";
      assertThat(SecretScanner.find(text))
          .as(name)
          .extracting(SecretScanner.Match::kind)
          .containsExactly("password");
    }
    assertThat(
            SecretScanner.startsWithAnyIgnoringAsciiCase("my PaSs", 3, java.util.List.of("pass")))
        .isTrue();
    // '0' | 0x20 and '@' | 0x20 are no letters: only a letter in either case folds onto it.
    assertThat(SecretScanner.startsWithAnyIgnoringAsciiCase("P@SS", 0, java.util.List.of("pass")))
        .isFalse();
    assertThat(SecretScanner.startsWithAnyIgnoringAsciiCase("p0ss", 0, java.util.List.of("pass")))
        .isFalse();
    // After a match the next one is looked for from its end, as Matcher.find does.
    String two =
        "password = \"" + FakeSecrets.password() + "\"; api_key: '" + FakeSecrets.password() + "x'";
    assertThat(SecretScanner.find(two))
        .extracting(SecretScanner.Match::start)
        .containsExactly(
            two.indexOf(FakeSecrets.password()), two.lastIndexOf(FakeSecrets.password()));
  }

  @Test
  void theQuotedKeyPreCheckNeedsThePatternsMinimumRun() {
    String key = FakeSecrets.highEntropy(); // 40 characters
    assertThat(SecretScanner.hasKeyAlphabetRun("\"" + key.substring(0, 31) + "\"", 32)).isFalse();
    assertThat(SecretScanner.hasKeyAlphabetRun("\"" + key.substring(0, 32) + "\"", 32)).isTrue();
    assertThat(SecretScanner.find("k = \"" + key.substring(0, 32) + "\""))
        .extracting(SecretScanner.Match::kind)
        .containsExactly("high_entropy");
  }

  @Test
  void entropyIsShannonsInBitsPerCharacter() {
    assertThat(SecretScanner.entropy("aaaa")).isZero();
    assertThat(SecretScanner.entropy("abab")).isEqualTo(1.0);
    assertThat(SecretScanner.entropy("abcdefgh")).isEqualTo(3.0);
    assertThat(SecretScanner.entropy("aabc"))
        .isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void envFilesByName() {
    assertThat(SecretScanner.isEnvFile(".env")).isTrue();
    assertThat(SecretScanner.isEnvFile(".env.production")).isTrue();
    assertThat(SecretScanner.isEnvFile("prod.env")).isTrue();
    assertThat(SecretScanner.isEnvFile(".env.example")).isFalse();
    assertThat(SecretScanner.isEnvFile("environment.rs")).isFalse();
  }

  @Test
  void policyParsesOrSaysWhatIsAllowed() {
    assertThat(SecretPolicy.parse("DROP")).isEqualTo(SecretPolicy.DROP);
    assertThatThrownBy(() -> SecretPolicy.parse("hide"))
        .hasMessage("--secrets: 'hide' is not one of mask, drop, keep");
  }

  /** The project's own sources are the sample corpus: nothing in them may look like a secret. */
  @Test
  void theProjectsOwnSourcesHoldNoFalsePositive() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".yaml"))
              .toList()) {
        String text = Files.readString(f);
        assertThat(SecretScanner.find(text)).as(f.toString()).isEmpty();
      }
    }
  }
}
