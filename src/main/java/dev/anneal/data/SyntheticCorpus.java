package dev.anneal.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a repository of generated source files for benchmarks: mostly Rust (structs with derives,
 * enums, traits, impl blocks, doc comments, raw strings, matches), some Python, Go, TypeScript and
 * Markdown, with identifiers drawn at random so files differ as real ones do. Deterministic for a
 * seed.
 */
public final class SyntheticCorpus {
  private static final String[] WORDS = {
    "payment",
    "refund",
    "merchant",
    "customer",
    "connector",
    "router",
    "intent",
    "mandate",
    "webhook",
    "capture",
    "session",
    "token",
    "card",
    "wallet",
    "amount",
    "currency",
    "status",
    "profile",
    "routing",
    "config",
    "request",
    "response",
    "error",
    "state",
    "account",
    "address",
    "billing",
    "dispute",
    "payout",
    "fraud",
    "retry",
    "cache",
    "store",
    "metric",
    "event",
    "schema",
    "client",
    "secret",
    "vault",
    "ledger"
  };

  private final SplittableRandom rng;

  public SyntheticCorpus(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  /**
   * Writes files under {@code root} until their sizes add up to {@code bytes}; returns the total.
   */
  public long write(Path root, long bytes) throws IOException {
    long total = 0;
    int n = 0;
    while (total < bytes) {
      int pick = rng.nextInt(100);
      String dir = "crates/" + word() + "_" + (n % 40);
      String name;
      String text;
      if (pick < 70) {
        name = dir + "/src/" + word() + "_" + n + ".rs";
        text = rust(8 + rng.nextInt(20));
      } else if (pick < 80) {
        name = "scripts/" + word() + "_" + n + ".py";
        text = python(6 + rng.nextInt(14));
      } else if (pick < 88) {
        name = "go/" + word() + "_" + n + ".go";
        text = go(6 + rng.nextInt(14));
      } else if (pick < 96) {
        name = "web/" + word() + "_" + n + ".ts";
        text = typescript(6 + rng.nextInt(14));
      } else {
        name = "docs/" + word() + "_" + n + ".md";
        text = markdown(10 + rng.nextInt(30));
      }
      Path p = root.resolve(name);
      Files.createDirectories(p.getParent());
      byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Files.write(p, b);
      total += b.length;
      n++;
    }
    return total;
  }

  private String word() {
    return WORDS[rng.nextInt(WORDS.length)];
  }

  private String snake() {
    return word() + "_" + word();
  }

  private String camel() {
    String a = word(), b = word();
    return Character.toUpperCase(a.charAt(0))
        + a.substring(1)
        + Character.toUpperCase(b.charAt(0))
        + b.substring(1);
  }

  private String rust(int items) {
    StringBuilder sb =
        new StringBuilder("//! The ")
            .append(word())
            .append(" module.\n\nuse std::collections::HashMap;\nuse crate::errors::{self, ")
            .append(camel())
            .append("};\n\n");
    for (int i = 0; i < items; i++) {
      String t = camel() + i;
      switch (rng.nextInt(5)) {
        case 0 ->
            sb.append("/// A ")
                .append(word())
                .append(" record for the ")
                .append(word())
                .append(
                    " flow.\n#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]\npub struct ")
                .append(t)
                .append(" {\n")
                .append(fields(3 + rng.nextInt(6)))
                .append("}\n\n");
        case 1 ->
            sb.append("#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum ")
                .append(t)
                .append(" {\n    ")
                .append(camel())
                .append(",\n    ")
                .append(camel())
                .append(" { code: u16 },\n    ")
                .append(camel())
                .append("(String),\n}\n\n");
        case 2 ->
            sb.append("impl ")
                .append(t)
                .append(" {\n")
                .append(method(t))
                .append(method(t))
                .append("}\n\n");
        case 3 ->
            sb.append("pub trait ")
                .append(t)
                .append("Ext {\n    fn ")
                .append(snake())
                .append("(&self) -> Result<(), errors::")
                .append(camel())
                .append(">;\n    /// Default: nothing to do.\n    fn ")
                .append(snake())
                .append("(&self) -> &'static str { \"")
                .append(word())
                .append(" }\" }\n}\n\n");
        default -> sb.append(function());
      }
    }
    return sb.toString();
  }

  private String fields(int n) {
    StringBuilder sb = new StringBuilder();
    String[] types = {
      "String",
      "i64",
      "Option<String>",
      "Vec<u8>",
      "HashMap<String, i64>",
      "bool",
      "common_utils::id_type::" + camel()
    };
    for (int i = 0; i < n; i++)
      sb.append("    pub ")
          .append(snake())
          .append(i)
          .append(": ")
          .append(types[rng.nextInt(types.length)])
          .append(",\n");
    return sb.toString();
  }

  private String method(String t) {
    return "    /// Returns the "
        + word()
        + " of this "
        + word()
        + ".\n    pub fn "
        + snake()
        + "(&self, "
        + word()
        + ": &str) -> Result<"
        + t
        + ", String> {\n"
        + "        let key = format!(\"{}:{}\", \""
        + word()
        + "\", "
        + rng.nextInt(1000)
        + ");\n"
        + "        match key.len() {\n            0 => Err(r#\"empty \"key\"\"#.to_string()),\n            n if n > "
        + rng.nextInt(64)
        + " => Err(format!(\"too long: {n}\")),\n"
        + "            _ => Ok(self.clone()),\n        }\n    }\n";
  }

  private String function() {
    String name = snake() + "_" + rng.nextInt(10_000);
    return "/// Computes the "
        + word()
        + " for a "
        + word()
        + " ('a' is a char, 'b a lifetime).\npub async fn "
        + name
        + "<'b>(input: &'b str, limit: u64) -> Result<u64, String> {\n"
        + "    let mut total: u64 = "
        + rng.nextInt(100)
        + ";\n    for (i, c) in input.chars().enumerate() {\n        if c == '{' || c == '}' { continue; }\n"
        + "        total = total.saturating_add((i as u64) * "
        + rng.nextInt(97)
        + ");\n    }\n    /* nested /* comment */ with { brace */\n"
        + "    if total > limit { return Err(\""
        + word()
        + " over limit\".into()); }\n    Ok(total)\n}\n\n";
  }

  private String python(int items) {
    StringBuilder sb =
        new StringBuilder(
            "\"\"\"Helpers for " + word() + " " + word() + ".\"\"\"\nimport json\n\n");
    for (int i = 0; i < items; i++) {
      if (rng.nextBoolean()) {
        sb.append("class ")
            .append(camel())
            .append(i)
            .append(":\n    \"\"\"A ")
            .append(word())
            .append(".\"\"\"\n\n    def __init__(self, ")
            .append(word())
            .append("):\n        self.value = ")
            .append(rng.nextInt(1000))
            .append("\n\n    def ")
            .append(snake())
            .append("(self):\n        return json.dumps({\"")
            .append(word())
            .append("\": self.value})\n\n");
      } else {
        sb.append("def ")
            .append(snake())
            .append("_")
            .append(i)
            .append("(items, limit=")
            .append(rng.nextInt(100))
            .append(
                "):\n    total = 0\n    for item in items:\n        if item > limit:\n            break\n        total += item * ")
            .append(rng.nextInt(50))
            .append("\n    return total\n\n");
      }
    }
    return sb.toString();
  }

  private String go(int items) {
    StringBuilder sb = new StringBuilder("package " + word() + "\n\nimport \"fmt\"\n\n");
    for (int i = 0; i < items; i++) {
      String t = camel() + i;
      sb.append("// ")
          .append(t)
          .append(" holds a ")
          .append(word())
          .append(".\ntype ")
          .append(t)
          .append(" struct {\n\tName string\n\tCount int\n}\n\n");
      sb.append("func (x *")
          .append(t)
          .append(") ")
          .append(camel())
          .append("() string {\n\treturn fmt.Sprintf(\"%s-%d\", x.Name, x.Count+")
          .append(rng.nextInt(100))
          .append(")\n}\n\n");
    }
    return sb.toString();
  }

  private String typescript(int items) {
    StringBuilder sb = new StringBuilder("import { api } from \"./api\";\n\n");
    for (int i = 0; i < items; i++) {
      String t = camel() + i;
      sb.append("export interface ")
          .append(t)
          .append(" { ")
          .append(word())
          .append(": string; ")
          .append(word())
          .append(": number }\n\n");
      sb.append("export function ")
          .append(snake())
          .append(i)
          .append("(x: ")
          .append(t)
          .append("): string {\n  return `${x} ")
          .append(word())
          .append("`;\n}\n\n");
    }
    return sb.toString();
  }

  private String markdown(int paragraphs) {
    StringBuilder sb = new StringBuilder("# The ").append(word()).append(" guide\n\n");
    for (int i = 0; i < paragraphs; i++) {
      for (int w = 0; w < 40; w++) sb.append(word()).append(w % 9 == 8 ? ". " : " ");
      sb.append("\n\n");
    }
    return sb.toString();
  }
}
